// Batch assembly on uint8 pixels: random crop with padding and horizontal flip (docs/methods.md#augmentation), or plain copy.
// Pure functions without the engine, shared by the loader's worker thread and its in-thread path.

export type PadMode = 'reflect' | 'zero';

/**
 * Source index of padded coordinate p of a length-n axis (p may lie in [−pad, n+pad)), or −1 for a zero pad.
 * Reflect repeats no edge: −k ↦ k and (n−1)+k ↦ (n−1)−k, so [1,2,3,4] padded by 2 reads [3,2,1,2,3,4,3,2].
 */
export function padIndex(p: number, n: number, mode: PadMode): number {
  if (p >= 0 && p < n) return p;
  if (mode === 'zero') return -1;
  return p < 0 ? -p : 2 * (n - 1) - p;
}

/** What the epoch does to each position: the dataset index, and for crop-flip the crop offsets and flip. */
export interface EpochPlan {
  /** Dataset index of each position of the epoch. */
  order: Int32Array;
  /** Crop offsets in 0..2·pad into the padded image (empty when there is no augmentation). */
  top: Uint8Array;
  left: Uint8Array;
  /** 1 = reverse the W axis after cropping. */
  flip: Uint8Array;
  pad: number;
  padMode: PadMode;
}

export interface Geometry {
  channels: number;
  height: number;
  width: number;
}

/**
 * Writes the images at epoch positions [from, from+count) into `out` (count·C·H·W bytes) and their dataset indices into
 * `outIndices`. With augmentation, output pixel (c,i,j) = padded[c][i+top][left + (flip ? W−1−j : j)].
 */
export function fillBatch(src: Uint8Array, g: Geometry, plan: EpochPlan, from: number, count: number, out: Uint8Array, outIndices: Int32Array): void {
  const { channels: C, height: H, width: W } = g;
  const plane = H * W;
  const size = C * plane;
  const augment = plan.top.length > 0;
  const rows = new Int32Array(H);
  const cols = new Int32Array(W);
  for (let k = 0; k < count; k++) {
    const pos = from + k;
    const idx = plan.order[pos];
    outIndices[k] = idx;
    const s0 = idx * size;
    const d0 = k * size;
    if (!augment) {
      out.set(src.subarray(s0, s0 + size), d0);
      continue;
    }
    const top = plan.top[pos] - plan.pad;
    const left = plan.left[pos] - plan.pad;
    const flip = plan.flip[pos] === 1;
    for (let i = 0; i < H; i++) rows[i] = padIndex(i + top, H, plan.padMode);
    for (let j = 0; j < W; j++) cols[j] = padIndex(left + (flip ? W - 1 - j : j), W, plan.padMode);
    for (let c = 0; c < C; c++) {
      const sc = s0 + c * plane;
      const dc = d0 + c * plane;
      for (let i = 0; i < H; i++) {
        const r = rows[i];
        const d = dc + i * W;
        if (r < 0) {
          out.fill(0, d, d + W);
          continue;
        }
        const sr = sc + r * W;
        for (let j = 0; j < W; j++) {
          const q = cols[j];
          out[d + j] = q < 0 ? 0 : src[sr + q];
        }
      }
    }
  }
}
