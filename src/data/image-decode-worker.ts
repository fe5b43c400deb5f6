// The image decoder's thread: decodes JPEG and PNG files with sharp (libvips, libjpeg-turbo) into one shared C×H×W
// buffer and answers on the port it was started with (protocol: image-decode.ts).
import * as fs from 'fs';
import * as os from 'os';
import { MessagePort, workerData } from 'worker_threads';
import type { DecodeReply, DecodeRequest } from './image-decode';
import { resizeBilinear } from './resize';

interface Decoded {
  width: number;
  height: number;
  /** 1 (gray) or 3 (RGB) */
  channels: number;
  /** height×width×channels bytes */
  hwc: Uint8Array;
}

type Sharp = typeof import('sharp').default; // the CommonJS export is the function itself
let sharpLib: Sharp | undefined;

function readError(file: string, e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ENOENT') return `${file}: file not found`;
  if (err.code === 'EISDIR') return `${file}: expected a file, found a folder`;
  return `${file}: cannot read (${err.code ?? err.message})`;
}

/**
 * One file decoded to 8-bit gray or RGB (alpha dropped), resized when asked; throws a message naming the file. A
 * truncated file fails; libjpeg's warnings about recoverable damage (extraneous bytes, …) do not, as in PIL.
 */
async function decodeOne(sharp: Sharp, file: string, req: DecodeRequest): Promise<Decoded> {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    throw new Error(readError(file, e));
  }
  let out: { data: Buffer; info: { width: number; height: number; channels: number } };
  try {
    const img = sharp(buf, { failOn: 'truncated', limitInputPixels: 1 << 26 });
    const gray = req.channels === 'auto' && ((await img.metadata()).channels ?? 3) <= 2;
    out = await img.toColourspace(gray ? 'b-w' : 'srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new Error(`${file}: not a readable JPEG or PNG image (${e instanceof Error ? e.message : String(e)})`);
  }
  const { width, height, channels } = out.info;
  if (!(width > 0 && height > 0) || (channels !== 1 && channels !== 3) || out.data.length !== width * height * channels) {
    throw new Error(`${file}: not a readable JPEG or PNG image (decoded ${width}×${height}×${channels} with ${out.data.length} bytes)`);
  }
  const hwc = new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.length);
  if (!req.resize) return { width, height, channels, hwc };
  const [h, w] = req.resize;
  return { width: w, height: h, channels, hwc: resizeBilinear(hwc, height, width, channels, h, w) };
}

/** Writes `img` (H×W×C) into slot i of a C×H×W buffer with `planes` planes per image; gray is repeated when planes = 3. */
function place(img: Decoded, images: Uint8Array, i: number, planes: number): void {
  const n = img.width * img.height;
  const base = i * planes * n;
  for (let c = 0; c < planes; c++) {
    const from = img.channels === 1 ? 0 : c;
    const plane = base + c * n;
    for (let p = 0; p < n; p++) images[plane + p] = img.hwc[p * img.channels + from];
  }
}

/**
 * Decodes every file into one shared buffer as it goes (three planes per image; compacted to one plane at the end
 * when asked for 'auto' channels and every file is grayscale). The first image fixes the size; the reported failure
 * is that of the first file in list order.
 */
async function decodeAll(req: DecodeRequest): Promise<DecodeReply> {
  if (!sharpLib) {
    sharpLib = require('sharp') as Sharp;
    sharpLib.concurrency(1);
    sharpLib.cache(false);
  }
  const sharp = sharpLib;
  const { files } = req;
  let first: Decoded;
  try {
    first = await decodeOne(sharp, files[0], req);
  } catch (e) {
    return { error: (e as Error).message };
  }
  const plane = first.width * first.height;
  const images = new Uint8Array(new SharedArrayBuffer(files.length * 3 * plane));
  const gray = new Uint8Array(files.length);
  const failures: (string | undefined)[] = new Array(files.length);
  const keep = (r: Decoded, i: number): void => {
    if (r.width !== first.width || r.height !== first.height) {
      failures[i] = `${files[i]}: image is ${r.width}×${r.height}, expected ${first.width}×${first.height} like ${files[0]}${req.sizeHint ? ` (${req.sizeHint})` : ''}`;
      return;
    }
    place(r, images, i, 3);
    gray[i] = r.channels === 1 ? 1 : 0;
  };
  keep(first, 0);
  let next = 1;
  const lanes = Math.max(1, Math.min(4, Number(process.env.CFA_NUM_THREADS) || os.availableParallelism()));
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < files.length) {
        const i = next++;
        try {
          keep(await decodeOne(sharp, files[i], req), i);
        } catch (e) {
          failures[i] = (e as Error).message;
        }
      }
    }),
  );
  const failed = failures.findIndex((f) => f !== undefined);
  if (failed >= 0) return { error: failures[failed] as string };
  if (req.channels === 'rgb' || gray.includes(0)) return { images, count: files.length, width: first.width, height: first.height, channels: 3 };
  const one = new Uint8Array(new SharedArrayBuffer(files.length * plane));
  for (let i = 0; i < files.length; i++) one.set(images.subarray(3 * i * plane, (3 * i + 1) * plane), i * plane);
  return { images: one, count: files.length, width: first.width, height: first.height, channels: 1 };
}

const { port, signal } = workerData as { port: MessagePort; signal: Int32Array };
Atomics.store(signal, 1, 1);
Atomics.notify(signal, 1);
port.on('message', (req: DecodeRequest) => {
  decodeAll(req)
    .catch((e: unknown) => ({ error: `image decoder failed: ${e instanceof Error ? e.message : String(e)}` }))
    .then((reply: DecodeReply) => {
      port.postMessage(reply);
      Atomics.store(signal, 0, 1);
      Atomics.notify(signal, 0);
    });
});
