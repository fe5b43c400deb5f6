// Synchronous decoding of JPEG and PNG files for the dataset readers. sharp (libvips with libjpeg-turbo) decodes
// about twice as fast as jpeg-js on 64×64 JPEGs but is asynchronous, so it runs on a worker thread of its own and the
// caller blocks on a shared flag until the reply is on the port (receiveMessageOnPort). The thread is started on
// first use and does not keep the process alive.
import * as path from 'path';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';
import { UserError } from '../errors';
import { DecodedImages } from './decoded-cache';

export interface DecodeOptions {
  /** 'rgb': every image as three channels (gray repeated); 'auto': one channel when every file is grayscale, else three. */
  channels: 'rgb' | 'auto';
  /** Resize every image to [height, width] by bilinear interpolation (resize.ts); absent: all must share one size. */
  resize?: [number, number];
  /** Appended to the message about an image of a different size. */
  sizeHint?: string;
}

export interface DecodeRequest extends DecodeOptions {
  files: string[];
}

export type DecodeReply = DecodedImages | { error: string };

/** Names the decoder in decoded-pixel cache keys: pixels from another decoder may differ by a level or two. */
export const DECODER = 'sharp';

const STARTUP_MS = 60_000;

let bridge: { port: MessagePort; signal: Int32Array } | undefined;

function start(): { port: MessagePort; signal: Int32Array } {
  const { port1, port2 } = new MessageChannel();
  // [0]: a reply is waiting on the port; [1]: the thread has started
  const signal = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(path.join(__dirname, 'image-decode-worker.js'), { workerData: { port: port2, signal }, transferList: [port2] });
  worker.unref();
  if (Atomics.wait(signal, 1, 0, STARTUP_MS) === 'timed-out') {
    void worker.terminate();
    throw new Error(`image decoder: its thread did not start within ${STARTUP_MS / 1000} s`);
  }
  return { port: port1, signal };
}

/**
 * The files' pixels as one C×H×W uint8 buffer in file order, alpha dropped (16-bit PNGs are reduced to 8 bits).
 * An unreadable or undecodable file, or one of another size than the first (without `resize`), is a UserError naming
 * the first such file in the list.
 */
export function decodeImages(files: string[], opts: DecodeOptions): DecodedImages {
  if (files.length === 0) return { images: new Uint8Array(new SharedArrayBuffer(0)), count: 0, width: 0, height: 0, channels: opts.channels === 'rgb' ? 3 : 1 };
  bridge ??= start();
  const { port, signal } = bridge;
  Atomics.store(signal, 0, 0);
  port.postMessage({ ...opts, files } satisfies DecodeRequest);
  Atomics.wait(signal, 0, 0);
  const reply = receiveMessageOnPort(port)?.message as DecodeReply | undefined;
  if (!reply) throw new Error('image decoder: no reply');
  if ('error' in reply) throw new UserError(reply.error);
  return reply;
}
