// FAT's early-stopped PGD: both counter semantics on a linear model where the number of steps to flip is known.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liveTensors, manualSeed, rand, randint, tensor, tidy } from '../../src/engine';
import { fatPgd } from '../../src/attacks/fat-pgd';
import { pgd } from '../../src/attacks/pgd';
import { LinearNet, TinyConvNet } from './tiny-models';

test('fatPgd with τ ≥ K equals plain PGD-K, and CFA semantics with τ = 0 returns the random start', () => {
  manualSeed(21);
  const model = new TinyConvNet(1, 5, 3).eval();
  const base = liveTensors();
  tidy(() => {
    const x = rand([8, 1, 5, 5]);
    const y = randint(0, 3, [8]);
    const eps = tensor([0.02, 0.04, 0.06, 0.08, 0.1, 0.12, 0.14, 0.16]);
    manualSeed(5);
    const a = fatPgd(model, x, y, { eps, stepSize: 0.01, steps: 7, tau: 7 }).toArray();
    manualSeed(5);
    const b = pgd(model, x, y, { eps, stepSize: 0.01, steps: 7 }).toArray();
    assert.deepEqual(a, b);
    manualSeed(6);
    const c = fatPgd(model, x, y, { eps, stepSize: 0.01, steps: 7, tau: 0 }).toArray();
    manualSeed(6);
    const d = pgd(model, x, y, { eps, stepSize: 0.01, steps: 0 }).toArray();
    assert.deepEqual(c, d);
  });
  assert.equal(liveTensors(), base);
  model.dispose();
});

// A binary linear model with equal-sign weights: every step moves each coordinate by −α (then the clip to
// [max(x−ε,0), …]) and lowers the gap z0 − z1, so a scalar simulation of the counter rules gives the exact answer.
const W = [
  [1, 1, 1, 1],
  [-1, -1, -1, -1],
];
const BIAS = [-3.7, 0];

/** Scalar reference of docs/methods.md#fat: the number of steps each semantics lets a class-0 sample take. */
function simulate(start: number[], lower: number[], alpha: number, steps: number, tau: number, semantics: 'cfa' | 'original'): number[] {
  const at = (k: number) => start.map((s, j) => Math.max(s - k * alpha, lower[j]));
  const wrong = (v: number[]) => 2 * v.reduce((a, b) => a + b, 0) + BIAS[0] - BIAS[1] < 0;
  let c = tau;
  for (let k = 0; k < steps; k++) {
    const w = wrong(at(k));
    if (semantics === 'cfa') {
      if (c === 0) return at(k);
      if (w) c--;
    } else if (w) {
      if (c === 0) return at(k);
      c--;
    }
  }
  return at(steps);
}

test('fatPgd counters match a scalar simulation of both semantics (docs/methods.md#fat/b) for τ = 0..3', () => {
  const model = new LinearNet(W, BIAS);
  tidy(() => {
    const rows = [0.45, 0.47, 0.5, 0.52, 0.55];
    const x = tensor(rows.flatMap((r) => [r, r, r, r]), [5, 4]);
    const y = tensor([0, 0, 0, 0, 0], [5], 'int64');
    const alpha = 0.01;
    const eps = 0.05;
    const opts = { eps, stepSize: alpha, steps: 10, noise: 0 };
    manualSeed(1);
    const start = tidy(() => pgd(model, x, y, { eps, stepSize: 0, steps: 0 })).toArray();
    for (const semantics of ['cfa', 'original'] as const) {
      for (const tau of [0, 1, 2, 3]) {
        manualSeed(1);
        const xa = fatPgd(model, x, y, { ...opts, tau, semantics }).toArray();
        for (let i = 0; i < 5; i++) {
          const st = start.slice(i * 4, i * 4 + 4);
          const expected = simulate(st, [0, 1, 2, 3].map(() => rows[i] - eps), alpha, 10, tau, semantics);
          expected.forEach((e, j) => assert.ok(Math.abs(xa[i * 4 + j] - e) < 1e-5, `${semantics} τ=${tau} sample ${i} coord ${j}: ${xa[i * 4 + j]} vs ${e}`));
        }
      }
    }
  });
  model.dispose();
});
