// MNIST and Fashion-MNIST: four IDX files (train/t10k × images/labels), raw or gzipped, 28×28 grayscale, 10 classes.
import { UserError } from '../errors';
import { checkLabels, ImageDataset, imageBuffer } from './dataset';
import { requireEntry } from './files';
import { readIdx } from './idx';

export const IDX_STEMS = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** Accepted names of one IDX file: the stem, stem.gz, and the variant with '.' before idx (e.g. train-images.idx3-ubyte). */
export function idxFileNames(stem: string): string[] {
  const dotted = stem.replace(/-(idx\d-ubyte)$/, '.$1');
  return [stem, `${stem}.gz`, dotted, `${dotted}.gz`];
}

function readPair(dir: string, imagesStem: string, labelsStem: string, name: string, classNames: string[]): ImageDataset {
  const imagesFile = requireEntry(dir, idxFileNames(imagesStem));
  const labelsFile = requireEntry(dir, idxFileNames(labelsStem));
  const im = readIdx(imagesFile);
  if (im.dims.length !== 3) throw new UserError(`${imagesFile}: expected 3 dimensions [N, rows, cols], got [${im.dims.join(', ')}]`);
  const lb = readIdx(labelsFile);
  if (lb.dims.length !== 1) throw new UserError(`${labelsFile}: expected 1 dimension [N], got [${lb.dims.join(', ')}]`);
  const [n, h, w] = im.dims;
  if (lb.dims[0] !== n) throw new UserError(`${labelsFile}: holds ${lb.dims[0]} labels but ${imagesFile} holds ${n} images; expected the same count`);
  if (n === 0 || h === 0 || w === 0) throw new UserError(`${imagesFile}: holds no images (dimensions [${im.dims.join(', ')}])`);
  checkLabels(lb.data, classNames.length, labelsFile);
  return {
    name,
    classNames: classNames.slice(),
    numClasses: classNames.length,
    channels: 1,
    height: h,
    width: w,
    length: n,
    images: copyToShared(im.data),
    labels: Int32Array.from(lb.data),
    source: imagesFile,
  };
}

/** Reads the train and test sets of an MNIST-format folder; both must have the same image size. */
export function readMnistLike(dir: string, name: string, classNames: string[]): { train: ImageDataset; test: ImageDataset } {
  const train = readPair(dir, IDX_STEMS.trainImages, IDX_STEMS.trainLabels, name, classNames);
  const test = readPair(dir, IDX_STEMS.testImages, IDX_STEMS.testLabels, name, classNames);
  if (test.height !== train.height || test.width !== train.width) {
    throw new UserError(`${test.source}: images are ${test.height}×${test.width} but the training images are ${train.height}×${train.width}`);
  }
  return { train, test };
}

function copyToShared(bytes: Uint8Array): Uint8Array {
  const out = imageBuffer(bytes.length);
  out.set(bytes);
  return out;
}
