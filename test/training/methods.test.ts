// Each base trainer's step on a tiny BatchNorm network: a finite scalar loss with gradients, detached robust logits,
// the model back in train mode, and the attack run in the mode of docs/methods.md#batchnorm-mode (counted by BatchNorm's num_batches_tracked,
// which only train-mode forwards advance).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, liveTensors, manualSeed, rand, tensor, tidy } from '../../src/engine';
import { BatchNorm2d, Conv2d, Flatten, Linear, Module, ReLU, Sequential } from '../../src/nn';
import { atStep } from '../../src/training/at';
import { fatStep } from '../../src/training/fat';
import { frlStep } from '../../src/training/frl';
import { martStep } from '../../src/training/mart';
import { StepOutput } from '../../src/training/step';
import { tradesStep } from '../../src/training/trades';

function tinyNet(): Module {
  manualSeed(3);
  return new Sequential(new Conv2d(1, 4, 3), new BatchNorm2d(4), new ReLU(), new Flatten(), new Linear(4 * 6 * 6, 3));
}

const trainModeForwards = (m: Module) => m.stateDict().get('1.num_batches_tracked')!.item();

function run(name: string, expectedForwards: number, step: (model: Module, x: Tensor, y: Tensor) => StepOutput): void {
  const model = tinyNet();
  const before = liveTensors();
  tidy(() => {
    manualSeed(4);
    const x = rand([6, 1, 8, 8]);
    const y = tensor([0, 1, 2, 0, 1, 2], [6], 'int64');
    const out = step(model, x, y);
    assert.deepEqual(out.loss.shape, [], `${name}: scalar loss`);
    assert.ok(Number.isFinite(out.loss.item()), `${name}: finite loss`);
    assert.deepEqual(out.robustLogits.shape, [6, 3]);
    assert.equal(out.robustLogits.requiresGrad, false, `${name}: robust logits detached`);
    out.loss.backward();
    assert.ok(model.parameters().every((p) => p.grad !== undefined), `${name}: every parameter gets a gradient`);
  });
  assert.equal(model.training, true, `${name}: back in train mode`);
  assert.equal(trainModeForwards(model), expectedForwards, `${name}: train-mode forwards`);
  model.zeroGrad();
  assert.equal(liveTensors(), before, `${name}: no tensor leaked`);
  model.dispose();
}

const base = { eps: 0.1, stepSize: 0.025, steps: 3 };

test('AT: PGD in eval mode (paper profile) or train mode (official), then one train-mode loss forward', () => {
  run('at eval', 1, (model, x, y) => atStep({ model, x, y, ...base, attackMode: 'eval' }));
  run('at train', 3 + 1, (model, x, y) => atStep({ model, x, y, ...base, attackMode: 'train' }));
  run('at per-sample ε', 1, (model, x, y) => atStep({ model, x, y, ...base, eps: tensor([0.05, 0.1, 0.2, 0.05, 0.1, 0.2]), attackMode: 'eval' }));
});

test('TRADES: KL attack in eval mode, then f(x), f(x′) and f(x) again in train mode', () => {
  run('trades', 3, (model, x, y) => tradesStep({ model, x, y, ...base, beta: 6, form: 'normalized' }));
  run('trades ccr', 3, (model, x, y) => tradesStep({ model, x, y, ...base, beta: tensor([3, 6, 9, 3, 6, 9]), form: 'original' }));
});

test('FAT: τ = 0 under CFA semantics stops after the first check (one train-mode forward) before the loss', () => {
  run('fat', 1 + 1, (model, x, y) => fatStep({ model, x, y, ...base, tau: 0, semantics: 'cfa', attackMode: 'train' }));
  run('fat original', 1, (model, x, y) => fatStep({ model, x, y, ...base, tau: 1, semantics: 'original', attackMode: 'eval' }));
});

test('MART and FRL: eval-mode attacks, then their train-mode loss forwards', () => {
  run('mart', 2, (model, x, y) => martStep({ model, x, y, ...base, beta: 6 }));
  const w = [0.2, 0.5, 0.3];
  run('frl reweight', 3, (model, x, y) => frlStep({ model, x, y, ...base, variant: 'reweight', weightsNat: w, weightsBndy: w, beta: 1.5 }));
  run('frl remargin', 3, (model, x, y) => frlStep({ model, x, y, ...base, eps: tensor([0.1, 0.2, 0.3, 0.1, 0.2, 0.3]), variant: 'reweight-remargin', weightsNat: w, weightsBndy: w, beta: 1.5 }));
});
