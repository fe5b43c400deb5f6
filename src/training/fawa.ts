// FAWA, Fairness-Aware Weight Averaging (paper §4.3, Alg. 1; docs/methods.md#fawa).
import { Module } from '../nn';
import { AveragedModel, foldIn } from './weight-average';

export interface FawaOptions {
  /** Decay α (paper 0.85, official code 0.88). */
  decay: number;
  /** Fairness threshold δ on the validation robust fairness measure (worst class or worst-20% mean; paper 0.2, official code 0.24). */
  threshold: number;
  /** First epoch that may be folded in (paper: epoch 50 of 200; official code: 0, i.e. the first accepted epoch). */
  begin: number;
}

/**
 * Whether FAWA accepts a checkpoint: epoch ≥ begin and the measure ≥ δ, where the measure is min_k r_k or, on
 * many-class data (App. C.1), the mean of the worst 20% of r_k (r_k: validation PGD robust accuracy of class k).
 */
export function fawaAccepts(worstValidRobust: number, epoch: number, o: FawaOptions): boolean {
  return epoch >= o.begin && worstValidRobust >= o.threshold;
}

/**
 * After epoch `epoch`: folds θ into θ̄ when FAWA accepts it (the first accepted θ initialises θ̄), otherwise leaves
 * θ̄ unchanged. Returns whether θ̄ changed.
 */
export function fawaUpdate(fawa: AveragedModel, model: Module, worstValidRobust: number, epoch: number, o: FawaOptions): boolean {
  if (!fawaAccepts(worstValidRobust, epoch, o)) return false;
  foldIn(fawa, model, o.decay);
  return true;
}
