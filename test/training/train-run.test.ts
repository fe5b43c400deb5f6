// A two-epoch end-to-end `cfa train` on tiny IDX data: the run directory, the CCM feedback between epochs, FAWA/EMA,
// checkpoints with PyTorch keys, and the stop on divergence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tidy } from '../../src/engine';
import { readSafetensors } from '../../src/nn';
import { EpochRecord } from '../../src/formats';
import { assertClose } from '../helpers/assert-close';
import { writeTinyIdx } from './idx-fixture';
import { resolveConfig } from '../../src/training/defaults';
import { trainRun } from '../../src/training/train-run';

const CFA = path.join(__dirname, '../../../bin/cfa.js');
const common = ['--data', 'fashion-mnist', '--arch', 'smallcnn', '--per-class', '30', '--set', 'validPerClass=6', '--batch-size', '50', '--threads', '2', '--steps', '3', '--set', 'evalSteps=3'];

function train(args: string[]) {
  return spawnSync(process.execPath, [CFA, 'train', ...args], { encoding: 'utf8', timeout: 120_000 });
}

test('two epochs of AT + CCM + FAWA + EMA write a complete run directory', () => {
  const data = writeTinyIdx(36, 10);
  const out = path.join(data, 'run');
  try {
    const r = train([...common, '--data-dir', data, '--epochs', '2', '--eps', '0.1', '--lr', '0.05', '--cfa', 'ccm,fawa,ema',
      '--set', 'fawaThreshold=0', '--set', 'emaBegin=0', '--set', 'fawaBegin=0', '--monitor-test', '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Validation accuracy \(%\) of the best checkpoints/);
    assert.match(r.stdout, /worst class/);
    assert.match(r.stderr, /epoch 2\/2/);

    const cfg = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
    assert.equal(cfg.method, 'at');
    assert.deepEqual(cfg.cfa, { ccm: true, ccr: false, fawa: true, ema: true });
    assert.equal(cfg.numClasses, 10);
    assert.equal(cfg.calibration.begin, 1);
    assert.equal(cfg.calibration.lambda1, 0.5);

    const log: EpochRecord[] = fs.readFileSync(path.join(out, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(log.length, 2);
    assert.deepEqual(log[0].epsPerClass, new Array(10).fill(0.1), 'epoch 0 uses ε');
    // Eq. 6 feedback: epoch 1's margins come from epoch 0's class-wise train robust accuracy.
    assertClose(log[1].epsPerClass, log[0].train.robustPerClass.map((t) => (0.5 + t) * 0.1), 1e-12, 0, 'ε_k');
    assert.equal(log[0].train.robustPerClass.length, 10);
    assert.equal(log[0].valid.model.n, 60);
    assert.equal(log[0].test!.model.n, 100);
    assert.equal(log[0].emaUpdated, true);
    assert.equal(log[0].fawaUpdated, true, 'threshold 0 accepts every epoch');
    assert.ok(log[1].valid.fawa && log[1].valid.ema && log[1].test!.fawa);
    assert.equal(log[0].newBest.model, true, 'the first eligible epoch is the best so far');
    for (const r of log) assertClose([r.selection.model], [r.valid.model.robust + r.valid.model.worstRobust], 1e-12, 0, 'selection index');
    assert.equal(log[1].lr, 0.05 * 0.1, 'piecewise: ÷10 at ceil(0.5·2) = 1');

    const keys = ['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias', 'conv3.weight', 'conv3.bias', 'conv4.weight', 'conv4.bias', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias', 'fc3.weight', 'fc3.bias'];
    for (const which of ['model', 'ema', 'fawa']) {
      for (const kind of ['best', 'last']) {
        const { tensors, metadata } = readSafetensors(path.join(out, 'checkpoints', `${which}-${kind}.safetensors`));
        assert.deepEqual([...tensors.keys()], keys, `${which}-${kind}: PyTorch state_dict keys`);
        assert.equal(metadata.which, which);
        for (const t of tensors.values()) t.dispose();
      }
    }
    assert.ok(fs.existsSync(path.join(out, 'state', 'state.safetensors')));
    assert.deepEqual(fs.readdirSync(path.join(out, 'checkpoints')).filter((f) => f.endsWith('.tmp')), [], 'no temporary files left');

    const again = train([...common, '--data-dir', data, '--epochs', '2', '--out', out]);
    assert.notEqual(again.status, 0);
    assert.match(again.stderr, /already holds a run/);
  } finally {
    fs.rmSync(data, { recursive: true, force: true });
  }
});

test('a diverging run stops with a clear message and keeps the last good epoch', () => {
  const data = writeTinyIdx(36, 10);
  const out = path.join(data, 'run');
  try {
    // Epoch 0 trains at lr 0.05; the milestone at epoch 1 multiplies it by 1e30, so the weights blow up.
    const r = train([...common, '--data-dir', data, '--epochs', '3', '--lr', '0.05', '--set', 'lrMilestones=[1]', '--set', 'lrGamma=1e30', '--out', out]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /training diverged: (the loss is (NaN|Infinity|-Infinity) at epoch 2|non-finite weights after epoch 2)/);
    assert.match(r.stderr, /the state and checkpoints of epoch 1 are kept in/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    const lines = fs.readFileSync(path.join(out, 'log.jsonl'), 'utf8').trim().split('\n');
    assert.equal(lines.length, 1, 'only epoch 0 was logged');
    const { tensors, metadata } = readSafetensors(path.join(out, 'checkpoints', 'model-last.safetensors'));
    assert.equal(metadata.epoch, '0', 'model-last is still the good epoch');
    for (const t of tensors.values()) {
      assert.ok(tidy(() => t.isfinite().all().item()), 'finite weights');
      t.dispose();
    }
  } finally {
    fs.rmSync(data, { recursive: true, force: true });
  }
});

test("the progress line's ETA adds what comes after the run, asked at the run's measured seconds per epoch", async () => {
  const data = writeTinyIdx(36, 10);
  const written: string[] = [];
  const write = process.stderr.write;
  try {
    const pending = resolveConfig({ dataset: 'fashion-mnist', dataDir: data, arch: 'smallcnn', perClass: 30, validPerClass: 6, batchSize: 50, steps: 1, evalSteps: 1, epochs: 2, threads: 2 }, 'test');
    const asked: number[] = [];
    process.stderr.write = ((s: string) => (written.push(s), true)) as typeof process.stderr.write;
    const run = await trainRun(pending, { runDir: path.join(data, 'run'), etaBeyond: (secondsPerEpoch) => (asked.push(secondsPerEpoch), 7200) });
    process.stderr.write = write;
    const etas = written.join('').split('\n').filter((l) => l.includes('batch/s'));
    assert.ok(etas.length >= 2, written.join(''));
    for (const l of etas) assert.match(l, /ETA 2:0\d:\d\d$/, 'two hours beyond the run, plus seconds of its own');
    assert.ok(asked.length >= etas.length && asked.every((s) => s > 0 && Number.isFinite(s)));
    // in the second epoch the run's own first epoch is the measurement
    assert.ok(asked.includes(run.records[0].seconds), `${asked} vs ${run.records[0].seconds}`);
  } finally {
    process.stderr.write = write;
    fs.rmSync(data, { recursive: true, force: true });
  }
});
