// Training on raw pixels or with explicit per-channel mean/std: the choice is stored in config.json, cfa eval
// honours it, and the checkpoint (the bare network) gives the same logits in PyTorch behind the same wrapper.
// Also the official code's subset rule: the first N images of each class.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { noGrad, tensor, tidy } from '../../src/engine';
import { createModel, loadCheckpoint } from '../../src/nn';
import { firstPerClass, subsetPerClass } from '../../src/data';
import { ImageDataset } from '../../src/data/dataset';
import { checkInput } from '../../src/training/config';
import { assertClose } from '../helpers/assert-close';
import { writeTinyIdx } from './idx-fixture';

const CFA = path.join(__dirname, '../../../bin/cfa.js');
const py = '/usr/bin/python3';
const hasTorch = spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
const common = ['--data', 'fashion-mnist', '--arch', 'smallcnn', '--per-class', '20', '--set', 'validPerClass=6', '--batch-size', '50', '--threads', '1',
  '--steps', '2', '--set', 'evalSteps=2', '--epochs', '1', '--eps', '0.1', '--lr', '0.05', '--quiet'];

function cfa(args: string[]) {
  const r = spawnSync(process.execPath, [CFA, ...args], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  return r;
}

/** The first `n` test images (IDX t10k, /255) as a flat array. */
function testImages(dir: string, n: number): number[] {
  const buf = fs.readFileSync(path.join(dir, 't10k-images-idx3-ubyte')).subarray(16, 16 + n * 784);
  return Array.from(buf, (v) => v / 255);
}

test('normalize none / explicit: stored in config.json, honoured by cfa eval, same logits in PyTorch', { skip: hasTorch ? false : 'needs Debian python3-torch' }, () => {
  const data = writeTinyIdx(26, 10);
  try {
    for (const [setting, mean, std] of [['none', 0, 1], ['{mean: [0.25], std: [0.5]}', 0.25, 0.5]] as const) {
      const out = path.join(data, `run-${mean}`);
      cfa(['train', ...common, '--data-dir', data, '--set', `normalize=${setting}`, '--out', out]);
      const cfg = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
      assert.deepEqual([cfg.mean, cfg.std], [[mean], [std]], `normalize=${setting}`);
      const ckpt = path.join(out, 'checkpoints', 'model-last.safetensors');

      // PyTorch: the bare network from the checkpoint behind (x − mean)/std, on the first 100 test images.
      const script = `
import sys, json, torch
sys.path.insert(0, ${JSON.stringify(path.join(__dirname, '../../../scripts/fixtures'))})
import st
from models import SmallCNN
net = SmallCNN()
net.load_state_dict(st.load(${JSON.stringify(ckpt)}), strict=True)
net.eval()
raw = open(${JSON.stringify(path.join(data, 't10k-images-idx3-ubyte'))}, 'rb').read()[16:]
labels = list(open(${JSON.stringify(path.join(data, 't10k-labels-idx1-ubyte'))}, 'rb').read()[8:])
x = torch.tensor(list(raw), dtype=torch.float32).reshape(-1, 1, 28, 28) / 255
with torch.no_grad():
    z = net((x - ${mean}) / ${std})
pred = z.argmax(1).tolist()
per = [sum(1 for p, y in zip(pred, labels) if y == k and p == y) / labels.count(k) for k in range(10)]
print(json.dumps({"logits": z[:10].flatten().tolist(), "perClass": per}))
`;
      const r = spawnSync(py, ['-c', script], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const torchOut = JSON.parse(r.stdout);

      // Ours, built the way cfa eval builds it from the run.
      const model = createModel({ arch: 'smallcnn', numClasses: 10, inChannels: 1, inputSize: 28, mean: cfg.mean, std: cfg.std });
      try {
        loadCheckpoint(ckpt, model);
        model.eval();
        tidy(() => assertClose(noGrad(() => model.forward(tensor(testImages(data, 10), [10, 1, 28, 28]))).toArray(), torchOut.logits, 1e-4, 1e-4, 'logits'));
      } finally {
        model.dispose();
      }

      // cfa eval reads the run's normalisation: its clean accuracy per class is PyTorch's (one image of slack per class
      // for a near-tie between two logits).
      const evalFile = path.join(data, `eval-${mean}.json`);
      cfa(['eval', '--model', out, '--which', 'model-last', '--data-dir', data, '--attack', 'pgd', '--steps', '1', '--eps', '0.01', '--n', '100', '--threads', '1', '--quiet', '--out', evalFile]);
      const ev = JSON.parse(fs.readFileSync(evalFile, 'utf8'));
      assertClose(ev.cleanPerClass, torchOut.perClass, 0.1 + 1e-9, 0, 'clean accuracy per class');
    }
  } finally {
    fs.rmSync(data, { recursive: true, force: true });
  }
});

test("normalize is checked: 'dataset', 'none' or {mean, std} of one length with positive std", () => {
  assert.deepEqual(checkInput({ normalize: { mean: [0.5, 0.4, 0.3], std: [0.2, 0.2, 0.2] } }, 'test').normalize, { mean: [0.5, 0.4, 0.3], std: [0.2, 0.2, 0.2] });
  assert.equal(checkInput({ normalize: 'none' }, 'test').normalize, 'none');
  assert.throws(() => checkInput({ normalize: 'raw' }, 'cfg.yaml'), /cfg\.yaml: field 'normalize': expected 'dataset', 'none' or \{mean/);
  assert.throws(() => checkInput({ normalize: { mean: [0.5], std: [0] } }, 'x'), /field 'normalize'/);
  assert.throws(() => checkInput({ normalize: { mean: [0.5, 0.5], std: [1] } }, 'x'), /field 'normalize'/);
});

test("subsetMode 'first' takes the first N images of each class in file order; 'random' a seeded draw", () => {
  const labels = Int32Array.from([0, 1, 0, 2, 1, 0, 2, 1, 0, 2, 2, 1]);
  const ds: ImageDataset = { name: 't', classNames: ['a', 'b', 'c'], numClasses: 3, channels: 1, height: 1, width: 1, length: 12, images: Uint8Array.from(labels.map((_, i) => i)), labels, source: 'test' };
  const first = firstPerClass(ds, 2);
  assert.deepEqual(Array.from(first.origin!), [0, 1, 2, 3, 4, 6]);
  assert.deepEqual(Array.from(first.images), [0, 1, 2, 3, 4, 6]);
  assert.deepEqual(Array.from(firstPerClass(ds, 9).origin!), [...Array(12).keys()], 'all of a class when it has fewer');
  const random = subsetPerClass(ds, 2, 0);
  assert.equal(random.length, 6);
  assert.deepEqual(Array.from(random.labels).sort(), [0, 0, 1, 1, 2, 2]);
});
