// Shared benchmark helpers: wall-clock timing after warm-up, and running the PyTorch side of a workload.
import { spawnSync } from 'child_process';
import * as path from 'path';
import { getNumThreads } from '../src/engine';

/** Mean seconds per call of fn over `steps` calls, after `warmup` untimed calls. */
export function timeSteps(fn: () => void, steps: number, warmup = 2): number {
  for (let i = 0; i < warmup; i++) fn();
  const t = process.hrtime.bigint();
  for (let i = 0; i < steps; i++) fn();
  return Number(process.hrtime.bigint() - t) / 1e9 / steps;
}

/** The Debian PyTorch interpreter (python3-torch); CFA_BENCH_PYTHON overrides. */
export const PYTHON = process.env.CFA_BENCH_PYTHON ?? '/usr/bin/python3';

/**
 * The PyTorch side's environment: the same thread count as our engine, and PyTorch at its best on this machine: glibc's
 * mmap and trim thresholds raised, which saves it about a quarter of a PGD step by not returning activation memory to
 * the kernel every step (our addon caches those blocks itself).
 */
export function pythonEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    OMP_NUM_THREADS: String(getNumThreads()),
    MALLOC_MMAP_THRESHOLD_: String(32 * 1024 * 1024),
    MALLOC_TRIM_THRESHOLD_: String(1024 * 1024 * 1024),
    MALLOC_TOP_PAD_: String(64 * 1024 * 1024),
  };
}

/** Runs bench/py/<script> once under pythonEnv() and returns its last stdout line parsed as JSON. */
export function runPython(script: string, args: string[]): unknown {
  const env = pythonEnv();
  const file = path.join(__dirname, '..', '..', 'bench', 'py', script);
  const r = spawnSync(PYTHON, [file, ...args], { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`PyTorch side failed (${PYTHON} ${script}): ${r.stderr || r.error}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}
