// Datasets and the input pipeline.
//
//   const data = loadDataset('cifar10', { dataDir });            // DataBundle: train, test, mean, std, augment, …
//   const { train, valid } = splitValidation(data.train, { rule: 'first' });   // CFA: first 100 per class
//   const opts = { batchSize: 128, shuffle: true, seed, augment: data.augment, device };
//   for (const { x, y, indices } of batches(train, epoch, opts, startBatch)) { …; x.dispose(); y.dispose(); }
//
// - Readers: CIFAR-10 / CIFAR-100 binary, MNIST / Fashion-MNIST IDX (raw or .gz), Tiny-ImageNet (JPEG, val as test),
//   the user's image folders (PNG/JPEG) and NumPy arrays (.npz or .npy files).
//   Images stay uint8 in memory (C×H×W planes per image); labels are Int32Array.
// - Discovery: --data-dir, then $CFA_DATA, then ~/.cache/cfa, ./data and /usr/share/datasets (see locate.ts).
// - Every problem with the user's files is a UserError naming the file and what was expected.
// - batches(): the order and the crop/flip draws are a function of (seed, epoch) only, from our own generator
//   (prng.ts), so resuming at (epoch, batch) reproduces the same batches. A worker thread prepares upcoming batches in a
//   shared ring; the caller's loop stays synchronous. Batch tensors x (float32 [B,C,H,W] in [0,1]) and y (int64 [B])
//   belong to the caller, who disposes them; call close() on an iterator left before its end (for…of does it on break).
//   The worker reads a shared copy of ds.images made on first use: treat a dataset's pixels as immutable.
export type { ImageDataset, DataBundle } from './dataset';
export { classCounts, imageBuffer, indicesByClass, imageSize } from './dataset';
export { loadDataset, datasetNames } from './load';
export type { LoadOptions } from './load';
export { splitValidation, subsetPerClass, firstPerClass, take, OFFICIAL_VALID_PER_CLASS } from './subset';
export type { SplitOptions } from './subset';
export { batches, numBatches } from './loader';
export type { Batch, BatchIterator, LoaderOptions } from './loader';
export { channelStats } from './stats';
export { createRng } from './prng';
export type { Rng } from './prng';
export { padIndex } from './augment';
export type { PadMode } from './augment';
export { readCifar10, readCifar100 } from './cifar';
export { readMnistLike } from './mnist';
export { readIdx, parseIdx } from './idx';
export { readTinyImageNet } from './tiny-imagenet';
export { readImageFolder, checkResize } from './image-folder';
export { readNumpyDataset } from './numpy-dataset';
export type { Layout } from './numpy-dataset';
export { CIFAR10_CLASSES, CIFAR100_FINE_CLASSES, CIFAR100_COARSE_CLASSES, FASHION_MNIST_CLASSES, MNIST_CLASSES } from './class-names';
