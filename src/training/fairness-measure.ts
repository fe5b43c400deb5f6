// The fairness measure that gates FAWA and joins the average in checkpoint selection: the worst class's robust
// accuracy, or on datasets with many classes (Tiny-ImageNet, App. C.1) the mean of the worst 20% of classes
// (docs/methods.md#metrics).
import { SplitAccuracy } from '../formats';

export const FAIRNESS_METRICS = ['worst', 'worst20'] as const;
export type FairnessMetric = (typeof FAIRNESS_METRICS)[number];

/** 'worst20' from 100 classes on (with 200 classes and 10 validation images each, some class is almost always at 0). */
export function defaultFairnessMetric(numClasses: number): FairnessMetric {
  return numClasses >= 100 ? 'worst20' : 'worst';
}

/** Mean of the ⌈fraction·K⌉ smallest values among the classes that have samples (K = their number). */
export function worstFractionMean(perClass: readonly number[], nPerClass: readonly number[], fraction = 0.2): number {
  const present = perClass.filter((_, k) => nPerClass[k] > 0).sort((a, b) => a - b);
  if (!present.length) return 0;
  const m = Math.max(1, Math.ceil(fraction * present.length - 1e-9));
  return present.slice(0, m).reduce((a, b) => a + b, 0) / m;
}

/** The robust fairness measure of a split: worst class, or the worst-20% mean. */
export function fairnessMeasure(a: SplitAccuracy, metric: FairnessMetric): number {
  return metric === 'worst' ? a.worstRobust : worstFractionMean(a.robustPerClass, a.nPerClass);
}

/** Words for reports: "worst-class" or "worst-20%". */
export function metricName(metric: FairnessMetric): string {
  return metric === 'worst' ? 'worst-class' : 'worst-20%';
}
