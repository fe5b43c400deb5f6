// The standard normal density φ, distribution Φ and upper tail Q(x) = Φ(−x), accurate to about 1e-15 relative
// error in both tails (no cancellation), as the toy model's closed forms need.

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** φ(x) = exp(−x²/2)/√(2π). */
export function normalPdf(x: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}

/** Φ(x) = P(Z ≤ x). Φ(−∞) = 0, Φ(∞) = 1. */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < -1.5) return lowerTail(-x);
  if (x > 1.5) return 1 - lowerTail(x);
  return 0.5 + seriesPart(x);
}

/** Q(x) = 1 − Φ(x) = Φ(−x), computed without subtracting from 1 in the upper tail. */
export function normalSf(x: number): number {
  return normalCdf(-x);
}

/** P(a < Z ≤ b) for a ≤ b, from whichever tail keeps the precision. */
export function normalInterval(a: number, b: number): number {
  if (a >= 0) return normalSf(a) - normalSf(b);
  if (b <= 0) return normalCdf(b) - normalCdf(a);
  return 1 - normalCdf(a) - normalSf(b);
}

/** Φ(x) − 1/2 for |x| ≤ 1.5 by the everywhere-convergent series φ(x)·(x + x³/3 + x⁵/(3·5) + …). */
function seriesPart(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let k = 1; k < 200; k++) {
    term *= x2 / (2 * k + 1);
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
  }
  return normalPdf(x) * sum;
}

/** Φ(−z) for z > 1.5: φ(z) times the Mills ratio 1/(z + 1/(z + 2/(z + 3/(z + …)))), evaluated by Lentz's method. */
function lowerTail(z: number): number {
  if (z === Infinity) return 0;
  const tiny = 1e-300;
  let f = z;
  let c = z;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    d = z + k * d;
    d = d === 0 ? 1 / tiny : 1 / d;
    c = z + k / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return normalPdf(z) / f;
}
