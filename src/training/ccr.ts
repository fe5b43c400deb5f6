// CCR, Class-wise Calibrated Regularization (paper §4.2, docs/methods.md#ccr), for the TRADES-family losses.

/** Eq. (7): β_k = (λ₂ + t_k)·β from the previous epoch's class-wise train robust accuracy t_k. */
export function calibratedBetas(trainRobustPerClass: readonly number[], lambda2: number, beta: number): number[] {
  return trainRobustPerClass.map((t) => (lambda2 + t) * beta);
}

/** Eq. (8)'s per-class weight on the KL term, b_k = β_k / (1 + β_k); the CE term gets 1 − b_k. */
export function klWeights(betas: readonly number[]): number[] {
  return betas.map((b) => b / (1 + b));
}

/** The β_k used in `epoch`: β for every class before `begin` (or without CCR), eq. (7) from `begin` on. */
export function betasForEpoch(epoch: number, o: { beta: number; numClasses: number; lambda2: number; begin: number; enabled: boolean }, previous?: readonly number[]): number[] {
  if (!o.enabled || epoch < o.begin || !previous) return new Array<number>(o.numClasses).fill(o.beta);
  return calibratedBetas(previous, o.lambda2, o.beta);
}
