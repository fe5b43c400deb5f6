// Every engine op's forward value and input gradient against PyTorch (fixtures: scripts/fixtures/engine_ops.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { DType, F, Tensor, cat, grad, stack, tensor, tidy, where } from '../../src/engine';
import { assertClose } from '../helpers/assert-close';

interface Arr { shape: number[]; dtype: string; data: number[] }
interface Case { name: string; inputs: Record<string, Arr>; outputs: Arr[]; r?: number[]; grads?: Record<string, number[]>; [k: string]: unknown }

const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../test/fixtures/engine/ops.json'), 'utf8')) as { cases: Case[] };

type Ins = Record<string, Tensor>;
const OPS: Record<string, (i: Ins, c: Case) => Tensor | Tensor[]> = {
  add: ({ a, b }) => a.add(b, 2),
  sub: ({ a, b }) => a.sub(b),
  mul: ({ a, b }) => a.mul(b),
  div: ({ a, b }) => a.div(b),
  pow: ({ a, b }) => a.pow(b),
  powScalar: ({ a }) => a.pow(3),
  exp: ({ a }) => a.exp(),
  log: ({ a }) => a.log(),
  sqrt: ({ a }) => a.sqrt(),
  abs: ({ a }) => a.abs(),
  sign: ({ a }) => a.sign(),
  clamp: ({ a }) => a.clamp(-0.3, 0.4),
  clampTensor: ({ a, lo, hi }) => a.clamp(lo, hi),
  minimum: ({ a, b }) => a.minimum(b),
  maximum: ({ a, b }) => a.maximum(b),
  where: ({ a, b }) => where(a.gt(0), a, b),
  sumDims: ({ a }) => a.sum([0, 2], true),
  meanDim: ({ a }) => a.mean(1),
  amax: ({ a }) => a.amax(2),
  maxDim: ({ a }) => a.max(1),
  argmax: ({ a }) => a.argmax(1),
  logsumexp: ({ a }) => a.logsumexp(-1),
  norm2: ({ a }) => a.norm(2, [1, 2]),
  normInf: ({ a }) => a.norm(Infinity, [1, 2]),
  permuteReshape: ({ a }) => a.permute([2, 0, 1]).reshape([4, 6]),
  slice: ({ a }) => a.slice(1, 1, 3).slice(2, undefined, undefined, 2),
  narrow: ({ a }) => a.narrow(2, 1, 2),
  cat: ({ a, b }) => cat([a, b], 1),
  stack: ({ a, b }) => stack([a, b], 2),
  indexSelect: ({ a, i }) => a.indexSelect(0, i),
  gather: ({ a, i }) => a.gather(1, i),
  scatter: ({ a, i, s }) => a.scatter(1, i, s),
  maskedFill: ({ a }) => a.maskedFill(a.gt(0.2), -5),
  booleanIndex: ({ a }) => a.booleanMask(a.sum(1).gt(0)),
  conv2d: ({ x, w, bias }) => F.conv2d(x, w, bias, { stride: 2, padding: 1 }),
  conv2dDilatedGrouped: ({ x, w }) => F.conv2d(x, w, null, { padding: 2, dilation: 2, groups: 3 }),
  batchNormTrain: ({ x, g, be }, c) => {
    const rm = tensor(c.runningMeanBefore as number[]);
    const rv = tensor(c.runningVarBefore as number[]);
    const out = F.batchNorm(x, rm, rv, g, be, true, 0.1, 1e-5);
    assertClose(rm.toArray(), c.runningMeanAfter as number[], 1e-6, 1e-5, 'running_mean');
    assertClose(rv.toArray(), c.runningVarAfter as number[], 1e-6, 1e-5, 'running_var');
    return out;
  },
  batchNormEval: ({ x, g, be }, c) => F.batchNorm(x, tensor(c.runningMeanBefore as number[]), tensor(c.runningVarBefore as number[]), g, be, false),
  linear: ({ x, w, bias }) => F.linear(x, w, bias),
  relu: ({ a }) => F.relu(a),
  maxPool2d: ({ x }) => F.maxPool2d(x, 2),
  avgPool2d: ({ x }) => F.avgPool2d(x, 3, 2, 1),
  adaptiveAvgPool2d: ({ x }) => F.adaptiveAvgPool2d(x, 1),
  softmax: ({ z }) => F.softmax(z, 1),
  logSoftmax: ({ z }) => F.logSoftmax(z, 1),
  crossEntropyMean: ({ z, y }) => F.crossEntropy(z, y),
  crossEntropySum: ({ z, y }) => F.crossEntropy(z, y, 'sum'),
  crossEntropyNone: ({ z, y }) => F.crossEntropy(z, y, 'none'),
  klDivBatchmean: ({ z, z2 }) => F.klDiv(F.logSoftmax(z2, 1), F.softmax(z, 1), 'batchmean'),
  klDivSum: ({ z, z2 }) => F.klDiv(F.logSoftmax(z2, 1), F.softmax(z, 1), 'sum'),
  padReflect: ({ x }) => F.pad(x, [2, 2, 1, 3], 'reflect'),
  padConstant: ({ x }) => F.pad(x, [1, 0, 2, 1], 'constant', 0.5),
};

test('the fixture covers every op in the table and nothing else', () => {
  assert.deepEqual(fixture.cases.map((c) => c.name).sort(), Object.keys(OPS).sort());
});

for (const c of fixture.cases) {
  test(`op ${c.name} matches PyTorch (value and gradient)`, () =>
    tidy(() => {
      const ins: Ins = {};
      for (const [k, v] of Object.entries(c.inputs)) {
        const dt = v.dtype as DType;
        ins[k] = tensor(v.data, v.shape, dt);
        if (c.grads && k in c.grads) ins[k].requiresGrad_(true);
      }
      const res = OPS[c.name](ins, c);
      const outs = Array.isArray(res) ? res : [res];
      outs.forEach((o, j) => {
        assert.deepEqual(o.shape, c.outputs[j].shape, `output ${j} shape`);
        assertClose(o.toArray(), c.outputs[j].data, 1e-5, 1e-5, `output ${j}`);
      });
      if (c.grads && c.r) {
        const loss = outs[0].mul(tensor(c.r, c.outputs[0].shape)).sum();
        const names = Object.keys(c.grads);
        const gs = grad(loss, names.map((n) => ins[n]));
        names.forEach((n, j) => assertClose(gs[j].toArray(), c.grads![n], 1e-5, 1e-4, `d/d${n}`));
      }
    }));
}
