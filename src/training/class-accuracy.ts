// Per-class accuracy counters over batches of logits (src/metrics/classwise.ts computes the accuracies).
import { Tensor, tidy } from '../engine';
import { SplitAccuracy } from '../formats';
import { overallAccuracy, perClassAccuracy, worstClass } from '../metrics';

/** Running per-class counts of samples and of correct argmax predictions. */
export interface ClassCounter {
  numClasses: number;
  n: number[];
  correct: number[];
}

export function classCounter(numClasses: number): ClassCounter {
  return { numClasses, n: new Array<number>(numClasses).fill(0), correct: new Array<number>(numClasses).fill(0) };
}

/** Adds a batch: per sample, whether argmax(logits) (first maximum on ties) equals the label. */
export function countBatch(c: ClassCounter, logits: Tensor, y: Tensor): void {
  const pred = tidy(() => logits.argmax(1).toArray());
  countLabels(c, pred, y.toArray());
}

/** Adds predictions for labels given as plain numbers. */
export function countLabels(c: ClassCounter, pred: ArrayLike<number>, labels: ArrayLike<number>): void {
  for (let i = 0; i < labels.length; i++) {
    const k = labels[i];
    c.n[k]++;
    if (pred[i] === k) c.correct[k]++;
  }
}

/** Overall and per-class accuracy of a counter. */
export function counterAccuracy(c: ClassCounter): { overall: number; perClass: number[] } {
  return { overall: overallAccuracy(c.correct, c.n), perClass: perClassAccuracy(c.correct, c.n) };
}

/** A SplitAccuracy record from clean and robust counters over the same samples. */
export function splitAccuracy(clean: ClassCounter, robust: ClassCounter): SplitAccuracy {
  const c = counterAccuracy(clean);
  const r = counterAccuracy(robust);
  return {
    n: clean.n.reduce((a, b) => a + b, 0),
    nPerClass: clean.n.slice(),
    clean: c.overall,
    robust: r.overall,
    cleanPerClass: c.perClass,
    robustPerClass: r.perClass,
    worstRobust: worstClass(r.perClass),
    worstClean: worstClass(c.perClass),
  };
}
