// Image-folder datasets: DIR/train/<class>/*.{png,jpg,jpeg} and DIR/test/<class>/* (or DIR/val/<class>/*). Class
// indices follow the sorted folder names (the names become the class names). All images must share one size, unless
// `resize` asks for every image to be resized to H×W (bilinear, resize.ts). A dataset is grayscale when every file is
// grayscale; otherwise it is RGB and grayscale files are repeated into three channels. Alpha channels are dropped.
import * as path from 'path';
import { UserError } from '../errors';
import { ImageDataset, imageBuffer } from './dataset';
import { cachedDecode } from './decoded-cache';
import { isFolder, listFolder } from './files';
import { decodeImages, DECODER } from './image-decode';

const IMAGE = /\.(png|jpe?g)$/i;

/** Sorted class sub-folders of `split` (hidden entries skipped). */
function classFolders(split: string): string[] {
  return listFolder(split).filter((f) => !f.startsWith('.') && isFolder(path.join(split, f)));
}

/** `src` in a shared buffer of its own (the loader's worker reads whole shared buffers in place). */
function copyOf(src: Uint8Array): Uint8Array {
  const out = imageBuffer(src.length);
  out.set(src);
  return out;
}

/** Checks a --resize value: two positive integers [height, width]. */
export function checkResize(v: unknown, where: string): [number, number] {
  if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => Number.isInteger(x) && x > 0 && x <= 4096)) {
    throw new UserError(`${where}: expected two positive integers H,W (e.g. 64,64), got ${JSON.stringify(v)}`);
  }
  return [v[0], v[1]];
}

/** Reads an image-folder dataset (see the top of this file). */
export function readImageFolder(dir: string, opts: { resize?: [number, number] } = {}): { train: ImageDataset; test: ImageDataset } {
  const trainDir = path.join(dir, 'train');
  const testDir = [path.join(dir, 'test'), path.join(dir, 'val')].find(isFolder);
  if (!isFolder(trainDir)) throw new UserError(`${dir}: expected a train/ folder with one sub-folder of images per class`);
  if (!testDir) throw new UserError(`${dir}: expected a test/ (or val/) folder with one sub-folder of images per class`);
  const classes = classFolders(trainDir);
  if (classes.length < 2) throw new UserError(`${trainDir}: expected at least 2 class folders, found ${classes.length}`);
  const testClasses = classFolders(testDir);
  const extra = testClasses.find((c) => !classes.includes(c));
  if (extra) throw new UserError(`${path.join(testDir, extra)}: class folder not in ${trainDir}; expected the same class folders in both`);
  const missing = classes.find((c) => !testClasses.includes(c));
  if (missing) throw new UserError(`${path.join(testDir, missing)}: folder not found; expected the same class folders as ${trainDir}`);

  const entries = (split: string): { file: string; label: number }[] =>
    classes.flatMap((c, label) => {
      const folder = path.join(split, c);
      const files = listFolder(folder).filter((f) => IMAGE.test(f) && !f.startsWith('.'));
      if (files.length === 0) throw new UserError(`${folder}: expected PNG or JPEG images of class ${c}, found none`);
      return files.map((f) => ({ file: path.join(folder, f), label }));
    });
  const train = entries(trainDir);
  const test = entries(testDir);
  const files = [...train, ...test].map((e) => e.file);
  const sizeHint = 'every image must have the size of the first; --resize H,W resizes them all';
  const variant = `${DECODER} auto-channels resize=${opts.resize?.join('x') ?? 'none'}`;
  const all = cachedDecode(files, () => decodeImages(files, { channels: 'auto', resize: opts.resize, sizeHint }), variant);
  const per = all.channels * all.height * all.width;
  const make = (list: { label: number }[], from: number, source: string): ImageDataset => ({
    name: 'folder',
    classNames: classes.slice(),
    numClasses: classes.length,
    channels: all.channels,
    height: all.height,
    width: all.width,
    length: list.length,
    images: copyOf(all.images.subarray(from * per, (from + list.length) * per)),
    labels: Int32Array.from(list, (e) => e.label),
    source,
  });
  return { train: make(train, 0, trainDir), test: make(test, train.length, testDir) };
}
