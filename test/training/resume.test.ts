// Resuming after SIGKILL: a run killed mid-epoch and resumed ends bitwise identical to an uninterrupted one (CPU).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readSafetensors } from '../../src/nn';
import { reconcileLog, readLog } from '../../src/training/run-log';
import { EpochRecord } from '../../src/formats';
import { writeTinyIdx } from './idx-fixture';
import { tempDir } from '../helpers/temp-dir';

const CFA = path.join(__dirname, '../../../bin/cfa.js');
const EPOCHS = 3;

function args(data: string, out: string): string[] {
  return ['train', '--data', 'fashion-mnist', '--data-dir', data, '--arch', 'smallcnn', '--per-class', '40', '--set', 'validPerClass=6', '--batch-size', '40',
    '--threads', '2', '--steps', '4', '--set', 'evalSteps=3', '--epochs', String(EPOCHS), '--eps', '0.1', '--lr', '0.05', '--cfa', 'ccm,fawa,ema',
    '--set', 'fawaThreshold=0', '--set', 'emaBegin=0', '--set', 'fawaBegin=0', '--quiet', '--out', out];
}

const logLines = (dir: string) => (fs.existsSync(path.join(dir, 'log.jsonl')) ? fs.readFileSync(path.join(dir, 'log.jsonl'), 'utf8').split('\n').filter(Boolean).length : 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tensorsOf(file: string): Map<string, Buffer> {
  const { tensors } = readSafetensors(file);
  const out = new Map<string, Buffer>();
  for (const [k, t] of tensors) {
    const d = t.data();
    out.set(k, Buffer.from(d.buffer, d.byteOffset, d.byteLength));
    t.dispose();
  }
  return out;
}

function assertSameTensors(a: string, b: string): void {
  const ta = tensorsOf(a);
  const tb = tensorsOf(b);
  assert.deepEqual([...tb.keys()], [...ta.keys()], `${path.basename(b)}: keys`);
  for (const [k, v] of ta) assert.ok(v.equals(tb.get(k)!), `${path.basename(b)}: '${k}' differs`);
}

const withoutTime = (r: EpochRecord) => ({ ...r, seconds: 0 });

test('SIGKILL mid-epoch, then --resume: weights, averages, optimizer and log equal an uninterrupted run', async () => {
  const data = writeTinyIdx(50, 10);
  const straight = path.join(data, 'straight');
  const killed = path.join(data, 'killed');
  try {
    const a = spawnSync(process.execPath, [CFA, ...args(data, straight)], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(a.status, 0, a.stderr);

    const child = spawn(process.execPath, [CFA, ...args(data, killed)], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const deadline = Date.now() + 90_000;
    while (logLines(killed) < 1 && Date.now() < deadline) await sleep(20);
    await sleep(150);
    const before = logLines(killed);
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    assert.ok(before >= 1 && before < EPOCHS, `killed after ${before} of ${EPOCHS} epochs`);

    const b = spawnSync(process.execPath, [CFA, 'train', '--resume', killed, '--quiet'], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(b.status, 0, b.stderr);

    for (const which of ['model', 'ema', 'fawa']) {
      for (const kind of ['last', 'best']) {
        const f = `${which}-${kind}.safetensors`;
        assert.ok(fs.readFileSync(path.join(straight, 'checkpoints', f)).equals(fs.readFileSync(path.join(killed, 'checkpoints', f))), `${f} differs`);
      }
    }
    assertSameTensors(path.join(straight, 'state', 'state.safetensors'), path.join(killed, 'state', 'state.safetensors'));
    assert.deepEqual(readLog(killed).map(withoutTime), readLog(straight).map(withoutTime));
  } finally {
    fs.rmSync(data, { recursive: true, force: true });
  }
});

test('the log is reconciled with the saved state: damaged or later lines dropped, a missing record restored', () => {
  const dir = tempDir('cfa-log-');
  try {
    const rec = (epoch: number) => ({ epoch, lr: 0.1, seconds: 1 }) as unknown as EpochRecord;
    fs.writeFileSync(path.join(dir, 'log.jsonl'), `${JSON.stringify(rec(0))}\n${JSON.stringify(rec(1))}\n{"epoch": 2, "lr`);
    assert.deepEqual(reconcileLog(dir, 1, rec(1)).map((r) => r.epoch), [0, 1], 'cut-off line dropped');
    assert.equal(fs.readFileSync(path.join(dir, 'log.jsonl'), 'utf8'), `${JSON.stringify(rec(0))}\n${JSON.stringify(rec(1))}\n`);
    assert.deepEqual(reconcileLog(dir, 2, rec(2)).map((r) => r.epoch), [0, 1, 2], 'record of the saved epoch appended');
    assert.deepEqual(reconcileLog(dir, 0, rec(0)).map((r) => r.epoch), [0], 'records after the saved epoch dropped');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
