// Monte-Carlo estimate of the toy model's class-wise clean and robust accuracy, to cross-check the closed forms of
// toy-model.ts on samples from src/data/toy.ts. The attack is the exact worst case against f_w for w > 0: every
// non-robust coordinate moves by ε against the label (x₁ is binary and stays).
import { sampleToyPerClass, ToyOptions } from '../data/toy';
import { cleanAccuracy, robustAccuracy } from './toy-model';

export interface McEstimate {
  w: number;
  eps: number;
  /** Points per class. */
  n: number;
  cls: 1 | -1;
  clean: number;
  robust: number;
  /** Binomial standard errors √(a(1−a)/n) of the two estimates. */
  cleanSe: number;
  robustSe: number;
  /** The closed forms at the same (w, ε). */
  cleanExact: number;
  robustExact: number;
}

/** Fraction of points of each class that f_w classifies correctly, clean and after the ε shift. */
export function monteCarloAccuracy(w: number, eps: number, o: ToyOptions, nPerClass: number, seed = 0): McEstimate[] {
  const s = sampleToyPerClass(nPerClass, o, seed);
  const out: McEstimate[] = [];
  for (const cls of [1, -1] as const) {
    let clean = 0;
    let robust = 0;
    for (let i = 0; i < s.n; i++) {
      if (s.y[i] !== cls) continue;
      let sum = 0;
      for (let j = 1; j < s.dim; j++) sum += s.x[i * s.dim + j];
      const x1 = s.x[i * s.dim];
      if (cls * (x1 + sum / w) > 0) clean++;
      if (cls * (x1 + (sum - cls * eps * o.d) / w) > 0) robust++;
    }
    const a = clean / nPerClass;
    const r = robust / nPerClass;
    out.push({
      w, eps, n: nPerClass, cls,
      clean: a,
      robust: r,
      cleanSe: Math.sqrt((a * (1 - a)) / nPerClass),
      robustSe: Math.sqrt((r * (1 - r)) / nPerClass),
      cleanExact: cleanAccuracy(w, cls, o),
      robustExact: robustAccuracy(w, cls, eps, o),
    });
  }
  return out;
}

/**
 * Whether every estimate lies within z binomial standard errors of its closed form (default z = 4). The standard error
 * is taken at the exact accuracy so that a zero-variance sample does not pass or fail by accident.
 */
export function agrees(e: McEstimate, z = 4): boolean {
  const tol = (a: number) => z * Math.sqrt((a * (1 - a)) / e.n) + 1e-12;
  return Math.abs(e.clean - e.cleanExact) <= tol(e.cleanExact) && Math.abs(e.robust - e.robustExact) <= tol(e.robustExact);
}
