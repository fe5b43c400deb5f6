// EMA baseline (paper §4.3, §5.1; docs/methods.md#ema): an exponential moving average of the weights, once per epoch.
import { Module } from '../nn';
import { AveragedModel, foldIn } from './weight-average';

export interface EmaOptions {
  /** Decay α (paper 0.85, official code 0.88). */
  decay: number;
  /** First epoch folded in (paper: epoch 50 of 200; official code: 0). */
  begin: number;
}

/** After epoch `epoch`'s training: θ̄ ← θ at the first epoch ≥ begin, then θ̄ ← α·θ̄ + (1−α)·θ. Returns whether it updated. */
export function emaUpdate(ema: AveragedModel, model: Module, epoch: number, o: EmaOptions): boolean {
  if (epoch < o.begin) return false;
  foldIn(ema, model, o.decay);
  return true;
}
