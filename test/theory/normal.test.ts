// Φ, φ and Q against values of 0.5·erfc(−x/√2) from Python's math.erfc, in both tails and across the method switch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalCdf, normalInterval, normalPdf, normalSf } from '../../src/theory/normal';

const REF: [number, number][] = [
  [0, 0.5],
  [-1, 0.15865525393145707],
  [-1.5, 0.06680720126885809],
  [-2, 0.02275013194817922],
  [-2.5, 0.006209665325776139],
  [-3, 0.0013498980316300957],
  [-4, 3.1671241833119965e-5],
  [-5, 2.866515718791939e-7],
  [-10, 7.61985302416047e-24],
  [1.96, 0.9750021048517795],
];

test('normalCdf matches reference values to 1e-13 relative error', () => {
  for (const [x, v] of REF) assert.ok(Math.abs(normalCdf(x) - v) <= 1e-13 * v, `Φ(${x}) = ${normalCdf(x)}, expected ${v}`);
});

test('upper tail keeps relative precision: Q(x) = Φ(−x), and Φ(x) + Q(x) = 1', () => {
  for (const [x, v] of REF) assert.ok(Math.abs(normalSf(-x) - v) <= 1e-13 * v);
  for (const x of [-6, -1.5000001, -1.4999999, -0.3, 0.7, 1.5, 2.2, 8]) assert.ok(Math.abs(normalCdf(x) + normalSf(x) - 1) < 1e-15);
  assert.equal(normalCdf(-Infinity), 0);
  assert.equal(normalCdf(Infinity), 1);
});

test('normalPdf is the derivative of normalCdf; normalInterval equals the difference of CDFs', () => {
  for (const x of [-7, -2, -1.5, 0, 0.4, 1.5, 3]) {
    const h = 1e-5;
    const fd = (normalCdf(x + h) - normalCdf(x - h)) / (2 * h);
    assert.ok(Math.abs(fd - normalPdf(x)) < 1e-9, `x=${x}`);
  }
  assert.equal(normalPdf(0), 1 / Math.sqrt(2 * Math.PI));
  for (const [a, b] of [[-3, -1], [-1, 2], [1, 4], [20, 21]]) {
    const want = a >= 0 ? normalSf(a) - normalSf(b) : normalCdf(b) - normalCdf(a);
    assert.ok(Math.abs(normalInterval(a, b) - want) <= 1e-15 + 1e-12 * want);
  }
  // Far in the upper tail, where Φ(21) − Φ(20) rounds to 0, the interval keeps its value Q(20) − Q(21).
  assert.equal(normalCdf(21) - normalCdf(20), 0);
  const want = 2.7536241186063314e-89 - 3.2792780189791205e-98;
  assert.ok(Math.abs(normalInterval(20, 21) - want) < 1e-12 * want);
});
