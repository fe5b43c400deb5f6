// Subsets of a dataset: take, seeded stratified subsets, and the per-class validation split (docs/methods.md#split).
import { UserError } from '../errors';
import { classCounts, ImageDataset, imageBuffer, imageSize, indicesByClass } from './dataset';
import { createRng, STREAM } from './prng';

/** Validation images per class under the official 'first' rule: CIFAR-10 100, CIFAR-100 25 (CFA generate_validation). */
export const OFFICIAL_VALID_PER_CLASS: Record<string, number> = { cifar10: 100, cifar100: 25 };

/** A new dataset holding copies of the images at `indices` (in that order); `origin` maps back to the file order. */
export function take(ds: ImageDataset, indices: Int32Array | readonly number[]): ImageDataset {
  const size = imageSize(ds);
  const n = indices.length;
  const images = imageBuffer(n * size);
  const labels = new Int32Array(n);
  const origin = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= ds.length) throw new RangeError(`take: index ${i} is outside 0..${ds.length - 1}`);
    images.set(ds.images.subarray(i * size, (i + 1) * size), k * size);
    labels[k] = ds.labels[i];
    origin[k] = ds.origin ? ds.origin[i] : i;
  }
  return { ...ds, classNames: ds.classNames.slice(), length: n, images, labels, origin };
}

/** Indices of `ds` not in `chosen`, in dataset order. */
function complement(length: number, chosen: number[]): number[] {
  const mark = new Uint8Array(length);
  for (const i of chosen) mark[i] = 1;
  const rest: number[] = [];
  for (let i = 0; i < length; i++) if (!mark[i]) rest.push(i);
  return rest;
}

/**
 * A stratified subset: `perClass` images of each class drawn with our seeded generator (all of a class when it has
 * fewer), kept in dataset order. For quick runs.
 */
export function subsetPerClass(ds: ImageDataset, perClass: number, seed: number): ImageDataset {
  if (!Number.isInteger(perClass) || perClass < 1) throw new UserError(`subset: expected a positive number of images per class, got ${perClass}`);
  const rng = createRng(seed, STREAM.subset);
  const chosen = indicesByClass(ds).flatMap((idx) => rng.shuffle(idx).slice(0, perClass));
  return take(ds, chosen.sort((a, b) => a - b));
}

/** The first `perClass` images of each class in dataset order (all of a class when it has fewer), as the official code takes them. */
export function firstPerClass(ds: ImageDataset, perClass: number): ImageDataset {
  if (!Number.isInteger(perClass) || perClass < 1) throw new UserError(`subset: expected a positive number of images per class, got ${perClass}`);
  return take(ds, indicesByClass(ds).flatMap((idx) => idx.slice(0, perClass)).sort((a, b) => a - b));
}

export interface SplitOptions {
  /** 'first': the first perClass images of each class in dataset order (CFA's code); 'last': the last perClass (FRL's code); 'random': a seeded fraction of each class. */
  rule: 'first' | 'last' | 'random';
  /** For 'first': images per class (default: 100 for cifar10, 25 for cifar100, else round(2% of the smallest class)). */
  perClass?: number;
  /** For 'random': fraction of each class (default 0.02, the paper's 2%); round(fraction·n_c), at least 1 per class. */
  fraction?: number;
  /** For 'random': seed of our generator (default 0). */
  seed?: number;
}

/**
 * Splits a training set into train and validation parts per class (docs/methods.md#split). Both keep dataset order and
 * never overlap; every class present keeps at least one training image or the split is refused with a UserError.
 */
export function splitValidation(ds: ImageDataset, opts: SplitOptions): { train: ImageDataset; valid: ImageDataset } {
  const byClass = indicesByClass(ds);
  let valid: number[];
  if (opts.rule === 'first' || opts.rule === 'last') {
    const smallest = Math.min(...classCounts(ds).filter((n) => n > 0));
    const per = opts.perClass ?? OFFICIAL_VALID_PER_CLASS[ds.name] ?? Math.max(1, Math.round(0.02 * smallest));
    if (!Number.isInteger(per) || per < 0) throw new UserError(`validation: expected a whole number of images per class, got ${per}`);
    byClass.forEach((idx, c) => {
      if (idx.length > 0 && idx.length <= per) throw new UserError(`validation: class '${ds.classNames[c]}' has ${idx.length} training images; cannot hold out ${per} per class and keep any for training`);
    });
    valid = byClass.flatMap((idx) => (opts.rule === 'last' ? idx.slice(idx.length - per) : idx.slice(0, per)));
  } else if (opts.rule === 'random') {
    const fraction = opts.fraction ?? 0.02;
    if (!(fraction > 0 && fraction < 1)) throw new UserError(`validation: expected a fraction in (0, 1), got ${fraction}`);
    const rng = createRng(opts.seed ?? 0, STREAM.validation);
    valid = byClass.flatMap((idx, c) => {
      if (idx.length === 0) return [];
      const k = Math.max(1, Math.round(fraction * idx.length));
      if (idx.length <= k) throw new UserError(`validation: class '${ds.classNames[c]}' has ${idx.length} training images; too few to hold out ${k}`);
      return rng.shuffle(idx.slice()).slice(0, k);
    });
  } else {
    throw new UserError(`validation: unknown rule '${String((opts as { rule: unknown }).rule)}'; expected 'first', 'last' or 'random'`);
  }
  valid.sort((a, b) => a - b);
  return { train: take(ds, complement(ds.length, valid)), valid: take(ds, valid) };
}
