// `cfa report`: from run directories to one HTML page with every figure and table of the paper's evidence (Table 1,
// Figs. 2-7), plus SVG/PNG per figure and CSV/JSON per table. Every number says how it was measured.
import * as path from 'path';
import { UserError } from '../errors';
import { calibrationFigure } from './calibration-figure';
import { classwiseFigure, ClasswiseSeries } from './classwise-figure';
import { comparisonTable, fairnessTable, ModelRow, modelRows } from './comparison-table';
import { describeEval, formatEps } from './describe';
import { averagingFigure, fluctuationFigure, groupCurvesFigure } from './epoch-figures';
import { Figure, renderFigure, RenderedFigure } from './figure';
import { Block, renderHtml, Section } from './html';
import { aggregate, Measure, windowMeasure } from './measures';
import { writeReport, WrittenReport } from './output';
import { groupRuns, methodLabel, ModelKind, RunGroup } from './run-groups';
import { LoadedRun, loadRun } from './run-loader';
import { Table } from './table';

export interface ReportOptions {
  /** Output folder (created). */
  out: string;
  /** Epoch windows (1-based, inclusive) to average class-wise accuracy over, e.g. [[101, 120], [181, 200]] (default none). */
  windows?: [number, number][];
  /** Models shown in the class-wise figures (default all logged: model, ema, fawa). */
  models?: ModelKind[];
  /** Write PNGs next to the SVGs (default true). */
  png?: boolean;
  /** Version string shown on the page. */
  version?: string;
}

export interface BuiltReport {
  groups: RunGroup[];
  figures: Figure[];
  tables: Table[];
  sections: Section[];
  notes: string[];
}

/** Assembles figures, tables and page sections from loaded runs (no rendering, no files). */
export function buildReport(runs: LoadedRun[], opts: Pick<ReportOptions, 'windows' | 'models'> = {}): BuiltReport {
  if (runs.length === 0) throw new UserError('cfa report: give at least one run directory');
  const names = JSON.stringify(runs[0].config.classNames);
  for (const r of runs) {
    if (JSON.stringify(r.config.classNames) !== names) {
      throw new UserError(`${path.join(r.dir, 'config.json')}: classNames differ from those of ${runs[0].dir}; report runs of one dataset together`);
    }
  }
  const classNames = runs[0].config.classNames;
  const groups = groupRuns(runs);
  const rows = modelRows(groups);
  const notes: string[] = [];
  const figures: Figure[] = [];
  const tables: Table[] = [];
  const sections: Section[] = [];
  const ids = new Set<string>();
  const unique = (id: string) => {
    let u = id;
    for (let i = 2; ids.has(u); i++) u = `${id}-${i}`;
    ids.add(u);
    return u;
  };
  const addFigure = (f: Figure): Block => {
    const fig = { ...f, id: unique(f.id) };
    figures.push(fig);
    return { kind: 'figure', figure: fig as RenderedFigure };
  };
  const addTable = (t: Table, collapsed = false): Block => {
    tables.push(t);
    return { kind: 'table', table: t, collapsed };
  };

  sections.push({ heading: 'Runs', blocks: [addTable(runsTable(groups))] });

  const comparison = comparisonTable(rows);
  sections.push({
    heading: 'Best and last checkpoints (Table 1)',
    blocks: [addTable(comparison), addTable(fairnessTable(rows))],
  });

  const shown = rows.filter((r) => !opts.models || opts.models.includes(r.kind));
  const classwise: Block[] = [];
  for (const c of ['best', 'last'] as const) {
    const series: ClasswiseSeries[] = shown.filter((r) => r[c]).map((r) => ({ label: r.label, agg: r[c]! }));
    if (series.length === 0) continue;
    const { figure, table } = classwiseFigure(
      `classwise-${c}`,
      `Class-wise accuracy at the ${c} checkpoint`,
      `Paper Figs. 3 and 6 style, ${c === 'best' ? 'at the best checkpoint (highest logged overall + worst-class robust accuracy)' : 'at the last logged epoch'}.`,
      series,
      classNames,
    );
    classwise.push(addFigure(figure), addTable(table, true));
  }
  for (const [from, to] of opts.windows ?? []) {
    const series = windowSeries(shown, from, to);
    if (series.length === 0) {
      notes.push(`No logged epoch falls in the window ${from}–${to}; its class-wise figure is left out.`);
      continue;
    }
    const { figure, table } = classwiseFigure(
      `classwise-epochs-${from}-${to}`,
      `Class-wise accuracy averaged over epochs ${from}–${to}`,
      'Paper Figs. 2(b)-(c) and 3 style: logged class-wise accuracy averaged over the epochs of the window.',
      series,
      classNames,
    );
    classwise.push(addFigure(figure), addTable(table, true));
  }
  sections.push({ heading: 'Class-wise accuracy (Figs. 2, 3, 6)', blocks: classwise });

  const curves: Block[] = [];
  if (groups.length > 1) curves.push(addFigure(groupCurvesFigure(groups)));
  for (const g of groups) curves.push(addFigure(fluctuationFigure(g)));
  sections.push({ heading: 'Robust accuracy per epoch and worst-class fluctuation (Figs. 2a, 4a, 5a)', blocks: curves });

  const averaging: Block[] = [];
  for (const g of groups) {
    const f = averagingFigure(g);
    if (f) averaging.push(addFigure(f));
    else notes.push(`${g.label}: no EMA or FAWA model logged, so no model-vs-EMA-vs-FAWA figure.`);
  }
  if (averaging.length) sections.push({ heading: 'Current model vs EMA vs FAWA (Fig. 4b)', blocks: averaging });

  const calibration: Block[] = [];
  for (const g of groups) {
    const f = calibrationFigure(g);
    if (f) calibration.push(addFigure(f));
    else notes.push(`${g.label}: ε_k and β_k were equal for all classes in every epoch (no CCM/CCR), so no calibration figure.`);
  }
  if (calibration.length) sections.push({ heading: 'Class-wise calibrated budgets ε_k and β_k (Figs. 5b, 7b)', blocks: calibration });

  const evals = evalTable(runs);
  if (evals.rows.length) sections.push({ heading: 'Evaluation files', blocks: [addTable(evals)] });

  sections.push({
    heading: 'Configurations',
    blocks: groups.map((g) => ({
      kind: 'pairs' as const,
      summary: `${g.label}: full configuration (config.json) of runs ${g.runs.map((r) => r.name).join(', ')}`,
      pairs: configPairs(g),
    })),
  });
  if (notes.length) sections.push({ heading: 'Notes', blocks: [{ kind: 'list', items: notes }] });
  return { groups, figures, tables, sections, notes };
}

function windowSeries(rows: ModelRow[], from: number, to: number): ClasswiseSeries[] {
  const out: ClasswiseSeries[] = [];
  for (const r of rows) {
    const ms = r.group.runs.map((run) => windowMeasure(run, r.kind, from, to));
    if (ms.every((m): m is Measure => m !== undefined)) out.push({ label: r.label, agg: aggregate(ms) });
  }
  return out;
}

function runsTable(groups: RunGroup[]): Table {
  const rows = groups.flatMap((g) =>
    g.runs.map((r) => ({
      run: r.name,
      directory: r.dir,
      group: g.label,
      method: methodLabel(r.config),
      dataset: r.config.dataset,
      arch: r.config.arch,
      eps: formatEps(r.config.eps),
      seed: r.config.seed,
      epochs_logged: r.epochs.length,
      epochs_configured: r.config.epochs,
      eval_files: r.evals.map((e) => path.basename(e.file)).join(' '),
    })),
  );
  return {
    id: 'runs',
    title: 'Runs in this report',
    caption: 'One line per run directory; runs whose configurations differ only by seed form one group and are shown as mean ± std.',
    columns: ['run', 'directory', 'group', 'method', 'dataset', 'arch', 'eps', 'seed', 'epochs_logged', 'epochs_configured', 'eval_files'],
    rows,
  };
}

function evalTable(runs: LoadedRun[]): Table {
  const rows = runs.flatMap((r) =>
    r.evals.map((e) => ({
      run: r.name,
      file: path.basename(e.file),
      model: e.result.model,
      evaluation: describeEval(e),
      clean: e.result.cleanAccuracy,
      robust: e.result.robustAccuracy,
      worst_clean: e.result.worstClassClean,
      worst_robust: e.result.worstClassRobust,
      per_attack: (e.result.perAttack ?? []).map((p) => `${p.attack}: ${(100 * p.robustAccuracy).toFixed(2)}%`).join('; '),
    })),
  );
  return {
    id: 'evaluations',
    title: 'Evaluation files (cfa eval)',
    caption: 'Every eval-*.json found in the run directories; accuracies as fractions in [0, 1]; per_attack is the running robust accuracy after each attack of an ensemble.',
    columns: ['run', 'file', 'model', 'evaluation', 'clean', 'robust', 'worst_clean', 'worst_robust', 'per_attack'],
    rows,
  };
}

function configPairs(g: RunGroup): [string, string][] {
  const pairs: [string, string][] = [];
  const walk = (v: unknown, key: string) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) walk(x, key ? `${key}.${k}` : k);
    else pairs.push([key, key === 'seed' ? g.runs.map((r) => r.config.seed).join(', ') : JSON.stringify(v)]);
  };
  walk(g.runs[0].config, '');
  return pairs;
}

/** Loads the runs, builds and renders everything and writes OUT/report.html, OUT/figures/*, OUT/tables/*. */
export async function writeRunReport(dirs: string[], opts: ReportOptions): Promise<WrittenReport & { notes: string[]; tables: Table[] }> {
  const runs = dirs.map(loadRun);
  const built = buildReport(runs, opts);
  const rendered = new Map<string, RenderedFigure>();
  for (const f of built.figures) rendered.set(f.id, await renderFigure(f, opts.png ?? true));
  for (const s of built.sections) {
    for (const b of s.blocks) if (b.kind === 'figure') b.figure = rendered.get(b.figure.id)!;
  }
  const intro = [
    `Report of ${runs.length} run${runs.length > 1 ? 's' : ''} in ${built.groups.length} group${built.groups.length > 1 ? 's' : ''}${opts.version ? `, made by cfa ${opts.version}` : ''}, from ${dirs.join(', ')}.`,
    'Accuracies are in percent; epochs are numbered from 1. Each table and figure states the attack, ε, split and number of points of its numbers: ' +
      'numbers from eval-*.json files (cfa eval) are used for the best/last checkpoints when every run of a group has one; otherwise the validation (or test) numbers logged by cfa train each epoch are shown and labelled as such.',
  ];
  const html = renderHtml('Class-wise robustness report', intro, built.sections);
  const written = writeReport(opts.out, 'report.html', html, [...rendered.values()], built.tables);
  return { ...written, notes: built.notes, tables: built.tables };
}
