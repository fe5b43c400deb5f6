// loadDataset: find a dataset's folder, read its train and test sets, attach normalisation statistics.
import { UserError } from '../errors';
import * as path from 'path';
import { DATASETS, DatasetSpec, findSpec, ReadOptions } from './catalog';
import { DataBundle } from './dataset';
import { locateDataset, LocateOptions } from './locate';
import { channelStats } from './stats';

export interface LoadOptions extends ReadOptions, LocateOptions {}

/** Canonical names of the datasets loadDataset reads. */
export function datasetNames(): string[] {
  return DATASETS.map((d) => d.name);
}

/** --data-dir for the user's own data, which is never searched for. */
function ownDataPath(spec: DatasetSpec, dataDir: string | undefined): string {
  if (!dataDir) throw new UserError(`--data ${spec.name}: --data-dir is required; ${spec.howToGet}`);
  return path.resolve(dataDir);
}

/**
 * Loads cifar10 | cifar100 | fashion-mnist | mnist | tiny-imagenet (aliases such as cifar-10 or fmnist accepted), or
 * the user's own data: folder (image-folder.ts) or npz (numpy-dataset.ts), both from opts.dataDir only.
 * Folder: opts.dataDir (alone), else $CFA_DATA, else ~/.cache/cfa/<name>, ./data/<name>, /usr/share/datasets/<name>
 * and common folder names (cifar-10-batches-bin, …). mean/std: the published CIFAR values, otherwise computed from the
 * training images on every load. Tiny-ImageNet's decoded pixels are cached on disk (decoded-cache.ts). Missing or
 * malformed data is a UserError.
 */
export function loadDataset(name: string, opts: LoadOptions = {}): DataBundle {
  const spec = findSpec(name);
  if (!spec) throw new UserError(`--data: unknown dataset '${name}'; expected one of ${datasetNames().join(', ')}`);
  if (opts.cifar100Labels !== undefined && opts.cifar100Labels !== 'fine' && opts.cifar100Labels !== 'coarse') {
    throw new UserError(`CIFAR-100 labels: expected 'fine' or 'coarse', got '${String(opts.cifar100Labels)}'`);
  }
  const dir = spec.ownData ? ownDataPath(spec, opts.dataDir) : locateDataset(spec, opts);
  const { train, test } = spec.read(dir, opts);
  const stats = spec.mean && spec.std ? { mean: spec.mean.slice(), std: spec.std.slice() } : channelStats(train);
  const augment = spec.ownData && train.channels === 1 ? 'none' : spec.augment;
  return { name: spec.name, train, test, ...stats, labelOrder: spec.labelOrder, augment };
}
