// `cfa eval` end to end on a small IDX dataset written here: JSON fields, PGD with several ε, run directories,
// resume files and user errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { manualSeed } from '../../src/engine';
import { createNetwork, saveCheckpoint } from '../../src/nn';
import { run } from '../../src/cli/eval';
import { main } from '../../src/cli/main';
import { UserError } from '../../src/errors';
import { FASHION_MNIST_CLASSES } from '../../src/data';
import { tempDir } from '../helpers/temp-dir';

function writeIdx(file: string, type: number, dims: number[], data: Uint8Array): void {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt8(type, 2);
  head.writeUInt8(dims.length, 3);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  fs.writeFileSync(file, Buffer.concat([head, Buffer.from(data)]));
}

/** A Fashion-MNIST-shaped folder: n images per split, label i mod 10, class-dependent brightness plus noise. */
function fakeFashion(dir: string, n: number): void {
  fs.mkdirSync(dir, { recursive: true });
  let s = 12345;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (const stem of ['train', 't10k']) {
    const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
    const images = new Uint8Array(n * 784);
    for (let i = 0; i < n; i++) for (let p = 0; p < 784; p++) images[i * 784 + p] = Math.min(255, Math.floor(20 * labels[i] + 60 * rnd()));
    writeIdx(path.join(dir, `${stem}-images-idx3-ubyte`), 0x08, [n, 28, 28], images);
    writeIdx(path.join(dir, `${stem}-labels-idx1-ubyte`), 0x08, [n], labels);
  }
}

const tmp = tempDir('cfa-eval-');
const dataDir = path.join(tmp, 'fmnist');
fakeFashion(dataDir, 40);
manualSeed(0);
const net = createNetwork({ arch: 'smallcnn', numClasses: 10, inChannels: 1, inputSize: 28 });
const ckpt = path.join(tmp, 'smallcnn.safetensors');
saveCheckpoint(ckpt, net);
net.dispose();
const QUICK = ['--n-iter', '3', '--n-queries', '10', '--quiet', '--batch-size', '8'];

test('cfa eval with a checkpoint file writes an EvalResult with per-class arrays, confusion and flags', async () => {
  const out = path.join(tmp, 'aa.json');
  const code = await run(['--model', ckpt, '--arch', 'smallcnn', '--data', 'fashion-mnist', '--data-dir', dataDir, '--n', '20', '--eps', '8/255', '--out', out, ...QUICK]);
  assert.equal(code, 0);
  const r = JSON.parse(fs.readFileSync(out, 'utf8'));
  assert.equal(r.n, 20);
  assert.equal(r.attack, 'aa-standard(nIter=3,nQueries=10)');
  assert.equal(r.threatModel, 'Linf');
  assert.ok(Math.abs(r.eps - 8 / 255) < 1e-12);
  assert.deepEqual(r.classNames, FASHION_MNIST_CLASSES);
  assert.deepEqual(r.nPerClass, new Array(10).fill(2));
  assert.equal(r.cleanPerClass.length, 10);
  assert.ok(r.robustAccuracy <= r.cleanAccuracy);
  assert.deepEqual(r.perAttack.map((p: { attack: string }) => p.attack), ['apgd-ce', 'apgd-t', 'fab-t', 'square'].slice(0, r.perAttack.length));
  assert.deepEqual(r.confusion.map((row: number[]) => row.reduce((a, b) => a + b, 0)), r.nPerClass);
  const robust = r.confusion.reduce((a: number, row: number[], k: number) => a + row[k], 0);
  assert.equal(robust / 20, r.robustAccuracy);
  assert.ok(Array.isArray(r.flags));
  assert.ok(r.worstClassRobust <= r.robustAccuracy && r.worst20Robust <= r.robustAccuracy);
});

test('cfa eval --attack pgd with two budgets writes an array, robust accuracy not above at the larger ε', async () => {
  const out = path.join(tmp, 'pgd.json');
  const code = await run(['--model', ckpt, '--arch', 'smallcnn', '--data', 'fmnist', '--data-dir', dataDir, '--n', '30', '--attack', 'pgd', '--steps', '5', '--eps', '0.02,0.3', '--out', out, '--quiet']);
  assert.equal(code, 0);
  const r = JSON.parse(fs.readFileSync(out, 'utf8'));
  assert.equal(r.length, 2);
  assert.equal(r[0].attack, 'pgd-5');
  assert.ok(r[1].robustAccuracy <= r[0].robustAccuracy);
  assert.equal(r[0].cleanAccuracy, r[1].cleanAccuracy);
});

test('cfa eval on a run directory reads config.json, picks the checkpoint and writes eval-*.json there; --state resumes', async () => {
  const runDir = path.join(tmp, 'run');
  fs.mkdirSync(path.join(runDir, 'checkpoints'), { recursive: true });
  fs.copyFileSync(ckpt, path.join(runDir, 'checkpoints', 'fawa-last.safetensors'));
  fs.writeFileSync(path.join(runDir, 'config.json'), JSON.stringify({ arch: 'smallcnn', dataset: 'fashion-mnist', dataDir, mean: [0.3], std: [0.3], classNames: FASHION_MNIST_CLASSES, numClasses: 10 }));
  const state = path.join(tmp, 'state.safetensors');
  const args = ['--model', runDir, '--which', 'fawa-last', '--attack', 'apgd-ce', '--n', '10', '--state', state, ...QUICK];
  assert.equal(await run(args), 0);
  const file = path.join(runDir, 'eval-fawa-last-apgd-ce-Linf-8_255.json');
  const first = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.match(first.model, /fawa-last\.safetensors$/);
  assert.ok(fs.existsSync(state));
  assert.equal(await run(args), 0);
  const second = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.deepEqual(second.robustPerClass, first.robustPerClass);
  await assert.rejects(run(['--model', runDir, '--which', 'ema', ...QUICK]), (e: Error) => e instanceof UserError && e.message.includes('ema-best.safetensors'));
});

test('bad input: missing file, wrong architecture, unknown attack → a UserError naming the file or flag', async () => {
  await assert.rejects(run(['--model', path.join(tmp, 'nope.safetensors'), '--arch', 'smallcnn', '--data', 'fashion-mnist']), (e: Error) => e instanceof UserError && e.message.includes('nope.safetensors'));
  await assert.rejects(
    run(['--model', ckpt, '--arch', 'prn18', '--data', 'fashion-mnist', '--data-dir', dataDir, '--n', '5', '--quiet']),
    (e: Error) => e instanceof UserError && e.message.includes(ckpt) && /keys|shape/.test(e.message) && e.message.includes('--arch prn18'),
  );
  await assert.rejects(run(['--model', ckpt, '--attack', 'cw']), (e: Error) => e instanceof UserError && e.message.includes('--attack'));
  const errors: string[] = [];
  const orig = console.error;
  console.error = (m: string) => void errors.push(String(m));
  try {
    assert.equal(await main(['eval', '--model', path.join(tmp, 'missing.safetensors'), '--arch', 'smallcnn', '--data', 'fashion-mnist']), 2);
  } finally {
    console.error = orig;
  }
  assert.equal(errors.length, 1);
  assert.ok(!errors[0].includes('    at '), 'no stack trace');
});

