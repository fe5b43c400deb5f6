// safetensors: round trip, PyTorch interoperability, strict loading, and clear errors on damaged files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { manualSeed, rand, tensor, tidy } from '../../src/engine';
import { UserError } from '../../src/errors';
import { createNetwork, loadCheckpoint, parseSafetensors, readSafetensors, saveCheckpoint, serializeSafetensors, writeSafetensors } from '../../src/nn';
import { tempDir } from '../helpers/temp-dir';

const tmp = () => tempDir('cfa-st-');

test('every dtype round-trips with its values, shape and metadata', () =>
  tidy(() => {
    const file = path.join(tmp(), 'a.safetensors');
    const src = new Map([
      ['f32', tensor([1.5, -2, 3.25, 4], [2, 2])],
      ['f64', tensor([Math.PI], [1], 'float64')],
      ['i64', tensor([-3, 2 ** 40], [2], 'int64')],
      ['i32', tensor([7, -8, 9], [3], 'int32')],
      ['u8', tensor([0, 255], [2], 'uint8')],
      ['b', tensor([1, 0, 1], [3], 'bool')],
      ['scalar', tensor([42], [], 'float32')],
      ['empty', tensor([], [0, 3], 'float32')],
    ]);
    writeSafetensors(file, src, { format: 'pt', note: 'x' });
    const { tensors, metadata } = readSafetensors(file);
    assert.deepEqual(metadata, { format: 'pt', note: 'x' });
    for (const [k, t] of src) {
      const r = tensors.get(k)!;
      assert.equal(r.dtype, t.dtype, k);
      assert.deepEqual(r.shape, t.shape, k);
      assert.deepEqual(r.toArray(), t.toArray(), k);
    }
    const buf = fs.readFileSync(file);
    assert.equal((8 + Number(buf.readBigUInt64LE(0))) % 8, 0, 'data starts 8-byte aligned');
  }));

const valid = () => tidy(() => serializeSafetensors(new Map([['w', tensor([1, 2, 3, 4], [2, 2])]])));

function expectUserError(buf: Buffer, pattern: RegExp) {
  assert.throws(
    () => parseSafetensors(buf, 'ckpt.safetensors'),
    (e: Error) => e instanceof UserError && /ckpt\.safetensors/.test(e.message) && pattern.test(e.message),
  );
}

test('damaged files give a clear error naming the file, never a crash or a huge allocation', () => {
  const good = valid();
  expectUserError(good.subarray(0, 5), /too short/);
  expectUserError(good.subarray(0, good.length - 3), /truncated|ends at byte/);
  const lying = Buffer.from(good);
  lying.writeBigUInt64LE(2n ** 62n, 0);
  expectUserError(lying, /header length/);
  const notJson = Buffer.from(good);
  notJson.write('{{', 8);
  expectUserError(notJson, /not JSON/);
  const mk = (header: unknown, data = Buffer.alloc(16)) => {
    const h = Buffer.from(JSON.stringify(header));
    const n = Buffer.alloc(8);
    n.writeBigUInt64LE(BigInt(h.length));
    return Buffer.concat([n, h, data]);
  };
  expectUserError(mk({ w: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } }), /unsupported dtype/);
  expectUserError(mk({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }), /needs 12 bytes/);
  expectUserError(mk({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }), /invalid shape/);
  expectUserError(mk({ w: { dtype: 'F32', shape: [2], data_offsets: [8, 0] } }), /data_offsets/);
  expectUserError(mk({ w: { dtype: 'F32', shape: [2 ** 40], data_offsets: [0, 2 ** 42] } }), /ends at byte/);
  expectUserError(mk({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }), /overlaps/);
  expectUserError(mk([1, 2]), /not a JSON object/);
  assert.throws(() => readSafetensors('/nonexistent/x.safetensors'), (e: Error) => e instanceof UserError && /x\.safetensors: cannot read/.test(e.message));
});

test('strict loading names missing and unexpected keys, shape and dtype mismatches', () => {
  const dir = tmp();
  const m = createNetwork({ arch: 'smallcnn', numClasses: 10, inChannels: 1, inputSize: 28 });
  const sd = m.stateDict();
  const write = (name: string, entries: Map<string, ReturnType<typeof rand>>) => {
    const f = path.join(dir, name);
    writeSafetensors(f, entries);
    return f;
  };
  const missing = new Map(sd);
  missing.delete('fc3.bias');
  assert.throws(() => loadCheckpoint(write('m.safetensors', missing), m), /m\.safetensors: .*missing keys: fc3\.bias/);
  const extra = new Map(sd);
  extra.set('fc4.weight', sd.get('fc3.bias')!);
  assert.throws(() => loadCheckpoint(write('u.safetensors', extra), m), /unexpected keys: fc4\.weight/);
  tidy(() => {
    const shape = new Map(sd);
    shape.set('fc3.bias', rand([11]));
    assert.throws(() => loadCheckpoint(write('s.safetensors', shape), m), /'fc3\.bias' has shape \[11\], the model expects \[10\]/);
    const dt = new Map(sd);
    dt.set('fc3.bias', rand([10], 'float64'));
    assert.throws(() => loadCheckpoint(write('d.safetensors', dt), m), /'fc3\.bias' has dtype float64, the model expects float32/);
  });
  m.dispose();
});

test('writes are atomic: a failed write leaves the previous file intact', () => {
  const file = path.join(tmp(), 'ckpt.safetensors');
  tidy(() => writeSafetensors(file, new Map([['a', tensor([1, 2])]])));
  const before = fs.readFileSync(file);
  const bad = new Map([['a', { data: () => { throw new Error('disk full'); }, dtype: 'float32', shape: [2] } as never]]);
  assert.throws(() => writeSafetensors(file, bad), /disk full/);
  assert.deepEqual(fs.readFileSync(file), before);
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ['ckpt.safetensors']);
});

const py = '/usr/bin/python3';
const hasTorch = spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

test('checkpoint round trip through PyTorch: PyTorch reads ours, we read what it writes back', { skip: hasTorch ? false : 'needs Debian python3-torch' }, () => {
  const dir = tmp();
  manualSeed(5);
  const m = createNetwork({ arch: 'prn18', numClasses: 10, inChannels: 3, inputSize: 32 });
  const ours = path.join(dir, 'ours.safetensors');
  const back = path.join(dir, 'back.safetensors');
  saveCheckpoint(ours, m);
  const script = `
import sys, torch
sys.path.insert(0, ${JSON.stringify(path.join(__dirname, '../../../scripts/fixtures'))})
import st
from models import PreActResNet18
net = PreActResNet18()
net.load_state_dict(st.load(${JSON.stringify(ours)}), strict=True)
with torch.no_grad():
    for p in net.parameters(): p.mul_(2)
st.save(${JSON.stringify(back)}, net.state_dict())
`;
  const r = spawnSync(py, ['-c', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const twice = createNetwork({ arch: 'prn18', numClasses: 10, inChannels: 3, inputSize: 32 });
  loadCheckpoint(back, twice);
  const a = m.stateDict();
  for (const [k, t] of twice.stateDict()) {
    const isParam = !/running_|num_batches/.test(k);
    tidy(() => assert.deepEqual(t.toArray(), isParam ? a.get(k)!.mul(2).toArray() : a.get(k)!.toArray(), k));
  }
  m.dispose();
  twice.dispose();
});
