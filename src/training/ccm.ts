// CCM, Class-wise Calibrated Margin (paper §4.1, docs/methods.md#ccm).
import { UserError } from '../errors';

/** Eq. (6): ε_k = (λ₁ + t_k)·ε from the previous epoch's class-wise train robust accuracy t_k. Not clipped (docs/methods.md#deviations). */
export function calibratedMargins(trainRobustPerClass: readonly number[], lambda1: number, eps: number): number[] {
  return trainRobustPerClass.map((t) => (lambda1 + t) * eps);
}

/**
 * The ε_k used in `epoch`: ε for every class before `begin` (or without a previous epoch's statistics), eq. (6)
 * from `begin` on. `begin` ≥ 1 since eq. (6) reads the previous epoch.
 */
export function marginsForEpoch(epoch: number, o: { eps: number; numClasses: number; lambda1: number; begin: number; enabled: boolean }, previous?: readonly number[]): number[] {
  if (!o.enabled || epoch < o.begin || !previous) return new Array<number>(o.numClasses).fill(o.eps);
  if (previous.length !== o.numClasses) throw new UserError(`CCM: expected ${o.numClasses} class accuracies, got ${previous.length}`);
  return calibratedMargins(previous, o.lambda1, o.eps);
}
