// Image-folder datasets: DIR/train/<class>/*.{png,jpg,jpeg} and DIR/test/<class>/* (or DIR/val/<class>/*). Class
// indices follow the sorted folder names (the names become the class names). All images must share one size, unless
// `resize` asks for every image to be resized to H×W (bilinear, resize.ts). A dataset is grayscale when every file is
// grayscale; otherwise it is RGB and grayscale files are repeated into three channels. Alpha channels are dropped.
import * as path from 'path';
import { UserError } from '../errors';
import { ImageDataset, imageBuffer } from './dataset';
import { cachedDecode, DecodedImages } from './decoded-cache';
import { isFolder, listFolder } from './files';
import { decodeImages, DECODER } from './image-decode';

const IMAGE = /\.(png|jpe?g)$/i;

/** Sorted class sub-folders of `split` (hidden entries skipped). */
function classFolders(split: string): string[] {
  return listFolder(split).filter((f) => !f.startsWith('.') && isFolder(path.join(split, f)));
}

/** Grayscale images repeated into three channels (RGB images unchanged): for a split whose files are all gray. */
function toRgb(d: DecodedImages): DecodedImages {
  if (d.channels === 3) return d;
  const plane = d.width * d.height;
  const images = imageBuffer(3 * d.count * plane);
  for (let i = 0; i < d.count; i++) for (let c = 0; c < 3; c++) images.set(d.images.subarray(i * plane, (i + 1) * plane), (3 * i + c) * plane);
  return { ...d, images, channels: 3 };
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
  const sizeHint = 'every image must have the size of the first; --resize H,W resizes them all';
  const variant = `${DECODER} auto-channels resize=${opts.resize?.join('x') ?? 'none'}`;
  const decode = (list: { file: string }[]): DecodedImages => {
    const files = list.map((e) => e.file);
    return cachedDecode(files, () => decodeImages(files, { channels: 'auto', resize: opts.resize, sizeHint }), variant);
  };
  let px = { train: decode(train), test: decode(test) };
  if (px.test.width !== px.train.width || px.test.height !== px.train.height) {
    throw new UserError(`${test[0].file}: image is ${px.test.width}×${px.test.height}, expected ${px.train.width}×${px.train.height} like ${train[0].file} (${sizeHint})`);
  }
  if (px.train.channels !== px.test.channels) px = { train: toRgb(px.train), test: toRgb(px.test) };
  const make = (list: { label: number }[], d: DecodedImages, source: string): ImageDataset => ({
    name: 'folder',
    classNames: classes.slice(),
    numClasses: classes.length,
    channels: d.channels,
    height: d.height,
    width: d.width,
    length: list.length,
    images: d.images,
    labels: Int32Array.from(list, (e) => e.label),
    source,
  });
  return { train: make(train, px.train, trainDir), test: make(test, px.test, testDir) };
}
