// A rank killed mid-epoch: the other stops within the collective timeout naming it, and `--resume --nproc 2`
// completes the run. Then `cfa eval --nproc 2` with AutoAttack gives the per-point result of one process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readLog } from '../../src/training/run-log';
import { writeTinyIdx } from '../training/idx-fixture';
import { startRanks } from './ranks';

const CFA = path.join(__dirname, '../../../bin/cfa.js');
const EPOCHS = 3;
const TIMEOUT_S = 15;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const logLines = (dir: string) => (fs.existsSync(path.join(dir, 'log.jsonl')) ? fs.readFileSync(path.join(dir, 'log.jsonl'), 'utf8').split('\n').filter(Boolean).length : 0);

test('a worker killed mid-epoch stops the other naming its rank; --resume finishes; eval --nproc 2 equals one process', async () => {
  const data = writeTinyIdx(40, 10);
  const run = path.join(data, 'run');
  const env = { ...process.env, CFA_NUM_THREADS: '1' };
  try {
    const args = ['train', '--data', 'fashion-mnist', '--data-dir', data, '--arch', 'smallcnn', '--per-class', '40', '--set', 'validPerClass=4', '--batch-size', '32',
      '--steps', '2', '--set', 'evalSteps=1', '--epochs', String(EPOCHS), '--eps', '0.1', '--lr', '0.05', '--quiet', '--out', run];
    const ranks = await startRanks(CFA, 2, args, [{ CFA_DIST_TIMEOUT: String(TIMEOUT_S) }, { CFA_DIST_TIMEOUT: String(TIMEOUT_S) }]);
    const deadline = Date.now() + 90_000;
    while (logLines(run) < 1 && Date.now() < deadline) await sleep(20);
    await sleep(300);
    const killedAt = Date.now();
    ranks.children[1].kill('SIGKILL');
    const [r0, r1] = await Promise.all(ranks.exits);
    assert.equal(r1.signal, 'SIGKILL');
    assert.notEqual(r0.code, 0, 'rank 0 must fail');
    assert.match(r0.stderr, /rank 1 stopped/);
    assert.ok(Date.now() - killedAt < TIMEOUT_S * 1000, `rank 0 took ${Date.now() - killedAt} ms to stop`);
    const kept = logLines(run);
    assert.ok(kept >= 1 && kept < EPOCHS, `${kept} epochs were logged before the kill`);

    const resumed = spawnSync(process.execPath, [CFA, 'train', '--resume', run, '--nproc', '2', '--threads', '2', '--quiet'], { encoding: 'utf8', env, timeout: 120_000 });
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.deepEqual(readLog(run).map((r) => r.epoch), [0, 1, 2]);

    const evalArgs = ['eval', '--model', run, '--which', 'model-last', '--attack', 'aa', '--eps', '0.3', '--n', '40', '--n-iter', '5', '--n-queries', '30', '--batch-size', '8', '--quiet'];
    const one = spawnSync(process.execPath, [CFA, ...evalArgs, '--threads', '1', '--out', path.join(data, 'one.json')], { encoding: 'utf8', env, timeout: 120_000 });
    assert.equal(one.status, 0, one.stderr);
    const two = spawnSync(process.execPath, [CFA, ...evalArgs, '--nproc', '2', '--threads', '2', '--out', path.join(data, 'two.json')], { encoding: 'utf8', env, timeout: 120_000 });
    assert.equal(two.status, 0, two.stderr);
    const strip = (file: string) => {
      const r = JSON.parse(fs.readFileSync(file, 'utf8'));
      return { ...r, seconds: 0, perAttack: r.perAttack.map((p: { seconds: number }) => ({ ...p, seconds: 0 })) };
    };
    const a = strip(path.join(data, 'one.json'));
    const b = strip(path.join(data, 'two.json'));
    assert.deepEqual(b, a);
    assert.ok(a.robustAccuracy < a.cleanAccuracy, `the attacks fooled some points (clean ${a.cleanAccuracy}, robust ${a.robustAccuracy})`);
  } finally {
    fs.rmSync(data, { recursive: true, force: true });
  }
});
