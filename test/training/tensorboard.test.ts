// TensorBoard event files decoded by an independent reader: CRC-32C check values, the version record, the framing,
// and a resumed run's file rewritten from log.jsonl.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { crc32c } from '../../src/data/crc';
import { appendEvent, encodeEvent, tfRecord, writeEventFile } from '../../src/training/event-file';
import { EpochRecord } from '../../src/formats';
import { classTags, startRunEvents } from '../../src/training/tb-scalars';
import { bitCrc32c, decodeEventFile } from '../helpers/tfevents-decoder';
import { tempDir } from '../helpers/temp-dir';

test('CRC-32C: the check value 0xE3069283 of "123456789", table and bitwise agree', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  assert.equal(bitCrc32c(Buffer.from('123456789')), 0xe3069283);
  const b = Buffer.from(Array.from({ length: 777 }, (_, k) => (k * 13 + 5) & 255));
  assert.equal(crc32c(b), bitCrc32c(b));
});

test('event file: version record first, then wall time, step and float scalars as written', () => {
  const dir = tempDir('cfa-tb-');
  const file = path.join(dir, 'events.out.tfevents.1.test');
  writeEventFile(file, [{ step: 0, wallTime: 1000.5, scalars: [['a/b', 0.25], ['c', -3]] }], 999.25);
  appendEvent(file, 300, [['a/b', 1 / 3]], 1001);
  const ev = decodeEventFile(fs.readFileSync(file));
  assert.equal(ev.length, 3);
  assert.equal(ev[0].fileVersion, 'brain.Event:2');
  assert.equal(ev[0].wallTime, 999.25);
  assert.deepEqual([ev[1].wallTime, ev[1].step, ev[1].values.get('a/b'), ev[1].values.get('c')], [1000.5, 0, 0.25, -3]);
  assert.deepEqual([ev[2].step, ev[2].values.get('a/b')], [300, Math.fround(1 / 3)]); // step 300 needs a 2-byte varint
  // a record's layout: 8-byte length, 4-byte CRC, data, 4-byte CRC
  const data = encodeEvent(1, 2, { scalars: [['x', 1]] });
  const rec = tfRecord(data);
  assert.equal(rec.length, data.length + 16);
  assert.equal(Number(rec.readBigUInt64LE(0)), data.length);
  fs.rmSync(dir, { recursive: true, force: true });
});

function record(epoch: number): EpochRecord {
  const acc = { n: 4, nPerClass: [2, 2], clean: 0.5 + epoch / 10, robust: 0.25, cleanPerClass: [0.5, 0.5], robustPerClass: [0.5, 0], worstRobust: 0, worstClean: 0.5 };
  return {
    epoch,
    lr: 0.1,
    seconds: 1,
    epsPerClass: [0.03, 0.02],
    train: { loss: 2 - epoch, robust: 0.1, robustPerClass: [0.1, 0.1], clean: 0.2, cleanPerClass: [0.2, 0.2] },
    valid: { model: acc },
    fawaUpdated: false,
    emaUpdated: false,
    selection: { model: 0.25 },
    newBest: { model: true, ema: false, fawa: false },
  };
}

test('a resumed run replaces its event files by one holding every record of the log', () => {
  const run = tempDir('cfa-tb-run-');
  const first = startRunEvents(run, ['cat', 'dog/x'], []);
  appendEvent(first, 0, [['train/loss', 9]]);
  fs.mkdirSync(path.join(run, 'tb', 'eval'));
  fs.writeFileSync(path.join(run, 'tb', 'eval', 'events.out.tfevents.1.h'), '');
  const second = startRunEvents(run, ['cat', 'dog/x'], [record(0), record(1)]);
  assert.deepEqual(fs.readdirSync(path.join(run, 'tb')).sort(), ['eval', path.basename(second)].sort());
  const ev = decodeEventFile(fs.readFileSync(second));
  assert.deepEqual(ev.map((e) => e.step), [0, 0, 1]);
  assert.equal(ev[2].values.get('train/loss'), 1);
  assert.equal(ev[1].values.get('valid/model/clean'), 0.5);
  assert.equal(ev[2].values.get('valid/model/robust_class/1_dog_x'), 0);
  assert.equal(ev[2].values.get('eps_class/0_cat'), Math.fround(0.03));
  assert.deepEqual(classTags(Array.from({ length: 12 }, (_, k) => `c${k}`)).slice(9, 11), ['09_c9', '10_c10']);
  fs.rmSync(run, { recursive: true, force: true });
});
