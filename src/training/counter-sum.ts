// Per-class counts of a data-parallel run summed over the ranks, so that every rank decides from the same numbers.
import { Collective } from '../distributed/group';
import { ClassCounter } from './class-accuracy';

/** In place: each counter's n_k and correct_k become their sums over the ranks. */
export function sumCounters(c: Collective, counters: ClassCounter[]): void {
  if (c.worldSize === 1) return;
  const flat = c.sumNumbers(counters.flatMap((k) => [...k.n, ...k.correct]));
  let i = 0;
  for (const k of counters) {
    for (let j = 0; j < k.numClasses; j++) k.n[j] = flat[i++];
    for (let j = 0; j < k.numClasses; j++) k.correct[j] = flat[i++];
  }
}
