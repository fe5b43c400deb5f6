// FAB: the box-constrained hyperplane projection against a scalar bisection, and the attack on a linear model whose
// minimal adversarial distance is known in closed form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liveTensors, manualSeed, noGrad, rand, tensor, tidy } from '../../src/engine';
import { projectOntoHyperplaneInBox } from '../../src/attacks/fab-projection';
import { fab } from '../../src/attacks/fab';
import { LinearNet } from './tiny-models';

/** Scalar reference: smallest λ with Σ|w_i|·min(λ·s_i, p_i) ≥ c by bisection, and the displacement it gives. */
function reference(t: number[], w: number[], b: number, norm: 'Linf' | 'L2'): { d: number[]; feasible: boolean } {
  let c = w.reduce((a, wi, i) => a + wi * t[i], 0) - b;
  const sgn = c < 0 ? -1 : 1;
  c = Math.abs(c);
  const ws = w.map((v) => v * sgn);
  const room = ws.map((v, i) => (v < 0 ? 1 - t[i] : t[i]));
  const scale = (i: number) => (norm === 'Linf' ? 1 : Math.abs(ws[i]));
  const move = (lam: number) => ws.map((v, i) => (v === 0 ? 0 : Math.min(lam * scale(i), room[i])));
  const decrease = (lam: number) => move(lam).reduce((a, m, i) => a + Math.abs(ws[i]) * m, 0);
  const dir = (m: number[]) => m.map((v, i) => -Math.sign(ws[i]) * v);
  if (decrease(1e9) < c) return { d: dir(move(1e9)), feasible: false };
  let lo = 0;
  let hi = 1e3;
  for (let k = 0; k < 200; k++) {
    const mid = (lo + hi) / 2;
    if (decrease(mid) >= c) hi = mid;
    else lo = mid;
  }
  return { d: dir(move(hi)), feasible: true };
}

for (const norm of ['Linf', 'L2'] as const) {
  test(`FAB ${norm} box projection equals the bisection reference (feasible, saturated, infeasible, zero weights)`, () =>
    tidy(() => {
      manualSeed(42);
      const n = 6;
      const rows = 40;
      const t = rand([rows, n]).toArray();
      const w = rand([rows, n]).mul(2).sub(1).toArray();
      // Some zero weights, and offsets from tiny (no saturation) to huge (infeasible).
      for (let r = 0; r < rows; r += 5) w[r * n + (r % n)] = 0;
      const bs: number[] = [];
      for (let r = 0; r < rows; r++) {
        const wt = w.slice(r * n, r * n + n).reduce((a, v, i) => a + v * t[r * n + i], 0);
        const off = [0.001, 0.05, 0.3, 0.8, 2, 5, -0.05, -0.6][r % 8];
        bs.push(wt - off);
      }
      const d = projectOntoHyperplaneInBox(tensor(t, [rows, n]), tensor(w, [rows, n]), tensor(bs), norm).toArray();
      let infeasible = 0;
      let saturated = 0;
      for (let r = 0; r < rows; r++) {
        const tr = t.slice(r * n, r * n + n);
        const wr = w.slice(r * n, r * n + n);
        const ref = reference(tr, wr, bs[r], norm);
        const dr = d.slice(r * n, r * n + n);
        dr.forEach((v, i) => assert.ok(Math.abs(v - ref.d[i]) < 1e-5, `row ${r} coord ${i}: ${v} vs ${ref.d[i]}`));
        dr.forEach((v, i) => assert.ok(tr[i] + v >= -1e-6 && tr[i] + v <= 1 + 1e-6, 'outside the box'));
        if (ref.feasible) {
          const lhs = wr.reduce((a, wi, i) => a + wi * (tr[i] + dr[i]), 0);
          assert.ok(Math.abs(lhs - bs[r]) < 1e-4, `row ${r}: w·(t+d) = ${lhs} ≠ b = ${bs[r]}`);
          if (dr.some((v, i) => Math.abs(tr[i] + v) < 1e-7 || Math.abs(tr[i] + v - 1) < 1e-7)) saturated++;
        } else infeasible++;
      }
      assert.ok(infeasible > 0 && saturated > 0, `cases covered: ${infeasible} infeasible, ${saturated} saturated`);
    }));
}

// Binary linear model: the minimal L∞ distance to the boundary is |g(x)|/‖w1 − w0‖₁ (L2: /‖w1 − w0‖₂) when the box
// does not bind, with g = z0 − z1.
const W = [
  [0.6, -0.4, 0.2, 0.9],
  [-0.3, 0.5, -0.4, -0.2],
];
for (const norm of ['Linf', 'L2'] as const) {
  test(`FAB-T (${norm}) on a linear model finds the boundary at the closed-form distance, and respects ε`, () => {
    const model = new LinearNet(W, [0, 0]);
    const base = liveTensors();
    tidy(() => {
      const x = tensor([0.5, 0.5, 0.5, 0.5, 0.45, 0.55, 0.5, 0.48, 0.52, 0.5, 0.47, 0.5], [3, 4]);
      const y = noGrad(() => model.forward(x).argmax(1));
      const wd = W[0].map((v, i) => W[1][i] - v);
      const dual = norm === 'Linf' ? wd.reduce((a, v) => a + Math.abs(v), 0) : Math.hypot(...wd);
      const z = noGrad(() => model.forward(x)).toArray();
      const dist = [0, 1, 2].map((i) => Math.abs(z[2 * i] - z[2 * i + 1]) / dual);
      const big = fab(model, x, y, { eps: 1, norm, nIter: 20 });
      const found = big.sub(x).flatten(1).norm(norm === 'Linf' ? Infinity : 2, 1).toArray();
      found.forEach((f, i) => assert.ok(f >= dist[i] * (1 - 1e-4) && f <= dist[i] * 1.1, `point ${i}: ${f} vs minimal ${dist[i]}`));
      assert.equal(noGrad(() => model.forward(big).argmax(1).eq(y).sum().item()), 0);
      // With ε below every minimal distance nothing counts as broken, and x comes back unchanged.
      const small = fab(model, x, y, { eps: Math.min(...dist) * 0.9, norm, nIter: 20 });
      assert.deepEqual(small.toArray(), x.toArray());
    });
    assert.equal(liveTensors(), base);
    model.dispose();
  });
}

test('untargeted FAB (all classes) fools every point of a linear model within a large ε', () => {
  const model = new LinearNet(W, [0.05, 0]);
  tidy(() => {
    const x = tensor([0.5, 0.5, 0.5, 0.5, 0.2, 0.8, 0.3, 0.6], [2, 4]);
    const y = noGrad(() => model.forward(x).argmax(1));
    const adv = fab(model, x, y, { eps: 1, nIter: 10, targeted: false });
    assert.equal(noGrad(() => model.forward(adv).argmax(1).eq(y).sum().item()), 0);
  });
  model.dispose();
});
