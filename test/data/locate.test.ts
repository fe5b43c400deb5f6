// Dataset discovery: --data-dir, then $CFA_DATA, then well-known folders; a miss explains what to do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { loadDataset } from '../../src/data';
import { findSpec } from '../../src/data/catalog';
import { candidateFolders, locateDataset } from '../../src/data/locate';
import { UserError } from '../../src/errors';
import { tempDir, writeCifar10, writeMnist } from './formats';

const cifar10 = findSpec('CIFAR-10')!;

test('--data-dir may be the dataset folder or a folder containing it under a common name', () => {
  const root = tempDir();
  writeCifar10(path.join(root, 'cifar-10-batches-bin'), 1);
  assert.equal(locateDataset(cifar10, { dataDir: root }), path.join(root, 'cifar-10-batches-bin'));
  assert.equal(locateDataset(cifar10, { dataDir: path.join(root, 'cifar-10-batches-bin') }), path.join(root, 'cifar-10-batches-bin'));
  assert.equal(loadDataset('cifar10', { dataDir: root }).train.length, 5);
});

test('order: --data-dir alone, else CFA_DATA, then ~/.cache/cfa/<name>, ./data/<name>', () => {
  const home = tempDir();
  const cwd = tempDir();
  const env = tempDir();
  writeCifar10(path.join(home, '.cache', 'cfa', 'cifar10'), 1);
  writeCifar10(path.join(cwd, 'data', 'cifar10'), 1);
  assert.equal(locateDataset(cifar10, { env: {}, home, cwd }), path.join(home, '.cache', 'cfa', 'cifar10'));
  fs.rmSync(path.join(home, '.cache'), { recursive: true });
  assert.equal(locateDataset(cifar10, { env: {}, home, cwd }), path.join(cwd, 'data', 'cifar10'));
  writeCifar10(path.join(env, 'cifar-10-batches-bin'), 1);
  assert.equal(locateDataset(cifar10, { env: { CFA_DATA: env }, home, cwd }), path.join(env, 'cifar-10-batches-bin'));
  const given = tempDir();
  assert.throws(() => locateDataset(cifar10, { dataDir: given, env: { CFA_DATA: env }, home, cwd }), UserError);
  const list = candidateFolders(cifar10, { env: { CFA_DATA: env }, home, cwd });
  assert.equal(list[0], env);
  assert.ok(list.indexOf(path.join(home, '.cache', 'cfa', 'cifar10')) < list.indexOf(path.join(cwd, 'data', 'cifar10')));
  assert.ok(list.includes('/usr/share/datasets/fashion-mnist') === false && list.includes('/usr/share/datasets/cifar-10-batches-bin'));
});

test('the miss message lists expected files, folders searched with what is missing, and how to get the data', () => {
  const dir = tempDir();
  writeCifar10(dir, 1);
  fs.rmSync(path.join(dir, 'data_batch_4.bin'));
  assert.throws(
    () => loadDataset('cifar10', { dataDir: dir }),
    (e: Error) =>
      e instanceof UserError &&
      e.message.includes('Expected in one folder: data_batch_1.bin, data_batch_2.bin') &&
      e.message.includes(`${dir} (missing data_batch_4.bin)`) &&
      e.message.includes(`${path.join(dir, 'cifar-10-batches-bin')} (no such folder)`) &&
      e.message.includes('cifar-10-binary.tar.gz'),
  );
  const empty = tempDir();
  assert.throws(() => loadDataset('fashion-mnist', { dataDir: empty }), (e: Error) => e instanceof UserError && e.message.includes('apt-get install dataset-fashion-mnist') && e.message.includes('train-images-idx3-ubyte.gz'));
  assert.throws(() => loadDataset('imagenet'), (e: Error) => e instanceof UserError && /unknown dataset 'imagenet'; expected one of cifar10, cifar100, fashion-mnist, mnist, tiny-imagenet/.test(e.message));
});

test('IDX files are found under the torchvision layout and with the dotted MNIST names', () => {
  const root = tempDir();
  writeMnist(path.join(root, 'FashionMNIST', 'raw'), 10, 10, true, 4, 4);
  assert.equal(loadDataset('fashion-mnist', { dataDir: root }).train.length, 10);
  const dotted = tempDir();
  writeMnist(dotted, 10, 10, false, 4, 4);
  for (const f of fs.readdirSync(dotted)) fs.renameSync(path.join(dotted, f), path.join(dotted, f.replace('-idx', '.idx')));
  assert.equal(loadDataset('mnist', { dataDir: dotted }).test.length, 10);
});
