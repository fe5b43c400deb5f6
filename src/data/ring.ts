// The shared-memory ring between the loader's worker thread (producer) and the training thread (consumer).
// control (Int32Array on a SharedArrayBuffer): [STOP, ERROR, state of each slot…, image count of each slot…].
// A slot is EMPTY or FULL; the producer fills slots in batch order, the consumer drains them in the same order.
import { EpochPlan, fillBatch, Geometry } from './augment';

export const STOP = 0;
export const ERROR = 1;
export const STATE = 2;
export const EMPTY = 0;
export const FULL = 1;
/** Bytes reserved for the producer's error message. */
export const ERROR_BYTES = 4096;

/** Everything the producer needs; SharedArrayBuffers are shared, not copied, when posted to the worker. */
export interface RingInput {
  images: SharedArrayBuffer;
  geometry: Geometry;
  plan: EpochPlan;
  batchSize: number;
  /** Positions of the epoch that are used (n, or n rounded down to whole batches with dropLast). */
  used: number;
  startBatch: number;
  endBatch: number;
  slots: number;
  control: SharedArrayBuffer;
  pixels: SharedArrayBuffer;
  indices: SharedArrayBuffer;
  error: SharedArrayBuffer;
}

/** Allocates the shared ring for `slots` batches of at most batchSize images of `bytesPerImage` bytes. */
export function allocateRing(slots: number, batchSize: number, bytesPerImage: number): Pick<RingInput, 'control' | 'pixels' | 'indices' | 'error'> {
  return {
    control: new SharedArrayBuffer(4 * (STATE + 2 * slots)),
    pixels: new SharedArrayBuffer(slots * batchSize * bytesPerImage),
    indices: new SharedArrayBuffer(slots * batchSize * 4),
    error: new SharedArrayBuffer(ERROR_BYTES),
  };
}

/** The producer loop: fills batches startBatch..endBatch−1 into the ring until done or told to stop. */
export function produce(input: RingInput): void {
  const ctrl = new Int32Array(input.control);
  try {
    const src = new Uint8Array(input.images);
    const g = input.geometry;
    const per = g.channels * g.height * g.width;
    const B = input.batchSize;
    for (let b = input.startBatch; b < input.endBatch; b++) {
      const slot = (b - input.startBatch) % input.slots;
      while (Atomics.load(ctrl, STATE + slot) !== EMPTY) {
        if (Atomics.load(ctrl, STOP)) return;
        Atomics.wait(ctrl, STATE + slot, FULL, 1000);
      }
      if (Atomics.load(ctrl, STOP)) return;
      const from = b * B;
      const count = Math.min(B, input.used - from);
      const pixels = new Uint8Array(input.pixels, slot * B * per, count * per);
      const indices = new Int32Array(input.indices, slot * B * 4, count);
      fillBatch(src, g, input.plan, from, count, pixels, indices);
      Atomics.store(ctrl, STATE + input.slots + slot, count);
      Atomics.store(ctrl, STATE + slot, FULL);
      Atomics.notify(ctrl, STATE + slot);
    }
  } catch (e) {
    const msg = Buffer.from(String(e instanceof Error ? (e.stack ?? e.message) : e)).subarray(0, ERROR_BYTES - 1);
    new Uint8Array(input.error).set(msg);
    Atomics.store(ctrl, ERROR, 1);
    for (let s = 0; s < input.slots; s++) Atomics.notify(ctrl, STATE + s);
  }
}

/** The producer's error message, if it reported one. */
export function ringError(input: Pick<RingInput, 'control' | 'error'>): string | undefined {
  if (!Atomics.load(new Int32Array(input.control), ERROR)) return undefined;
  const bytes = new Uint8Array(input.error);
  const end = bytes.indexOf(0);
  return Buffer.from(bytes.slice(0, end < 0 ? bytes.length : end)).toString('utf8');
}
