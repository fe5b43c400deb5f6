// FRL as its authors ran it (paper-cifar10-frl): the run records the variant, trains on raw pixels, and its Lagrange
// multipliers follow the official update from the logged per-class validation errors (PGD-20), recomputed here in
// closed form for two consecutive epochs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { EpochRecord, SplitAccuracy } from '../../src/formats';
import { assertClose } from '../helpers/assert-close';
import { writeTinyIdx } from './idx-fixture';

const CFA = path.join(__dirname, '../../../bin/cfa.js');

/** Norm(λ): negative parts to 0, then scaled down to sum lim when the sum exceeds it. */
function norm(l: number[], lim: number): number[] {
  const p = l.map((v) => (v > 0 ? v : 0));
  const s = p.reduce((a, b) => a + b, 0);
  return s > lim ? p.map((v) => (v * lim) / s) : p;
}

/** One multiplier update (FRL reweight+remargin) from a validation result with per-class accuracies and counts. */
function update(prev: NonNullable<EpochRecord['frl']>, v: SplitAccuracy, epoch1: number, o: { tau: number; rate2: number; lim: number; halveEvery: number }) {
  const total = v.nPerClass.reduce((a, b) => a + b, 0);
  const acc = v.cleanPerClass.reduce((a, c, k) => a + c * v.nPerClass[k], 0) / total;
  const adv = v.robustPerClass.reduce((a, r, k) => a + r * v.nPerClass[k], 0) / total;
  const rate1 = epoch1 % o.halveEvery === 0 ? prev.rate1 / 2 : prev.rate1;
  const gNat = v.cleanPerClass.map((c) => 1 - c - (1 - acc) - o.tau);
  const gBndy = v.cleanPerClass.map((c, k) => c - v.robustPerClass[k] - (acc - adv) - o.tau);
  return {
    lambdaNat: norm(prev.lambdaNat.map((l, k) => l + rate1 * Math.max(gNat[k], -1000)), o.lim),
    lambdaBndy: norm(prev.lambdaBndy.map((l, k) => l + 2 * rate1 * Math.max(gBndy[k], -1000)), o.lim),
    lambdaMarg: prev.lambdaMarg.map((l, k) => l + o.rate2 * gBndy[k]),
    rate1,
  };
}

test('paper-cifar10-frl: FRL PRN-18 variant on raw pixels, last 300 per class, PGD-20; multipliers over two epochs match the closed form', () => {
  const data = writeTinyIdx(36, 10);
  const out = path.join(data, 'run');
  try {
    // The preset's data, network and size are swapped for a tiny CPU run; its FRL rules stay.
    const r = spawnSync(process.execPath, [CFA, 'train', '--preset', 'paper-cifar10-frl', '--data', 'fashion-mnist', '--data-dir', data, '--arch', 'smallcnn',
      '--eps', '0.1', '--epochs', '3', '--lr', '0.05', '--batch-size', '50', '--threads', '1', '--set', 'validPerClass=6', '--set', 'frlHalveEvery=2', '--quiet', '--out', out],
      { encoding: 'utf8', timeout: 300_000 });
    assert.equal(r.status, 0, r.stderr);
    const cfg = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
    assert.deepEqual([cfg.method, cfg.frl.variant, cfg.normalize, cfg.validRule, cfg.evalSteps, cfg.padMode], ['frl', 'reweight-remargin', 'none', 'last', 20, 'zero']);
    assert.deepEqual([cfg.mean, cfg.std], [[0], [1]], 'raw pixels: the model normalises with mean 0 and std 1');
    const log: EpochRecord[] = fs.readFileSync(path.join(out, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(log.length, 3);
    assert.deepEqual(log[0].valid.model.nPerClass, new Array(10).fill(6));
    const o = { tau: cfg.frl.tauNat, rate2: cfg.frl.rate2, lim: cfg.frl.lim, halveEvery: 2 };
    assert.deepEqual([cfg.frl.tauNat, cfg.frl.tauBndy, cfg.frl.rate1, cfg.frl.rate2, cfg.frl.lim, cfg.frl.marginMax], [0.07, 0.07, 0.05, 0.2, 0.5, 3]);
    assert.equal(log[0].frl!.rate1, 0.05);
    let moved = 0;
    for (const e of [1, 2]) {
      const expected = update(log[e - 1].frl!, log[e - 1].valid.model, e + 1, o);
      const got = log[e].frl!;
      assertClose(got.lambdaNat, expected.lambdaNat, 1e-12, 0, `epoch ${e} λ_nat`);
      assertClose(got.lambdaBndy, expected.lambdaBndy, 1e-12, 0, `epoch ${e} λ_bndy`);
      assertClose(got.lambdaMarg, expected.lambdaMarg, 1e-12, 0, `epoch ${e} λ_marg`);
      assert.equal(got.rate1, 0.025, `epoch ${e} r₁ (halved before the 2nd epoch, not again before the 3rd)`);
      // What the epoch trained with: w_k = 1/K + λ_k − mean λ, and ε_k = ε·clip(exp(2λ_marg,k), 0.98, 3).
      const w = (l: number[]) => l.map((v) => 0.1 + v - l.reduce((a, b) => a + b, 0) / 10);
      assertClose(log[e].classWeights!.nat, w(expected.lambdaNat), 1e-12, 0, `epoch ${e} w_nat`);
      assertClose(log[e].classWeights!.bndy, w(expected.lambdaBndy), 1e-12, 0, `epoch ${e} w_bndy`);
      assertClose(log[e].epsPerClass, expected.lambdaMarg.map((l) => 0.1 * Math.min(Math.max(Math.exp(2 * l), 0.98), 3)), 1e-12, 0, `epoch ${e} ε_k`);
      moved += expected.lambdaMarg.filter((l, k) => Math.abs(l - log[e - 1].frl!.lambdaMarg[k]) > 1e-6).length;
    }
    assert.ok(moved > 0, 'the margins moved');
  } finally {
    fs.rmSync(data, { recursive: true, force: true });
  }
});
