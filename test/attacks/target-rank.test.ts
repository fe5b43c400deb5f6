// APGD-T and FAB-T try their targets by rank of the clean logits (2nd, 3rd, … largest): on a 10-class linear model
// where exactly one wrong class can be reached within ε, a point is broken exactly when that class's clean rank,
// computed here from the weights by hand, is among the ranks tried.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor, tidy } from '../../src/engine';
import { apgdTargeted } from '../../src/attacks/apgd';
import { fab } from '../../src/attacks/fab';
import { LinearNet } from './tiny-models';

const K = 10;
const EPS = 0.05;
const REACHABLE = 9;
/** Input: coordinate j (1..8) feeds class j; coordinates 10..49 feed class 9. */
const D = 50;
const SPREAD = Array.from({ length: 40 }, (_, i) => 10 + i);

// z_0 = 0 (the true class of every point). z_j = 0.1·x_j − 0.35 for j = 1..8: within ε it moves by at most 0.005 and
// stays below 0, so these classes are never reachable. z_9 = 0.25·Σ x_i over 40 coordinates − 5.3: reaching 0 takes
// 60% of ε on all 40 coordinates at once, which a step towards class 9 gives and a random start cannot (its sum has
// a standard deviation of about 0.18 against the 1.2 needed).
const W = Array.from({ length: K }, (_, j) =>
  Array.from({ length: D }, (_, i) => (j === REACHABLE ? (SPREAD.includes(i) ? 0.25 : 0) : j > 0 && i === j ? 0.1 : 0)),
);
const B = Array.from({ length: K }, (_, j) => (j === 0 ? 0 : j === REACHABLE ? -5.3 : -0.35));

/** Point p puts class 9 (clean logit −0.3) at clean rank p+2: classes 1..p sit above it (−0.26), the rest below (−0.34). */
const POINTS = Array.from({ length: K - 1 }, (_, p) => Array.from({ length: D }, (_, i) => (i >= 1 && i <= 8 ? (i <= p ? 0.9 : 0.1) : 0.5)));

/** The rank (1 = largest) of class c among the clean logits, from W, b and x by hand. */
function cleanRank(x: number[], c: number): number {
  const z = W.map((row, j) => row.reduce((a, w, i) => a + w * x[i], B[j]));
  const order = z.map((v, j) => ({ v, j })).sort((a, b) => b.v - a.v || a.j - b.j);
  return order.findIndex((o) => o.j === c) + 1;
}

function predictions(model: LinearNet, xAdv: ReturnType<typeof tensor>): number[] {
  return tidy(() => Array.from(model.forward(xAdv).argmax(1).toArray() as ArrayLike<number>, Number));
}

const attacks = {
  'APGD-T': (m: LinearNet, x: ReturnType<typeof tensor>, y: ReturnType<typeof tensor>, n: number) => apgdTargeted(m, x, y, { eps: EPS, norm: 'Linf', nIter: 30, nTargetClasses: n, seed: 0 }),
  'FAB-T': (m: LinearNet, x: ReturnType<typeof tensor>, y: ReturnType<typeof tensor>, n: number) => fab(m, x, y, { eps: EPS, norm: 'Linf', nIter: 30, targeted: true, nTargetClasses: n, seed: 0 }),
};

for (const [name, run] of Object.entries(attacks)) {
  test(`${name} targets classes in order of their clean-logit rank (2 … n+1)`, () => {
    const model = new LinearNet(W, B);
    try {
      const ranks = POINTS.map((x) => cleanRank(x, REACHABLE));
      assert.deepEqual(ranks, [2, 3, 4, 5, 6, 7, 8, 9, 10]);
      tidy(() => {
        const x = tensor(POINTS.flat(), [POINTS.length, 1, 1, D]);
        const y = tensor(new Array(POINTS.length).fill(0), [POINTS.length], 'int64');
        assert.deepEqual(predictions(model, x), new Array(POINTS.length).fill(0), 'every point starts correctly classified');
        for (let n = 1; n <= K - 1; n++) {
          const adv = run(model, x, y, n);
          const pred = predictions(model, adv);
          const expected = ranks.map((r) => (r <= n + 1 ? REACHABLE : 0));
          assert.deepEqual(pred, expected, `${name} with ${n} target classes: predictions after the attack`);
          const dist = tidy(() => adv.sub(x).abs().amax([1, 2, 3]).toArray() as ArrayLike<number>);
          for (let p = 0; p < POINTS.length; p++) assert.ok(Number(dist[p]) <= EPS + 1e-6, `point ${p} moved ${dist[p]} > ε`);
        }
      });
    } finally {
      model.dispose();
    }
  });
}
