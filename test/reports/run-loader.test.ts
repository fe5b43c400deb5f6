// Reading run directories: a good synthetic run loads; a missing file, a corrupt line or a bad field is a UserError
// naming the file, the line and the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { UserError } from '../../src/errors';
import { loadRun } from '../../src/reports/run-loader';
import { writeSyntheticRun } from './synthetic-runs';
import { tempDir } from '../helpers/temp-dir';

function tmp(): string {
  return tempDir('cfa-report-');
}

function userError(re: RegExp) {
  return (e: unknown) => e instanceof UserError && re.test((e as Error).message);
}

test('a synthetic run loads with its epochs and eval files', () => {
  const dir = path.join(tmp(), 'run-a');
  writeSyntheticRun(dir, { epochs: 6, ema: true, evals: [{ model: 'checkpoints/ema-best.safetensors', attack: 'AutoAttack', file: 'eval-aa.json' }] });
  const r = loadRun(dir);
  assert.equal(r.name, 'run-a');
  assert.equal(r.epochs.length, 6);
  assert.deepEqual(r.epochs.map((e) => e.epoch), [0, 1, 2, 3, 4, 5]);
  assert.equal(r.evals.length, 1);
  assert.equal(r.evals[0].result.attack, 'AutoAttack');
  assert.equal(r.config.classNames[3], 'cat');
});

test('missing config.json or log.jsonl names the file', () => {
  const dir = tmp();
  assert.throws(() => loadRun(dir), userError(/config\.json: cannot read the run configuration \(missing/));
  writeSyntheticRun(dir, { epochs: 2 });
  fs.rmSync(path.join(dir, 'log.jsonl'));
  assert.throws(() => loadRun(dir), userError(/log\.jsonl: cannot read the training log/));
  assert.throws(() => loadRun(path.join(dir, 'nope')), userError(/nope: not a directory/));
});

test('a corrupt line of log.jsonl is reported with file and line number', () => {
  const dir = tmp();
  writeSyntheticRun(dir, { epochs: 4 });
  const file = path.join(dir, 'log.jsonl');
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  lines[2] = lines[2].slice(0, 40);
  fs.writeFileSync(file, lines.join('\n'));
  assert.throws(() => loadRun(dir), userError(new RegExp(`${file.replace(/[.]/g, '\\.')}:3: not valid JSON`)));
});

test('a bad field names file, line and field; epochs must increase', () => {
  const dir = tmp();
  writeSyntheticRun(dir, { epochs: 3 });
  const file = path.join(dir, 'log.jsonl');
  const recs = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  recs[1].valid.model.robustPerClass = recs[1].valid.model.robustPerClass.slice(0, 9);
  fs.writeFileSync(file, recs.map((r) => JSON.stringify(r)).join('\n'));
  assert.throws(() => loadRun(dir), userError(/log\.jsonl:2: field 'valid\.model\.robustPerClass': expected an array of 10 numbers/));
  recs[1].valid.model.robustPerClass.push(1.5);
  fs.writeFileSync(file, recs.map((r) => JSON.stringify(r)).join('\n'));
  assert.throws(() => loadRun(dir), userError(/log\.jsonl:2: field 'valid\.model\.robustPerClass\[9\]': expected a fraction in \[0, 1\], got 1\.5/));
  recs[1].valid.model.robustPerClass[9] = 0.5;
  recs[2].epoch = 1;
  fs.writeFileSync(file, recs.map((r) => JSON.stringify(r)).join('\n'));
  assert.throws(() => loadRun(dir), userError(/log\.jsonl:3: field 'epoch': expected an epoch after 1, got 1/));
  fs.writeFileSync(file, '\n');
  assert.throws(() => loadRun(dir), userError(/no epoch logged yet/));
});

test('bad config.json and eval files name the field', () => {
  const dir = tmp();
  writeSyntheticRun(dir, { epochs: 2, evals: [{ model: 'fawa-last', attack: 'PGD-20', file: 'eval-pgd.json' }] });
  const evalFile = path.join(dir, 'eval-pgd.json');
  const ev = JSON.parse(fs.readFileSync(evalFile, 'utf8'));
  delete ev.robustAccuracy;
  fs.writeFileSync(evalFile, JSON.stringify(ev));
  assert.throws(() => loadRun(dir), userError(/eval-pgd\.json: field 'robustAccuracy': expected a finite number, got nothing/));
  fs.rmSync(evalFile);
  const cfgFile = path.join(dir, 'config.json');
  const cfg = JSON.parse(fs.readFileSync(cfgFile, 'utf8'));
  cfg.method = 'sgd';
  fs.writeFileSync(cfgFile, JSON.stringify(cfg));
  assert.throws(() => loadRun(dir), userError(/config\.json: field 'method': expected one of at, trades, fat, frl, mart, got "sgd"/));
});
