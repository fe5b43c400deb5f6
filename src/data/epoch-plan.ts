// The order and augmentation draws of one epoch, a pure function of (seed, epoch): resuming at any batch of any
// epoch reproduces exactly the batches an uninterrupted run would have seen.
import { EpochPlan, PadMode } from './augment';
import { createRng, STREAM } from './prng';

export interface PlanOptions {
  shuffle: boolean;
  augment: 'crop-flip' | 'none';
  pad: number;
  padMode: PadMode;
}

/**
 * Order: identity, or a Fisher–Yates permutation from stream (seed, epoch, order). Augmentation: for each position,
 * top and left uniform in 0..2·pad and flip with probability 1/2, from stream (seed, epoch, augment).
 */
export function epochPlan(n: number, seed: number, epoch: number, opts: PlanOptions): EpochPlan {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (opts.shuffle) createRng(seed, epoch, STREAM.order).shuffle(order);
  const m = opts.augment === 'crop-flip' ? n : 0;
  const top = new Uint8Array(m);
  const left = new Uint8Array(m);
  const flip = new Uint8Array(m);
  const rng = createRng(seed, epoch, STREAM.augment);
  const span = 2 * opts.pad + 1;
  for (let p = 0; p < m; p++) {
    top[p] = rng.int(span);
    left[p] = rng.int(span);
    flip[p] = rng.int(2);
  }
  return { order, top, left, flip, pad: opts.pad, padMode: opts.padMode };
}
