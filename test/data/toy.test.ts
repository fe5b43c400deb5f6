// The Section 2 toy distribution: class balance, reliability of x₁, moments of the non-robust features, seeding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkToyOptions, sampleToy, sampleToyPerClass, ToyOptions } from '../../src/data/toy';
import { UserError } from '../../src/errors';

const O: ToyOptions = { d: 3, eta: 0.4, pPos: 0.9, pNeg: 0.6, sigma2: 0.6 };

test('sampleToy: labels ±1 about half each, x₁ = y with probability p_y, x₂.. ~ N(ηy, σ²)', () => {
  const n = 40000;
  const s = sampleToy(n, O, 3);
  assert.equal(s.dim, 4);
  assert.equal(s.x.length, n * 4);
  let pos = 0;
  const agree = { 1: 0, [-1]: 0 } as Record<number, number>;
  const count = { 1: 0, [-1]: 0 } as Record<number, number>;
  const sum = { 1: 0, [-1]: 0 } as Record<number, number>;
  const sq = { 1: 0, [-1]: 0 } as Record<number, number>;
  for (let i = 0; i < n; i++) {
    const y = s.y[i];
    assert.ok(y === 1 || y === -1);
    if (y === 1) pos++;
    assert.ok(s.x[4 * i] === 1 || s.x[4 * i] === -1);
    if (s.x[4 * i] === y) agree[y]++;
    count[y]++;
    for (let j = 1; j < 4; j++) {
      sum[y] += s.x[4 * i + j];
      sq[y] += s.x[4 * i + j] ** 2;
    }
  }
  // 5 standard errors: binomial for counts, normal for the moments.
  assert.ok(Math.abs(pos / n - 0.5) < 5 * Math.sqrt(0.25 / n), `positive fraction ${pos / n}`);
  for (const y of [1, -1]) {
    const p = y === 1 ? O.pPos : O.pNeg;
    const m = count[y];
    assert.ok(Math.abs(agree[y] / m - p) < 5 * Math.sqrt((p * (1 - p)) / m), `class ${y}: x₁ = y in ${agree[y] / m}, expected ${p}`);
    const k = 3 * m;
    const mean = sum[y] / k;
    const variance = sq[y] / k - mean * mean;
    assert.ok(Math.abs(mean - O.eta * y) < 5 * Math.sqrt(O.sigma2 / k), `class ${y}: mean ${mean}`);
    assert.ok(Math.abs(variance - O.sigma2) < 5 * O.sigma2 * Math.sqrt(2 / k), `class ${y}: variance ${variance}`);
  }
});

test('sampleToyPerClass: exactly n of each class, +1 first; same seed same sample, other seed another', () => {
  const a = sampleToyPerClass(50, O, 7);
  assert.equal(a.n, 100);
  assert.deepEqual(Array.from(a.y.slice(0, 50)), new Array(50).fill(1));
  assert.deepEqual(Array.from(a.y.slice(50)), new Array(50).fill(-1));
  assert.deepEqual(sampleToyPerClass(50, O, 7).x, a.x);
  assert.notDeepEqual(sampleToyPerClass(50, O, 8).x, a.x);
  assert.deepEqual(sampleToy(20, O, 1).x, sampleToy(20, O, 1).x);
});

test('checkToyOptions names the bad option', () => {
  assert.throws(() => checkToyOptions({ ...O, d: 0 }), (e: Error) => e instanceof UserError && /toy d/.test(e.message));
  assert.throws(() => checkToyOptions({ ...O, sigma2: -1 }), /toy sigma2/);
  assert.throws(() => checkToyOptions({ ...O, pNeg: 1.5 }), /toy p-1/);
  assert.throws(() => sampleToy(10, { ...O, eta: 0 }), /toy eta/);
});
