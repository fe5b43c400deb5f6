// Per-channel mean and standard deviation of a dataset's pixels in [0,1] units, exact (from byte histograms).
import { ImageDataset } from './dataset';

/** Mean and population standard deviation of each channel over all images, pixels scaled by 1/255. */
export function channelStats(ds: ImageDataset): { mean: number[]; std: number[] } {
  const plane = ds.height * ds.width;
  const hist = Array.from({ length: ds.channels }, () => new Float64Array(256));
  for (let i = 0; i < ds.length; i++) {
    for (let c = 0; c < ds.channels; c++) {
      const h = hist[c];
      const o = (i * ds.channels + c) * plane;
      for (let p = 0; p < plane; p++) h[ds.images[o + p]]++;
    }
  }
  const mean: number[] = [];
  const std: number[] = [];
  for (const h of hist) {
    let n = 0;
    let s = 0;
    for (let v = 0; v < 256; v++) {
      n += h[v];
      s += h[v] * v;
    }
    const m = s / n;
    let q = 0;
    for (let v = 0; v < 256; v++) q += h[v] * (v - m) * (v - m);
    mean.push(m / 255);
    std.push(Math.sqrt(q / n) / 255);
  }
  return { mean, std };
}
