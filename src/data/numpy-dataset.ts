// NumPy datasets: FILE.npz (stored or deflated, as numpy.savez / savez_compressed write it) or a folder, holding
// x_train, y_train, x_test, y_test. Images: uint8 (0–255) or float32 in [0,1] (held as round(255·v), the 1/255 steps
// every dataset is kept in; values outside [0,1] are refused, never clipped), shaped N×H×W×C or N×C×H×W with C 1 or 3
// (the layout is detected from where the 1 or 3 is, or given), or N×H×W for grayscale. Labels: integers 0…K−1
// (int64, int32, uint8, …), shaped N or N×1; K is the largest label + 1 and every class must have training images.
import * as path from 'path';
import { UserError } from '../errors';
import { ImageDataset, imageBuffer } from './dataset';
import { isFolder, readBinary } from './files';
import { intAt, NpyArray, parseNpy } from './npy';
import { readZip } from './zip';

export type Layout = 'nhwc' | 'nchw';
const NAMES = ['x_train', 'y_train', 'x_test', 'y_test'] as const;
type Name = (typeof NAMES)[number];

/** The four arrays, each with the file (or archive member) it came from. */
function readArrays(source: string): Record<Name, { a: NpyArray; where: string }> {
  const out = {} as Record<Name, { a: NpyArray; where: string }>;
  if (isFolder(source)) {
    for (const n of NAMES) {
      const file = path.join(source, `${n}.npy`);
      out[n] = { a: parseNpy(readBinary(file), file), where: file };
    }
    return out;
  }
  const members = readZip(readBinary(source), source);
  for (const n of NAMES) {
    const buf = members.get(`${n}.npy`) ?? members.get(n);
    if (!buf) throw new UserError(`${source}: no array ${n}; expected x_train, y_train, x_test and y_test (numpy.savez(file, x_train=…, …)), found ${[...members.keys()].join(', ') || 'none'}`);
    out[n] = { a: parseNpy(buf, `${source}:${n}.npy`), where: `${source}:${n}.npy` };
  }
  return out;
}

interface Geometry {
  channels: number;
  height: number;
  width: number;
  layout: Layout;
}

function geometry(a: NpyArray, where: string, layout?: Layout): Geometry {
  const s = a.shape;
  if (s.length === 3) return { channels: 1, height: s[1], width: s[2], layout: 'nchw' };
  if (s.length !== 4) throw new UserError(`${where}: shape (${s.join(', ')}); expected N×H×W×C, N×C×H×W or N×H×W images`);
  const last = s[3] === 1 || s[3] === 3;
  const second = s[1] === 1 || s[1] === 3;
  const chosen = layout ?? (last && !second ? 'nhwc' : second && !last ? 'nchw' : undefined);
  if (!chosen) {
    throw new UserError(`${where}: shape (${s.join(', ')}) ${last ? 'could be N×H×W×C or N×C×H×W; pass --layout nhwc or nchw' : 'has no channel axis of size 1 or 3; expected N×H×W×C or N×C×H×W images'}`);
  }
  const g = chosen === 'nhwc' ? { channels: s[3], height: s[1], width: s[2], layout: chosen } : { channels: s[1], height: s[2], width: s[3], layout: chosen };
  if (g.channels !== 1 && g.channels !== 3) throw new UserError(`${where}: ${g.channels} channels in layout ${chosen}; expected 1 or 3`);
  return g;
}

/** The images as uint8 C×H×W planes. */
function pixels(a: NpyArray, g: Geometry, where: string): Uint8Array {
  if (a.dtype !== 'u1' && a.dtype !== 'f4') throw new UserError(`${where}: dtype ${a.dtype}; expected uint8 (0–255) or float32 (0–1) images`);
  const n = a.shape[0];
  const plane = g.height * g.width;
  const out = imageBuffer(n * g.channels * plane);
  const f = a.dtype === 'f4' ? new Float32Array(a.data.buffer.slice(a.data.byteOffset, a.data.byteOffset + a.data.length)) : undefined;
  const value = (k: number): number => {
    if (!f) return a.data[k];
    const v = f[k];
    if (!(v >= 0 && v <= 1)) throw new UserError(`${where}: float32 element ${k} is ${v}; expected pixel values in [0,1] (scale 0–255 data by 1/255, or save uint8)`);
    return Math.round(255 * v);
  };
  if (g.layout === 'nchw') {
    for (let k = 0; k < out.length; k++) out[k] = value(k);
    return out;
  }
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < g.channels; c++) out[(i * g.channels + c) * plane + p] = value((i * plane + p) * g.channels + c);
    }
  }
  return out;
}

function labels(a: NpyArray, n: number, where: string): Int32Array {
  if (!['u1', 'i1', 'i2', 'u2', 'i4', 'u4', 'i8'].includes(a.dtype)) throw new UserError(`${where}: dtype ${a.dtype}; expected integer labels (int64, int32 or uint8)`);
  const s = a.shape;
  if (!((s.length === 1 && s[0] === n) || (s.length === 2 && s[0] === n && s[1] === 1))) {
    throw new UserError(`${where}: shape (${s.join(', ')}); expected (${n}) or (${n}, 1), one label per image`);
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const y = intAt(a, i);
    if (!(y >= 0 && y < 2 ** 31)) throw new UserError(`${where}: label ${i} is ${y}; expected a class index ≥ 0`);
    out[i] = y;
  }
  return out;
}

/** Reads a NumPy dataset (see the top of this file); class names are the label numbers. */
export function readNumpyDataset(source: string, opts: { layout?: Layout } = {}): { train: ImageDataset; test: ImageDataset } {
  const arr = readArrays(source);
  const gTrain = geometry(arr.x_train.a, arr.x_train.where, opts.layout);
  const gTest = geometry(arr.x_test.a, arr.x_test.where, opts.layout);
  if (gTest.channels !== gTrain.channels || gTest.height !== gTrain.height || gTest.width !== gTrain.width) {
    throw new UserError(`${arr.x_test.where}: images are ${gTest.channels}×${gTest.height}×${gTest.width}; expected ${gTrain.channels}×${gTrain.height}×${gTrain.width} like x_train`);
  }
  if (arr.x_train.a.shape[0] === 0) throw new UserError(`${arr.x_train.where}: no images`);
  const yTrain = labels(arr.y_train.a, arr.x_train.a.shape[0], arr.y_train.where);
  const yTest = labels(arr.y_test.a, arr.x_test.a.shape[0], arr.y_test.where);
  const numClasses = yTrain.reduce((m, y) => Math.max(m, y), 0) + 1;
  if (numClasses < 2) throw new UserError(`${arr.y_train.where}: every label is 0; expected at least 2 classes`);
  const seen = new Uint8Array(numClasses);
  for (const y of yTrain) seen[y] = 1;
  const absent = seen.indexOf(0);
  if (absent >= 0) throw new UserError(`${arr.y_train.where}: no training image has label ${absent}; expected labels 0–${numClasses - 1}, each present`);
  const outside = yTest.findIndex((y) => y >= numClasses);
  if (outside >= 0) throw new UserError(`${arr.y_test.where}: label ${outside} is ${yTest[outside]}; expected 0–${numClasses - 1} (the classes of y_train)`);
  const make = (x: Name, y: Int32Array, g: Geometry): ImageDataset => ({
    name: 'npz',
    classNames: Array.from({ length: numClasses }, (_, k) => String(k)),
    numClasses,
    channels: g.channels,
    height: g.height,
    width: g.width,
    length: y.length,
    images: pixels(arr[x].a, g, arr[x].where),
    labels: y,
    source: arr[x].where,
  });
  return { train: make('x_train', yTrain, gTrain), test: make('x_test', yTest, gTest) };
}
