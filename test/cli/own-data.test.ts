// Training and evaluating on the user's own data, end to end: a generated 3-class image folder, TRADES + CFA with the
// 2% validation rule, the TensorBoard file checked scalar by scalar against log.jsonl by an independent decoder,
// AutoAttack in RobustBench's format with its event file, and `cfa report` with the folder's class names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { UserError } from '../../src/errors';
import { dataOptions } from '../../src/training/data-setup';
import { canonicalDataset, checkInput } from '../../src/training/config';
import { resolveConfig } from '../../src/training/defaults';
import { EpochRecord, SplitAccuracy } from '../../src/formats';
import { tempDir, writeImageFolder } from '../data/formats';
import { decodeEventFile } from '../helpers/tfevents-decoder';

const CFA = path.join(__dirname, '../../../bin/cfa.js');
const cfa = (...args: string[]) => spawnSync(process.execPath, [CFA, ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, CFA_NUM_THREADS: '1' } });
const CLASSES = ['cat', 'dog', 'zebra'];

/** The scalars the run's event file must hold for one record, from the documented tag scheme (tb-scalars.ts). */
function expected(r: EpochRecord): Map<string, number> {
  const m = new Map<string, number>();
  const tag = (k: number) => `${k}_${CLASSES[k]}`;
  const per = (prefix: string, v: number[]) => v.forEach((x, k) => m.set(`${prefix}/${tag(k)}`, x));
  m.set('train/loss', r.train.loss).set('train/lr', r.lr).set('train/clean', r.train.clean).set('train/robust', r.train.robust);
  per('train/clean_class', r.train.cleanPerClass);
  per('train/robust_class', r.train.robustPerClass);
  per('eps_class', r.epsPerClass);
  per('beta_class', r.betaPerClass!);
  for (const [name, a] of Object.entries(r.valid) as [string, SplitAccuracy | undefined][]) {
    if (!a) continue;
    m.set(`valid/${name}/clean`, a.clean).set(`valid/${name}/robust`, a.robust).set(`valid/${name}/worst_clean`, a.worstClean).set(`valid/${name}/worst_robust`, a.worstRobust);
    per(`valid/${name}/clean_class`, a.cleanPerClass);
    per(`valid/${name}/robust_class`, a.robustPerClass);
  }
  for (const [name, v] of Object.entries(r.selection)) if (v !== undefined) m.set(`selection/${name}`, v);
  return m;
}

test('cfa train --data folder … --method trades --cfa all, then cfa eval --format robustbench and cfa report', () => {
  const dir = tempDir();
  const data = path.join(dir, 'pets');
  writeImageFolder(data, ['zebra', 'cat', 'dog'], 100, 3, { size: 16 }); // read back in sorted order
  const run = path.join(dir, 'run');
  const t = cfa('train', '--data', 'folder', '--data-dir', data, '--method', 'trades', '--cfa', 'all', '--arch', 'smallcnn', '--epochs', '2',
    '--per-class', '20', '--batch-size', '30', '--steps', '2', '--set', 'evalSteps=2', '--set', 'fawaBegin=0', '--set', 'fawaThreshold=0', '--out', run, '--quiet');
  assert.equal(t.status, 0, t.stderr);

  const cfg = JSON.parse(fs.readFileSync(path.join(run, 'config.json'), 'utf8'));
  assert.deepEqual([cfg.dataset, cfg.numClasses, cfg.channels, cfg.inputSize, cfg.augment], ['folder', 3, 3, 16, 'crop-flip']);
  assert.deepEqual(cfg.classNames, CLASSES);
  assert.deepEqual(cfg.cfa, { ccm: true, ccr: true, fawa: true, ema: false });
  const log: EpochRecord[] = fs.readFileSync(path.join(run, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(log.length, 2);
  // 2% of the 100 training images of each class are held out for validation
  assert.deepEqual(log[0].valid.model.nPerClass, [2, 2, 2]);
  assert.ok(log[1].valid.fawa, 'FAWA model validated');

  // the event file, decoded independently: the version record, then one Event per epoch holding exactly the log's scalars
  const tb = path.join(run, 'tb');
  const files = fs.readdirSync(tb).filter((f) => f.startsWith('events.out.tfevents.'));
  assert.equal(files.length, 1);
  const events = decodeEventFile(fs.readFileSync(path.join(tb, files[0])));
  assert.equal(events[0].fileVersion, 'brain.Event:2');
  assert.deepEqual(events.slice(1).map((e) => e.step), [0, 1]);
  log.forEach((r, i) => {
    const want = expected(r);
    const got = events[i + 1].values;
    assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
    for (const [k, v] of want) assert.equal(got.get(k), Math.fround(v), k);
  });

  // AutoAttack (tiny budget) in RobustBench's format, and its event file beside the output
  const out = path.join(dir, 'eval', 'rb.json');
  const e = cfa('eval', '--model', run, '--which', 'model-last', '--n', '9', '--n-iter', '2', '--n-queries', '5', '--batch-size', '9', '--format', 'robustbench', '--out', out, '--quiet');
  assert.equal(e.status, 0, e.stderr);
  const rb = JSON.parse(fs.readFileSync(out, 'utf8'));
  assert.equal(rb.dataset, 'folder');
  assert.equal(rb.threat_model, 'Linf');
  assert.equal(rb.eps, '8/255');
  assert.equal(rb.architecture, 'SmallCNN');
  assert.equal(rb.additional_data, false);
  assert.equal(rb.number_forward_passes, 1);
  assert.equal(rb.unreliable, true); // reduced budget
  assert.match(rb.clean_acc, /^\d+\.\d\d$/);
  assert.match(rb.autoattack_acc, /^\d+\.\d\d$/);
  assert.match(rb.footnote, /9 of 9 test images|whole test set/);
  assert.deepEqual(rb.classwise.class_names, CLASSES);
  assert.deepEqual(rb.classwise.n_per_class, [3, 3, 3]);
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  assert.ok(Math.abs(mean(rb.classwise.clean_acc) - Number(rb.clean_acc)) < 0.02);
  assert.ok(Math.abs(mean(rb.classwise.autoattack_acc) - Number(rb.autoattack_acc)) < 0.02);
  assert.equal(rb.classwise.worst_class_autoattack_acc, Math.min(...rb.classwise.autoattack_acc));
  for (const k of ['link', 'name', 'authors', 'venue', 'reported']) assert.equal(typeof rb[k], 'string', k);

  const evalTb = path.join(dir, 'eval', 'tb');
  const [evFile] = fs.readdirSync(evalTb);
  const ev = decodeEventFile(fs.readFileSync(path.join(evalTb, evFile)));
  assert.equal(ev[0].fileVersion, 'brain.Event:2');
  const prefix = 'model-last/aa-standard(nIter=2,nQueries=5)_Linf_8_255';
  CLASSES.forEach((c, k) => {
    assert.ok(Math.abs(ev[1].values.get(`${prefix}/robust_class/${k}_${c}`)! - rb.classwise.autoattack_acc[k] / 100) < 1e-4, c);
    assert.ok(Math.abs(ev[1].values.get(`${prefix}/clean_class/${k}_${c}`)! - rb.classwise.clean_acc[k] / 100) < 1e-4, c);
  });
  assert.ok(Math.abs(ev[1].values.get(`${prefix}/robust`)! - Number(rb.autoattack_acc) / 100) < 1e-4);

  // the report names the folder's classes
  const rep = path.join(dir, 'report');
  const r = cfa('report', run, '--out', rep, '--no-png');
  assert.equal(r.status, 0, r.stderr);
  const html = fs.readFileSync(path.join(rep, 'report.html'), 'utf8');
  for (const c of CLASSES) assert.ok(html.includes(c), c);
});

test('cfa eval --format robustbench refuses attacks other than AutoAttack', () => {
  const r = cfa('eval', '--model', 'x.safetensors', '--attack', 'pgd', '--format', 'robustbench');
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /--format robustbench: the leaderboard reports AutoAttack; use --attack aa/);
});

test('resize and layout settings: checked in config input, carried into the data options', () => {
  const cfg = resolveConfig(checkInput({ dataset: 'folder', dataDir: 'd', resize: [32, 32], layout: 'nchw' }, 'cfg.yaml'), '0');
  assert.deepEqual([cfg.dataset, cfg.resize, cfg.layout, cfg.eps, cfg.arch], ['folder', [32, 32], 'nchw', 8 / 255, 'prn18']);
  assert.deepEqual(dataOptions(cfg), { dataDir: 'd', resize: [32, 32], layout: 'nchw' });
  assert.throws(() => resolveConfig(checkInput({ dataset: 'folder', resize: [32, 0] }, 'cfg.yaml'), '0'), (e: unknown) => e instanceof UserError && /cfg\.yaml: field 'resize': expected two positive integers H,W/.test(e.message));
  assert.throws(() => checkInput({ layout: 'hwc' }, 'cfg.yaml'), (e: unknown) => e instanceof UserError && /cfg\.yaml: field 'layout'/.test(e.message));
  assert.equal(canonicalDataset('image-folder'), 'folder');
  assert.equal(canonicalDataset('numpy'), 'npz');
});
