#!/usr/bin/env node
// Builds the libtorch addon with node-gyp. libtorch is taken from $LIBTORCH (a folder with include/ and lib/,
// e.g. a PyTorch install's torch/ folder, CUDA builds included) or else from the Debian/Ubuntu system location.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { findLibtorch, MISSING_LIBTORCH } = require('./find-libtorch');

const root = path.join(__dirname, '..');
const torch = findLibtorch();
if (!torch) {
  console.error(MISSING_LIBTORCH);
  process.exit(1);
}

const env = {
  ...process.env,
  CFA_TORCH_INCLUDES: torch.includes.join(' '),
  CFA_TORCH_LIBDIR: torch.libDir,
  CFA_TORCH_LIBS: torch.libs.map((l) => `-l${l}`).join(' '),
  CFA_TORCH_DEFINES: torch.defines.join(' '),
  CFA_OPENMP: torch.openmp ? '-fopenmp' : '',
};

const args = ['rebuild', '--release'];
// Build offline against the installed Node headers when they are there (Debian's nodejs / libnode-dev).
const nodeHeaders = ['/usr/include/node/node_api.h', path.join(path.dirname(process.execPath), '..', 'include', 'node', 'node_api.h')];
const found = nodeHeaders.find((p) => fs.existsSync(p));
if (found && !args.some((a) => a.startsWith('--nodedir'))) args.push(`--nodedir=${path.resolve(path.dirname(found), '..', '..')}`);
args.push(`--jobs=${Math.max(1, require('os').cpus().length)}`);

// npm hands its own node-gyp to install scripts; outside npm, use the copy bundled with npm.
const bundled = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
const gyp = process.env.npm_config_node_gyp || (fs.existsSync(bundled) ? bundled : undefined);
const cmd = gyp ? process.execPath : 'node-gyp';
const cmdArgs = gyp ? [gyp, ...args] : args;
const backends = [torch.gloo ? 'gloo' : '', torch.nccl ? 'nccl' : ''].filter(Boolean).join(', ') || 'none: libgloo-dev is missing';
console.error(
  `cfa: building the native engine against libtorch ${torch.version ?? ''} in ${torch.libDir}${torch.cuda ? ' (CUDA)' : ''}; process groups: ${backends}; ` +
    `parallel loops: ${torch.openmp ? "libtorch's OpenMP threads" : 'serial (libtorch does not use the system GNU OpenMP)'}`,
);
const r = spawnSync(cmd, cmdArgs, { cwd: root, env, stdio: 'inherit' });
if (r.error) {
  console.error(`cfa: could not run node-gyp (${r.error.message}). Run the build through npm (npm ci) or install node-gyp.`);
  process.exit(1);
}
process.exit(r.status ?? 1);
