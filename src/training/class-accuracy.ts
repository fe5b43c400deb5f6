// Per-class accuracy counters (§13, §16 D6): correct_k / n_k with any number of classes, from logits and labels.
import { Tensor, tidy } from '../engine';
import { SplitAccuracy } from './run-format';

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

/** correct_k / n_k per class (0 for a class with no samples). */
export function perClassAccuracy(c: ClassCounter): number[] {
  return c.n.map((n, k) => (n > 0 ? c.correct[k] / n : 0));
}

/** Total correct / total samples (the paper's "average", §13). */
export function overallAccuracy(c: ClassCounter): number {
  const n = c.n.reduce((a, b) => a + b, 0);
  return n > 0 ? c.correct.reduce((a, b) => a + b, 0) / n : 0;
}

/** min_k over the classes that have samples. */
export function worstClass(perClass: number[], n: number[]): number {
  const present = perClass.filter((_, k) => n[k] > 0);
  return present.length ? Math.min(...present) : 0;
}

/** A SplitAccuracy record from clean and robust counters over the same samples. */
export function splitAccuracy(clean: ClassCounter, robust: ClassCounter): SplitAccuracy {
  const cleanPerClass = perClassAccuracy(clean);
  const robustPerClass = perClassAccuracy(robust);
  return {
    n: clean.n.reduce((a, b) => a + b, 0),
    nPerClass: clean.n.slice(),
    clean: overallAccuracy(clean),
    robust: overallAccuracy(robust),
    cleanPerClass,
    robustPerClass,
    worstRobust: worstClass(robustPerClass, clean.n),
    worstClean: worstClass(cleanPerClass, clean.n),
  };
}
