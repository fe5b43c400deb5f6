// Batches for training and evaluation: shuffled and augmented per (seed, epoch) on uint8 pixels, delivered as engine
// tensors. A worker thread prepares the next batches into a shared ring while the caller trains on the current one.
import * as path from 'path';
import { Worker } from 'worker_threads';
import { Tensor, tensor, tidy } from '../engine';
import { UserError } from '../errors';
import { EpochPlan, fillBatch, Geometry, PadMode } from './augment';
import { ImageDataset, imageSize } from './dataset';
import { epochPlan } from './epoch-plan';
import { allocateRing, EMPTY, FULL, ringError, RingInput, STATE, STOP } from './ring';

/** One batch. The caller owns x and y and must dispose them (e.g. `dispose(batch)`). */
export interface Batch {
  /** float32 [B, C, H, W] in [0, 1] on the requested device. */
  x: Tensor;
  /** int64 [B] labels. */
  y: Tensor;
  /** Index of each sample in the dataset passed to batches(). */
  indices: Int32Array;
  /** Number of this batch within the epoch (0-based). */
  batch: number;
}

export interface LoaderOptions {
  batchSize: number;
  /** Shuffle the order every epoch (training); false keeps dataset order (evaluation). */
  shuffle: boolean;
  /** Seed of the order and augmentation (with the epoch number); our own generator, not libtorch's. */
  seed: number;
  /** 'crop-flip': random crop with padding + horizontal flip (docs/methods.md#augmentation); 'none' for validation and test. */
  augment: 'crop-flip' | 'none';
  /** Padding of the random crop: 'reflect' (CFA, default) or 'zero' (FRL, TRADES, FAT). */
  padMode?: PadMode;
  /** Pixels of padding on each side (default 4). */
  pad?: number;
  /** Device of x and y (default 'cpu'). */
  device?: string;
  /** Drop the last incomplete batch (default false). */
  dropLast?: boolean;
  /** Batches prepared ahead by a worker thread (default 4); 0 prepares each batch on the calling thread. */
  prefetch?: number;
}

/** Iterates the batches of one epoch; close() (or finishing, or breaking out of for…of) stops the worker thread. */
export interface BatchIterator extends IterableIterator<Batch> {
  /** Batches in the whole epoch (also those before startBatch). */
  readonly numBatches: number;
  /** Milliseconds the calling thread spent waiting for prepared batches (including in-thread preparation). */
  readonly waitMs: number;
  /** Milliseconds the calling thread spent turning prepared bytes into tensors. */
  readonly convertMs: number;
  /** Stops the worker thread now (idempotent). Needed only when leaving before the last batch outside for…of. */
  close(): void;
  /** Resolves when the worker thread has exited (at once for in-thread preparation). */
  readonly exited: Promise<void>;
}

/** A worker that sends nothing for this long is treated as failed instead of waiting forever. */
const STALL_MS = 120_000;

/** Batches per epoch: ⌈n/B⌉, or ⌊n/B⌋ with dropLast. */
export function numBatches(ds: Pick<ImageDataset, 'length'>, opts: Pick<LoaderOptions, 'batchSize' | 'dropLast'>): number {
  return opts.dropLast ? Math.floor(ds.length / opts.batchSize) : Math.ceil(ds.length / opts.batchSize);
}

function check(cond: boolean, what: string, got: unknown): void {
  if (!cond) throw new UserError(`loader: expected ${what}, got ${JSON.stringify(got)}`);
}

const shared = new WeakMap<Uint8Array, SharedArrayBuffer>();

/** The pixels in a SharedArrayBuffer for the worker: the readers' own buffer, else a copy made once per array. */
function sharedPixels(images: Uint8Array): SharedArrayBuffer {
  if (images.buffer instanceof SharedArrayBuffer && images.byteOffset === 0 && images.byteLength === images.buffer.byteLength) return images.buffer;
  let sab = shared.get(images);
  if (!sab) {
    sab = new SharedArrayBuffer(images.byteLength);
    new Uint8Array(sab).set(images);
    shared.set(images, sab);
  }
  return sab;
}

/**
 * The batches of `epoch`, starting at batch `startBatch` (default 0). Order and augmentation depend only on
 * (seed, epoch), so a resumed run sees exactly the batches of an uninterrupted one. Pixels stay uint8 until each
 * batch is converted (x = uint8 → device → float32 / 255).
 */
export function batches(ds: ImageDataset, epoch: number, opts: LoaderOptions, startBatch = 0): BatchIterator {
  const B = opts.batchSize;
  const pad = opts.pad ?? 4;
  const padMode = opts.padMode ?? 'reflect';
  const prefetch = opts.prefetch ?? 4;
  check(Number.isInteger(B) && B >= 1, 'batchSize to be a positive integer', B);
  check(Number.isSafeInteger(opts.seed), 'seed to be an integer', opts.seed);
  check(Number.isInteger(epoch) && epoch >= 0, 'epoch to be an integer ≥ 0', epoch);
  check(opts.augment === 'crop-flip' || opts.augment === 'none', "augment 'crop-flip' or 'none'", opts.augment);
  check(padMode === 'reflect' || padMode === 'zero', "padMode 'reflect' or 'zero'", padMode);
  const maxPad = Math.min(ds.height, ds.width, 128) - 1;
  if (opts.augment === 'crop-flip') check(Number.isInteger(pad) && pad >= 0 && pad <= maxPad, `pad to be an integer in 0..${maxPad}`, pad);
  check(Number.isInteger(prefetch) && prefetch >= 0, 'prefetch to be an integer ≥ 0', prefetch);
  const total = numBatches(ds, opts);
  check(Number.isInteger(startBatch) && startBatch >= 0 && startBatch <= total, `startBatch in 0..${total}`, startBatch);

  const geometry: Geometry = { channels: ds.channels, height: ds.height, width: ds.width };
  const used = opts.dropLast ? total * B : ds.length;
  const plan = epochPlan(ds.length, opts.seed, epoch, { shuffle: opts.shuffle, augment: opts.augment, pad, padMode });
  const source = prefetch > 0 && startBatch < total ? startWorker(ds, geometry, plan, B, used, startBatch, total, prefetch) : inThread(ds, geometry, plan, B, used);

  let b = startBatch;
  let closed = false;
  let waitMs = 0;
  let convertMs = 0;
  const close = (): void => {
    if (closed) return;
    closed = true;
    source.close();
  };
  const it: BatchIterator = {
    numBatches: total,
    get waitMs() {
      return waitMs;
    },
    get convertMs() {
      return convertMs;
    },
    next(): IteratorResult<Batch> {
      if (closed || b >= total) {
        close();
        return { done: true, value: undefined };
      }
      const t0 = performance.now();
      let prepared: { pixels: Uint8Array; indices: Int32Array };
      try {
        prepared = source.take(b);
      } catch (e) {
        close();
        throw e;
      }
      const { pixels, indices } = prepared;
      const t1 = performance.now();
      const n = indices.length;
      const y64 = new BigInt64Array(n);
      for (let k = 0; k < n; k++) y64[k] = BigInt(ds.labels[indices[k]]);
      const x = tidy(() => tensor(pixels, [n, ds.channels, ds.height, ds.width], 'uint8', opts.device).float().div(255));
      const y = tensor(y64, [n], 'int64', opts.device);
      convertMs += performance.now() - t1;
      waitMs += t1 - t0;
      return { done: false, value: { x, y, indices, batch: b++ } };
    },
    return(): IteratorResult<Batch> {
      close();
      return { done: true, value: undefined };
    },
    [Symbol.iterator]() {
      return it;
    },
    close,
    exited: source.exited,
  };
  return it;
}

/** Where prepared batches come from: take(b) returns batch b's pixels (a private copy) and dataset indices. */
interface BatchSource {
  take(b: number): { pixels: Uint8Array; indices: Int32Array };
  close(): void;
  exited: Promise<void>;
}

function inThread(ds: ImageDataset, g: Geometry, plan: EpochPlan, B: number, used: number): BatchSource {
  const per = imageSize(ds);
  return {
    take(b) {
      const count = Math.min(B, used - b * B);
      const pixels = new Uint8Array(count * per);
      const indices = new Int32Array(count);
      fillBatch(ds.images, g, plan, b * B, count, pixels, indices);
      return { pixels, indices };
    },
    close() {},
    exited: Promise.resolve(),
  };
}

function startWorker(ds: ImageDataset, geometry: Geometry, plan: EpochPlan, B: number, used: number, startBatch: number, endBatch: number, slots: number): BatchSource {
  const per = imageSize(ds);
  const input: RingInput = { images: sharedPixels(ds.images), geometry, plan, batchSize: B, used, startBatch, endBatch, slots, ...allocateRing(slots, B, per) };
  const ctrl = new Int32Array(input.control);
  const worker = new Worker(path.join(__dirname, 'loader-worker.js'), { workerData: input });
  let failure: Error | undefined;
  worker.on('error', (e) => (failure = e));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.unref();
  return {
    take(b) {
      const slot = (b - startBatch) % slots;
      const deadline = Date.now() + STALL_MS;
      while (Atomics.load(ctrl, STATE + slot) !== FULL) {
        const err = ringError(input) ?? failure?.message;
        if (err !== undefined) throw new Error(`data loader worker failed: ${err}`);
        if (Date.now() > deadline) throw new Error(`data loader worker sent no batch for ${STALL_MS / 1000} s`);
        Atomics.wait(ctrl, STATE + slot, EMPTY, 50);
      }
      const count = Atomics.load(ctrl, STATE + slots + slot);
      const pixels = new Uint8Array(input.pixels, slot * B * per, count * per).slice();
      const indices = new Int32Array(input.indices, slot * B * 4, count).slice();
      Atomics.store(ctrl, STATE + slot, EMPTY);
      Atomics.notify(ctrl, STATE + slot);
      return { pixels, indices };
    },
    close() {
      Atomics.store(ctrl, STOP, 1);
      for (let s = 0; s < slots; s++) Atomics.notify(ctrl, STATE + s);
      void worker.terminate();
    },
    exited,
  };
}
