'use strict';
// Locates libtorch the way the build and the loader both need it: $LIBTORCH first, then the system install.
const fs = require('fs');
const path = require('path');

const MISSING_LIBTORCH = [
  'cfa: libtorch was not found.',
  '  Debian/Ubuntu:   apt-get install libtorch-dev libopenblas0-openmp',
  '  PyTorch install: export LIBTORCH=$(python3 -c "import torch, os; print(os.path.dirname(torch.__file__))")',
  '  Any libtorch:    export LIBTORCH=/path/to/libtorch   (a folder with include/ and lib/)',
  'then run `npm ci` (or `npm run build:native`) again.',
].join('\n');

function multiarchLibDirs() {
  const dirs = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib'];
  return dirs.filter((d) => fs.existsSync(path.join(d, 'libtorch.so')));
}

function readVersion(includeDir) {
  try {
    const txt = fs.readFileSync(path.join(includeDir, 'torch', 'csrc', 'api', 'include', 'torch', 'version.h'), 'utf8');
    const m = /TORCH_VERSION\s+"([^"]+)"/.exec(txt);
    if (m) return m[1];
    const parts = ['MAJOR', 'MINOR', 'PATCH'].map((k) => (new RegExp(`TORCH_VERSION_${k}\\s+(\\d+)`).exec(txt) || [])[1]);
    return parts.every(Boolean) ? parts.join('.') : undefined;
  } catch {
    return undefined;
  }
}

function cxx11AbiDefine(root) {
  // PyTorch wheels before 2.7 were built with the old C++ ABI; their CMake config says which.
  const cfg = path.join(root, 'share', 'cmake', 'Torch', 'TorchConfig.cmake');
  try {
    const m = /_GLIBCXX_USE_CXX11_ABI=(\d)/.exec(fs.readFileSync(cfg, 'utf8'));
    return m ? [`_GLIBCXX_USE_CXX11_ABI=${m[1]}`] : [];
  } catch {
    return [];
  }
}

// The first of dirs that holds file, or undefined.
function findInclude(dirs, file) {
  return dirs.find((d) => fs.existsSync(path.join(d, file)));
}

// c10d backends (native/collectives.cc): Gloo when its headers are there (Debian: libgloo-dev), NCCL when libtorch is
// a CUDA build and nccl.h and the CUDA runtime headers are found. Their headers need USE_C10D_GLOO/USE_C10D_NCCL.
function withDistributed(t, root) {
  const defines = [];
  const includes = [];
  if (findInclude(t.includes, path.join('gloo', 'algorithm.h'))) defines.push('USE_C10D_GLOO');
  if (t.cuda) {
    const cudaHome = process.env.CUDA_HOME || process.env.CUDA_PATH || '/usr/local/cuda';
    const site = root ? path.join(root, '..', 'nvidia') : undefined;
    const cudaDirs = [path.join(cudaHome, 'include'), ...(site ? [path.join(site, 'cuda_runtime', 'include')] : []), '/usr/include'];
    const ncclDirs = [...(process.env.NCCL_HOME ? [path.join(process.env.NCCL_HOME, 'include')] : []), ...(site ? [path.join(site, 'nccl', 'include')] : []), ...cudaDirs];
    const cudaInc = findInclude(cudaDirs, 'cuda_runtime.h');
    const ncclInc = findInclude(ncclDirs, 'nccl.h');
    if (cudaInc && ncclInc) {
      defines.push('USE_C10D_NCCL');
      for (const d of [cudaInc, ncclInc]) if (!t.includes.includes(d) && !includes.includes(d)) includes.push(d);
    }
  }
  return { ...t, includes: [...t.includes, ...includes], defines: [...t.defines, ...defines], gloo: defines.includes('USE_C10D_GLOO'), nccl: defines.includes('USE_C10D_NCCL') };
}

// The addon's parallel loops (at::parallel_for in conv2d.cc and sort.cc) are inline ATen code: they run on libtorch's
// OpenMP threads only when compiled with -fopenmp, which is safe when libtorch itself uses the system's GNU OpenMP
// (Debian). Any other runtime (a PyTorch wheel's bundled libgomp, or none) leaves them serial, still correct.
function withOpenMp(t) {
  const { spawnSync } = require('child_process');
  const r = spawnSync('readelf', ['-d', path.join(t.libDir, 'libtorch_cpu.so')], { encoding: 'utf8' });
  const needed = r.status === 0 ? [...r.stdout.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]) : [];
  return { ...t, openmp: needed.includes('libgomp.so.1') };
}

function fromRoot(root) {
  const inc = path.join(root, 'include');
  const lib = path.join(root, 'lib');
  if (!fs.existsSync(path.join(inc, 'ATen', 'ATen.h')) || !fs.existsSync(path.join(lib, 'libtorch.so'))) return null;
  const cuda = fs.existsSync(path.join(lib, 'libtorch_cuda.so'));
  const libs = ['torch', 'torch_cpu', 'c10', ...(cuda ? ['torch_cuda', 'c10_cuda'] : [])];
  const t = {
    includes: [inc, path.join(inc, 'torch', 'csrc', 'api', 'include')],
    libDir: lib,
    libs,
    defines: cxx11AbiDefine(root),
    cuda,
    version: readVersion(inc),
  };
  return withOpenMp(withDistributed(t, root));
}

function findLibtorch() {
  if (process.env.LIBTORCH) {
    const t = fromRoot(path.resolve(process.env.LIBTORCH));
    if (!t) {
      console.error(`cfa: LIBTORCH=${process.env.LIBTORCH} has no include/ATen/ATen.h and lib/libtorch.so.`);
      return null;
    }
    return t;
  }
  const sysInc = '/usr/include';
  const libDirs = multiarchLibDirs();
  if (fs.existsSync(path.join(sysInc, 'ATen', 'ATen.h')) && libDirs.length > 0) {
    const t = {
      includes: [sysInc, path.join(sysInc, 'torch', 'csrc', 'api', 'include')],
      libDir: libDirs[0],
      libs: ['torch', 'torch_cpu', 'c10'],
      defines: [],
      cuda: false,
      version: readVersion(sysInc),
    };
    return withOpenMp(withDistributed(t));
  }
  return null;
}

module.exports = { findLibtorch, MISSING_LIBTORCH };
