// Configuration resolution: profiles, presets, fractions of epochs, CFA lists, and rejection of bad settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../../src/errors';
import { TrainConfig, checkInput, parseCfaList } from '../../src/training/config';
import { mergeInputs, resolveConfig } from '../../src/training/defaults';
import { presetInputs } from '../../src/training/presets';
import { epochSettings } from '../../src/training/calibration';

const resolve = (...inputs: Record<string, unknown>[]) => resolveConfig(mergeInputs(...inputs.map((i) => checkInput(i, 'test'))), '0.0.0');

test('paper profile: λ₁ per method, decay 0.85, threshold 0.2, begin epochs as fractions of the run', () => {
  const at = resolve({ dataset: 'cifar10', method: 'at' });
  assert.equal(at.calibration.lambda1, 0.5);
  assert.equal(resolve({ dataset: 'cifar10', method: 'trades' }).calibration.lambda1, 0.3);
  assert.equal(resolve({ dataset: 'cifar10', method: 'fat' }).calibration.lambda1, 0.7);
  assert.equal(at.eps, 8 / 255);
  assert.equal(at.stepSize, 2 / 255);
  assert.equal(at.arch, 'prn18');
  assert.deepEqual([at.ema.decay, at.fawa.decay, at.fawa.threshold], [0.85, 0.85, 0.2]);
  assert.deepEqual([at.calibration.begin, at.ema.begin, at.fawa.begin], [10, 50, 50], '200 epochs: the paper values');
  assert.deepEqual(at.lrMilestones, [100, 150]);
  assert.equal(at.attackMode, 'eval');
  const short = resolve({ dataset: 'cifar10', epochs: 8 });
  assert.deepEqual([short.calibration.begin, short.ema.begin, short.fawa.begin, ...short.lrMilestones], [1, 2, 2, 4, 6]);
  assert.equal(resolve({ dataset: 'fmnist' }).eps, 0.1, 'Fashion-MNIST alias and its ε');
});

test('official profile: λ₁ 0.5 everywhere, decay 0.88, threshold 0.24, averaging from epoch 0, AT/FAT attack in train mode', () => {
  const t = resolve(...presetInputs(['paper-cifar10-trades-cfa', 'official']));
  assert.deepEqual([t.calibration.lambda1, t.ema.decay, t.fawa.decay, t.fawa.threshold, t.ema.begin, t.fawa.begin], [0.5, 0.88, 0.88, 0.24, 0, 0]);
  assert.equal(t.attackMode, 'eval', 'TRADES attacks in eval mode in both');
  assert.deepEqual(t.cfa, { ccm: true, ccr: true, fawa: true, ema: false });
  assert.equal(resolve({ method: 'fat', profile: 'official' }).attackMode, 'train');
  assert.equal(resolve({ method: 'at', profile: 'official' }).selectFrom, 100);
});

test('later settings override earlier ones; explicit values beat profile defaults', () => {
  const c = resolve(...presetInputs(['paper-cifar10-at-cfa']), { epochs: 20, fawaThreshold: 0.3 }, { cfa: 'ccm,ema' });
  assert.equal(c.epochs, 20);
  assert.equal(c.fawa.threshold, 0.3);
  assert.deepEqual(c.cfa, { ccm: true, ccr: false, fawa: false, ema: true }, 'a CFA list replaces the switches');
  assert.deepEqual(resolve({ method: 'trades', cfa: 'all' }).cfa, { ccm: true, ccr: true, fawa: true, ema: false });
  assert.deepEqual(resolve({ method: 'at', cfa: 'all' }).cfa, { ccm: true, ccr: false, fawa: true, ema: false }, 'no CCR outside the TRADES family');
  assert.equal(resolve({ eps: '4/255' }).eps, 4 / 255, 'fractions');
  assert.equal(resolve({ selectOn: 'test' }).monitorTest, true, 'test selection monitors the test set');
});

test('invalid settings are rejected with the field named', () => {
  const rejects = (input: Record<string, unknown>, pattern: RegExp) =>
    assert.throws(() => resolve(input), (e: unknown) => e instanceof UserError && pattern.test(e.message), `${JSON.stringify(input)} → ${pattern}`);
  rejects({ eps: -0.1 }, /'eps'.*≥ 0/);
  rejects({ method: 'pgd' }, /'method'.*one of at, trades, fat, frl, mart/);
  rejects({ method: 'at', cfa: { ccr: true } }, /'cfa\.ccr'.*TRADES-family/);
  rejects({ fawaThreshold: 1.5 }, /'fawaThreshold'.*\[0, 1\]/);
  rejects({ emaDecay: -0.1 }, /'emaDecay'/);
  rejects({ epsilon: 0.1 }, /unknown field 'epsilon'/);
  rejects({ epochs: 2.5 }, /'epochs'.*integer/);
  rejects({ cfa: 'ccm,fawq' }, /unknown CFA part 'fawq'/);
  rejects({ cfa: { ccn: true } }, /unknown field 'cfa\.ccn'/);
  rejects({ lrMilestones: [5, 3], epochs: 10 }, /'lrMilestones'.*increase/);
  rejects({ dataset: 'imagenet' }, /unknown dataset 'imagenet'/);
  rejects({ epochs: 4, cfa: 'fawa', fawaBegin: 4 }, /'fawaBegin'/);
  assert.throws(() => presetInputs(['nope']), /unknown preset 'nope'/);
  assert.throws(() => parseCfaList('ccm,x', '--cfa'), /--cfa: unknown CFA part 'x'/);
});

test("the original FAT's dynamic τ: 0 up to epoch 50, 1 up to 90, 2 after (1-based), logged per epoch", () => {
  const c = resolve(...presetInputs(['paper-cifar10-fat', 'fat-original']));
  assert.deepEqual([c.fat.semantics, c.fat.tau, c.eps, c.stepSize, c.attackMode], ['original', 0, 0.031, 0.007, 'eval']);
  const withData = (p: ReturnType<typeof resolve>): TrainConfig => ({ ...p, numClasses: 10, classNames: [...'0123456789'], mean: [0], std: [1], channels: 1, inputSize: 28, augment: 'none' });
  const tauAt = (epoch1: number) => epochSettings(withData(c), epoch1 - 1, undefined, undefined).fatTau;
  assert.deepEqual([1, 50, 51, 90, 91, 200].map(tauAt), [0, 0, 1, 1, 2, 2]);
  const fixed = resolve({ method: 'fat' });
  assert.deepEqual([0, 150].map((e) => epochSettings(withData(fixed), e, undefined, undefined).fatTau), [3, 3], "CFA's fixed τ 3");
  assert.equal(epochSettings(withData(resolve({ method: 'at' })), 0, undefined, undefined).fatTau, undefined);
  assert.throws(() => resolve({ method: 'fat', fatTauMilestones: [90, 50] }), /'fatTauMilestones'.*increase/);
});
