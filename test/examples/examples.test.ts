// Runs each file of examples/ with tiny sizes: the library script, the model plug-in through `cfa train`, and the
// attack plug-in through `cfa eval` on that run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readSafetensors } from '../../src/nn';
import { dispose } from '../../src/engine';
import { writeTinyIdx } from '../training/idx-fixture';
import { tempDir } from '../helpers/temp-dir';

const ROOT = path.join(__dirname, '../../..');
const EXAMPLES = path.join(ROOT, 'examples');
const env = { ...process.env, CFA_NUM_THREADS: '1' };

function node(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 240_000, env, cwd: ROOT });
}

test('examples/library.js trains, attacks and prints per-class accuracy', () => {
  const r = node([path.join(EXAMPLES, 'library.js'), '--steps', '30', '--points', '60']);
  assert.equal(r.status, 0, r.stderr);
  const summary = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.equal(summary.cleanPerClass.length, 3);
  // 60 points, 20 per class: the overall accuracy is the mean of the per-class ones; the worst class is their minimum.
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  assert.ok(Math.abs(summary.clean - mean(summary.cleanPerClass)) < 1e-12);
  assert.ok(Math.abs(summary.robust - mean(summary.robustPerClass)) < 1e-12);
  assert.equal(summary.worstClassRobust, Math.min(...summary.robustPerClass));
  for (const [k, c] of summary.cleanPerClass.entries()) assert.ok(summary.robustPerClass[k] <= c);
  // The bands are far apart: 30 steps of adversarial training separate the classes on clean images.
  assert.ok(summary.clean >= 0.9, `clean accuracy ${summary.clean}`);
  assert.match(r.stdout, /^class {2}clean {3}robust/m);
});

test('examples/my-net.js as --arch of cfa train, and examples/my-attack.js as --attack of cfa eval on that run', () => {
  const data = writeTinyIdx(6, 4);
  const out = tempDir('cfa-examples-');
  try {
    const runDir = path.join(out, 'run');
    const arch = path.relative(ROOT, path.join(EXAMPLES, 'my-net.js'));
    const t = node([path.join(ROOT, 'bin/cfa.js'), 'train', '--arch', arch, '--data', 'fashion-mnist', '--data-dir', data, '--epochs', '1', '--steps', '1',
      '--batch-size', '20', '--set', 'validPerClass=2', '--set', 'evalSteps=1', '--out', runDir, '--quiet']);
    assert.equal(t.status, 0, t.stderr);
    const cfg = JSON.parse(fs.readFileSync(path.join(runDir, 'config.json'), 'utf8'));
    assert.equal(cfg.arch, path.join(EXAMPLES, 'my-net.js'), 'the run records the absolute path of the plug-in');
    // The plug-in's network, saved with its own keys: conv 16×1×3×3, conv 32×16×3×3, linear 10×(32·7·7).
    const ckpt = readSafetensors(path.join(runDir, 'checkpoints', 'model-last.safetensors'));
    const shapes = Object.fromEntries([...ckpt.tensors].map(([k, v]) => [k, v.shape]));
    dispose([...ckpt.tensors.values()]);
    assert.deepEqual(shapes, { '0.weight': [16, 1, 3, 3], '0.bias': [16], '3.weight': [32, 16, 3, 3], '3.bias': [32], '7.weight': [10, 1568], '7.bias': [10] });

    const file = path.join(out, 'ifgsm.json');
    const e = node([path.join(ROOT, 'bin/cfa.js'), 'eval', '--model', runDir, '--which', 'model-last', '--attack', path.join(EXAMPLES, 'my-attack.js'),
      '--steps', '2', '--eps', '0.1', '--n', '20', '--out', file, '--quiet']);
    assert.equal(e.status, 0, e.stderr);
    const r = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(r.attack, 'ifgsm', "the plug-in's name");
    assert.equal(r.n, 20);
    assert.deepEqual(r.confusion.map((row: number[]) => row.reduce((a, b) => a + b, 0)), new Array(10).fill(2));
    assert.equal(r.confusion.reduce((a: number, row: number[], k: number) => a + row[k], 0) / 20, r.robustAccuracy);
    assert.ok(r.robustAccuracy <= r.cleanAccuracy);
    assert.ok(!r.flags.some((f: string) => /outside/.test(f)), 'the example stays inside the ε-ball');
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
    fs.rmSync(data, { recursive: true, force: true });
  }
});
