// `cfa toy`: the Section 2 analysis as tables (optimal w, class-wise accuracy, Monte-Carlo cross-check, Theorems 1-4,
// adversarial training) and figures (Fig. 1a, 1b, learned w against ε), written as a small self-contained HTML page.
import { ToyOptions } from '../data/toy';
import { AdvTrainResult } from '../theory/adversarial-training';
import { agrees, monteCarloAccuracy } from '../theory/monte-carlo';
import { ClaimResult } from '../theory/theorems';
import { cleanAccuracy, optimalCleanW, optimalOverallW, optimalRobustW, robustAccuracy } from '../theory/toy-model';
import { Figure, renderFigure } from './figure';
import { Block, renderHtml } from './html';
import { writeReport, WrittenReport } from './output';
import { Cell, Table } from './table';
import { formatParams } from './toy-text';

function show(v: number): Cell {
  return Number.isFinite(v) ? Number(v.toPrecision(6)) : 'infinite';
}

/** The optimal w of docs/methods.md#toy-model: best clean w per class (Theorem 3), best robust w per class and overall at ε. */
export function optimaTable(o: ToyOptions, eps: number): Table {
  const rows: Record<string, Cell>[] = [
    { quantity: 'w*₊₁: best clean accuracy of class +1', formula: 'σ²·ln(p₊₁/(1−p₊₁))/(2η)', value: show(optimalCleanW(1, o)) },
    { quantity: 'w*₋₁: best clean accuracy of class −1', formula: 'σ²·ln(p₋₁/(1−p₋₁))/(2η)', value: show(optimalCleanW(-1, o)) },
    { quantity: 'best overall clean accuracy (standard training)', formula: 'σ²·ln(p̄/(1−p̄))/(2η)', value: show(optimalOverallW(0, o)) },
    { quantity: `best robust accuracy of class +1 at ε=${eps}`, formula: 'σ²·ln(p₊₁/(1−p₊₁))/(2(η−ε)), ∞ if ε ≥ η', value: show(optimalRobustW(1, eps, o)) },
    { quantity: `best robust accuracy of class −1 at ε=${eps}`, formula: 'σ²·ln(p₋₁/(1−p₋₁))/(2(η−ε)), ∞ if ε ≥ η', value: show(optimalRobustW(-1, eps, o)) },
    { quantity: `best overall robust accuracy at ε=${eps} (adversarial training)`, formula: 'σ²·ln(p̄/(1−p̄))/(2(η−ε)), ∞ if ε ≥ η', value: show(optimalOverallW(eps, o)) },
  ];
  return {
    id: 'toy-optimal-w',
    title: 'Optimal w of f_w(x) = sign(x₁ + (x₂+…+x_{d+1})/w)',
    caption: `${formatParams(o)}; p̄ = (p₊₁+p₋₁)/2. "infinite": the accuracy never decreases in w, so f = sign(x₁) is best.`,
    columns: ['quantity', 'formula', 'value'],
    rows,
  };
}

/** Class-wise clean and robust accuracy (closed forms) at the given w. */
export function accuracyTable(o: ToyOptions, eps: number, ws: number[]): Table {
  const rows = ws.map((w) => ({
    w: show(w),
    clean_pos: cleanAccuracy(w, 1, o),
    clean_neg: cleanAccuracy(w, -1, o),
    robust_pos: robustAccuracy(w, 1, eps, o),
    robust_neg: robustAccuracy(w, -1, eps, o),
  }));
  return {
    id: 'toy-accuracy',
    title: `Class-wise accuracy of f_w (closed forms), robust at ε=${eps}`,
    caption: `${formatParams(o)}. A_y(w) = p_y·Φ((dη+w)/(σ√d)) + (1−p_y)·Φ((dη−w)/(σ√d)); R_y(w;ε) replaces η by η−ε (x₁ is not perturbed). Fractions in [0, 1].`,
    columns: ['w', 'clean_pos', 'clean_neg', 'robust_pos', 'robust_neg'],
    rows,
  };
}

/** Monte-Carlo estimates against the closed forms; failures counts estimates off by more than 4 standard errors. */
export function monteCarloTable(o: ToyOptions, eps: number, ws: number[], nPerClass: number, seed: number): { table: Table; failures: number } {
  let failures = 0;
  const rows: Record<string, Cell>[] = [];
  ws.forEach((w, i) => {
    for (const e of monteCarloAccuracy(w, eps, o, nPerClass, seed + i)) {
      const ok = agrees(e);
      if (!ok) failures++;
      rows.push({
        w: show(w), class: e.cls === 1 ? '+1' : '−1',
        clean_mc: e.clean, clean_exact: e.cleanExact, robust_mc: e.robust, robust_exact: e.robustExact,
        se: Number(Math.max(e.cleanSe, e.robustSe).toPrecision(3)), agrees: ok,
      });
    }
  });
  return {
    table: {
      id: 'toy-monte-carlo',
      title: `Monte-Carlo cross-check of the closed forms (${nPerClass} points per class, ε=${eps})`,
      caption: `${formatParams(o)}; samples from src/data/toy.ts with seeds ${seed}..${seed + ws.length - 1}; the attack moves every non-robust feature by ε against the label. "agrees": within 4 binomial standard errors.`,
      columns: ['w', 'class', 'clean_mc', 'clean_exact', 'robust_mc', 'robust_exact', 'se', 'agrees'],
      rows,
    },
    failures,
  };
}

/** One line per claim: where it was checked and whether it held. */
export function theoremTable(results: ClaimResult[]): Table {
  return {
    id: 'toy-theorems',
    title: 'Theorems 1-4 checked on the closed forms over a parameter grid',
    caption:
      'Each claim is checked only where its condition holds; "Δ" is the change between consecutive points of an increasing w grid. ' +
      '"skipped" counts settings whose relevant w lies beyond what double precision resolves.',
    columns: ['claim', 'statement', 'condition', 'settings', 'comparisons', 'skipped', 'failures', 'result'],
    rows: results.map((r) => ({
      claim: r.id, statement: r.statement, condition: r.condition, settings: r.settings, comparisons: r.comparisons,
      skipped: r.skipped, failures: r.failures, result: r.failures === 0 ? 'holds' : 'FAILS',
    })),
  };
}

/** The theorem check for the console: one paragraph per claim. */
export function theoremText(results: ClaimResult[]): string {
  const lines = ['Theorems 1-4 checked on the closed forms over a parameter grid'];
  for (const r of results) {
    lines.push(`${r.failures === 0 ? 'holds' : 'FAILS'}  ${r.id}: ${r.statement}`);
    lines.push(`       condition: ${r.condition}; ${r.settings} settings, ${r.comparisons} comparisons, ${r.skipped} skipped, ${r.failures} failures`);
    for (const e of r.examples) lines.push(`       failed at ${e}`);
  }
  return lines.join('\n');
}

/** Learned weights per training ε, with the closed-form optimum of the robust 0-1 accuracy for comparison. */
export function advTrainTable(o: ToyOptions, results: AdvTrainResult[], how: string): Table {
  return {
    id: 'toy-adversarial-training',
    title: 'Adversarial training of the linear model (engine, SGD on PGD examples)',
    caption: how,
    columns: ['eps', 'w1', 'w2', 'w', 'w_star_theory', 'robust_train_pos', 'robust_train_neg'],
    rows: results.map((r) => ({
      eps: r.eps, w1: r.w1, w2: r.w2, w: show(r.w), w_star_theory: show(optimalOverallW(r.eps, o)),
      robust_train_pos: r.robustTrain[0], robust_train_neg: r.robustTrain[1],
    })),
  };
}

/** Renders the figures and writes OUT/toy.html, OUT/figures/*, OUT/tables/*. */
export async function writeToyReport(out: string, o: ToyOptions, tables: Table[], figures: Figure[], png: boolean): Promise<WrittenReport> {
  const rendered = [];
  for (const f of figures) rendered.push(await renderFigure(f, png));
  const blocks: Block[] = [...rendered.map((figure) => ({ kind: 'figure' as const, figure })), ...tables.map((table) => ({ kind: 'table' as const, table }))];
  const html = renderHtml(
    'Section 2 toy model: class-wise robustness of a linear classifier',
    [
      `Binary task of the paper's Section 2 (eq. 5) with ${formatParams(o)}: y uniform on {−1,+1}; x₁ = y with probability p_y, else −y; ` +
        'x₂..x_{d+1} ~ N(ηy, σ²). The classifier is f_w(x) = sign(x₁ + (x₂+…+x_{d+1})/w); larger w means more weight on the robust feature (stronger adversarial training).',
    ],
    [{ heading: 'Figures and tables', blocks }],
  );
  return writeReport(out, 'toy.html', html, rendered, tables);
}
