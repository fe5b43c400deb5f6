// Class-wise metrics (§13) and the balanced choice of test points, on hand-computed cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classwiseMetrics, populationVariance, worstFractionMean } from '../../src/metrics';
import { selectBalanced } from '../../src/evaluation/select';

test('metrics: per-class, worst class, worst 20%, population variance and confusion on a hand example', () => {
  // 3 classes; class 0: 4 points, class 1: 2 points, class 2: 4 points.
  const labels = [0, 0, 0, 0, 1, 1, 2, 2, 2, 2];
  const clean = [0, 0, 0, 1, 1, 1, 2, 2, 2, 0];
  const adv = [0, 0, 2, 1, 1, 0, 2, 1, 1, 0];
  const m = classwiseMetrics(labels, clean, adv, 3);
  assert.deepEqual(m.nPerClass, [4, 2, 4]);
  assert.equal(m.clean, 8 / 10);
  assert.equal(m.robust, 4 / 10);
  assert.deepEqual(m.cleanPerClass, [0.75, 1, 0.75]);
  assert.deepEqual(m.robustPerClass, [0.5, 0.5, 0.25]);
  assert.equal(m.worstClassClean, 0.75);
  assert.equal(m.worstClassRobust, 0.25);
  // ⌈0.2·3⌉ = 1 class.
  assert.equal(m.worst20Robust, 0.25);
  const mean = (0.5 + 0.5 + 0.25) / 3;
  assert.ok(Math.abs(m.classwiseVariance - ((0.5 - mean) ** 2 * 2 + (0.25 - mean) ** 2) / 3) < 1e-12);
  assert.deepEqual(m.confusion, [
    [2, 1, 1],
    [1, 1, 0],
    [1, 2, 1],
  ]);
});

test('worst-k% mean uses ⌈0.2K⌉ classes (40 of 200) and skips empty classes; variance divides by K', () => {
  const v = Array.from({ length: 200 }, (_, i) => i / 200);
  assert.ok(Math.abs(worstFractionMean(v) - (39 * 40) / 2 / 200 / 40) < 1e-12);
  assert.ok(Math.abs(worstFractionMean([0.9, NaN, 0.1, 0.5, 0.7, 0.3, 0.2]) - 0.15) < 1e-12);
  assert.equal(populationVariance([0, 1]), 0.25);
  const m = classwiseMetrics([0, 0, 2], [0, 1, 2], [0, 1, 2], 3);
  assert.ok(Number.isNaN(m.robustPerClass[1]));
  assert.equal(m.worstClassRobust, 0.5);
  assert.equal(JSON.parse(JSON.stringify(m.robustPerClass))[1], null);
});

test('balanced selection: ⌊n/K⌋ first images per class plus one for the first n mod K, shortfalls passed on', () => {
  const labels = [0, 1, 0, 2, 1, 0, 0, 1, 2, 0];
  assert.deepEqual(selectBalanced(labels, 3, 4), [0, 1, 2, 3]);
  assert.deepEqual(selectBalanced(labels, 3, 5), [0, 1, 2, 3, 4]);
  // Class 2 has 2 images; its third slot goes to class 0 (next in index order with images left).
  assert.deepEqual(selectBalanced(labels, 3, 9), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  // Quotas [3, 2, 2]: class 0 → 0, 2, 5; class 1 → 1, 4; class 2 → 3, 8.
  assert.deepEqual(selectBalanced(labels, 3, 7), [0, 1, 2, 3, 4, 5, 8]);
  assert.deepEqual(selectBalanced(labels, 3, 100).length, 10);
});
