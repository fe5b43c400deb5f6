// Class-wise accuracy metrics of §13: overall and per-class clean and robust accuracy, worst class, the mean of the
// worst ⌈0.2K⌉ classes, the population variance across classes, and the confusion matrix under attack.

export interface ClasswiseMetrics {
  n: number;
  nPerClass: number[];
  clean: number;
  robust: number;
  /** correct_k / n_k; NaN for a class with no points (written as null in JSON and left out of every summary). */
  cleanPerClass: number[];
  robustPerClass: number[];
  worstClassClean: number;
  worstClassRobust: number;
  /** Mean robust accuracy of the ⌈0.2K⌉ worst classes (K = classes with points). */
  worst20Robust: number;
  /** Population variance (1/K)·Σ_k (A_k − Ā)² of the per-class robust accuracy, and its square root. */
  classwiseVariance: number;
  classwiseStd: number;
  /** confusion[y][p]: points of class y predicted p under attack. */
  confusion: number[][];
}

/** Mean of the ⌈fraction·K⌉ smallest values (NaN entries ignored). */
export function worstFractionMean(values: number[], fraction = 0.2): number {
  const v = values.filter((a) => !Number.isNaN(a)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const k = Math.max(1, Math.ceil(fraction * v.length - 1e-9));
  return v.slice(0, k).reduce((s, a) => s + a, 0) / k;
}

/** Population variance (divides by K), NaN entries ignored. */
export function populationVariance(values: number[]): number {
  const v = values.filter((a) => !Number.isNaN(a));
  if (v.length === 0) return NaN;
  const mean = v.reduce((s, a) => s + a, 0) / v.length;
  return v.reduce((s, a) => s + (a - mean) ** 2, 0) / v.length;
}

/**
 * Metrics from labels, clean predictions and predictions under attack (a point is robust when its prediction under
 * attack equals its label; AutoAttack reports a clean mistake's clean prediction).
 */
export function classwiseMetrics(labels: ArrayLike<number>, cleanPred: ArrayLike<number>, advPred: ArrayLike<number>, numClasses: number): ClasswiseMetrics {
  const n = labels.length;
  const count = new Array<number>(numClasses).fill(0);
  const cleanOk = new Array<number>(numClasses).fill(0);
  const robustOk = new Array<number>(numClasses).fill(0);
  const confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  let clean = 0;
  let robust = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    count[y]++;
    if (cleanPred[i] === y) (cleanOk[y]++, clean++);
    if (advPred[i] === y) (robustOk[y]++, robust++);
    confusion[y][advPred[i]]++;
  }
  const cleanPerClass = count.map((c, k) => (c ? cleanOk[k] / c : NaN));
  const robustPerClass = count.map((c, k) => (c ? robustOk[k] / c : NaN));
  const present = (v: number[]) => v.filter((a) => !Number.isNaN(a));
  const variance = populationVariance(robustPerClass);
  return {
    n,
    nPerClass: count,
    clean: n ? clean / n : NaN,
    robust: n ? robust / n : NaN,
    cleanPerClass,
    robustPerClass,
    worstClassClean: Math.min(...present(cleanPerClass)),
    worstClassRobust: Math.min(...present(robustPerClass)),
    worst20Robust: worstFractionMean(robustPerClass, 0.2),
    classwiseVariance: variance,
    classwiseStd: Math.sqrt(variance),
    confusion,
  };
}
