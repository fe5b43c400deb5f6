// Architectures against PyTorch: parameter counts, key names, seeded init and logits (fixtures: engine_models.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { F, Tensor, enableGrad, grad, manualSeed, noGrad, rand, randint, tensor, tidy } from '../../src/engine';
import { createNetwork, loadCheckpoint, saveCheckpoint } from '../../src/nn';
import { assertClose } from '../helpers/assert-close';
import { tempDir } from '../helpers/temp-dir';

const FIX = path.join(__dirname, '../../../test/fixtures/engine');
const prn = JSON.parse(fs.readFileSync(path.join(FIX, 'prn18.json'), 'utf8'));
const scnn = JSON.parse(fs.readFileSync(path.join(FIX, 'smallcnn.json'), 'utf8'));

test('PreActResNet-18: 11,172,170 parameters, PyTorch key names, seeded init equal to PyTorch', () => {
  manualSeed(prn.seed);
  const m = createNetwork({ arch: 'prn18', numClasses: 10, inChannels: 3, inputSize: 32 });
  assert.equal(m.numParameters(), 11172170);
  assert.equal(m.numParameters(), prn.numParameters);
  const sd = m.stateDict();
  assert.deepEqual([...sd.keys()].sort(), Object.keys(prn.stateSums).sort());
  for (const [k, t] of sd) {
    const s = tidy(() => t.double().sum().item());
    assert.ok(Math.abs(s - prn.stateSums[k]) <= 1e-6 * Math.max(1, Math.abs(s)), `${k}: sum ${s} vs ${prn.stateSums[k]}`);
  }
  m.dispose();
});

test('PreActResNet-18 logits equal PyTorch to 1e-4 after a safetensors round trip (eval and train mode)', () => {
  manualSeed(prn.seed);
  const src = createNetwork({ arch: 'prn18', numClasses: 10, inChannels: 3, inputSize: 32 });
  const file = path.join(tempDir('cfa-prn-'), 'prn18.safetensors');
  saveCheckpoint(file, src);
  src.dispose();
  manualSeed(99); // a different init, overwritten by the checkpoint
  const m = createNetwork({ arch: 'prn18', numClasses: 10, inChannels: 3, inputSize: 32 });
  loadCheckpoint(file, m);
  tidy(() => {
    const x = tensor(prn.input, [2, 3, 32, 32]);
    m.eval();
    assertClose(noGrad(() => m.forward(x)).toArray(), prn.logitsEval, 1e-4, 0, 'eval logits');
    m.train();
    assertClose(noGrad(() => m.forward(x)).toArray(), prn.logitsTrain, 1e-4, 0, 'train logits');
  });
  m.dispose();
});

test('SmallCNN loads a PyTorch-written checkpoint and reproduces its logits', () => {
  const m = createNetwork({ arch: 'smallcnn', numClasses: 10, inChannels: 1, inputSize: 28 });
  const meta = loadCheckpoint(path.join(FIX, 'smallcnn-init.safetensors'), m);
  assert.equal(meta.arch, 'smallcnn');
  m.eval();
  tidy(() => assertClose(m.forward(tensor(scnn.x, [8, 1, 28, 28])).toArray(), scnn.logits, 1e-5, 1e-4, 'logits'));
  m.dispose();
});

test('SmallCNN pools before its ReLUs: logits and input gradients equal, to the bit, those of ReLU then pool', () => {
  manualSeed(5);
  const m = createNetwork({ arch: 'smallcnn', numClasses: 10, inChannels: 1, inputSize: 28 }).channelsLast().eval();
  const sd = m.stateDict();
  const conv = (h: Tensor, i: number) => F.conv2d(h, sd.get(`conv${i}.weight`)!, sd.get(`conv${i}.bias`)!);
  const fc = (h: Tensor, i: number) => F.linear(h, sd.get(`fc${i}.weight`)!, sd.get(`fc${i}.bias`)!);
  // PyTorch's reference order (scripts/fixtures/models.py): ReLU, then max-pool.
  const reluThenPool = (x: Tensor) => {
    let h = F.maxPool2d(conv(conv(x, 1).relu(), 2).relu(), 2);
    h = F.maxPool2d(conv(conv(h, 3).relu(), 4).relu(), 2);
    return fc(fc(fc(h.flatten(1), 1).relu(), 2).relu(), 3);
  };
  tidy(() => {
    const x = rand([16, 1, 28, 28]).channelsLast();
    const y = randint(0, 10, [16]);
    const run = (f: (x: Tensor) => Tensor) =>
      enableGrad(() => {
        const xa = x.detach().requiresGrad_(true);
        const z = f(xa);
        return [z.detach().toArray(), grad(F.crossEntropy(z, y), xa)[0].toArray()];
      });
    const [zOurs, gOurs] = run((t) => m.forward(t));
    const [zRef, gRef] = run(reluThenPool);
    assert.deepEqual(zOurs, zRef);
    assert.deepEqual(gOurs, gRef);
    assert.ok(gRef.some((v) => v !== 0));
  });
  m.dispose();
});

test('WideResNet-34-10 has the TRADES layout (46,160,474 parameters without sub_block1)', () => {
  const m = createNetwork({ arch: 'wrn34-10', numClasses: 10, inChannels: 3, inputSize: 32 });
  const keys = [...m.stateDict().keys()];
  const sub = m.namedParameters().filter(([k]) => k.startsWith('sub_block1.')).reduce((s, [, t]) => s + t.numel, 0);
  assert.equal(m.numParameters() - sub, 46160474);
  for (const k of ['conv1.weight', 'block1.layer.0.convShortcut.weight', 'block3.layer.4.bn2.running_var', 'bn1.weight', 'fc.bias']) assert.ok(keys.includes(k), k);
  m.dispose();
});

test('channels-last reaches one-channel tensors too, so every SmallCNN convolution runs channels-last', () => {
  // With C = 1 the NCHW strides already count as channels-last contiguous; convolution picks its layout from the
  // strides, so a 1-channel first layer left in NCHW strides would put its output (and the ReLU after it) in NCHW.
  manualSeed(4);
  const m = createNetwork({ arch: 'smallcnn', numClasses: 10, inChannels: 1, inputSize: 28 }).channelsLast();
  assert.ok(m.stateDict().get('conv1.weight')!.isChannelsLast);
  tidy(() => {
    const x = rand([2, 1, 28, 28]);
    assert.equal(x.isChannelsLast, false);
    const xl = x.channelsLast();
    assert.ok(xl.isChannelsLast);
    assert.deepEqual(xl.toArray(), x.toArray());
    assert.ok(F.conv2d(x, m.stateDict().get('conv1.weight')!).isChannelsLast);
  });
  m.dispose();
});

test('channels-last storage changes speed, not values: same logits, gradients and checkpoint bytes', () => {
  const spec = { arch: 'prn18', numClasses: 10, inChannels: 3, inputSize: 32 };
  manualSeed(3);
  const a = createNetwork(spec);
  manualSeed(3);
  const b = createNetwork(spec).channelsLast();
  assert.ok(b.stateDict().get('layer2.0.conv1.weight')!.isChannelsLast);
  const dir = tempDir('cfa-cl-');
  saveCheckpoint(path.join(dir, 'a.safetensors'), a);
  saveCheckpoint(path.join(dir, 'b.safetensors'), b);
  assert.deepEqual(fs.readFileSync(path.join(dir, 'b.safetensors')), fs.readFileSync(path.join(dir, 'a.safetensors')));
  tidy(() => {
    const x = tensor(prn.input, [2, 3, 32, 32]);
    a.eval();
    b.eval();
    const xa = x.clone().requiresGrad_(true);
    const xb = x.channelsLast().requiresGrad_(true);
    const la = a.forward(xa);
    const lb = b.forward(xb);
    assertClose(lb.toArray(), la.toArray(), 1e-5, 1e-4, 'logits');
    assertClose(grad(lb.sum(), xb)[0].toArray(), grad(la.sum(), xa)[0].toArray(), 1e-6, 1e-3, 'input gradient');
  });
  a.dispose();
  b.dispose();
});
