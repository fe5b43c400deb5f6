// JPEG decoding to C×H×W RGB bytes with jpeg-js; grayscale images come out with the gray value in all three channels.
import * as jpeg from 'jpeg-js';
import { UserError } from '../errors';

export interface RgbImage {
  width: number;
  height: number;
  /** 3·H·W bytes: R plane, G plane, B plane. */
  chw: Uint8Array;
}

/** Decodes one JPEG; any decoder failure is a UserError naming `file`. */
export function decodeJpeg(buf: Uint8Array, file: string): RgbImage {
  let img: { width: number; height: number; data: Uint8Array };
  try {
    img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true, tolerantDecoding: false, maxResolutionInMP: 4, maxMemoryUsageInMB: 128 });
  } catch (e) {
    throw new UserError(`${file}: not a readable JPEG image (${e instanceof Error ? e.message : String(e)})`);
  }
  const { width, height, data } = img;
  const n = width * height;
  if (!(n > 0) || data.length !== 4 * n) throw new UserError(`${file}: not a readable JPEG image (decoded ${width}×${height} with ${data.length} bytes)`);
  const chw = new Uint8Array(3 * n);
  for (let p = 0; p < n; p++) {
    chw[p] = data[4 * p];
    chw[n + p] = data[4 * p + 1];
    chw[2 * n + p] = data[4 * p + 2];
  }
  return { width, height, chw };
}
