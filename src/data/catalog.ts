// The datasets cfa can read: their names, folder names, expected files, where to get them, and how to read them.
import { CIFAR10_TEST_FILE, CIFAR10_TRAIN_FILES, CIFAR100_TEST_FILE, CIFAR100_TRAIN_FILE, readCifar10, readCifar100 } from './cifar';
import { FASHION_MNIST_CLASSES, MNIST_CLASSES } from './class-names';
import { DataBundle, ImageDataset } from './dataset';
import { IDX_STEMS, idxFileNames, readMnistLike } from './mnist';
import { readImageFolder } from './image-folder';
import { Layout, readNumpyDataset } from './numpy-dataset';
import { readTinyImageNet } from './tiny-imagenet';

export interface ReadOptions {
  /** CIFAR-100 label set (default 'fine'). */
  cifar100Labels?: 'fine' | 'coarse';
  /** Image folders: resize every image to [height, width] (bilinear). */
  resize?: [number, number];
  /** NumPy arrays: layout of 4-D image arrays (default: detected). */
  layout?: Layout;
}

export interface DatasetSpec {
  name: string;
  /** Other accepted spellings of the name. */
  aliases: string[];
  /** Folder names the dataset is commonly unpacked to (searched under each data root). */
  folders: string[];
  /** Files (or folders, ending in '/') the folder must contain: each entry lists accepted alternative names. */
  required: string[][];
  /** How to obtain the data, for the error message when it is not found. */
  howToGet: string;
  read(dir: string, opts: ReadOptions): { train: ImageDataset; test: ImageDataset };
  /** Published normalisation statistics; when absent they are computed from the training images. */
  mean?: number[];
  std?: number[];
  labelOrder: DataBundle['labelOrder'];
  augment: DataBundle['augment'];
  /** The user's own data: read from --data-dir only (a folder or a file), never searched for. */
  ownData?: boolean;
}

const idxRequired = Object.values(IDX_STEMS).map(idxFileNames);

export const DATASETS: DatasetSpec[] = [
  {
    name: 'cifar10',
    aliases: ['cifar-10'],
    folders: ['cifar-10-batches-bin', 'cifar10', 'cifar-10'],
    required: [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE].map((f) => [f]),
    howToGet: 'download the binary version https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz, unpack it (tar xzf cifar-10-binary.tar.gz) and pass --data-dir path/to/cifar-10-batches-bin (or move that folder to ~/.cache/cfa/cifar10)',
    read: (dir) => readCifar10(dir),
    mean: [0.4914, 0.4822, 0.4465],
    std: [0.2471, 0.2435, 0.2616],
    labelOrder: 'file',
    augment: 'crop-flip',
  },
  {
    name: 'cifar100',
    aliases: ['cifar-100'],
    folders: ['cifar-100-binary', 'cifar100', 'cifar-100'],
    required: [[CIFAR100_TRAIN_FILE], [CIFAR100_TEST_FILE]],
    howToGet: 'download the binary version https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz, unpack it (tar xzf cifar-100-binary.tar.gz) and pass --data-dir path/to/cifar-100-binary (or move that folder to ~/.cache/cfa/cifar100)',
    read: (dir, opts) => readCifar100(dir, opts.cifar100Labels ?? 'fine'),
    mean: [0.5071, 0.4867, 0.4408],
    std: [0.2675, 0.2565, 0.2761],
    labelOrder: 'file',
    augment: 'crop-flip',
  },
  {
    name: 'fashion-mnist',
    aliases: ['fashion_mnist', 'fashionmnist', 'fmnist'],
    folders: ['fashion-mnist', 'fashion_mnist', 'FashionMNIST/raw', 'FashionMNIST'],
    required: idxRequired,
    howToGet: 'on Debian/Ubuntu `apt-get install dataset-fashion-mnist` (installs /usr/share/datasets/fashion-mnist); or download train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz from https://github.com/zalandoresearch/fashion-mnist (folder data/fashion) and pass --data-dir to their folder',
    read: (dir) => readMnistLike(dir, 'fashion-mnist', FASHION_MNIST_CLASSES),
    labelOrder: 'file',
    augment: 'none',
  },
  {
    name: 'mnist',
    aliases: [],
    folders: ['mnist', 'MNIST/raw', 'MNIST'],
    required: idxRequired,
    howToGet: 'download train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz from http://yann.lecun.com/exdb/mnist/ (or a mirror) and pass --data-dir to their folder',
    read: (dir) => readMnistLike(dir, 'mnist', MNIST_CLASSES),
    labelOrder: 'file',
    augment: 'none',
  },
  {
    name: 'tiny-imagenet',
    aliases: ['tinyimagenet', 'tiny_imagenet', 'tiny-imagenet-200'],
    folders: ['tiny-imagenet-200', 'tiny-imagenet'],
    required: [['wnids.txt'], ['train/'], ['val/val_annotations.txt']],
    howToGet: 'download http://cs231n.stanford.edu/tiny-imagenet-200.zip, unzip it and pass --data-dir path/to/tiny-imagenet-200 (or move that folder to ~/.cache/cfa/tiny-imagenet)',
    read: (dir) => readTinyImageNet(dir),
    labelOrder: 'sorted-wnid',
    augment: 'crop-flip',
  },
  // The user's own data (augment: crop-flip for colour images, none for grayscale, decided in loadDataset).
  {
    name: 'folder',
    aliases: ['image-folder', 'imagefolder'],
    folders: [],
    required: [['train/'], ['test/', 'val/']],
    howToGet: 'pass --data-dir DIR with DIR/train/<class>/*.png|jpg and DIR/test/<class>/* (or DIR/val/<class>/*)',
    read: (dir, opts) => readImageFolder(dir, { resize: opts.resize }),
    labelOrder: 'sorted-folder',
    augment: 'crop-flip',
    ownData: true,
  },
  {
    name: 'npz',
    aliases: ['numpy', 'npy'],
    folders: [],
    required: [],
    howToGet: 'pass --data-dir FILE.npz (numpy.savez(FILE, x_train=…, y_train=…, x_test=…, y_test=…)) or a folder with x_train.npy, y_train.npy, x_test.npy and y_test.npy',
    read: (source, opts) => readNumpyDataset(source, { layout: opts.layout }),
    labelOrder: 'file',
    augment: 'crop-flip',
    ownData: true,
  },
];

/** The spec for a dataset name or alias (case-insensitive), or undefined. */
export function findSpec(name: string): DatasetSpec | undefined {
  const n = name.toLowerCase();
  return DATASETS.find((d) => d.name === n || d.aliases.includes(n));
}
