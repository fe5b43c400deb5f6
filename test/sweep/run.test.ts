// Local sweeps with tiny real runs (SmallCNN, generated Fashion-MNIST-format images, 3 epochs): --jobs 2 runs two
// entries at once with the threads divided; a rerun skips finished runs; a run killed mid-way resumes and one stopped
// before its first epoch restarts, both ending equal to the uninterrupted runs; cfa report gives the Table 1 view.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readLog } from '../../src/training/run-log';
import { EpochRecord } from '../../src/formats';
import { readGridFile } from '../../src/sweep/grid';
import { entryStatus } from '../../src/sweep/run-entry';
import { threadsPerJob } from '../../src/sweep/run-local';
import { writeTinyIdx } from '../training/idx-fixture';

const CFA = path.join(__dirname, '../../../bin/cfa.js');
const EPOCHS = 3;
let data = '';
let grid = '';
let A = '';

function gridText(lr: number, extra = ''): string {
  return `base:${extra}
  dataset: fashion-mnist
  dataDir: ${data}
  arch: smallcnn
  perClass: 10
  validPerClass: 2
  batchSize: 50
  steps: 2
  evalSteps: 2
  epochs: ${EPOCHS}
  lr: ${lr}
  eps: 0.1
methods:
  at: { method: at, cfa: ema, emaBegin: 0 }
seeds: 2
`;
}

function sweep(args: string[]) {
  return spawnSync(process.execPath, [CFA, 'sweep', ...args], { encoding: 'utf8', timeout: 120_000 });
}

const file = (...p: string[]) => path.join(...p);
const withoutTime = (r: EpochRecord) => ({ ...r, seconds: 0 });
const logLines = (dir: string) => readLog(dir).length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

before(() => {
  data = writeTinyIdx(10, 4);
  grid = file(data, 'grid.yaml');
  fs.writeFileSync(grid, gridText(0.05));
  A = file(data, 'A');
});
after(() => fs.rmSync(data, { recursive: true, force: true }));

test('--jobs 2 runs both entries at once, floor(cores/2) threads each, one summary line per run', () => {
  const r = sweep([grid, '--out', A, '--jobs', '2']);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 3, r.stdout);
  for (const s of [0, 1]) assert.ok(lines.some((l) => new RegExp(`^\\[${s + 1}/2\\] at-seed${s} {2}finished in \\d+ s \\(3 epochs; best valid robust avg/worst %: model \\d+\\.\\d/\\d+\\.\\d@\\d, ema `).test(l)), r.stdout);
  assert.equal(lines[2], `all 2 runs finished in ${A}; summarise them with: cfa report ${A}`);
  for (const s of [0, 1]) {
    const dir = file(A, `at-seed${s}`);
    const cfg = JSON.parse(fs.readFileSync(file(dir, 'config.json'), 'utf8'));
    assert.equal(cfg.seed, s);
    assert.equal(cfg.threads, threadsPerJob(2));
    assert.equal(cfg.lr, 0.05);
    assert.deepEqual(readLog(dir).map((x) => x.epoch), [0, 1, 2]);
    assert.match(fs.readFileSync(file(A, 'logs', `at-seed${s}.log`), 'utf8'), new RegExp(`at-seed${s}: finished in `));
  }
  // Both ran at once: each started (config.json) before the other ended (its last log line).
  const t = (s: number, f: string) => fs.statSync(file(A, `at-seed${s}`, f)).mtimeMs;
  assert.ok(t(1, 'config.json') < t(0, 'log.jsonl') && t(0, 'config.json') < t(1, 'log.jsonl'), 'the two runs overlap in time');
  const index = JSON.parse(fs.readFileSync(file(A, 'sweep.json'), 'utf8'));
  assert.deepEqual(index.entries.map((e: { name: string }) => e.name), ['at-seed0', 'at-seed1']);
});

test('a rerun skips finished runs without touching them', () => {
  const before = [0, 1].map((s) => fs.readFileSync(file(A, `at-seed${s}`, 'log.jsonl')));
  const r = sweep([grid, '--out', A, '--jobs', '2']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^\[1\/2\] at-seed0 {2}skipped: finished \(3 epochs;.*\n\[2\/2\] at-seed1 {2}skipped: finished \(3 epochs;/);
  [0, 1].forEach((s) => assert.ok(before[s].equals(fs.readFileSync(file(A, `at-seed${s}`, 'log.jsonl'))), `at-seed${s} untouched`));
  const one = sweep([grid, '--out', A, '--index', '1']);
  assert.equal(one.status, 0, one.stderr);
  assert.equal(one.stdout, 'at-seed1: finished already, skipped\n');
});

test('a changed grid over existing runs is refused, naming the run and the field', () => {
  const changed = file(data, 'changed.yaml');
  fs.writeFileSync(changed, gridText(0.1));
  const r = sweep([changed, '--out', A]);
  assert.equal(r.status, 2);
  assert.equal(r.stderr, `cfa sweep: ${file(A, 'at-seed0')} holds a run with other settings than entry at-seed0 (field 'lr': saved 0.05, grid 0.1); move it away or choose another --out\n`);
});

test('settings of an averaged model a run does not keep (FAWA here) may change without making it another run; those it keeps may not', () => {
  const fawaChanged = file(data, 'fawa-changed.yaml');
  fs.writeFileSync(fawaChanged, gridText(0.05, '\n  fawa: { threshold: 0.3, metric: worst20 }'));
  const r = sweep([fawaChanged, '--out', A]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^\[1\/2\] at-seed0 {2}skipped: finished/);
  const emaChanged = file(data, 'ema-changed.yaml');
  fs.writeFileSync(emaChanged, gridText(0.05, '\n  ema: { decay: 0.5 }'));
  const refused = sweep([emaChanged, '--out', A]);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /holds a run with other settings than entry at-seed0 \(field 'ema': saved \{"decay":0\.85,/);
});

test('an interrupted run resumes and a run stopped before its first epoch restarts; both equal the uninterrupted runs', async () => {
  const B = file(data, 'B');
  const threads = String(threadsPerJob(2));
  const child = spawn(process.execPath, [CFA, 'sweep', grid, '--out', B, '--index', '0', '--threads', threads, '--quiet'], { stdio: 'ignore', env: { ...process.env, CFA_NUM_THREADS: threads } });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, signal) => resolve(signal)));
  const deadline = Date.now() + 60_000;
  while (logLines(file(B, 'at-seed0')) < 1 && Date.now() < deadline) await sleep(20);
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  const done = logLines(file(B, 'at-seed0'));
  assert.ok(done >= 1 && done < EPOCHS, `killed after ${done} of ${EPOCHS} epochs`);
  // Stopped before its first epoch completed: config.json only.
  fs.mkdirSync(file(B, 'at-seed1'), { recursive: true });
  fs.copyFileSync(file(A, 'at-seed1', 'config.json'), file(B, 'at-seed1', 'config.json'));
  const g = readGridFile(grid, '0', B);
  assert.deepEqual(g.entries.map((e) => entryStatus(B, e)), ['interrupted', 'restart']);

  const r = sweep([grid, '--out', B, '--jobs', '2']);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /\[1\/2\] at-seed0 {2}resumed and finished in \d+ s \(3 epochs;/);
  assert.match(r.stdout, /\[2\/2\] at-seed1 {2}finished in \d+ s \(3 epochs;/);
  assert.deepEqual(g.entries.map((e) => entryStatus(B, e)), ['finished', 'finished']);
  for (const s of [0, 1]) {
    const [a, b] = [file(A, `at-seed${s}`), file(B, `at-seed${s}`)];
    assert.deepEqual(readLog(b).map(withoutTime), readLog(a).map(withoutTime), `at-seed${s}: log`);
    for (const f of ['model-last', 'ema-last', 'model-best']) {
      assert.ok(fs.readFileSync(file(a, 'checkpoints', `${f}.safetensors`)).equals(fs.readFileSync(file(b, 'checkpoints', `${f}.safetensors`))), `at-seed${s}: ${f}`);
    }
  }
});

test('cfa report SWEEP_DIR prints the Table 1 view: mean ± std over the seeds', () => {
  const r = spawnSync(process.execPath, [CFA, 'report', A, '--out', file(data, 'report'), '--no-png'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const logs = [0, 1].map((s) => readLog(file(A, `at-seed${s}`)));
  const stat = (xs: number[]) => {
    const m = (xs[0] + xs[1]) / 2;
    const sd = Math.sqrt((xs[0] - m) ** 2 + (xs[1] - m) ** 2);
    return `${(100 * m).toFixed(1)} ± ${(100 * sd).toFixed(1)}`;
  };
  for (const [label, kind] of [['AT', 'model'], ['AT+EMA', 'ema']] as const) {
    const last = logs.map((l) => l[l.length - 1].valid[kind]!);
    const cell = `${stat(last.map((a) => a.robust))} / ${stat(last.map((a) => a.worstRobust))}`;
    const row = r.stdout.split('\n').find((l) => l.startsWith(`${label} `));
    assert.ok(row, r.stdout);
    assert.match(row!, /^\S+\s+2\s/, 'two runs in the row');
    assert.ok(row!.includes(cell), `${label}: last robust ${cell} in\n${row}`);
  }
  assert.ok(fs.existsSync(file(data, 'report', 'report.html')));
});

test('a failing entry is reported with its log, and the entry that comes after it is not run', () => {
  const g = file(data, 'failing.yaml');
  fs.writeFileSync(g, `base: { dataset: fashion-mnist, dataDir: ${file(data, 'no-such-folder')}, epochs: 1 }\nmethods:\n  a: { method: at }\n  b: { method: at, after: a }\n`);
  const out = file(data, 'F');
  const r = sweep([g, '--out', out, '--jobs', '2']);
  assert.equal(r.status, 1);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0], new RegExp(`^\\[1/2\\] a-seed0 {2}FAILED \\(exit 2\\) after \\d+ s: cfa sweep: .*no-such-folder.* \\[log: ${file(out, 'logs', 'a-seed0.log')}\\]$`));
  assert.equal(lines[1], '[2/2] b-seed0  not run: it waits for a-seed0, which failed');
  assert.equal(lines[2], '2 of 2 runs failed; rerun the same command to retry them (finished runs are skipped)');
  assert.ok(!fs.existsSync(file(out, 'logs', 'b-seed0.log')));
});

test('an entry with nproc 2 run by --index: two ranks of one group, one run directory written by rank 0, equal to one process', () => {
  const two = file(data, 'two.yaml');
  const one = file(data, 'one.yaml');
  fs.writeFileSync(two, gridText(0.05).replace('seeds: 2', 'seeds: 1').replace('  eps: 0.1\n', '  eps: 0.1\n  nproc: 2\n  threads: 1\n'));
  fs.writeFileSync(one, gridText(0.05).replace('seeds: 2', 'seeds: 1').replace('  eps: 0.1\n', '  eps: 0.1\n  threads: 1\n'));
  const r2 = sweep([two, '--out', file(data, 'N2'), '--index', '0']);
  assert.equal(r2.status, 0, r2.stderr + r2.stdout);
  const r1 = sweep([one, '--out', file(data, 'N1'), '--index', '0']);
  assert.equal(r1.status, 0, r1.stderr + r1.stdout);
  const [d2, d1] = [file(data, 'N2', 'at-seed0'), file(data, 'N1', 'at-seed0')];
  assert.equal(logLines(d2), EPOCHS, 'one log line per epoch: only rank 0 writes');
  assert.ok(fs.existsSync(file(data, 'N2', 'sweep.json')));
  // Same global batch and seed: the class-wise train and validation counts agree epoch by epoch.
  const counts = (d: string) => readLog(d).map((x) => [x.train.robustPerClass, x.valid.model.cleanPerClass]);
  const [a, b] = [counts(d2), counts(d1)];
  a.forEach((row, i) => row.forEach((v, j) => v.forEach((p, k) => assert.ok(Math.abs(p - b[i][j][k]) <= 0.2, `epoch ${i} ${j} class ${k}: ${p} vs ${b[i][j][k]}`))));
});
