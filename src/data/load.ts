// loadDataset: find a dataset's folder, read its train and test sets, attach normalisation statistics.
import { UserError } from '../errors';
import { DATASETS, findSpec, ReadOptions } from './catalog';
import { DataBundle } from './dataset';
import { locateDataset, LocateOptions } from './locate';
import { channelStats } from './stats';

export interface LoadOptions extends ReadOptions, LocateOptions {}

/** Canonical names of the datasets loadDataset reads. */
export function datasetNames(): string[] {
  return DATASETS.map((d) => d.name);
}

/**
 * Loads cifar10 | cifar100 | fashion-mnist | mnist | tiny-imagenet (aliases such as cifar-10 or fmnist accepted).
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
  const dir = locateDataset(spec, opts);
  const { train, test } = spec.read(dir, opts);
  const stats = spec.mean && spec.std ? { mean: spec.mean.slice(), std: spec.std.slice() } : channelStats(train);
  return { name: spec.name, train, test, ...stats, labelOrder: spec.labelOrder, augment: spec.augment };
}
