// Our data generator: the reference xoshiro128** sequence, keyed streams, unbiased integers, shuffles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../src/data';
import { xoshiro128ss } from '../../src/data/prng';

test('xoshiro128** from state (1,2,3,4) matches an independent implementation (scripts/fixtures/data_xoshiro.py)', () => {
  const r = xoshiro128ss([1, 2, 3, 4]);
  assert.deepEqual(Array.from({ length: 8 }, () => r.next()), [11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849]);
});

test('keyed streams: same key same sequence, any part changed gives another', () => {
  const seq = (...k: number[]): number[] => {
    const r = createRng(...k);
    return Array.from({ length: 4 }, () => r.next());
  };
  assert.deepEqual(seq(7, 3, 1), seq(7, 3, 1));
  const others = [seq(7, 3, 2), seq(7, 4, 1), seq(8, 3, 1), seq(7 + 2 ** 32, 3, 1), seq(-7, 3, 1), seq(7, 3)];
  for (const o of others) assert.notDeepEqual(o, seq(7, 3, 1));
  assert.throws(() => createRng(0.5), RangeError);
});

test('int(n) is uniform: chi-square over 7 bins and 70000 draws stays below the 0.999 quantile', () => {
  const r = createRng(1);
  const counts = new Array(7).fill(0);
  for (let i = 0; i < 70000; i++) counts[r.int(7)]++;
  const chi2 = counts.reduce((s, c) => s + (c - 10000) ** 2 / 10000, 0);
  assert.ok(chi2 < 22.46, `chi2 = ${chi2}`); // χ²(6) 0.999 quantile
  assert.equal(createRng(2).int(1), 0);
});

test('shuffle gives a permutation, and every position is equally likely for the first element', () => {
  const r = createRng(5);
  const first = new Array(5).fill(0);
  for (let t = 0; t < 5000; t++) {
    const a = r.shuffle(Int32Array.from([0, 1, 2, 3, 4]));
    assert.deepEqual(Array.from(a).sort(), [0, 1, 2, 3, 4]);
    first[a[0]]++;
  }
  for (const c of first) assert.ok(Math.abs(c - 1000) < 150, `${first}`);
});
