// Seeded random numbers from libtorch's default generator. manualSeed makes CPU runs reproducible; the generator
// state can be saved and restored (for resuming a run exactly).
import { Handle, N } from './native';
import { DType, Device, Shape, Tensor, w } from './tensor';

/** Seeds the CPU (and CUDA) default generators. */
export function manualSeed(seed: number): void {
  N.manualSeed(seed);
}
/** The default generator's state of a device (the CPU's by default) as a uint8 CPU tensor. */
export function getRngState(device?: Device): Tensor {
  return w(N.rngState(device ?? null));
}
/** Restores a state taken by getRngState on the same kind of device. */
export function setRngState(state: Tensor, device?: Device): void {
  N.setRngState(state.handle, device ?? null);
}
/** U[0, 1). */
export function rand(shape: Shape, dtype: DType = 'float32', device?: Device): Tensor {
  return w(N.rand(shape, dtype, device ?? null));
}
/** U[lo, hi). */
export function uniform(shape: Shape, lo: number, hi: number, dtype: DType = 'float32', device?: Device): Tensor {
  return rand(shape, dtype, device).uniform_(lo, hi);
}
/** N(0, 1). */
export function randn(shape: Shape, dtype: DType = 'float32', device?: Device): Tensor {
  return w(N.randn(shape, dtype, device ?? null));
}
export function randLike(t: Tensor): Tensor {
  return sharded(t, N.randLike) ?? w(N.randLike(t.handle));
}
export function randnLike(t: Tensor): Tensor {
  return sharded(t, N.randnLike) ?? w(N.randnLike(t.handle));
}

/** Rows offset..offset+count of a global batch of total rows: the part of a batch one process of a data-parallel run holds. */
export interface BatchShard {
  offset: number;
  count: number;
  total: number;
}
let shard: BatchShard | undefined;

/**
 * Runs fn with randLike and randnLike drawing, for a tensor of `count` rows, the numbers of the whole global batch
 * (same shape past the first dimension, same memory layout) and returning this shard's rows: per-sample random
 * numbers and the generator's state then do not depend on how many processes split the batch.
 */
export function withBatchShard<R>(s: BatchShard, fn: () => R): R {
  const prev = shard;
  shard = s.count === s.total ? undefined : s;
  try {
    return fn();
  } finally {
    shard = prev;
  }
}

function sharded(t: Tensor, draw: (h: Handle) => Handle): Tensor | undefined {
  if (!shard || t.shape[0] !== shard.count) return undefined;
  const base = N.empty([shard.total, ...t.shape.slice(1)], t.dtype, t.device);
  const layout = t.isChannelsLast ? N.channelsLast(base) : base;
  const full = draw(layout);
  const out = w(N.narrow(full, 0, shard.offset, shard.count));
  for (const h of new Set([base, layout, full])) N.dispose(h);
  return out;
}
/** Integers in [low, high) (int64). */
export function randint(low: number, high: number, shape: Shape, device?: Device): Tensor {
  return w(N.randint(low, high, shape, device ?? null));
}
/** A random permutation of 0..n−1 (int64). */
export function randperm(n: number, device?: Device): Tensor {
  return w(N.randperm(n, device ?? null));
}
/** Bernoulli draws with per-element probabilities p. */
export function bernoulli(p: Tensor): Tensor {
  return w(N.bernoulli(p.handle));
}
