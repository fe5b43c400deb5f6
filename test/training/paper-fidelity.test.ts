// The paper's protocols as settings: Table 1's presets attack in train mode for AT and FAT, FRL's preset as its
// authors ran it, Tiny-ImageNet's ResNet-18 and worst-20% measure, and FRL's "last 300 per class" validation rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { ImageDataset } from '../../src/data/dataset';
import { splitValidation } from '../../src/data';
import { checkInput } from '../../src/training/config';
import { mergeInputs, resolveConfig } from '../../src/training/defaults';
import { presetInputs } from '../../src/training/presets';
import { defaultFairnessMetric, fairnessMeasure } from '../../src/training/fairness-measure';
import { fawaAccepts } from '../../src/training/fawa';
import { selectionIndex } from '../../src/training/selection';
import { SplitAccuracy } from '../../src/formats';

const resolve = (...inputs: Record<string, unknown>[]) => resolveConfig(mergeInputs(...inputs.map((i) => checkInput(i, 'test'))), '0.0.0');

test("Table 1 presets: AT's and FAT's training attack in train mode (how the rows were made); eval mode on request", () => {
  for (const p of ['paper-cifar10-at', 'paper-cifar10-at-cfa', 'paper-cifar10-fat', 'paper-cifar10-fat-cfa']) {
    assert.equal(resolve(...presetInputs([p])).attackMode, 'train', p);
    assert.equal(resolve(...presetInputs([p]), { attackMode: 'eval' }).attackMode, 'eval', `${p} with attackMode eval`);
  }
  assert.equal(resolve(...presetInputs(['paper-cifar10-trades-cfa'])).attackMode, 'eval', 'TRADES attacks in eval mode');
  assert.equal(resolve({ dataset: 'cifar10', method: 'at' }).attackMode, 'eval', 'the paper profile without a preset');
  const help = spawnSync(process.execPath, [path.join(__dirname, '../../../bin/cfa.js'), 'train', '--help'], { encoding: 'utf8' }).stdout;
  assert.match(help, /Table 1 was made with the official code, which attacks in train mode/);
  assert.match(help, /docs\/methods\.md#batchnorm-mode/);
});

test('paper-cifar10-frl: FRL PRN-18 variant, raw pixels, last 300 per class, PGD-20 validation, zero padding', () => {
  const c = resolve(...presetInputs(['paper-cifar10-frl']));
  assert.deepEqual(
    [c.method, c.frl.variant, c.arch, c.normalize, c.validRule, c.validPerClass, c.evalSteps, c.evalStepSize, c.padMode, c.epochs, c.lr, c.beta],
    ['frl', 'reweight-remargin', 'prn18-frl', 'none', 'last', 300, 20, 2 / 255, 'zero', 40, 0.001, 1.5],
  );
});

test('Tiny-ImageNet: ResNet-18 by default, PreActResNet-18 on request; metrics default by the number of classes', () => {
  assert.equal(resolve({ dataset: 'tiny-imagenet' }).arch, 'resnet18');
  assert.equal(resolve({ dataset: 'tiny-imagenet', arch: 'prn18' }).arch, 'prn18');
  assert.equal(resolve({ dataset: 'cifar10' }).arch, 'prn18');
  assert.deepEqual([defaultFairnessMetric(200), defaultFairnessMetric(100), defaultFairnessMetric(99), defaultFairnessMetric(10)], ['worst20', 'worst20', 'worst', 'worst']);
  assert.equal(resolve({ fawaMetric: 'worst20', selectionMetric: 'worst' }).fawa.metric, 'worst20');
  assert.throws(() => resolve({ fawaMetric: 'worst10' }), /field 'fawaMetric': expected one of worst, worst20/);
});

test('worst-20% mean: the ⌈0.2K⌉ smallest classes, empty classes left out; FAWA and selection use it', () => {
  // 10 classes: the 2 smallest are 0.1 and 0.2.
  const worst20 = (robustPerClass: number[], nPerClass: number[]) =>
    fairnessMeasure({ n: 0, nPerClass, clean: 0, robust: 0, cleanPerClass: robustPerClass, robustPerClass, worstRobust: 0, worstClean: 0 }, 'worst20');
  const per = [0.9, 0.1, 0.5, 0.3, 0.8, 0.7, 0.6, 0.2, 0.4, 1];
  assert.ok(Math.abs(worst20(per, new Array(10).fill(5)) - 0.15) < 1e-15);
  // 7 classes with points (one empty): ⌈1.4⌉ = 2 smallest of the present ones.
  assert.ok(Math.abs(worst20([0, 0.5, 0.4, 0.9, 0.6, 0.7, 0.8, 0.3], [0, 1, 1, 1, 1, 1, 1, 1]) - 0.35) < 1e-15);
  // 200 classes: 10 at 0, the others at 0.5 → worst-20% = (10·0 + 30·0.5)/40.
  const k200 = Array.from({ length: 200 }, (_, k) => (k < 10 ? 0 : 0.5));
  const acc: SplitAccuracy = { n: 400, nPerClass: new Array(200).fill(2), clean: 0.5, robust: 0.475, cleanPerClass: k200, robustPerClass: k200, worstRobust: 0, worstClean: 0 };
  assert.equal(fairnessMeasure(acc, 'worst20'), 0.375);
  assert.equal(fairnessMeasure(acc, 'worst'), 0);
  const o = { decay: 0.85, threshold: 0.2, begin: 0 };
  assert.equal(fawaAccepts(fairnessMeasure(acc, 'worst20'), 3, o), true);
  assert.equal(fawaAccepts(fairnessMeasure(acc, 'worst'), 3, o), false);
  assert.equal(selectionIndex(acc, 'worst20'), 0.475 + 0.375);
  assert.equal(selectionIndex(acc), 0.475, 'the worst class by default');
});

test("validation rule 'last': the last N training images of each class in file order (FRL's split)", () => {
  const labels = Int32Array.from([0, 1, 0, 1, 0, 1, 0, 1, 1]);
  const ds: ImageDataset = { name: 't', classNames: ['a', 'b'], numClasses: 2, channels: 1, height: 1, width: 1, length: 9, images: Uint8Array.from(labels.map((_, i) => i)), labels, source: 'test' };
  const { train, valid } = splitValidation(ds, { rule: 'last', perClass: 2 });
  assert.deepEqual(Array.from(valid.origin!), [4, 6, 7, 8]);
  assert.deepEqual(Array.from(train.origin!), [0, 1, 2, 3, 5]);
  assert.deepEqual(Array.from(splitValidation(ds, { rule: 'first', perClass: 2 }).valid.origin!), [0, 1, 2, 3]);
});
