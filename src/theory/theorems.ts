// Numeric check of the paper's Theorems 1-4 (Section 2.3) on the closed forms of toy-model.ts over a parameter grid.
// Every claim is checked only where its condition holds (docs/methods.md#toy-model); two further claims pin down what
// happens outside Theorem 2's and Theorem 4's conditions. "Δ" is the change over consecutive points of an increasing
// w grid, computed from interval probabilities so that tiny changes keep their sign.
import { ToyOptions } from '../data/toy';
import { accuracyChange, classError, optimalCleanW, optimalOverallW, optimalW, ToyClass } from './toy-model';

export interface TheoremGrid {
  pPos: number[];
  pNeg: number[];
  eta: number[];
  d: number[];
  sigma2: number[];
  /** ε values as multiples of η. */
  epsOverEta: number[];
  /** Points of the log-spaced w grid per setting. */
  wPoints: number;
}

/** 162 settings with 1/2 ≤ p_{−1} < p_{+1} < 1, ε from 0 to 2η, 200 values of w. */
export const DEFAULT_GRID: TheoremGrid = {
  pPos: [0.6, 0.8, 0.95],
  pNeg: [0.5, 0.55, 0.7, 0.9],
  eta: [0.1, 0.25, 0.45],
  d: [1, 10, 100],
  sigma2: [0.6, 1],
  epsOverEta: [0, 0.25, 0.5, 0.75, 1, 1.5, 2],
  wPoints: 200,
};

export interface ClaimResult {
  id: string;
  statement: string;
  condition: string;
  /** Parameter settings (p, η, d, σ², ε) that met the condition. */
  settings: number;
  /** Individual comparisons made. */
  comparisons: number;
  /** Settings where the claim's w range lies beyond what double precision resolves (not counted as checked). */
  skipped: number;
  failures: number;
  /** Up to 5 failing cases, each naming its parameters. */
  examples: string[];
}

export interface Claim {
  id: string;
  statement: string;
  condition: string;
  /** Whether the condition holds at this setting and ε. */
  applies(o: ToyOptions, eps: number): boolean;
  /**
   * Checks the statement at one setting and ε on the w grid; returns the number of comparisons, or 'skip' when the
   * relevant w lies beyond double precision. Calls fail once per failed comparison.
   */
  check(o: ToyOptions, eps: number, w: number[], fail: (what: string) => void): number | 'skip';
}

/** Smallest |Φ argument| bound kept within double precision of the tails (φ(37) ≈ 1e-298). */
const MAX_ARG = 35;

/** Log-spaced w values in [10⁻³σ√d, wMax] where the closed forms keep their precision. */
export function wGrid(o: ToyOptions, eps: number, points: number, atLeast = 0): number[] {
  const s = Math.sqrt(o.d * o.sigma2);
  const m = Math.abs(o.d * (o.eta - eps));
  const hi = Math.min(Math.max(30 * s, 3 * atLeast), MAX_ARG * s - m);
  const lo = 1e-3 * s;
  return Array.from({ length: points }, (_, i) => lo * Math.pow(hi / lo, i / (points - 1)));
}

function describe(o: ToyOptions, eps: number): string {
  return `p+1=${o.pPos} p-1=${o.pNeg} η=${o.eta} d=${o.d} σ²=${o.sigma2} ε=${fmt(eps)}`;
}

function fmt(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v);
}

/** Every consecutive pair of grid points, with R_{+1} and R_{−1} changes at ε. */
function deltas(w: number[], eps: number, o: ToyOptions): { w1: number; w2: number; pos: number; neg: number }[] {
  const out = [];
  for (let i = 0; i + 1 < w.length; i++) {
    out.push({ w1: w[i], w2: w[i + 1], pos: accuracyChange(w[i], w[i + 1], 1, eps, o), neg: accuracyChange(w[i], w[i + 1], -1, eps, o) });
  }
  return out;
}

/**
 * Checks that wStar is the maximiser over w > 0 of the accuracy whose change over [a, b] is change(a, b): the accuracy
 * rises on every grid interval below wStar, falls on every one above, and on both sides within a relative 1e-4.
 */
function checkArgmax(wStar: number, w: number[], change: (a: number, b: number) => number, fail: (what: string) => void): number {
  let n = 0;
  const intervals: [number, number][] = [];
  for (let i = 0; i + 1 < w.length; i++) intervals.push([w[i], w[i + 1]]);
  if (wStar > 0) intervals.push([wStar * (1 - 1e-4), wStar], [wStar, wStar * (1 + 1e-4)]);
  for (const [a, b] of intervals) {
    if (a < wStar && b > wStar) continue;
    const d = change(a, b);
    n++;
    if (b <= wStar ? !(d > 0) : !(d < 0)) fail(`w∈[${fmt(a)},${fmt(b)}]: change ${d} ${b <= wStar ? 'not > 0 below' : 'not < 0 above'} w*=${fmt(wStar)}`);
  }
  return n;
}

/** The claims, in the paper's order. */
export const CLAIMS: Claim[] = [
  {
    id: 'Theorem 1',
    statement: 'class −1 is harder: A_{+1}(w) > A_{−1}(w) and R_{+1}(w;ε) > R_{−1}(w;ε) for every w > 0',
    condition: 'p_{+1} > p_{−1}; any ε ≥ 0 (ε = 0 is the clean case)',
    applies: () => true,
    check(o, eps, w, fail) {
      for (const v of w) {
        const pos = classError(v, 1, eps, o);
        const neg = classError(v, -1, eps, o);
        if (!(neg > pos)) fail(`w=${fmt(v)}: error(−1)=${neg} ≤ error(+1)=${pos}`);
      }
      return w.length;
    },
  },
  {
    id: 'Theorem 2',
    statement:
      'the adversarial-training optimum w*(ε) = argmax_w ½(R_{+1}+R_{−1}) equals σ²·ln(p̄/(1−p̄))/(2(η−ε)), p̄ = (p_{+1}+p_{−1})/2, and grows strictly with ε',
    condition: '0 ≤ ε < η, p̄ > 1/2 (ε values of the grid below η)',
    applies: (o, eps) => eps < o.eta,
    check(o, eps, w, fail) {
      const wStar = optimalOverallW(eps, o);
      const grid = wGrid(o, eps, w.length, wStar);
      if (!(wStar < grid[grid.length - 1])) return 'skip';
      const overall = (a: number, b: number) => accuracyChange(a, b, 1, eps, o) + accuracyChange(a, b, -1, eps, o);
      let n = checkArgmax(wStar, grid, overall, fail);
      const bigger = optimalOverallW(eps + (o.eta - eps) / 2, o);
      n++;
      if (!(bigger > wStar)) fail(`w*(${fmt(eps + (o.eta - eps) / 2)})=${fmt(bigger)} ≤ w*(${fmt(eps)})=${fmt(wStar)}`);
      return n;
    },
  },
  {
    id: 'Theorem 2 (ε ≥ η)',
    statement: 'no finite optimum: ½(R_{+1}+R_{−1}) increases strictly in w, so w*(ε) = ∞',
    condition: 'ε ≥ η, p̄ > 1/2',
    applies: (o, eps) => eps >= o.eta,
    check(o, eps, w, fail) {
      for (const d of deltas(w, eps, o)) if (!(d.pos + d.neg > 0)) fail(`w∈[${fmt(d.w1)},${fmt(d.w2)}]: overall change ${d.pos + d.neg} ≤ 0`);
      return w.length - 1;
    },
  },
  {
    id: 'Theorem 3',
    statement: 'the best clean w of each class is w*_y = σ²·ln(p_y/(1−p_y))/(2η), and w*_{−1} < w*_{+1}',
    condition: '1/2 ≤ p_{−1} < p_{+1} < 1 (clean, ε = 0)',
    applies: (_o, eps) => eps === 0,
    check(o, _eps, w, fail) {
      const pos = optimalCleanW(1, o);
      const neg = optimalCleanW(-1, o);
      const grid = wGrid(o, 0, w.length, pos);
      if (!(pos < grid[grid.length - 1])) return 'skip';
      let n = 1;
      if (!(neg < pos)) fail(`w*_{−1}=${fmt(neg)} ≥ w*_{+1}=${fmt(pos)}`);
      for (const [y, wStar] of [[1, pos], [-1, neg]] as [ToyClass, number][]) {
        n += checkArgmax(wStar, grid, (a, b) => accuracyChange(a, b, y, 0, o), (what) => fail(`class ${y}: ${what}`));
      }
      return n;
    },
  },
  {
    id: 'Theorem 4 (clean)',
    statement: 'beyond w*_{+1} both classes lose clean accuracy and the hard class loses more: ΔA_{−1} < ΔA_{+1} < 0',
    condition: 'w > w*_{+1}, 1/2 ≤ p_{−1} < p_{+1} < 1 (ε = 0)',
    applies: (_o, eps) => eps === 0,
    check(o, _eps, w, fail) {
      const start = optimalCleanW(1, o);
      const grid = wGrid(o, 0, w.length, start).filter((v) => v > start);
      if (grid.length < 2) return 'skip';
      for (const d of deltas(grid, 0, o)) {
        if (!(d.neg < d.pos && d.pos < 0)) fail(`w∈[${fmt(d.w1)},${fmt(d.w2)}]: ΔA−1=${d.neg}, ΔA+1=${d.pos}`);
      }
      return grid.length - 1;
    },
  },
  {
    id: 'Theorem 4 (robust)',
    statement: 'stronger training (larger w) helps robustness of the hard class less: 0 < ΔR_{−1} < ΔR_{+1} for every w > 0',
    condition: 'ε ≥ η (with p_{−1} > 1/2 when ε = η); it fails for ε < η, see the next line',
    applies: (o, eps) => eps > o.eta || (eps === o.eta && o.pNeg > 0.5),
    check(o, eps, w, fail) {
      for (const d of deltas(w, eps, o)) {
        if (!(0 < d.neg && d.neg < d.pos)) fail(`w∈[${fmt(d.w1)},${fmt(d.w2)}]: ΔR−1=${d.neg}, ΔR+1=${d.pos}`);
      }
      return w.length - 1;
    },
  },
  {
    id: 'Theorem 4 (robust), ε < η',
    statement:
      'R_{−1} rises only up to w_c = σ²·ln(p_{−1}/(1−p_{−1}))/(2(η−ε)) and falls beyond it (so 0 < ΔR_{−1} fails there), while ΔR_{−1} < ΔR_{+1} still holds for every w',
    condition: '0 ≤ ε < η',
    applies: (o, eps) => eps < o.eta,
    check(o, eps, w, fail) {
      const wc = optimalW(o.pNeg, eps, o);
      const grid = wGrid(o, eps, w.length, wc);
      if (!(wc < grid[grid.length - 1])) return 'skip';
      let n = checkArgmax(wc, grid, (a, b) => accuracyChange(a, b, -1, eps, o), fail);
      for (const d of deltas(grid, eps, o)) {
        n++;
        if (!(d.neg < d.pos)) fail(`w∈[${fmt(d.w1)},${fmt(d.w2)}]: ΔR−1=${d.neg} ≥ ΔR+1=${d.pos}`);
      }
      return n;
    },
  },
];

/** Runs one claim at one setting and ε, whether or not its condition holds there; failures name the case. */
export function runClaim(claim: Claim, o: ToyOptions, eps: number, wPoints = DEFAULT_GRID.wPoints): { comparisons: number | 'skip'; failures: string[] } {
  const failures: string[] = [];
  const comparisons = claim.check(o, eps, wGrid(o, eps, wPoints), (what) => failures.push(`${describe(o, eps)}: ${what}`));
  return { comparisons, failures };
}

/**
 * Checks every claim wherever its condition holds on the grid (default DEFAULT_GRID) and on the extra settings (each at
 * the grid's ε/η ratios). Settings outside 1/2 ≤ p_{−1} < p_{+1} < 1 are left out.
 */
export function checkTheorems(grid: TheoremGrid = DEFAULT_GRID, extra: ToyOptions[] = []): ClaimResult[] {
  const results: ClaimResult[] = CLAIMS.map((c) => ({ id: c.id, statement: c.statement, condition: c.condition, settings: 0, comparisons: 0, skipped: 0, failures: 0, examples: [] }));
  for (const o of [...settings(grid), ...extra.filter(inTheory)]) {
    for (const k of grid.epsOverEta) {
      const eps = k * o.eta;
      CLAIMS.forEach((claim, i) => {
        if (!claim.applies(o, eps)) return;
        const r = results[i];
        const { comparisons, failures } = runClaim(claim, o, eps, grid.wPoints);
        if (comparisons === 'skip') {
          r.skipped++;
          return;
        }
        r.settings++;
        r.comparisons += comparisons;
        r.failures += failures.length;
        r.examples.push(...failures.slice(0, 5 - r.examples.length));
      });
    }
  }
  return results;
}

function inTheory(o: ToyOptions): boolean {
  return 0.5 <= o.pNeg && o.pNeg < o.pPos && o.pPos < 1;
}

function* settings(g: TheoremGrid): Generator<ToyOptions> {
  for (const pPos of g.pPos)
    for (const pNeg of g.pNeg) {
      if (!inTheory({ pPos, pNeg, eta: 1, d: 1, sigma2: 1 })) continue;
      for (const eta of g.eta) for (const d of g.d) for (const sigma2 of g.sigma2) yield { pPos, pNeg, eta, d, sigma2 };
    }
}
