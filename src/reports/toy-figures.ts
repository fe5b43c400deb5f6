// Figures of the Section 2 toy model: Fig. 1(a) samples (d = 1), Fig. 1(b) class-wise clean (dotted) and robust
// (solid) accuracy against w, and the learned w of adversarial training against ε (Theorem 2).
import { makeUniform, sampleToyPerClass, ToyOptions } from '../data/toy';
import { AdvTrainResult } from '../theory/adversarial-training';
import { cleanAccuracy, optimalCleanW, optimalOverallW, robustAccuracy } from '../theory/toy-model';
import { formatParams } from './toy-text';
import { Figure, spec } from './figure';

const CLASS_COLORS = { domain: ['class +1 (easy)', 'class −1 (hard)'], range: ['#d62728', '#1f77b4'] };

/** Fig. 1(a): nPerClass samples per class of the d = 1 model, x₁ jittered horizontally by ±0.08 so points do not overlap. */
export function scatterFigure(o: ToyOptions, nPerClass: number, seed: number): Figure {
  const one = { ...o, d: 1 };
  const s = sampleToyPerClass(nPerClass, one, seed);
  const jitter = makeUniform(seed + 1);
  const rows = Array.from({ length: s.n }, (_, i) => ({
    x1: s.x[2 * i] + 0.16 * (jitter() - 0.5),
    x2: s.x[2 * i + 1],
    cls: s.y[i] === 1 ? CLASS_COLORS.domain[0] : CLASS_COLORS.domain[1],
  }));
  const title = 'Toy model samples (paper Fig. 1a)';
  return {
    id: 'toy-samples',
    title,
    caption:
      `${nPerClass} points per class drawn with seed ${seed} from ${formatParams(one)}. x₁ ∈ {−1, +1} is the robust feature, x₂ the non-robust one; ` +
      'x₁ is jittered by at most ±0.08 for visibility. The hard class −1 (blue) has more points on the wrong side (x₁ = +1).',
    spec: spec(title, {
      width: 420, height: 360,
      data: { values: rows },
      mark: { type: 'point', filled: true, opacity: 0.7, size: 40 },
      encoding: {
        x: { field: 'x1', type: 'quantitative', title: 'x₁ (robust feature)', scale: { domain: [-1.5, 1.5] }, axis: { values: [-1, 0, 1] } },
        y: { field: 'x2', type: 'quantitative', title: 'x₂ (non-robust feature)' },
        color: { field: 'cls', type: 'nominal', title: 'label y', scale: CLASS_COLORS },
        shape: { field: 'cls', type: 'nominal', title: 'label y', scale: { domain: CLASS_COLORS.domain, range: ['circle', 'square'] } },
      },
    }),
  };
}

/** Fig. 1(b): A_y(w) dotted and R_y(w; ε) solid for both classes over w ∈ (0, wMax], with the best clean w of each class. */
export function accuracyFigure(o: ToyOptions, eps: number, wMax: number): Figure {
  const rows: Record<string, unknown>[] = [];
  for (let i = 1; i <= 200; i++) {
    const w = (wMax * i) / 200;
    for (const y of [1, -1] as const) {
      const cls = y === 1 ? CLASS_COLORS.domain[0] : CLASS_COLORS.domain[1];
      rows.push({ w, cls, kind: 'clean', acc: 100 * cleanAccuracy(w, y, o) });
      rows.push({ w, cls, kind: `robust (ε=${eps})`, acc: 100 * robustAccuracy(w, y, eps, o) });
    }
  }
  const marks = ([[1, 'w*₊₁'], [-1, 'w*₋₁']] as const)
    .map(([y, name]) => ({ w: optimalCleanW(y, o), label: `${name} = ${optimalCleanW(y, o).toFixed(2)}`, cls: y === 1 ? CLASS_COLORS.domain[0] : CLASS_COLORS.domain[1] }))
    .filter((m) => m.w > 0 && m.w <= wMax);
  const title = 'Class-wise clean (dotted) and robust (solid) accuracy of f_w (paper Fig. 1b)';
  const color = { field: 'cls', type: 'nominal', title: 'class', scale: CLASS_COLORS };
  return {
    id: 'toy-accuracy',
    title,
    caption:
      `Closed forms (docs/methods.md#toy-model) for ${formatParams(o)}; robust accuracy under an ℓ∞ perturbation ε = ${eps} of the non-robust features ` +
      '(x₁ is binary and not perturbed). Vertical lines: the w of best clean accuracy of each class (Theorem 3: the hard class peaks first).',
    spec: spec(title, {
      width: 520, height: 340,
      layer: [
        {
          data: { values: rows },
          mark: { type: 'line', strokeWidth: 2.5 },
          encoding: {
            x: { field: 'w', type: 'quantitative', title: 'w = w₁/w₂ (weight on the robust feature; larger = stronger adversarial training)' },
            y: { field: 'acc', type: 'quantitative', title: 'accuracy (%)', scale: { zero: false } },
            color,
            strokeDash: { field: 'kind', type: 'nominal', title: 'accuracy', scale: { domain: ['clean', `robust (ε=${eps})`], range: [[2, 3], [1, 0]] } },
          },
        },
        {
          data: { values: marks },
          mark: { type: 'rule', strokeDash: [4, 4], opacity: 0.6 },
          encoding: { x: { field: 'w', type: 'quantitative' }, color },
        },
        {
          data: { values: marks },
          mark: { type: 'text', align: 'left', dx: 4, dy: -4, fontSize: 11, baseline: 'bottom' },
          encoding: { x: { field: 'w', type: 'quantitative' }, y: { value: 12 * marks.length }, text: { field: 'label' }, color },
        },
      ],
    }),
  };
}

/** The learned w of adversarial training per ε against the closed-form optimum of the 0-1 robust accuracy (Theorem 2). */
export function advTrainFigure(o: ToyOptions, results: AdvTrainResult[], summary: string): Figure {
  const finite = results.filter((r) => Number.isFinite(r.w));
  const maxEps = Math.max(...results.map((r) => r.eps));
  const curve = Array.from({ length: 100 }, (_, i) => (Math.min(maxEps, 0.95 * o.eta) * i) / 99).map((eps) => ({ eps, w: optimalOverallW(eps, o), what: 'closed-form optimum w*(ε)' }));
  const points = finite.map((r) => ({ eps: r.eps, w: r.w, what: 'learned by PGD adversarial training' }));
  const title = 'Adversarial training of the linear model: learned w grows with ε (Theorem 2)';
  const color = { field: 'what', type: 'nominal', title: '', scale: { domain: ['closed-form optimum w*(ε)', 'learned by PGD adversarial training'], range: ['#555', '#d62728'] } };
  return {
    id: 'toy-adversarial-training',
    title,
    caption: `${summary} Line: w*(ε) = σ²·ln(p̄/(1−p̄))/(2(η−ε)), the maximiser of the overall robust 0-1 accuracy (infinite for ε ≥ η, not drawn).`,
    spec: spec(title, {
      width: 480, height: 320,
      layer: [
        { data: { values: curve }, mark: { type: 'line' }, encoding: { x: { field: 'eps', type: 'quantitative', title: 'training ε (ℓ∞ on the non-robust features)' }, y: { field: 'w', type: 'quantitative', title: 'w = w₁/w₂' }, color } },
        { data: { values: points }, mark: { type: 'point', filled: true, size: 80 }, encoding: { x: { field: 'eps', type: 'quantitative' }, y: { field: 'w', type: 'quantitative' }, color } },
      ],
    }),
  };
}
