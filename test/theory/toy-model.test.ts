// Closed forms of the toy model (docs/methods.md#toy-model): values computed independently in Python, limits, derivatives by
// finite differences, the w* formulas, and agreement with Monte-Carlo estimates on sampled data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ToyOptions } from '../../src/data/toy';
import { agrees, monteCarloAccuracy } from '../../src/theory/monte-carlo';
import { normalCdf } from '../../src/theory/normal';
import {
  accuracyChange, accuracySlope, cleanAccuracy, optimalCleanW, optimalOverallW, optimalRobustW, overallAccuracy, robustAccuracy,
} from '../../src/theory/toy-model';

const O: ToyOptions = { d: 1, eta: 0.4, pPos: 0.9, pNeg: 0.7, sigma2: 1 };
const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('closed forms at hand-picked points match values computed with Python math.erfc', () => {
  close(cleanAccuracy(1, 1, O), 0.8547443184646134, 1e-14, 'A_{+1}(1), d=1 η=0.4 σ²=1');
  const o2: ToyOptions = { d: 4, eta: 0.3, pPos: 0.8, pNeg: 0.7, sigma2: 0.5 };
  close(robustAccuracy(1.5, -1, 0.1, o2), 0.7567360369935737, 1e-14, 'R_{−1}(1.5; 0.1), d=4 η=0.3 σ²=0.5');
  // At ε = η: R_y = (1 − p_y) + (2p_y − 1)·Φ(w/(σ√d)).
  close(robustAccuracy(1, 1, 0.4, { ...O, sigma2: 0.6 }), 0.8213177590164212, 1e-14, 'R_{+1}(1; η), σ²=0.6');
  close(overallAccuracy(1, 0, O), (cleanAccuracy(1, 1, O) + cleanAccuracy(1, -1, O)) / 2, 1e-15, 'overall = class mean');
});

test('limits: w → ∞ gives sign(x₁) (accuracy p_y at every ε); w → 0 gives sign(S) (accuracy Φ(d(η−ε)/(σ√d)))', () => {
  for (const eps of [0, 0.2, 0.8]) {
    close(robustAccuracy(Infinity, 1, eps, O), 0.9, 1e-15, `w=∞ class +1 ε=${eps}`);
    close(robustAccuracy(Infinity, -1, eps, O), 0.7, 1e-15, `w=∞ class −1 ε=${eps}`);
    close(robustAccuracy(1e-12, -1, eps, O), normalCdf(O.eta - eps), 1e-10, `w→0 ε=${eps}`);
  }
});

test('accuracySlope and accuracyChange agree with finite differences of the accuracy', () => {
  for (const [w, y, eps] of [[0.3, 1, 0], [1.2, -1, 0], [2.5, 1, 0.3], [4, -1, 0.8]] as [number, 1 | -1, number][]) {
    const h = 1e-6;
    const fd = (robustAccuracy(w + h, y, eps, O) - robustAccuracy(w - h, y, eps, O)) / (2 * h);
    close(accuracySlope(w, y, eps, O), fd, 1e-8, `slope at w=${w} y=${y} ε=${eps}`);
    close(accuracyChange(w, w + 0.5, y, eps, O), robustAccuracy(w + 0.5, y, eps, O) - robustAccuracy(w, y, eps, O), 1e-14, 'change');
  }
});

test('w* formulas of §14: ln(p/(1−p))·σ²/(2(η−ε)) is where the slope changes sign; infinite for ε ≥ η', () => {
  close(optimalCleanW(1, O), Math.log(9) / 0.8, 1e-14, 'w*_{+1}');
  close(optimalCleanW(-1, O), Math.log(7 / 3) / 0.8, 1e-14, 'w*_{−1}');
  const o: ToyOptions = { d: 10, eta: 0.25, pPos: 0.95, pNeg: 0.55, sigma2: 0.6 };
  for (const y of [1, -1] as const) {
    const w = optimalCleanW(y, o);
    assert.ok(accuracySlope(w * 0.99, y, 0, o) > 0 && accuracySlope(w * 1.01, y, 0, o) < 0, `class ${y}`);
    assert.ok(Math.abs(accuracySlope(w, y, 0, o)) < 1e-15);
    const wr = optimalRobustW(y, 0.1, o);
    close(wr, (0.6 * Math.log(y === 1 ? 0.95 / 0.05 : 0.55 / 0.45)) / (2 * 0.15), 1e-12, 'robust w*');
    assert.ok(accuracySlope(wr * 0.99, y, 0.1, o) > 0 && accuracySlope(wr * 1.01, y, 0.1, o) < 0);
  }
  // Overall: the slope of ½(R₊ + R₋) vanishes at w*(ε), which grows with ε and is infinite from ε = η on.
  let last = 0;
  for (const eps of [0, 0.05, 0.1, 0.2]) {
    const w = optimalOverallW(eps, o);
    assert.ok(w > last);
    last = w;
    const slope = (v: number) => accuracySlope(v, 1, eps, o) + accuracySlope(v, -1, eps, o);
    assert.ok(slope(w * 0.999) > 0 && slope(w * 1.001) < 0, `ε=${eps}`);
  }
  assert.equal(optimalOverallW(0.25, o), Infinity);
  assert.equal(optimalRobustW(-1, 0.5, o), Infinity);
});

test('closed forms agree with Monte-Carlo estimates on sampled data (within 4.5 standard errors)', () => {
  const cases: [ToyOptions, number, number][] = [
    [O, 1, 0],
    [O, 2, 0.4],
    [{ ...O, sigma2: 0.6 }, 0.7, 0.8],
    [{ d: 10, eta: 0.2, pPos: 0.8, pNeg: 0.6, sigma2: 1 }, 3, 0.1],
  ];
  cases.forEach(([o, w, eps], i) => {
    for (const e of monteCarloAccuracy(w, eps, o, 40000, 11 + i)) {
      assert.ok(agrees(e, 4.5), `case ${i} class ${e.cls}: clean ${e.clean} vs ${e.cleanExact}, robust ${e.robust} vs ${e.robustExact}`);
      assert.ok(e.cleanSe > 0 && e.cleanSe < 0.01);
    }
  });
  // The check can fail: a closed form for another p is rejected.
  const [wrong] = monteCarloAccuracy(1, 0, O, 40000, 5);
  assert.equal(agrees({ ...wrong, cleanExact: cleanAccuracy(1, 1, { ...O, pPos: 0.85 }) }), false);
});
