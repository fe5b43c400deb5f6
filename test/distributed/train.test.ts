// Data-parallel training equals one process: SmallCNN (no BatchNorm) trained one epoch on 480 Fashion-MNIST images
// by two Gloo processes (`--nproc 2`) ends with the weights of one process with the same global batch and seed, and
// the same class-wise train robust accuracies t_k, hence the same CCM margins ε_k (eq. 6) for the next epoch.
// What remains is floating-point summation order: convolution kernels pick their blocking by batch size, so a row's
// logits in a half batch can differ in the last bit from the whole batch's, and PGD's sign(∇) turns such a difference
// in a near-zero gradient component into a whole step of size α, which the learning rate scales into the weights. With
// lr 0.02 the weights stay within 1e-5 on AVX-512, AVX2 and SSE4.1 kernels alike (ATEN_CPU_CAPABILITY and
// ONEDNN_MAX_CPU_ISA select them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readSafetensors } from '../../src/nn';
import { calibratedMargins } from '../../src/training/ccm';
import { readLog } from '../../src/training/run-log';
import { writeTinyIdx } from '../training/idx-fixture';
import { tempDir } from '../helpers/temp-dir';

const CFA = path.join(__dirname, '../../../bin/cfa.js');
const SYSTEM = '/usr/share/datasets';

function weights(run: string): Map<string, Float32Array> {
  const { tensors } = readSafetensors(path.join(run, 'checkpoints', 'model-last.safetensors'));
  const out = new Map<string, Float32Array>();
  for (const [k, t] of tensors) {
    out.set(k, t.data() as Float32Array);
    t.dispose();
  }
  return out;
}

test('two processes train one epoch to the weights and t_k of one process (same global batch and seed)', () => {
  // Debian's dataset-fashion-mnist when installed, else generated images in the same files.
  const system = fs.existsSync(path.join(SYSTEM, 'fashion-mnist', 'train-labels-idx1-ubyte.gz'));
  const tmp = system ? tempDir('cfa-ddp-') : writeTinyIdx(52, 10);
  const data = system ? SYSTEM : tmp;
  const common = ['train', '--data', 'fashion-mnist', '--data-dir', data, '--arch', 'smallcnn', '--per-class', '48', '--set', 'validPerClass=4', '--set', 'evalBatchSize=40', '--batch-size', '64',
    '--steps', '2', '--set', 'evalSteps=1', '--epochs', '1', '--eps', '0.1', '--lr', '0.02', '--seed', '3', '--quiet'];
  try {
    const env = { ...process.env, CFA_NUM_THREADS: '1' };
    const one = spawnSync(process.execPath, [CFA, ...common, '--threads', '1', '--out', path.join(tmp, 'one')], { encoding: 'utf8', env, timeout: 120_000 });
    assert.equal(one.status, 0, one.stderr);
    const two = spawnSync(process.execPath, [CFA, ...common, '--nproc', '2', '--threads', '2', '--out', path.join(tmp, 'two')], { encoding: 'utf8', env, timeout: 120_000 });
    assert.equal(two.status, 0, two.stderr);

    const a = weights(path.join(tmp, 'one'));
    const b = weights(path.join(tmp, 'two'));
    assert.deepEqual([...b.keys()], [...a.keys()]);
    let moved = 0;
    for (const [k, wa] of a) {
      const wb = b.get(k)!;
      for (let i = 0; i < wa.length; i++) assert.ok(Math.abs(wa[i] - wb[i]) <= 1e-5, `${k}[${i}]: ${wa[i]} vs ${wb[i]}`);
      moved += wa.length;
    }
    assert.ok(moved > 1000);

    const [ra] = readLog(path.join(tmp, 'one'));
    const [rb] = readLog(path.join(tmp, 'two'));
    assert.deepEqual(rb.train.robustPerClass, ra.train.robustPerClass, 't_k');
    assert.deepEqual(rb.train.cleanPerClass, ra.train.cleanPerClass);
    assert.ok(Math.abs(rb.train.loss - ra.train.loss) < 1e-5);
    assert.deepEqual(rb.valid, ra.valid, 'validation (each rank attacks half of every batch, counts summed)');
    assert.ok(new Set(ra.train.robustPerClass).size > 1, 't_k differ between classes');
    assert.deepEqual(calibratedMargins(rb.train.robustPerClass, 0.5, 0.1), calibratedMargins(ra.train.robustPerClass, 0.5, 0.1));
    // Only rank 0 wrote: one config, one log record.
    assert.equal(readLog(path.join(tmp, 'two')).length, 1);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
