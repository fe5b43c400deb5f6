// Loads the libtorch addon built by `npm ci` (native/cfa_native.cc) and explains what to install when it is missing.
import * as fs from 'fs';
import * as path from 'path';

/** Opaque handle to a native tensor: a number naming a slot of the addon's tensor table. */
export type Handle = number & { readonly __nativeTensor: unique symbol };

// Every op is a row of the native op table; the TypeScript wrappers in tensor.ts give them types.
export type NativeOps = Record<string, (...args: any[]) => any>;

function locate(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'build', 'Release', 'cfa_native.node');
    if (fs.existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  return '';
}

function load(): NativeOps {
  const file = locate();
  if (!file) {
    throw new Error(
      'cfa: the native engine (build/Release/cfa_native.node) is not built.\n' +
        '  It needs libtorch: `apt-get install libtorch-dev libopenblas0-openmp` on Debian/Ubuntu,\n' +
        '  or `export LIBTORCH=/path/to/torch` (a folder with include/ and lib/), then `npm ci` or `npm run build:native`.',
    );
  }
  try {
    return require(file) as NativeOps;
  } catch (e) {
    throw new Error(
      `cfa: the native engine at ${file} failed to load: ${(e as Error).message}\n` +
        '  Is libtorch still installed where it was built against? Rebuild with `npm run build:native`.',
    );
  }
}

export const N: NativeOps = load();
