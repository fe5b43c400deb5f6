// Attack losses against PyTorch (fixture: scripts/fixtures/attacks_losses.py): values and logit gradients.
import { test } from 'node:test';
import * as fs from 'fs';
import * as path from 'path';
import { Tensor, grad, tensor, tidy } from '../../src/engine';
import { ceLoss, cwLoss, dlrLoss, dlrTargetedLoss } from '../../src/attacks/losses';
import { assertClose } from '../helpers/assert-close';

const FIX = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../test/fixtures/attacks/losses.json'), 'utf8')) as {
  logits: number[];
  shape: number[];
  y: number[];
  target: number[];
  losses: Record<string, { value: number[]; grad: number[] }>;
};

const cases: [string, (z: Tensor, y: Tensor, t: Tensor) => Tensor][] = [
  ['ce', (z, y) => ceLoss(z, y)],
  ['cw', (z, y) => cwLoss(z, y)],
  ['dlr', (z, y) => dlrLoss(z, y)],
  ['dlr_targeted', (z, y, t) => dlrTargetedLoss(z, y, t)],
];

for (const [name, fn] of cases) {
  test(`${name} loss and its gradient match PyTorch`, () =>
    tidy(() => {
      const z = tensor(FIX.logits, FIX.shape, 'float64').requiresGrad_(true);
      const y = tensor(FIX.y, [FIX.y.length], 'int64');
      const t = tensor(FIX.target, [FIX.target.length], 'int64');
      const v = fn(z, y, t);
      const [g] = grad(v.sum(), z);
      assertClose(v.toArray(), FIX.losses[name].value, 1e-10, 1e-9, `${name} value`);
      assertClose(g.toArray(), FIX.losses[name].grad, 1e-10, 1e-9, `${name} grad`);
    }));
}

test('CW margin with κ caps the loss at −κ', () =>
  tidy(() => {
    const z = tensor([10, 0, 0, 0, 1, 0], [2, 3]);
    const y = tensor([0, 1], [2], 'int64');
    assertClose(cwLoss(z, y, 5).toArray(), [-5, -1]);
  }));
