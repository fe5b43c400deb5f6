// A generated 200-class dataset in Tiny-ImageNet's layout (wnids.txt, train/<wnid>/images/*.JPEG, val/...): 28×28
// colour images where class y lights a 3×3 block at one of 72 places in channel y mod 3, plus faint seeded noise.
// Learnable by SmallCNN in a few epochs; used to exercise the worst-20% rules of App. C.1.
import * as fs from 'fs';
import * as path from 'path';
import * as jpeg from 'jpeg-js';
import { tempDir } from '../helpers/temp-dir';

const SIDE = 28;

function image(y: number, seed: number): Buffer {
  let s = (seed * 2654435761) >>> 0;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const place = Math.floor(y / 3);
  const top = 1 + 3 * Math.floor(place / 8);
  const left = 2 + 3 * (place % 8);
  const rgba = Buffer.alloc(SIDE * SIDE * 4);
  for (let r = 0; r < SIDE; r++) {
    for (let c = 0; c < SIDE; c++) {
      const p = r * SIDE + c;
      const inBlock = r >= top && r < top + 3 && c >= left && c < left + 3;
      for (let ch = 0; ch < 3; ch++) rgba[4 * p + ch] = Math.round((inBlock && ch === y % 3 ? 230 : 20) + 20 * rand());
      rgba[4 * p + 3] = 255;
    }
  }
  return Buffer.from(jpeg.encode({ width: SIDE, height: SIDE, data: rgba }, 95).data);
}

/** Writes `classes` classes with `perClass` training and `valPerClass` val images each; returns the folder. */
export function writeManyClasses(classes = 200, perClass = 6, valPerClass = 1): string {
  const dir = tempDir('cfa-200-');
  const wnids = Array.from({ length: classes }, (_, y) => `n${String(y).padStart(8, '0')}`);
  fs.writeFileSync(path.join(dir, 'wnids.txt'), `${wnids.join('\n')}\n`);
  fs.mkdirSync(path.join(dir, 'val', 'images'), { recursive: true });
  const lines: string[] = [];
  wnids.forEach((w, y) => {
    const folder = path.join(dir, 'train', w, 'images');
    fs.mkdirSync(folder, { recursive: true });
    for (let k = 0; k < perClass; k++) fs.writeFileSync(path.join(folder, `${w}_${k}.JPEG`), image(y, y * 1000 + k));
    for (let k = 0; k < valPerClass; k++) {
      const name = `val_${y * valPerClass + k}.JPEG`;
      fs.writeFileSync(path.join(dir, 'val', 'images', name), image(y, 500_000 + y * 1000 + k));
      lines.push(`${name}\t${w}\t0\t0\t${SIDE - 1}\t${SIDE - 1}`);
    }
  });
  fs.writeFileSync(path.join(dir, 'val', 'val_annotations.txt'), `${lines.join('\n')}\n`);
  return dir;
}
