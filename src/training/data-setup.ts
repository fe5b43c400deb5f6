// The data of a run: train/validation split (docs/methods.md#split), optional stratified subsets, the test set, and the
// fields of the configuration that the data decides.
import { DataBundle, ImageDataset, LoadOptions, channelStats, checkResize, firstPerClass, loadDataset, splitValidation, subsetPerClass } from '../data';
import { UserError } from '../errors';
import { TrainConfig } from './config';
import { PendingConfig } from './defaults';
import { defaultFairnessMetric } from './fairness-measure';
import { toyImages } from './toy-images';

export interface RunData {
  train: ImageDataset;
  valid: ImageDataset;
  test: ImageDataset;
  mean: number[];
  std: number[];
  augment: DataBundle['augment'];
}

/** The toy bundle: 1000 training and 500 test images per class. */
function toyBundle(seed: number): Pick<DataBundle, 'train' | 'test' | 'mean' | 'std' | 'augment'> {
  const train = toyImages(1000, seed);
  return { train, test: toyImages(500, seed + 1_000_003), ...channelStats(train), augment: 'none' };
}

/** How to read the configured dataset: its folder, and for the user's own data the resize and layout settings. */
export function dataOptions(cfg: Pick<PendingConfig, 'dataDir' | 'resize' | 'layout'>): LoadOptions {
  return { dataDir: cfg.dataDir, ...(cfg.resize ? { resize: checkResize(cfg.resize, 'resize') } : {}), ...(cfg.layout ? { layout: cfg.layout } : {}) };
}

/**
 * Loads the dataset, holds out the validation images per class (rule 'first' or 'random'), then takes the seeded
 * stratified subsets perClass (training) and testPerClass (test) when set.
 */
export function prepareData(cfg: PendingConfig): RunData {
  const bundle = cfg.dataset === 'toy' ? toyBundle(cfg.seed) : loadDataset(cfg.dataset, dataOptions(cfg));
  const split = splitValidation(bundle.train, { rule: cfg.validRule, perClass: cfg.validPerClass, fraction: cfg.validFraction, seed: cfg.seed });
  const subset = (ds: ImageDataset, n: number) => (cfg.subsetMode === 'first' ? firstPerClass(ds, n) : subsetPerClass(ds, n, cfg.seed));
  const train = cfg.perClass ? subset(split.train, cfg.perClass) : split.train;
  const test = cfg.testPerClass ? subsetPerClass(bundle.test, cfg.testPerClass, cfg.seed) : bundle.test;
  return { train, valid: split.valid, test, mean: bundle.mean, std: bundle.std, augment: bundle.augment };
}

/**
 * The per-channel mean and std of the model's input normalisation: the dataset's, none (0 and 1: raw [0,1] pixels),
 * or the configured values (one per channel).
 */
function normalization(cfg: PendingConfig, data: RunData, channels: number): { mean: number[]; std: number[] } {
  const n = cfg.normalize ?? 'dataset';
  if (n === 'dataset') return { mean: data.mean.slice(), std: data.std.slice() };
  if (n === 'none') return { mean: new Array<number>(channels).fill(0), std: new Array<number>(channels).fill(1) };
  if (n.mean.length !== channels) throw new UserError(`config field 'normalize': mean/std have ${n.mean.length} entries, ${cfg.dataset} has ${channels} channel(s)`);
  return { mean: n.mean.slice(), std: n.std.slice() };
}

/** The full configuration: the pending one plus class names, normalisation, image geometry and augmentation. */
export function completeConfig(cfg: PendingConfig, data: RunData): TrainConfig {
  const ds = data.train;
  if (ds.height !== ds.width) throw new UserError(`${cfg.dataset}: expected square images, got ${ds.height}×${ds.width}${cfg.dataset === 'folder' ? ' (--resize S,S makes them square)' : ''}`);
  return {
    ...cfg,
    fawa: { ...cfg.fawa, metric: cfg.fawa.metric ?? defaultFairnessMetric(ds.numClasses) },
    selectionMetric: cfg.selectionMetric ?? defaultFairnessMetric(ds.numClasses),
    classNames: ds.classNames.slice(),
    numClasses: ds.numClasses,
    ...normalization(cfg, data, ds.channels),
    channels: ds.channels,
    inputSize: ds.height,
    augment: cfg.augment ?? data.augment,
  };
}
