// Square Attack (Andriushchenko et al. 2020; docs/methods.md#square): score-based random search with square-shaped updates, L∞ and
// L2, margin loss, with the p schedule used by AutoAttack (resc_schedule off) and windows shared by the batch.
import { F, Tensor, noGrad, rand, tensor, tidy, update, where, zeros } from '../engine';
import { Module } from '../nn';
import { Attack, AttackOptions, DRIVER_DEFAULTS, DriverSettings, perturb, predict, withDefaults } from './driver';
import { Norm, l2Norm } from './project';
import { maxOtherLogit } from './losses';

/** Square's defaults (AutoAttack's): 5,000 queries, p_init 0.8; the driver's for the rest. */
export const SQUARE_DEFAULTS = {
  ...DRIVER_DEFAULTS,
  /** Queries per run. */
  nQueries: 5000,
  /** Initial fraction of pixels per square. */
  pInit: 0.8,
};

export type SquareSettings = DriverSettings & typeof SQUARE_DEFAULTS;
export type SquareOptions = AttackOptions<SquareSettings>;

/** Fraction p of the image covered by the square at iteration `it` (docs/methods.md#square step 1; the schedule is not rescaled). */
export function squareP(it: number, pInit = SQUARE_DEFAULTS.pInit): number {
  const bounds: [number, number][] = [
    [10, 1],
    [50, 2],
    [200, 4],
    [500, 8],
    [1000, 16],
    [2000, 32],
    [4000, 64],
    [6000, 128],
    [8000, 256],
  ];
  for (const [limit, div] of bounds) if (it <= limit) return pInit / div;
  return pInit / 512;
}

/** Python's round(): halves go to the even neighbour. */
function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const diff = v - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** Side of the square for fraction p on an H×W image: L∞ ≥ 1; L2 ≥ 3 and odd; never larger than the image. */
export function squareSide(p: number, h: number, w: number, norm: Norm): number {
  let s = roundHalfEven(Math.sqrt(p * h * w));
  if (norm === 'Linf') return Math.min(Math.max(s, 1), Math.min(h, w));
  s = Math.max(s, 3);
  if (s % 2 === 0) s += 1;
  while (s > Math.min(h, w)) s -= 2;
  return Math.max(s, 1);
}

/** ⌊U·n⌋ for one U ~ U[0,1) from the generator, with the product rounded to float32 as the reference computes it. */
function randomInt(n: number): number {
  return Math.floor(Math.fround(tidy(() => rand([1]).item()) * n));
}

/** One random ±1 per entry of `shape` (sign of U(−1,1)). */
function randomSigns(shape: number[], x: Tensor): Tensor {
  return tidy(() => rand(shape, x.dtype, x.device).mul(2).sub(1).sign());
}

/** Margin z_y − max_{j≠y} z_j per sample; the attack minimises it and succeeds at ≤ 0. */
function margin(model: Module, x: Tensor, y: Tensor): Tensor {
  return noGrad(() => tidy(() => {
    const z = model.forward(x);
    return z.gather(1, y.reshape([-1, 1])).reshape([-1]).sub(maxOtherLogit(z, y));
  }));
}

/** The L2 building block η(s) of docs/methods.md#square: two stacked centred-rectangle profiles of opposite sign, randomly transposed. */
function etaRectangles(a: number, b: number): number[][] {
  const d = Array.from({ length: a }, () => new Array<number>(b).fill(0));
  let r0 = Math.floor(a / 2);
  let c0 = Math.floor(b / 2);
  for (let k = 0; k < Math.max(Math.floor(a / 2) + 1, Math.floor(b / 2) + 1); k++) {
    for (let i = Math.max(r0, 0); i < Math.min(r0 + 2 * k + 1, a); i++) {
      for (let j = Math.max(c0, 0); j < Math.min(c0 + 2 * k + 1, b); j++) d[i][j] += 1 / ((k + 1) * (k + 1));
    }
    r0--;
    c0--;
  }
  const n = Math.sqrt(d.flat().reduce((s, v) => s + v * v, 0));
  return d.map((row) => row.map((v) => v / n));
}

/** η(s) as an s×s tensor; consumes one uniform draw for the random transposition. */
function eta(s: number, x: Tensor): Tensor {
  const h = Math.floor(s / 2);
  const rows = [...etaRectangles(h, s), ...etaRectangles(s - h, s).map((r) => r.map((v) => -v))];
  const n = Math.sqrt(rows.flat().reduce((acc, v) => acc + v * v, 0));
  let flat = rows.flat().map((v) => v / n);
  const transpose = tidy(() => rand([1]).item()) > 0.5;
  if (transpose) flat = flat.map((_, k) => flat[(k % s) * s + Math.floor(k / s)]);
  return tensor(flat, [s, s], x.dtype, x.device);
}

/** Per-sample L2 normalisation (AutoAttack's, +1e-12). */
function unitL2(d: Tensor): Tensor {
  return tidy(() => d.div(l2Norm(d).add(1e-12)));
}

/** The L∞ starting point: vertical stripes x + ε·s with one sign per (sample, channel, column). */
function startLinf(x: Tensor, eps: number): Tensor {
  const [B, c, , w] = x.shape;
  return tidy(() => x.add(randomSigns([B, c, 1, w], x).mul(eps)).clamp(0, 1));
}

/** The L2 starting point: a 5×5 grid of η blocks with random signs per (sample, channel), scaled to norm ε. */
function startL2(x: Tensor, eps: number): Tensor {
  const [B, c, h, w] = x.shape;
  return tidy(() => {
    const delta = zeros(x.shape, x.dtype, x.device);
    const s = Math.floor(h / 5);
    const sp = Math.floor((h - s * 5) / 2);
    for (let i = 0, vh = sp; i < Math.floor(h / s); i++, vh += s) {
      for (let j = 0, vw = sp; j < Math.floor(w / s); j++, vw += s) {
        const block = eta(s, x).reshape([1, 1, s, s]).mul(randomSigns([B, c, 1, 1], x));
        const hh = Math.min(s, h - vh);
        const ww = Math.min(s, w - vw);
        if (hh <= 0 || ww <= 0) continue;
        const view = delta.narrow(2, vh, hh).narrow(3, vw, ww);
        view.copy_(view.add(block.narrow(2, 0, hh).narrow(3, 0, ww)));
      }
    }
    return x.add(unitL2(delta).mul(eps)).clamp(0, 1);
  });
}

/** One L∞ proposal for the points xc (current best xb): a ±2ε square at one window shared by the batch. */
function proposeLinf(xc: Tensor, xb: Tensor, eps: number, it: number, pInit: number): Tensor {
  const [, c, h, w] = xc.shape;
  const s = squareSide(squareP(it, pInit), h, w, 'Linf');
  const vh = randomInt(h - s);
  const vw = randomInt(w - s);
  return tidy(() => {
    const square = randomSigns([c, 1, 1], xc).mul(2 * eps).expand([c, s, s]);
    const delta = F.pad(square, [vw, w - s - vw, vh, h - s - vh]);
    return xb.add(delta).clamp(xc.sub(eps), xc.add(eps)).clamp(0, 1);
  });
}

/** One L2 proposal: mass moved from two windows into the first one, rescaled so that the total norm is ε (docs/methods.md#square). */
function proposeL2(xc: Tensor, xb: Tensor, eps: number, it: number, pInit: number): Tensor {
  const [n, c, h, w] = xc.shape;
  const s = squareSide(squareP(it, pInit), h, w, 'L2');
  const vh = randomInt(h - s);
  const vw = randomInt(w - s);
  const vh2 = randomInt(h - s);
  const vw2 = randomInt(w - s);
  return tidy(() => {
    const delta = xb.sub(xc);
    const win = (t: Tensor, a: number, b: number) => t.narrow(2, a, s).narrow(3, b, s);
    const chanNorm = (t: Tensor) => t.square().sum([2, 3], true).sqrt();
    const w1 = win(delta, vh, vw);
    const mask = zeros([1, 1, h, w], xc.dtype, xc.device);
    win(mask, vh, vw).fill_(1);
    win(mask, vh2, vw2).fill_(1);
    const normImage = l2Norm(delta);
    const normWindows = l2Norm(delta.mul(mask));
    let fresh = eta(s, xc).reshape([1, 1, s, s]).mul(randomSigns([n, c, 1, 1], xc));
    fresh = fresh.add(w1.div(chanNorm(w1).add(1e-12)));
    const budget = normImage.square().rsub(eps * eps).clamp(0, null).div(c).add(normWindows.square()).sqrt();
    fresh = fresh.div(chanNorm(fresh).add(1e-12)).mul(budget);
    const next = delta.clone();
    win(next, vh2, vw2).fill_(0);
    win(next, vh, vw).copy_(fresh);
    return xc.add(unitL2(next).mul(eps)).clamp(0, 1);
  });
}

/** One Square run (AutoAttack's attack_single_run); returns the best point found for every input. */
export function squareRun(model: Module, x: Tensor, y: Tensor, options: SquareOptions): Tensor {
  const { norm, pInit, eps, nQueries } = withDefaults(SQUARE_DEFAULTS, options);
  const bshape = [x.shape[0], ...x.shape.slice(1).map(() => 1)];
  return tidy(() => {
    const xBest = norm === 'Linf' ? startLinf(x, eps) : startL2(x, eps);
    const marginMin = margin(model, xBest, y);
    let s = { xBest, marginMin, lossMin: marginMin.clone() };
    for (let it = 0; it < nQueries; it++) {
      using idx = tidy(() => s.marginMin.gt(0).nonzero().reshape([-1]));
      if (idx.numel === 0) break;
      s = update(s, () => {
        const xc = x.indexSelect(0, idx);
        const xb = s.xBest.indexSelect(0, idx);
        const yc = y.indexSelect(0, idx);
        const mc = s.marginMin.indexSelect(0, idx);
        const lc = s.lossMin.indexSelect(0, idx);
        const xNew = norm === 'Linf' ? proposeLinf(xc, xb, eps, it, pInit) : proposeL2(xc, xb, eps, it, pInit);
        const m = margin(model, xNew, yc);
        const improved = m.lt(lc);
        const accept = improved.logicalOr(m.le(0));
        return {
          lossMin: s.lossMin.indexPut([idx], where(improved, m, lc)),
          marginMin: s.marginMin.indexPut([idx], where(accept, m, mc)),
          xBest: s.xBest.indexPut([idx], where(accept.reshape([-1, ...bshape.slice(1)]), xNew, xb)),
        };
      });
    }
    return s.xBest;
  });
}

/** Square as the driver runs it. */
export const SQUARE: Attack<SquareSettings> = {
  defaults: SQUARE_DEFAULTS,
  run(model, x, y, o) {
    const adv = squareRun(model, x, y, o);
    return { adv, fooled: predict(model, adv).ne(y) };
  },
};

/** Square Attack (AutoAttack's perturb): adversarial images for the points it fooled and x elsewhere. */
export function square(model: Module, x: Tensor, y: Tensor, o: SquareOptions): Tensor {
  return perturb(SQUARE, model, x, y, o);
}
