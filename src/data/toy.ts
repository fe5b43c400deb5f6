// The Section 2 toy distribution (paper eq. 5): y uniform on {−1,+1}; the robust feature x₁ equals y with a
// class-dependent probability p_y and −y otherwise; the d non-robust features x₂..x_{d+1} are i.i.d. N(ηy, σ²).
// Pure JavaScript on the project's seeded generator (prng.ts), so samples do not depend on libtorch.
import { UserError } from '../errors';
import { createRng } from './prng';

export interface ToyOptions {
  /** Number of non-robust features (default 1, as in Fig. 1). */
  d: number;
  /** Mean magnitude η of the non-robust features (default 0.4). */
  eta: number;
  /** p_{+1}: probability that x₁ = y for class +1, the easy class (default 0.9). */
  pPos: number;
  /** p_{−1}: probability that x₁ = y for class −1, the hard class (default 0.7). */
  pNeg: number;
  /** Variance σ² of the non-robust features (default 1; Appendix A uses 0.6 for the pictures). */
  sigma2: number;
}

/** Defaults of the toy model. p and η are not given by the paper (Appendix A lost them); these are illustrative. */
export const DEFAULT_TOY: ToyOptions = { d: 1, eta: 0.4, pPos: 0.9, pNeg: 0.7, sigma2: 1 };

/** n points: features row-major n×(d+1) (column 0 is x₁), labels ±1. */
export interface ToySample {
  n: number;
  dim: number;
  x: Float64Array;
  y: Int8Array;
}

/** Throws a UserError naming the option unless the options describe a distribution. */
export function checkToyOptions(o: ToyOptions): void {
  if (!Number.isInteger(o.d) || o.d < 1) throw new UserError(`toy d: expected an integer ≥ 1, got ${o.d}`);
  if (!(o.eta > 0) || !Number.isFinite(o.eta)) throw new UserError(`toy eta: expected a positive number, got ${o.eta}`);
  if (!(o.sigma2 > 0) || !Number.isFinite(o.sigma2)) throw new UserError(`toy sigma2: expected a positive variance, got ${o.sigma2}`);
  for (const [name, p] of [['p+1', o.pPos], ['p-1', o.pNeg]] as const) {
    if (!(p >= 0 && p <= 1)) throw new UserError(`toy ${name}: expected a probability in [0, 1], got ${p}`);
  }
}

/** A uniform generator on [0, 1) from the project's seeded xoshiro128** (prng.ts), keyed by the seed. */
export function makeUniform(seed: number): () => number {
  const rng = createRng(seed);
  return () => rng.next() / 4294967296;
}

/** A standard normal generator from a uniform one (Box–Muller, both values used). */
export function makeNormal(uniform: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const u = 1 - uniform(); // (0, 1]
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** n points with labels drawn uniformly from {−1,+1} (eq. 5). Seed default 0. */
export function sampleToy(n: number, o: ToyOptions, seed = 0): ToySample {
  checkToyOptions(o);
  const uniform = makeUniform(seed);
  const labels = new Int8Array(n);
  for (let i = 0; i < n; i++) labels[i] = uniform() < 0.5 ? 1 : -1;
  return fill(labels, o, uniform);
}

/** nPerClass points of class +1 followed by nPerClass of class −1 (Fig. 1(a) draws 100 of each). Seed default 0. */
export function sampleToyPerClass(nPerClass: number, o: ToyOptions, seed = 0): ToySample {
  checkToyOptions(o);
  const labels = new Int8Array(2 * nPerClass);
  labels.fill(1, 0, nPerClass);
  labels.fill(-1, nPerClass);
  return fill(labels, o, makeUniform(seed));
}

function fill(y: Int8Array, o: ToyOptions, uniform: () => number): ToySample {
  const n = y.length;
  const dim = o.d + 1;
  const x = new Float64Array(n * dim);
  const normal = makeNormal(uniform);
  const sigma = Math.sqrt(o.sigma2);
  for (let i = 0; i < n; i++) {
    const p = y[i] === 1 ? o.pPos : o.pNeg;
    x[i * dim] = uniform() < p ? y[i] : -y[i];
    for (let j = 1; j < dim; j++) x[i * dim + j] = o.eta * y[i] + sigma * normal();
  }
  return { n, dim, x, y };
}
