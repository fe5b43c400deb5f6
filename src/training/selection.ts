// Best-checkpoint selection (paper §5.1; docs/methods.md#selection): the highest overall + worst-class robust
// accuracy, on the validation split by default (the official code used the test split).
import { FairnessMetric, fairnessMeasure } from './fairness-measure';
import { SplitAccuracy } from '../formats';

export type Averaged = 'model' | 'ema' | 'fawa';

/** Selection index: overall robust accuracy + worst-class robust accuracy (or the worst-20% mean, App. C.1). */
export function selectionIndex(a: SplitAccuracy, metric: FairnessMetric = 'worst'): number {
  return a.robust + fairnessMeasure(a, metric);
}

/** The best index seen so far per model (absent until a first eligible epoch). */
export type BestSoFar = Partial<Record<Averaged, { index: number; epoch: number }>>;

/**
 * Whether `index` in `epoch` beats the best so far: only from epoch `selectFrom` on, and strictly higher (ties keep
 * the earlier checkpoint).
 */
export function beatsBest(best: BestSoFar, which: Averaged, index: number, epoch: number, selectFrom: number): boolean {
  if (epoch < selectFrom) return false;
  const b = best[which];
  return b === undefined || index > b.index;
}
