// Stopping a run that has diverged: non-finite losses or weights end it with a clear message, before anything of the
// bad epoch is saved (the previous epoch's state and checkpoints stay as they were).
import { Tensor, tidy } from '../engine';
import { Module } from '../nn';

export class DivergenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DivergenceError';
  }
}

/** Throws a DivergenceError when the batch loss is NaN or infinite (epoch and batch are 0-based, reported 1-based). */
export function checkLoss(loss: number, epoch: number, batch: number): void {
  if (!Number.isFinite(loss)) {
    throw new DivergenceError(`training diverged: the loss is ${loss} at epoch ${epoch + 1}, batch ${batch + 1}. Try a smaller --lr or ε; nothing of this epoch was saved`);
  }
}

/** Names of parameters and buffers holding NaN or ±Infinity. */
export function nonFiniteEntries(model: Module): string[] {
  const bad: string[] = [];
  for (const [k, t] of model.stateDict()) {
    if (t.dtype !== 'float32' && t.dtype !== 'float64') continue;
    if (!tidy(() => (t as Tensor).isfinite().all().item())) bad.push(k);
  }
  return bad;
}

/** Throws a DivergenceError naming the first non-finite weights of `model`. */
export function checkWeights(model: Module, epoch: number): void {
  const bad = nonFiniteEntries(model);
  if (bad.length) {
    throw new DivergenceError(`training diverged: non-finite weights after epoch ${epoch + 1} (${bad.slice(0, 3).join(', ')}${bad.length > 3 ? ', …' : ''}); nothing of this epoch was saved`);
  }
}
