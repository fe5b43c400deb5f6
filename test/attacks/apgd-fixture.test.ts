// APGD against an independent PyTorch implementation of docs/methods.md#apgd-ce (scripts/fixtures/attacks_apgd.py): same weights, same
// seed (the engine shares PyTorch's CPU generator). Both run in float64 and the generator keeps every decision (argmax,
// loss comparison, gradient sign, step-size halving) far from its threshold, so the step sizes agree exactly and the
// iterates to float64 precision on any CPU.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { F, Tensor, manualSeed, tensor, tidy } from '../../src/engine';
import { Linear, Module } from '../../src/nn';
import { apgdRun } from '../../src/attacks/apgd';
import { dlrTargetedLoss } from '../../src/attacks/losses';
import { assertClose } from '../helpers/assert-close';

const FIX = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../test/fixtures/attacks/apgd.json'), 'utf8')) as {
  w1: number[];
  b1: number[];
  w2: number[];
  b2: number[];
  x: number[];
  y: number[];
  target: number[];
  nIter: number;
  cases: { name: string; norm: 'Linf' | 'L2'; eps: number; adv: number[]; acc: boolean[]; steps: number[][] }[];
};

class Mlp extends Module {
  readonly a = this.child('a', new Linear(16, 12));
  readonly b = this.child('b', new Linear(12, 5));
  forward(x: Tensor): Tensor {
    return tidy(() => this.b.forward(this.a.forward(x.flatten(1)).relu()));
  }
}

for (const c of FIX.cases) {
  test(`APGD ${c.name} matches the PyTorch reference run`, () => {
    const model = new Mlp().eval().double();
    tidy(() => {
      const sd = new Map([
        ['a.weight', tensor(FIX.w1, [12, 16], 'float64')],
        ['a.bias', tensor(FIX.b1, undefined, 'float64')],
        ['b.weight', tensor(FIX.w2, [5, 12], 'float64')],
        ['b.bias', tensor(FIX.b2, undefined, 'float64')],
      ]);
      model.loadStateDict(sd);
      const x = tensor(FIX.x, [FIX.y.length, 1, 4, 4], 'float64');
      const y = tensor(FIX.y, [FIX.y.length], 'int64');
      const t = tensor(FIX.target, [FIX.target.length], 'int64');
      const loss = c.name.startsWith('dlr') ? (z: Tensor) => dlrTargetedLoss(z, y, t) : (z: Tensor) => F.crossEntropy(z, y, 'none');
      const steps: number[][] = [];
      manualSeed(0);
      const r = apgdRun(model, x, y, loss, { eps: c.eps, norm: c.norm, nIter: FIX.nIter, onCheckpoint: (_, __, s) => steps.push(s) });
      assert.deepEqual(r.acc.toArray().map(Boolean), c.acc);
      assertClose(r.xBestAdv.toArray(), c.adv, 1e-12, 0, `${c.name} adversarial images`);
      assert.equal(steps.length, c.steps.length);
      steps.forEach((s, j) => assert.deepEqual(s, c.steps[j], `${c.name} step sizes at checkpoint ${j}`));
    });
    model.dispose();
  });
}
