#!/usr/bin/env node
// Runs every compiled test file (dist/test/**/*.test.js) with Node's test runner, one file per process.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.join(__dirname, '..', 'dist', 'test');
const files = [];
(function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.test.js')) files.push(p);
  }
})(root);
const filter = process.argv.slice(2);
const chosen = filter.length ? files.filter((f) => filter.some((s) => f.includes(s))) : files;
if (chosen.length === 0) {
  console.error('no test files found under dist/test');
  process.exit(1);
}
// Decoded-image caches go to a throw-away folder, not the user's ~/.cache.
const cacheDir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'cfa-test-cache-'));
const env = { ...process.env, CFA_CACHE_DIR: process.env.CFA_CACHE_DIR ?? cacheDir };
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...chosen.sort()], { stdio: 'inherit', env });
fs.rmSync(cacheDir, { recursive: true, force: true });
process.exit(r.status ?? 1);
