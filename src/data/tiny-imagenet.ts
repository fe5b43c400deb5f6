// Tiny-ImageNet (docs/methods.md#data): wnids.txt, train/<wnid>/images/*.JPEG, val/val_annotations.txt + val/images.
// The val split serves as the test set (the official test split has no labels). Labels follow the sorted wnids
// (torchvision ImageFolder order); class names come from words.txt when present.
import * as path from 'path';
import { UserError } from '../errors';
import { ImageDataset } from './dataset';
import { cachedDecode } from './decoded-cache';
import { findEntry, isFolder, listFolder, readLines } from './files';
import { decodeImages, DECODER } from './image-decode';

interface Entry {
  file: string;
  label: number;
}
interface Size {
  width: number;
  height: number;
  file: string;
}

/** The entries' pixels (decoded, or from the decoded-pixel cache); all images must have the size of the first (or of `like`). */
function decodeAll(entries: Entry[], classNames: string[], classIds: string[], source: string, like?: Size): { ds: ImageDataset; size: Size } {
  if (entries.length === 0) throw new UserError(`${source}: no images found`);
  const files = entries.map((e) => e.file);
  const { images, width, height } = cachedDecode(files, () => decodeImages(files, { channels: 'rgb' }), DECODER);
  const size: Size = { width, height, file: entries[0].file };
  if (like && (width !== like.width || height !== like.height)) {
    throw new UserError(`${entries[0].file}: image is ${width}×${height}, expected ${like.width}×${like.height} like ${like.file}`);
  }
  const ds: ImageDataset = {
    name: 'tiny-imagenet',
    classNames: classNames.slice(),
    numClasses: classNames.length,
    channels: 3,
    height: size.height,
    width: size.width,
    length: entries.length,
    images,
    labels: Int32Array.from(entries, (e) => e.label),
    source,
    classIds: classIds.slice(),
  };
  return { ds, size };
}

/** Throws unless `listed` (from `file`) names each entry of `folder` exactly once and nothing else. */
function checkSameSet(listed: string[], present: string[], file: string, what: string, folder: string): void {
  const seen = new Set<string>();
  for (const n of listed) {
    if (seen.has(n)) throw new UserError(`${file}: ${what} ${n} is listed twice`);
    seen.add(n);
  }
  const extra = present.filter((n) => !seen.has(n));
  if (extra.length > 0) throw new UserError(`${file}: does not list ${what} ${extra[0]}${extra.length > 1 ? ` and ${extra.length - 1} more` : ''} found in ${folder}; expected every ${what} there to be listed once`);
}

/** First name of each wnid from words.txt (wnid ⇥ comma-separated names); the wnid itself where absent. */
function namesFor(dir: string, wnids: string[]): string[] {
  const file = findEntry(dir, ['words.txt']);
  const names = new Map<string, string>();
  if (file) {
    for (const line of readLines(file)) {
      const tab = line.indexOf('\t');
      if (tab > 0) names.set(line.slice(0, tab).trim(), line.slice(tab + 1).split(',')[0].trim());
    }
  }
  return wnids.map((w) => names.get(w) || w);
}

/**
 * Reads a `tiny-imagenet-200` folder. Train images per class are taken in sorted file-name order, val images in
 * val_annotations.txt order. All images must share one size (64×64 in the release); grayscale JPEGs become RGB.
 */
export function readTinyImageNet(dir: string): { train: ImageDataset; test: ImageDataset } {
  const wnidFile = path.join(dir, 'wnids.txt');
  const listed = readLines(wnidFile);
  if (listed.length === 0) throw new UserError(`${wnidFile}: expected one WordNet id per line, found none`);
  const wnids = listed.slice().sort();
  checkSameSet(wnids, listFolder(path.join(dir, 'train')).filter((f) => isFolder(path.join(dir, 'train', f))), wnidFile, 'class folder', path.join(dir, 'train'));
  const label = new Map(wnids.map((w, i) => [w, i]));
  const classNames = namesFor(dir, wnids);

  const trainEntries: Entry[] = [];
  wnids.forEach((w, y) => {
    const folder = path.join(dir, 'train', w, 'images');
    if (!isFolder(folder)) throw new UserError(`${folder}: folder not found (class ${w} is listed in ${wnidFile})`);
    const files = listFolder(folder).filter((f) => /\.jpe?g$/i.test(f));
    if (files.length === 0) throw new UserError(`${folder}: expected JPEG images of class ${w}, found none`);
    for (const f of files) trainEntries.push({ file: path.join(folder, f), label: y });
  });

  const annFile = path.join(dir, 'val', 'val_annotations.txt');
  const testEntries = readLines(annFile).map((line, i): Entry => {
    const [file, wnid] = line.split('\t');
    if (!file || !wnid) throw new UserError(`${annFile}: line ${i + 1}: expected 'file<TAB>wnid<TAB>box…', got '${line.slice(0, 80)}'`);
    const y = label.get(wnid);
    if (y === undefined) throw new UserError(`${annFile}: line ${i + 1}: WordNet id '${wnid}' is not in ${wnidFile}`);
    if (file.includes('/') || file.includes('\\') || file.startsWith('.')) throw new UserError(`${annFile}: line ${i + 1}: expected a plain file name, got '${file}'`);
    const image = path.join(dir, 'val', 'images', file);
    if (!findEntry(path.dirname(image), [file])) throw new UserError(`${annFile}: line ${i + 1}: image ${image} not found`);
    return { file: image, label: y };
  });
  if (testEntries.length === 0) throw new UserError(`${annFile}: expected one line per validation image, found none`);
  checkSameSet(testEntries.map((e) => path.basename(e.file)), listFolder(path.join(dir, 'val', 'images')).filter((f) => /\.jpe?g$/i.test(f)), annFile, 'image', path.join(dir, 'val', 'images'));
  const train = decodeAll(trainEntries, classNames, wnids, path.join(dir, 'train'));
  const test = decodeAll(testEntries, classNames, wnids, annFile, train.size);
  return { train: train.ds, test: test.ds };
}
