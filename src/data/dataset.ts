// The in-memory image dataset shared by readers, splits and the loader: uint8 pixels in C×H×W planes plus int labels.
import { UserError } from '../errors';

/** An image classification dataset held as uint8 pixels. */
export interface ImageDataset {
  /** Dataset name, e.g. 'cifar10'. */
  name: string;
  classNames: string[];
  numClasses: number;
  channels: number;
  height: number;
  width: number;
  /** Number of images. */
  length: number;
  /** length·C·H·W bytes; image i starts at i·C·H·W and holds C planes of H rows of W pixels. */
  images: Uint8Array;
  /** length labels in 0..numClasses−1. */
  labels: Int32Array;
  /** The file or folder the images came from. */
  source: string;
  /** For subsets: each image's index in the dataset as read from its files (absent = identity). */
  origin?: Int32Array;
  /** Identifiers behind the class indices where they differ from the names (Tiny-ImageNet: the WordNet ids). */
  classIds?: string[];
}

/** A dataset's train and test sets with the per-channel normalisation statistics of its training images. */
export interface DataBundle {
  name: string;
  train: ImageDataset;
  test: ImageDataset;
  /** Per-channel mean and standard deviation in [0,1] pixel units (fixed published values or computed, see loadDataset). */
  mean: number[];
  std: number[];
  /** How label indices were assigned: 'file' (labels stored in the files), 'sorted-wnid' (Tiny-ImageNet) or 'sorted-folder' (image folders). */
  labelOrder: 'file' | 'sorted-wnid' | 'sorted-folder';
  /** The recommended training augmentation: 'crop-flip' for colour images, 'none' for 28×28 grayscale. */
  augment: 'crop-flip' | 'none';
}

/** Zeroed storage for n pixel bytes in shared memory: the loader's worker reads it in place, without a copy. */
export function imageBuffer(n: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(n));
}

/** Bytes per image (C·H·W). */
export function imageSize(ds: Pick<ImageDataset, 'channels' | 'height' | 'width'>): number {
  return ds.channels * ds.height * ds.width;
}

/** Number of images of each class (index = label). */
export function classCounts(ds: Pick<ImageDataset, 'labels' | 'numClasses'>): number[] {
  const counts = new Array<number>(ds.numClasses).fill(0);
  for (const y of ds.labels) counts[y]++;
  return counts;
}

/** Indices of the images of each class, in dataset order. */
export function indicesByClass(ds: Pick<ImageDataset, 'labels' | 'numClasses'>): number[][] {
  const out: number[][] = Array.from({ length: ds.numClasses }, () => []);
  ds.labels.forEach((y, i) => out[y].push(i));
  return out;
}

/** Throws a UserError naming `file` when any label is outside 0..numClasses−1. */
export function checkLabels(labels: ArrayLike<number>, numClasses: number, file: string, what = 'label'): void {
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (!(y >= 0 && y < numClasses)) throw new UserError(`${file}: record ${i} has ${what} ${y}; expected 0–${numClasses - 1}`);
  }
}
