// The fairness measure that gates FAWA and joins the average in checkpoint selection: the worst class's robust
// accuracy, or on datasets with many classes (Tiny-ImageNet, App. C.1) the mean of the worst 20% of classes
// (docs/methods.md#metrics).
import { SplitAccuracy } from '../formats';
import { worstFractionMean } from '../metrics';

export const FAIRNESS_METRICS = ['worst', 'worst20'] as const;
export type FairnessMetric = (typeof FAIRNESS_METRICS)[number];

/** 'worst20' from 100 classes on (with 200 classes and 10 validation images each, some class is almost always at 0). */
export function defaultFairnessMetric(numClasses: number): FairnessMetric {
  return numClasses >= 100 ? 'worst20' : 'worst';
}

/** The robust fairness measure of a split: worst class, or the worst-20% mean over the classes with points (0 if none). */
export function fairnessMeasure(a: SplitAccuracy, metric: FairnessMetric): number {
  if (metric === 'worst') return a.worstRobust;
  const m = worstFractionMean(a.robustPerClass.map((v, k) => (a.nPerClass[k] > 0 ? v : NaN)));
  return Number.isNaN(m) ? 0 : m;
}

/** Words for reports: "worst-class" or "worst-20%". */
export function metricName(metric: FairnessMetric): string {
  return metric === 'worst' ? 'worst-class' : 'worst-20%';
}
