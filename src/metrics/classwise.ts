// Class-wise accuracy metrics (paper §5.1): per-class accuracy, the worst class, the mean of
// the worst ⌈0.2K⌉ classes, the population variance and standard deviation across classes, and the confusion matrix.
// The one implementation used by training (validation records), evaluation (EvalResult) and reports (tables).
//
// A class with no points has accuracy NaN (written null in JSON). It is left out of the worst class, the worst-k%
// mean, the variance and the standard deviation, where K counts only the classes that have points; those summaries
// are NaN when no class has points. Overall accuracy counts points, so an empty class does not change it.
import type { EvalResult, SplitAccuracy } from '../formats';

/** correct_k / n_k per class; NaN for a class with no points. */
export function perClassAccuracy(correct: readonly number[], n: readonly number[]): number[] {
  return n.map((nk, k) => (nk > 0 ? correct[k] / nk : NaN));
}

/** Σ correct / Σ n (the paper's "average"); NaN without points. */
export function overallAccuracy(correct: readonly number[], n: readonly number[]): number {
  const total = n.reduce((a, b) => a + b, 0);
  return total > 0 ? correct.reduce((a, b) => a + b, 0) / total : NaN;
}

/** The per-class values of the classes that have points (NaN entries dropped). */
export function presentClasses(values: readonly number[]): number[] {
  return values.filter((a) => !Number.isNaN(a));
}

/** min_k over the classes with points. */
export function worstClass(values: readonly number[]): number {
  const v = presentClasses(values);
  return v.length ? Math.min(...v) : NaN;
}

/** Mean of the ⌈fraction·K⌉ smallest values (K = classes with points; worst-20% by default). */
export function worstFractionMean(values: readonly number[], fraction = 0.2): number {
  const v = presentClasses(values).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const k = Math.max(1, Math.ceil(fraction * v.length - 1e-9));
  return v.slice(0, k).reduce((s, a) => s + a, 0) / k;
}

/** Population variance (1/K)·Σ_k (A_k − Ā)² over the classes with points. */
export function populationVariance(values: readonly number[]): number {
  const v = presentClasses(values);
  if (v.length === 0) return NaN;
  const mean = v.reduce((s, a) => s + a, 0) / v.length;
  return v.reduce((s, a) => s + (a - mean) ** 2, 0) / v.length;
}

/** Population standard deviation across the classes with points. */
export function classwiseStd(values: readonly number[]): number {
  return Math.sqrt(populationVariance(values));
}

/** confusion[y][p]: points of class y predicted p. */
export function confusionMatrix(labels: ArrayLike<number>, pred: ArrayLike<number>, numClasses: number): number[][] {
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < labels.length; i++) m[labels[i]][pred[i]]++;
  return m;
}

/** Per class: the number of points and of points whose prediction equals the label. */
export function classCounts(labels: ArrayLike<number>, pred: ArrayLike<number>, numClasses: number): { n: number[]; correct: number[] } {
  const n = new Array<number>(numClasses).fill(0);
  const correct = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) {
    n[labels[i]]++;
    if (pred[i] === labels[i]) correct[labels[i]]++;
  }
  return { n, correct };
}

/** The per-split record of the run format, with the worst classes, worst 20%, variance, std and confusion of EvalResult. */
export type ClasswiseMetrics = Omit<SplitAccuracy, 'worstRobust' | 'worstClean'> &
  Pick<EvalResult, 'worstClassClean' | 'worstClassRobust' | 'worst20Robust' | 'classwiseVariance' | 'confusion'> & {
    /** Population standard deviation of the per-class robust accuracy. */
    classwiseStd: number;
  };

/**
 * Metrics from labels, clean predictions and predictions under attack (a point is robust when its prediction under
 * attack equals its label; AutoAttack reports a clean mistake's clean prediction).
 */
export function classwiseMetrics(labels: ArrayLike<number>, cleanPred: ArrayLike<number>, advPred: ArrayLike<number>, numClasses: number): ClasswiseMetrics {
  const clean = classCounts(labels, cleanPred, numClasses);
  const robust = classCounts(labels, advPred, numClasses);
  const cleanPerClass = perClassAccuracy(clean.correct, clean.n);
  const robustPerClass = perClassAccuracy(robust.correct, robust.n);
  return {
    n: labels.length,
    nPerClass: clean.n,
    clean: overallAccuracy(clean.correct, clean.n),
    robust: overallAccuracy(robust.correct, robust.n),
    cleanPerClass,
    robustPerClass,
    worstClassClean: worstClass(cleanPerClass),
    worstClassRobust: worstClass(robustPerClass),
    worst20Robust: worstFractionMean(robustPerClass, 0.2),
    classwiseVariance: populationVariance(robustPerClass),
    classwiseStd: classwiseStd(robustPerClass),
    confusion: confusionMatrix(labels, advPred, numClasses),
  };
}
