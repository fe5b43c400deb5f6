// TRADES (eq. 8, normalised and original, with CCR's per-sample β), MART and FRL losses and their gradients against
// PyTorch (fixtures: scripts/fixtures/training_losses.py), and FRL's multiplier update against its official formulas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { Tensor, grad, liveTensors, tensor, tidy } from '../../src/engine';
import { classWeights, frlLoss, frlUpdate, marginMultipliers, normalizeMultipliers } from '../../src/training/frl';
import { martLoss } from '../../src/training/mart';
import { tradesLoss } from '../../src/training/trades';
import { splitAccuracy } from '../../src/training/class-accuracy';
import { assertClose } from '../helpers/assert-close';

const fx = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../test/fixtures/training/losses.json'), 'utf8'));
const { B, K } = fx;

interface Case {
  loss: number;
  grads: number[][];
}

/** Loss value and gradients with respect to each logits input, compared with the fixture. */
function check(name: string, c: Case, fn: (inputs: Tensor[], y: Tensor) => Tensor, inputs: number[][]): void {
  const before = liveTensors();
  tidy(() => {
    const leaves = inputs.map((v) => tensor(v, [B, K]).requiresGrad_(true));
    const y = tensor(fx.y, [B], 'int64');
    const loss = fn(leaves, y);
    assertClose([loss.item()], [c.loss], 1e-6, 1e-5, `${name} loss`);
    const gs = grad(loss, leaves);
    gs.forEach((g, i) => assertClose(g.toArray(), c.grads[i], 1e-6, 1e-4, `${name} grad[${i}]`));
  });
  assert.equal(liveTensors(), before, `${name}: tensors leaked`);
}

const perSampleBeta = (y: Tensor) => tensor(fx.betaPerClass, [K]).indexSelect(0, y);

test('TRADES normalised (CE + 6·KL)/7 matches PyTorch, gradients flow into the KL target', () => {
  check('tradesNormalized6', fx.tradesNormalized6, ([n, a, t], y) => tradesLoss(n, a, t, y, 6, 'normalized'), [fx.nat, fx.adv, fx.target]);
  assert.ok(fx.tradesNormalized6.grads[2].some((v: number) => Math.abs(v) > 1e-4), 'fixture: target gradient non-zero');
});

test('TRADES + CCR weights each sample by b_y = β_y/(1+β_y) (eq. 8)', () => {
  check('tradesNormalizedCcr', fx.tradesNormalizedCcr, ([n, a, t], y) => tradesLoss(n, a, t, y, perSampleBeta(y), 'normalized'), [fx.nat, fx.adv, fx.target]);
});

test('original TRADES CE + β·KL, scalar and per-sample β', () => {
  check('tradesOriginal6', fx.tradesOriginal6, ([n, a, t], y) => tradesLoss(n, a, t, y, 6, 'original'), [fx.nat, fx.adv, fx.target]);
  check('tradesOriginalCcr', fx.tradesOriginalCcr, ([n, a, t], y) => tradesLoss(n, a, t, y, perSampleBeta(y), 'original'), [fx.nat, fx.adv, fx.target]);
});

test('normalised TRADES with a constant β is the original loss divided by 1+β (docs/methods.md#deviations)', () => {
  tidy(() => {
    const [n, a, t] = [fx.nat, fx.adv, fx.target].map((v: number[]) => tensor(v, [B, K]));
    const y = tensor(fx.y, [B], 'int64');
    assertClose([tradesLoss(n, a, t, y, 6, 'normalized').item()], [tradesLoss(n, a, t, y, 6, 'original').item() / 7], 1e-6, 1e-6, 'ratio');
  });
});

test('MART loss (BCE + β·KL·(1−p_y)) matches PyTorch', () => {
  check('mart6', fx.mart6, ([n, a], y) => martLoss(n, a, y, 6), [fx.nat, fx.adv]);
});

test('FRL loss with class weights matches PyTorch', () => {
  check('frl', fx.frl, ([n, a, t], y) => {
    const wn = tensor(fx.wNat, [K]).indexSelect(0, y);
    const wb = tensor(fx.wBndy, [K]).indexSelect(0, y);
    return frlLoss(n, a, t, y, wn, wb, 1.5);
  }, [fx.nat, fx.adv, fx.target]);
});

test('FRL multiplier update, class weights and margins follow the official code', () => {
  const u = fx.frlUpdate;
  const n = new Array(10).fill(u.nPerClass);
  const counter = (acc: number[]) => ({ numClasses: 10, n, correct: acc.map((a: number) => Math.round(a * u.nPerClass)) });
  const valid = splitAccuracy(counter(u.cleanPerClass), counter(u.robustPerClass));
  const opts = { variant: 'reweight-remargin' as const, tauNat: u.tauNat, tauBndy: u.tauBndy, rate1: u.rate1, rate2: u.rate2, lim: u.lim, marginMax: u.marginMax, halveEvery: 40 };
  const next = frlUpdate({ lambdaNat: u.lambdaNat, lambdaBndy: u.lambdaBndy, lambdaMarg: u.lambdaMarg, rate1: u.rate1 }, valid, 1, opts);
  assertClose(next.lambdaNat, u.newLambdaNat, 1e-6, 1e-5, 'lambdaNat');
  assertClose(next.lambdaBndy, u.newLambdaBndy, 1e-6, 1e-5, 'lambdaBndy');
  assertClose(next.lambdaMarg, u.newLambdaMarg, 1e-6, 1e-5, 'lambdaMarg');
  assertClose(classWeights(next.lambdaNat), u.weightsNat, 1e-6, 1e-5, 'weightsNat');
  assertClose(classWeights(next.lambdaBndy), u.weightsBndy, 1e-6, 1e-5, 'weightsBndy');
  assertClose(marginMultipliers(next.lambdaMarg, 3), u.margins, 1e-6, 1e-5, 'margins');
  assert.equal(next.rate1, u.rate1);
  assert.equal(frlUpdate(next, valid, 40, opts).rate1, u.rate1 / 2, 'r₁ halves at epoch 40');
});

test('FRL reweight-only keeps λ_marg and remargin-only keeps the class weights uniform', () => {
  const counter = (acc: number[]) => ({ numClasses: 2, n: [10, 10], correct: acc.map((a) => a * 10) });
  const valid = splitAccuracy(counter([1, 0.4]), counter([0.8, 0.1]));
  const base = { tauNat: 0, tauBndy: 0, rate1: 0.05, rate2: 0.2, lim: 0.5, marginMax: 3, halveEvery: 40 };
  const s0 = { lambdaNat: [0, 0], lambdaBndy: [0, 0], lambdaMarg: [0, 0], rate1: 0.05 };
  const rw = frlUpdate(s0, valid, 1, { ...base, variant: 'reweight' });
  assert.deepEqual(rw.lambdaMarg, [0, 0]);
  // e_nat = [0, 0.6], E_nat = 0.3 → γ_nat = [−0.3, 0.3]: only class 1 gets weight.
  assertClose(rw.lambdaNat, [0, 0.015], 1e-12, 0, 'lambdaNat');
  const rm = frlUpdate(s0, valid, 1, { ...base, variant: 'remargin' });
  assert.deepEqual(rm.lambdaNat, [0, 0]);
  assert.deepEqual(classWeights(rm.lambdaNat), [0.5, 0.5]);
  // e_bndy = [0.2, 0.3], E_bndy = 0.25 → γ_bndy = [−0.05, 0.05].
  assertClose(rm.lambdaMarg, [-0.01, 0.01], 1e-12, 0, 'lambdaMarg');
  assertClose(normalizeMultipliers([-1, 0.3, 0.6], 0.5), [0, 0.5 / 3, 1 / 3], 1e-15, 0, 'Norm with Σλ > lim');
  assert.deepEqual(normalizeMultipliers([-1, 0.1, 0.2], 0.5), [0, 0.1, 0.2], 'Norm below lim only clips at 0');
});
