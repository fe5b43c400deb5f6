// CCM (eq. 6), CCR (eqs. 7-8), EMA, FAWA and the selection rule on constructed inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, scalar, tensor } from '../../src/engine';
import { Module } from '../../src/nn';
import { calibratedMargins, marginsForEpoch } from '../../src/training/ccm';
import { betasForEpoch, calibratedBetas, klWeights } from '../../src/training/ccr';
import { classCounter, countLabels, splitAccuracy } from '../../src/training/class-accuracy';
import { emaUpdate } from '../../src/training/ema';
import { fawaAccepts, fawaUpdate } from '../../src/training/fawa';
import { beatsBest, selectionIndex } from '../../src/training/selection';
import { averagedModel } from '../../src/training/weight-average';
import { assertClose } from '../helpers/assert-close';

/** A module with one float parameter and an int64 buffer, like a BatchNorm's num_batches_tracked. */
class Tiny extends Module {
  constructor(w: number[], count: number) {
    super();
    this.param('w', tensor(w));
    this.buffer('count', scalar(count, 'int64'));
  }
  forward(x: Tensor): Tensor {
    return x;
  }
  values(): { w: number[]; count: number } {
    const sd = this.stateDict();
    return { w: sd.get('w')!.toArray(), count: sd.get('count')!.item() };
  }
}

test('CCM: ε_k = (λ₁ + t_k)·ε, unclipped, and ε before the begin epoch', () => {
  const eps = 8 / 255;
  const t = [0.2, 0.5, 0.9];
  assertClose(calibratedMargins(t, 0.5, eps), [0.7 * eps, 1.0 * eps, 1.4 * eps], 1e-15, 0, 'eq. 6');
  const o = { eps, numClasses: 3, lambda1: 0.5, begin: 2, enabled: true };
  assert.deepEqual(marginsForEpoch(1, o, t), [eps, eps, eps], 'before begin');
  assertClose(marginsForEpoch(2, o, t), [0.7 * eps, eps, 1.4 * eps], 1e-15, 0, 'from begin');
  assert.deepEqual(marginsForEpoch(5, { ...o, enabled: false }, t), [eps, eps, eps], 'disabled');
  // λ₁ = 0.7 with t = 0.9 gives 1.6ε: no clipping (docs/methods.md#deviations).
  assertClose(calibratedMargins([0.9], 0.7, eps), [1.6 * eps], 1e-15, 0, 'no clip');
});

test('CCR: β_k = (λ₂ + t_k)·β and KL weights b_k = β_k/(1+β_k)', () => {
  const betas = calibratedBetas([0, 0.5, 1], 0.5, 6);
  assertClose(betas, [3, 6, 9], 1e-15, 0, 'eq. 7');
  assertClose(klWeights(betas), [0.75, 6 / 7, 0.9], 1e-15, 0, 'eq. 8');
  assert.deepEqual(betasForEpoch(0, { beta: 6, numClasses: 3, lambda2: 0.5, begin: 1, enabled: true }, [0, 0.5, 1]), [6, 6, 6]);
  assertClose(betasForEpoch(1, { beta: 6, numClasses: 3, lambda2: 0.5, begin: 1, enabled: true }, [0, 0.5, 1]), [3, 6, 9], 1e-15, 0, 'after begin');
});

test('EMA: starts at the begin epoch with a copy, then θ̄ ← α·θ̄ + (1−α)·θ; int buffers are truncated', () => {
  const ema = averagedModel(new Tiny([0, 0], 0));
  const model = new Tiny([1, 2], 10);
  assert.equal(emaUpdate(ema, model, 0, { decay: 0.85, begin: 1 }), false, 'before begin');
  assert.deepEqual((ema.model as Tiny).values(), { w: [0, 0], count: 0 });
  assert.equal(emaUpdate(ema, model, 1, { decay: 0.85, begin: 1 }), true);
  assert.deepEqual((ema.model as Tiny).values(), { w: [1, 2], count: 10 }, 'first update copies');
  const next = new Tiny([3, 6], 21);
  emaUpdate(ema, next, 2, { decay: 0.85, begin: 1 });
  const v = (ema.model as Tiny).values();
  assertClose(v.w, [0.85 * 1 + 0.15 * 3, 0.85 * 2 + 0.15 * 6], 1e-6, 1e-6, 'average');
  assert.equal(v.count, Math.trunc(0.85 * 10 + 0.15 * 21), 'num_batches_tracked truncated (11.65 → 11)');
  assert.equal(ema.updates, 2);
  assert.equal(ema.model.training, false, 'averages stay in eval mode');
  [ema.model, model, next].forEach((m) => m.dispose());
});

test('FAWA: skips checkpoints whose worst-class validation robust accuracy is below the threshold', () => {
  const o = { decay: 0.85, threshold: 0.2, begin: 1 };
  assert.equal(fawaAccepts(0.5, 0, o), false, 'before begin');
  assert.equal(fawaAccepts(0.19, 3, o), false, 'below threshold');
  assert.equal(fawaAccepts(0.2, 3, o), true, 'at the threshold (≥)');
  const fawa = averagedModel(new Tiny([-5, -5], 0));
  const a = new Tiny([1, 1], 0);
  const b = new Tiny([100, 100], 0);
  const c = new Tiny([2, 4], 0);
  assert.equal(fawaUpdate(fawa, a, 0.1, 1, o), false, 'unfair checkpoint rejected');
  assert.equal(fawa.initialized, false);
  assert.equal(fawaUpdate(fawa, a, 0.25, 2, o), true, 'first accepted checkpoint initialises θ̄ ← θ');
  assert.deepEqual((fawa.model as Tiny).values().w, [1, 1]);
  assert.equal(fawaUpdate(fawa, b, 0.05, 3, o), false, 'unfair checkpoint skipped');
  assert.deepEqual((fawa.model as Tiny).values().w, [1, 1], 'θ̄ unchanged');
  assert.equal(fawaUpdate(fawa, c, 0.3, 4, o), true);
  assertClose((fawa.model as Tiny).values().w, [0.85 + 0.3, 0.85 + 0.6], 1e-6, 1e-6, 'average of accepted only');
  assert.equal(fawa.updates, 2);
  [fawa.model, a, b, c].forEach((m) => m.dispose());
});

test('per-class accuracy divides by n_k (docs/methods.md#deviations) and the selection index is robust + worst-class robust', () => {
  const clean = classCounter(3);
  const robust = classCounter(3);
  const labels = [0, 0, 0, 0, 1, 1, 2, 2, 2, 2];
  countLabels(clean, [0, 0, 0, 1, 1, 1, 2, 2, 2, 0], labels);
  countLabels(robust, [0, 0, 1, 1, 1, 0, 2, 0, 0, 0], labels);
  const a = splitAccuracy(clean, robust);
  assert.deepEqual(a.nPerClass, [4, 2, 4]);
  assertClose(a.cleanPerClass, [0.75, 1, 0.75], 1e-15, 0, 'clean');
  assertClose(a.robustPerClass, [0.5, 0.5, 0.25], 1e-15, 0, 'robust');
  assert.equal(a.clean, 0.8);
  assert.equal(a.robust, 0.4);
  assert.equal(a.worstRobust, 0.25);
  assert.equal(a.worstClean, 0.75);
  assertClose([selectionIndex(a)], [0.65], 1e-15, 0, 'index');
});

test('selection: strictly higher index wins, ties keep the earlier epoch, nothing before selectFrom', () => {
  const best = {};
  assert.equal(beatsBest(best, 'model', 0.9, 2, 3), false, 'before selectFrom');
  assert.equal(beatsBest(best, 'model', 0.1, 3, 3), true, 'first eligible epoch');
  const b = { model: { index: 0.6, epoch: 4 } };
  assert.equal(beatsBest(b, 'model', 0.6, 5, 0), false, 'tie keeps the earlier checkpoint');
  assert.equal(beatsBest(b, 'model', 0.61, 5, 0), true);
  assert.equal(beatsBest(b, 'fawa', 0.1, 5, 0), true, 'each model has its own best');
});
