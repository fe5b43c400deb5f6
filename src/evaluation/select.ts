// Which test points an evaluation uses: the first n, balanced over classes when the classes allow it.

/**
 * Indices of n points, in dataset order. Rule: every class gets ⌊n/K⌋ slots and the first n mod K classes one more;
 * a class fills its slots with its first images in dataset order; slots a class cannot fill (too few images) go, one
 * at a time, to the classes in index order that still have images. n ≥ the dataset size selects everything.
 */
export function selectBalanced(labels: ArrayLike<number>, numClasses: number, n: number): number[] {
  if (n >= labels.length) return Array.from({ length: labels.length }, (_, i) => i);
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) byClass[labels[i]].push(i);
  const quota = byClass.map((_, k) => Math.floor(n / numClasses) + (k < n % numClasses ? 1 : 0));
  const take = quota.map((q, k) => Math.min(q, byClass[k].length));
  let spare = n - take.reduce((a, b) => a + b, 0);
  while (spare > 0) {
    let moved = false;
    for (let k = 0; k < numClasses && spare > 0; k++) {
      if (take[k] < byClass[k].length) (take[k]++, spare--, (moved = true));
    }
    if (!moved) break;
  }
  return byClass.flatMap((idx, k) => idx.slice(0, take[k])).sort((a, b) => a - b);
}
