// Closed forms for the Section 2 toy model (docs/methods.md#toy-model): class-wise clean and robust accuracy of
// f_w(x) = sign(x₁ + (x₂+…+x_{d+1})/w) and the optimal w. With S = Σ_{i≥2} x_i ~ N(dηy, dσ²) given y and an
// adversary that moves every non-robust coordinate by ε against the label (x₁ ∈ {±1} is not perturbed, paper eq. 15):
//   R_y(w; ε) = p_y·Φ((d(η−ε)+w)/(σ√d)) + (1−p_y)·Φ((d(η−ε)−w)/(σ√d)),   A_y(w) = R_y(w; 0).
import { ToyOptions } from '../data/toy';
import { normalInterval, normalPdf, normalSf } from './normal';

export type ToyClass = 1 | -1;

/** p_y of the class. */
export function reliability(o: ToyOptions, y: ToyClass): number {
  return y === 1 ? o.pPos : o.pNeg;
}

/** The two arguments (d(η−ε) ± w)/(σ√d) of Φ, and the scale σ√d. */
function args(w: number, eps: number, o: ToyOptions): { plus: number; minus: number; scale: number } {
  const scale = Math.sqrt(o.d * o.sigma2);
  const m = o.d * (o.eta - eps);
  if (w === Infinity) return { plus: Infinity, minus: -Infinity, scale };
  return { plus: (m + w) / scale, minus: (m - w) / scale, scale };
}

/** 1 − R_y(w; ε), computed from the upper tails (precise when the accuracy is close to 1). w may be Infinity. */
export function classError(w: number, y: ToyClass, eps: number, o: ToyOptions): number {
  const p = reliability(o, y);
  const a = args(w, eps, o);
  return p * normalSf(a.plus) + (1 - p) * normalSf(a.minus);
}

/** A_y(w): clean accuracy of class y. */
export function cleanAccuracy(w: number, y: ToyClass, o: ToyOptions): number {
  return 1 - classError(w, y, 0, o);
}

/** R_y(w; ε): robust accuracy of class y under an ℓ∞ perturbation of size ε on the non-robust features. */
export function robustAccuracy(w: number, y: ToyClass, eps: number, o: ToyOptions): number {
  return 1 - classError(w, y, eps, o);
}

/** Overall (class-balanced) robust accuracy ½(R_{+1} + R_{−1}); ε = 0 gives the clean accuracy. */
export function overallAccuracy(w: number, eps: number, o: ToyOptions): number {
  return 1 - 0.5 * (classError(w, 1, eps, o) + classError(w, -1, eps, o));
}

/** R_y(w₂; ε) − R_y(w₁; ε), from interval probabilities so that small changes keep their precision. */
export function accuracyChange(w1: number, w2: number, y: ToyClass, eps: number, o: ToyOptions): number {
  const p = reliability(o, y);
  const a1 = args(w1, eps, o);
  const a2 = args(w2, eps, o);
  const up = a2.plus >= a1.plus ? normalInterval(a1.plus, a2.plus) : -normalInterval(a2.plus, a1.plus);
  const down = a2.minus >= a1.minus ? normalInterval(a1.minus, a2.minus) : -normalInterval(a2.minus, a1.minus);
  return p * up + (1 - p) * down;
}

/** dR_y/dw = (p_y·φ(a₊) − (1−p_y)·φ(a₋))/(σ√d). */
export function accuracySlope(w: number, y: ToyClass, eps: number, o: ToyOptions): number {
  const p = reliability(o, y);
  const a = args(w, eps, o);
  return (p * normalPdf(a.plus) - (1 - p) * normalPdf(a.minus)) / a.scale;
}

/**
 * argmax over w > 0 of p·Φ((d(η−ε)+w)/(σ√d)) + (1−p)·Φ((d(η−ε)−w)/(σ√d)) for a reliability p ≥ 1/2:
 * w* = σ²·ln(p/(1−p)) / (2(η−ε)) for ε < η (0 when p = 1/2); Infinity for ε ≥ η, where the accuracy never
 * decreases in w (it is constant when ε = η and p = 1/2).
 */
export function optimalW(p: number, eps: number, o: ToyOptions): number {
  if (eps >= o.eta) return Infinity;
  return (o.sigma2 * Math.log(p / (1 - p))) / (2 * (o.eta - eps));
}

/** w*_y: the w of best clean accuracy of class y (Theorem 3 compares w*_{−1} < w*_{+1}). */
export function optimalCleanW(y: ToyClass, o: ToyOptions): number {
  return optimalW(reliability(o, y), 0, o);
}

/** The w of best robust accuracy of class y under ε. */
export function optimalRobustW(y: ToyClass, eps: number, o: ToyOptions): number {
  return optimalW(reliability(o, y), eps, o);
}

/**
 * The w maximising the overall accuracy on ε-adversarial data, i.e. the adversarial-training optimum (Theorem 2):
 * optimalW at p̄ = (p_{+1}+p_{−1})/2, because ½(R_{+1}+R_{−1}) has the same form with p̄.
 */
export function optimalOverallW(eps: number, o: ToyOptions): number {
  return optimalW((o.pPos + o.pNeg) / 2, eps, o);
}
