// How the toy model's parameters are written in captions, tables and console output.
import { ToyOptions } from '../data/toy';

/** "d=1, η=0.4, p₊₁=0.9, p₋₁=0.7, σ²=0.6". */
export function formatParams(o: ToyOptions): string {
  return `d=${o.d}, η=${o.eta}, p₊₁=${o.pPos}, p₋₁=${o.pNeg}, σ²=${o.sigma2}`;
}
