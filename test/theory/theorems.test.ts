// The Theorem 1-4 checker: everything holds on the default grid where the conditions hold, and the checks do fail
// where a condition is violated (Theorem 4's robust part for ε < η, Theorem 2's finite optimum for ε ≥ η).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ToyOptions } from '../../src/data/toy';
import { CLAIMS, checkTheorems, DEFAULT_GRID, runClaim } from '../../src/theory/theorems';
import { optimalW } from '../../src/theory/toy-model';

const O: ToyOptions = { d: 1, eta: 0.4, pPos: 0.9, pNeg: 0.7, sigma2: 1 };
const claim = (id: string) => CLAIMS.find((c) => c.id === id)!;

test('every claim holds wherever its condition holds on the default grid, and each is checked many times', () => {
  const results = checkTheorems(DEFAULT_GRID, [O]);
  assert.deepEqual(results.map((r) => r.id), ['Theorem 1', 'Theorem 2', 'Theorem 2 (ε ≥ η)', 'Theorem 3', 'Theorem 4 (clean)', 'Theorem 4 (robust)', 'Theorem 4 (robust), ε < η']);
  for (const r of results) {
    assert.equal(r.failures, 0, `${r.id}: ${r.examples.join('; ')}`);
    assert.ok(r.settings >= 100 && r.comparisons >= 10000, `${r.id}: ${r.settings} settings, ${r.comparisons} comparisons`);
    assert.ok(r.skipped <= 0.01 * r.settings);
  }
  // 162 grid settings + 1 extra; Theorem 3 runs once per setting (ε = 0 only), Theorem 1 at all 7 ε.
  assert.equal(results[3].settings, 163);
  assert.equal(results[0].settings, 163 * 7);
});

test('conditions: Theorem 4 (robust) applies only from ε = η on (and not at ε = η with p₋₁ = 1/2)', () => {
  const t4 = claim('Theorem 4 (robust)');
  assert.equal(t4.applies(O, 0.39), false);
  assert.equal(t4.applies(O, 0.4), true);
  assert.equal(t4.applies({ ...O, pNeg: 0.5 }, 0.4), false);
  assert.equal(t4.applies({ ...O, pNeg: 0.5 }, 0.41), true);
  assert.equal(claim('Theorem 2').applies(O, 0.4), false);
  assert.equal(claim('Theorem 2 (ε ≥ η)').applies(O, 0.4), true);
});

test('Theorem 4 (robust) fails for ε < η exactly beyond w_c = σ²ln(p₋₁/(1−p₋₁))/(2(η−ε)), and holds at ε = 2η', () => {
  const t4 = claim('Theorem 4 (robust)');
  const wc = optimalW(O.pNeg, 0.2, O);
  const bad = runClaim(t4, O, 0.2);
  assert.ok(bad.failures.length > 10);
  for (const f of bad.failures) {
    const m = /w∈\[([\d.e+-]+),([\d.e+-]+)\]: ΔR−1=(-?[\d.e+-]+)/.exec(f)!;
    assert.ok(Number(m[2]) > wc * 0.999, `failure below w_c=${wc}: ${f}`);
    assert.ok(Number(m[3]) <= 0);
  }
  assert.deepEqual(runClaim(t4, O, 0.8).failures, []);
});

test('Theorem 2 (finite optimum) fails when forced at ε ≥ η; its ε ≥ η counterpart fails when forced at ε < η', () => {
  assert.ok(runClaim(claim('Theorem 2 (ε ≥ η)'), O, 0.2).failures.length > 0);
  assert.deepEqual(runClaim(claim('Theorem 2 (ε ≥ η)'), O, 0.6).failures, []);
  assert.deepEqual(runClaim(claim('Theorem 2'), O, 0.2).failures, []);
});

test('Theorem 1 fails when the classes are swapped (p₋₁ > p₊₁)', () => {
  const swapped = { ...O, pPos: 0.7, pNeg: 0.9 };
  assert.equal(runClaim(claim('Theorem 1'), swapped, 0).failures.length, DEFAULT_GRID.wPoints);
  assert.ok(runClaim(claim('Theorem 3'), swapped, 0).failures.length > 0);
});
