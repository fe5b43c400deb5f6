// Bilinear resizing of uint8 images (H×W×C interleaved), as torch.nn.functional.interpolate(mode='bilinear',
// align_corners=False, antialias=False) does it: output pixel centres map to input positions (i+0.5)·H/h−0.5, clamped
// at the borders; results are rounded to the nearest integer.

/** The interpolation taps of one axis: for each output index, the lower input index, the upper one and the upper weight. */
function taps(from: number, to: number): { lo: Int32Array; hi: Int32Array; w: Float64Array } {
  const lo = new Int32Array(to);
  const hi = new Int32Array(to);
  const w = new Float64Array(to);
  const scale = from / to;
  for (let i = 0; i < to; i++) {
    const x = Math.max(0, (i + 0.5) * scale - 0.5);
    const l = Math.min(Math.floor(x), from - 1);
    lo[i] = l;
    hi[i] = Math.min(l + 1, from - 1);
    w[i] = x - l;
  }
  return { lo, hi, w };
}

/** `src` (height×width×channels bytes) resized to outH×outW, same channel count. */
export function resizeBilinear(src: Uint8Array, height: number, width: number, channels: number, outH: number, outW: number): Uint8Array {
  if (height === outH && width === outW) return src;
  const ys = taps(height, outH);
  const xs = taps(width, outW);
  const out = new Uint8Array(outH * outW * channels);
  for (let i = 0; i < outH; i++) {
    const r0 = ys.lo[i] * width;
    const r1 = ys.hi[i] * width;
    const wy = ys.w[i];
    for (let j = 0; j < outW; j++) {
      const c0 = xs.lo[j];
      const c1 = xs.hi[j];
      const wx = xs.w[j];
      for (let c = 0; c < channels; c++) {
        const top = src[(r0 + c0) * channels + c] * (1 - wx) + src[(r0 + c1) * channels + c] * wx;
        const bottom = src[(r1 + c0) * channels + c] * (1 - wx) + src[(r1 + c1) * channels + c] * wx;
        out[(i * outW + j) * channels + c] = Math.round(top * (1 - wy) + bottom * wy);
      }
    }
  }
  return out;
}
