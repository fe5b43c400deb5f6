// The settings schema: nested, dotted and flat names give the same configuration; old flat config.json files load;
// generated docs follow the default rules; eval's schema resolves its own defaults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkInput } from '../../src/training/config';
import { mergeInputs, resolveConfig, upgradeConfig } from '../../src/training/defaults';
import { byKey, byProfile, checkInput as checkSchema, choice, int, ofEpochs, resolveInput, rule, show } from '../../src/schema';

const resolve = (...inputs: Record<string, unknown>[]) => resolveConfig(mergeInputs(...inputs.map((i) => checkInput(i, 'test'))), '0.0.0');

test('nested, dotted and flat names set the same setting; a later group value keeps the group’s other fields', () => {
  const nested = resolve({ fawa: { threshold: 0.3, decay: 0.5 }, frl: { variant: 'reweight' } });
  const dotted = resolve({ 'fawa.threshold': 0.3, 'fawa.decay': 0.5, 'frl.variant': 'reweight' });
  const flat = resolve({ fawaThreshold: 0.3, fawaDecay: 0.5, frlVariant: 'reweight' });
  assert.deepEqual(dotted, nested);
  assert.deepEqual(flat, nested);
  assert.deepEqual([nested.fawa.threshold, nested.fawa.decay, nested.fawa.begin], [0.3, 0.5, 50]);
  assert.deepEqual([nested.frl.tauNat, nested.frl.rate2, nested.frl.marginMax], [0.1, 0.1, 2.5], 'reweight-variant defaults');
  const layered = resolve({ fawa: { threshold: 0.3 } }, { fawa: { decay: 0.6 } });
  assert.deepEqual([layered.fawa.threshold, layered.fawa.decay], [0.3, 0.6]);
  assert.throws(() => checkInput({ fawa: { treshold: 0.3 } }, 'run.yaml'), /run\.yaml: unknown field 'fawa\.treshold'/);
  assert.throws(() => checkInput({ 'ema.decay': 2 }, 'run.yaml'), /run\.yaml: field 'ema\.decay': expected a number in \[0, 1\]/);
});

test('an old run’s flat config.json is read in the nested form', () => {
  const old = { version: '0.1.0', dataset: 'cifar10', numClasses: 10, emaDecay: 0.85, emaBegin: 50, fawaThreshold: 0.2, lambda1: 0.3, calibrationBegin: 10, frlTauNat: 0.07, fatTau: 3 };
  const up = upgradeConfig(old) as Record<string, unknown>;
  assert.deepEqual(up, { version: '0.1.0', dataset: 'cifar10', numClasses: 10, ema: { decay: 0.85, begin: 50 }, fawa: { threshold: 0.2 }, calibration: { lambda1: 0.3, begin: 10 }, frl: { tauNat: 0.07 }, fat: { tau: 3 } });
  const current = resolve({ dataset: 'cifar10' });
  assert.deepEqual(upgradeConfig(current), current, 'a nested config is unchanged');
});

test('default rules: values and their words come from one declaration', () => {
  const schema = {
    profile: choice('profile', ['paper', 'official'] as const, { default: 'paper' }),
    epochs: int('epochs', 1, { default: 200 }),
    begin: int('begin', 0, { default: byProfile({ paper: ofEpochs(0.25, 'round'), official: 0 }) }),
    k: int('k', 0, { default: byKey('epochs', (e) => `E=${e}`, { 10: 1, 20: 2 }, 3) }),
    half: int('half', 0, { default: rule('epochs/2', (c) => c.epochs / 2) }),
  };
  const r = resolveInput(schema, checkSchema(schema, { epochs: 10 }, 't'));
  assert.deepEqual([r.epochs, r.begin, r.k, r.half], [10, 3, 1, 5]);
  const official = resolveInput(schema, { profile: 'official', epochs: 20 });
  assert.deepEqual([official.begin, official.k], [0, 2]);
  assert.equal(schema.begin.default!.text('paper'), 'round(0.25·epochs) (50 of 200)');
  assert.equal(schema.begin.default!.text('official'), '0');
  assert.equal(schema.k.default!.text('paper'), 'E=10 1; E=20 2; else 3');
  assert.deepEqual([show(8 / 255), show(0.2), show(0.031), show([]), show([1, 2])], ['8/255', '0.2', '0.031', 'none', '[1, 2]']);
});
