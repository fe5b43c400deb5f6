// ResNet-18 (Tiny-ImageNet's network, App. C.1) against PyTorch: key names and shapes, seeded init, logits on a fixed
// 64×64 input in eval and train mode (fixture: scripts/fixtures/resnet18.py). Also FRL's PreActResNet-18 variant.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { manualSeed, noGrad, tensor, tidy } from '../../src/engine';
import { createNetwork } from '../../src/nn';
import { assertClose } from '../helpers/assert-close';

const fix = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../test/fixtures/engine/resnet18.json'), 'utf8'));

test('ResNet-18: torchvision key names and shapes in order, parameter count and seeded init equal to PyTorch', () => {
  manualSeed(fix.seed);
  const m = createNetwork({ arch: 'resnet18', numClasses: 200, inChannels: 3, inputSize: 64 });
  try {
    const sd = m.stateDict();
    assert.deepEqual([...sd.entries()].map(([k, t]) => [k, t.shape]), fix.keys);
    assert.equal(m.numParameters(), fix.numParameters);
    assert.equal(m.numParameters(), 11271432);
    for (const [k, t] of sd) {
      const s = tidy(() => t.double().sum().item());
      assert.ok(Math.abs(s - fix.stateSums[k]) <= 1e-6 * Math.max(1, Math.abs(s)), `${k}: sum ${s} vs ${fix.stateSums[k]}`);
    }
  } finally {
    m.dispose();
  }
});

test('ResNet-18 logits on a 64×64 batch equal PyTorch to 1e-4 (eval and train mode)', () => {
  manualSeed(fix.seed);
  const m = createNetwork({ arch: 'resnet18', numClasses: 200, inChannels: 3, inputSize: 64 });
  try {
    const n = fix.inputShape.reduce((a: number, b: number) => a * b, 1);
    tidy(() => {
      const x = tensor(Array.from({ length: n }, (_, i) => Math.fround((Math.sin(0.37 * i) + 1) / 2)), fix.inputShape);
      m.eval();
      assertClose(noGrad(() => m.forward(x)).toArray(), fix.logitsEval, 1e-4, 0, 'eval logits');
      m.train();
      assertClose(noGrad(() => m.forward(x)).toArray(), fix.logitsTrain, 1e-4, 0, 'train logits');
    });
  } finally {
    m.dispose();
  }
});

test("FRL's PreActResNet-18 variant has no final BatchNorm: the same keys as PRN-18 without bn.*", () => {
  const a = createNetwork({ arch: 'prn18', numClasses: 10, inChannels: 3, inputSize: 32 });
  const b = createNetwork({ arch: 'prn18-frl', numClasses: 10, inChannels: 3, inputSize: 32 });
  try {
    const keys = [...a.stateDict().keys()];
    assert.deepEqual([...b.stateDict().keys()], keys.filter((k) => !k.startsWith('bn.')));
    assert.equal(a.numParameters() - b.numParameters(), 2 * 512);
    tidy(() => {
      const out = noGrad(() => b.eval().forward(tensor(new Array(2 * 3 * 32 * 32).fill(0.5), [2, 3, 32, 32])));
      assert.deepEqual(out.shape, [2, 10]);
    });
  } finally {
    a.dispose();
    b.dispose();
  }
});
