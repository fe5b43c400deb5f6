// SGD reproduces torch.optim.SGD's trajectory (fixtures: engine_models.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { F, tensor, tidy } from '../../src/engine';
import { SGD, SGDOptions, cosine, createNetwork, loadCheckpoint, piecewise, readSafetensors } from '../../src/nn';
import { assertClose } from '../helpers/assert-close';

const FIX = path.join(__dirname, '../../../test/fixtures/engine');
const fx = JSON.parse(fs.readFileSync(path.join(FIX, 'smallcnn.json'), 'utf8'));

function run(o: SGDOptions) {
  const m = createNetwork({ arch: 'smallcnn', numClasses: 10, inChannels: 1, inputSize: 28 });
  loadCheckpoint(path.join(FIX, 'smallcnn-init.safetensors'), m);
  const opt = new SGD(m.parameters(), o);
  const x = tensor(fx.x, [8, 1, 28, 28]);
  const y = tensor(fx.y, [8], 'int64');
  const losses: number[] = [];
  for (let i = 0; i < 5; i++) {
    opt.zeroGrad();
    tidy(() => {
      const loss = F.crossEntropy(m.forward(x), y);
      loss.backward();
      losses.push(loss.item());
    });
    opt.step();
  }
  return { m, opt, losses };
}

test('five SGD steps (momentum 0.9, weight decay 5e-4) follow PyTorch to 1e-5', () => {
  const { m, opt, losses } = run({ lr: 0.05, momentum: 0.9, weightDecay: 5e-4 });
  assertClose(losses, fx.sgd.plain, 1e-5, 1e-5, 'losses');
  const ref = readSafetensors(path.join(FIX, 'smallcnn-sgd5.safetensors')).tensors;
  for (const [k, t] of m.stateDict()) assertClose(t.toArray(), ref.get(k)!.toArray(), 1e-5, 1e-4, k);
  assert.equal(opt.stateDict().size, m.parameters().length);
  m.dispose();
  opt.dispose();
});

for (const [name, o] of [
  ['nesterov', { lr: 0.05, momentum: 0.9, weightDecay: 5e-4, nesterov: true }],
  ['dampening', { lr: 0.05, momentum: 0.5, dampening: 0.3 }],
] as const) {
  test(`SGD with ${name} follows PyTorch`, () => {
    const { m, opt, losses } = run(o);
    assertClose(losses, fx.sgd[name].losses, 1e-5, 1e-5, 'losses');
    for (const [k, t] of m.stateDict()) {
      const s = tidy(() => t.double().sum().item());
      assert.ok(Math.abs(s - fx.sgd[name].sums[k]) <= 1e-4 + 1e-4 * Math.abs(s), `${k}: ${s} vs ${fx.sgd[name].sums[k]}`);
    }
    m.dispose();
    opt.dispose();
  });
}

test('learning-rate schedules: the paper piecewise (÷10 at 100 and 150) and cosine', () => {
  assert.equal(piecewise(0, 0.1), 0.1);
  assert.equal(piecewise(99, 0.1), 0.1);
  assert.ok(Math.abs(piecewise(100, 0.1) - 0.01) < 1e-12);
  assert.ok(Math.abs(piecewise(150, 0.1) - 0.001) < 1e-12);
  assert.equal(cosine(0, 0.1, 200), 0.1);
  assert.ok(Math.abs(cosine(100, 0.1, 200) - 0.05) < 1e-12);
  assert.ok(Math.abs(cosine(200, 0.1, 200)) < 1e-12);
});
