// An image version of the paper's §2 toy distribution (eq. 5), used when no dataset is installed: two classes, a
// robust feature that agrees with the label with a class-dependent probability p_y, and a faint non-robust signal.
import { ImageDataset, imageBuffer } from '../data';
import { makeNormal, makeUniform } from '../data/toy';

export interface ToyImageOptions {
  /** P(robust feature = y) for the easy class +1 and the hard class −1 (0.9 and 0.7, as in the §2 illustrations). */
  pEasy: number;
  pHard: number;
  /** Brightness of the robust half-image block (0.35: far above any usual ε). */
  robust: number;
  /** Per-pixel shift η·y of the non-robust signal (0.06: below ε = 0.1, so an adversary can erase it). */
  eta: number;
  /** Standard deviation of the per-pixel noise (0.15). */
  noise: number;
}

export const TOY_IMAGES: ToyImageOptions = { pEasy: 0.9, pHard: 0.7, robust: 0.35, eta: 0.06, noise: 0.15 };

/**
 * nPerClass 28×28 grayscale images of each class (label 0 = class −1, the hard one; label 1 = class +1, the easy
 * one). Pixel = 0.5 ± robust on the top or bottom half (the robust feature x₁ = ±1) + η·y + noise, clipped to [0,1].
 */
export function toyImages(nPerClass: number, seed: number, o: ToyImageOptions = TOY_IMAGES): ImageDataset {
  const side = 28;
  const plane = side * side;
  const n = 2 * nPerClass;
  const uniform = makeUniform(seed);
  const normal = makeNormal(uniform);
  const images = imageBuffer(n * plane);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const y = label === 1 ? 1 : -1;
    const x1 = uniform() < (y === 1 ? o.pEasy : o.pHard) ? y : -y;
    labels[i] = label;
    for (let p = 0; p < plane; p++) {
      const top = p < plane / 2;
      const v = 0.5 + (top === (x1 === 1) ? o.robust : -o.robust) * 0.5 + o.eta * y + o.noise * normal();
      images[i * plane + p] = Math.round(255 * Math.min(1, Math.max(0, v)));
    }
  }
  return { name: 'toy', classNames: ['-1 (hard)', '+1 (easy)'], numClasses: 2, channels: 1, height: side, width: side, length: n, images, labels, source: `toy images (seed ${seed})` };
}
