// The Table-1-style comparison: for every model of every group (X, X+EMA, X+CFA …), clean and robust accuracy at the
// best and the last checkpoint, as "average / worst class", mean ± std over seeds, with every number's evaluation.
import { pct } from './describe';
import { Aggregate, aggregate, Checkpoint, checkpointMeasures, Stat } from './measures';
import { ModelKind, modelLabel, RunGroup, loggedKinds } from './run-groups';
import { Cell, Table } from './table';

export interface ModelRow {
  group: RunGroup;
  kind: ModelKind;
  label: string;
  best?: Aggregate;
  last?: Aggregate;
}

/** Every model logged by all runs of a group, with its best and last measures. */
export function modelRows(groups: RunGroup[]): ModelRow[] {
  const rows: ModelRow[] = [];
  for (const g of groups) {
    const kinds = loggedKinds(g.runs[0]).filter((k) => g.runs.every((r) => loggedKinds(r).includes(k)));
    for (const kind of kinds) {
      const at = (c: Checkpoint) => {
        const ms = checkpointMeasures(g, kind, c);
        return ms ? aggregate(ms) : undefined;
      };
      rows.push({ group: g, kind, label: modelLabel(g.runs[0].config, kind) + g.suffix, best: at('best'), last: at('last') });
    }
  }
  return rows;
}

/** "46.7 ± 0.5" in percent (no ± for one run). */
export function showStat(s: Stat): string {
  return s.std === undefined ? pct(s.mean) : `${pct(s.mean)} ± ${pct(s.std)}`;
}

const CHECKPOINTS: Checkpoint[] = ['best', 'last'];
const STATS = ['clean', 'worstClean', 'robust', 'worstRobust', 'worst20Robust', 'classStdRobust'] as const;
const COLUMN = { clean: 'clean_avg', worstClean: 'clean_worst', robust: 'robust_avg', worstRobust: 'robust_worst', worst20Robust: 'robust_worst20', classStdRobust: 'robust_class_std' };

/**
 * Table 1 of the paper for these runs. Raw rows (fractions in [0, 1], one per model and checkpoint) go to CSV/JSON; the
 * page shows percentages as "avg / worst" with a numbered note per evaluation.
 */
export function comparisonTable(rows: ModelRow[]): Table {
  const notes: string[] = [];
  const note = (source: string) => {
    if (!notes.includes(source)) notes.push(source);
    return `[${notes.indexOf(source) + 1}]`;
  };
  const columns = ['model', 'runs', 'seeds', 'checkpoint', ...STATS.flatMap((s) => [`${COLUMN[s]}_mean`, `${COLUMN[s]}_std`]), 'evaluation', 'measured_at'];
  const raw: Record<string, Cell>[] = [];
  const shown: string[][] = [];
  for (const r of rows) {
    const seeds = r.group.runs.map((x) => x.config.seed).join(' ');
    const line = [r.label, String(r.group.runs.length)];
    for (const c of CHECKPOINTS) {
      const a = r[c];
      if (!a) {
        line.push('n/a', 'n/a');
        continue;
      }
      const mark = note(a.source);
      line.push(`${showStat(a.clean)} / ${showStat(a.worstClean)} ${mark}`, `${showStat(a.robust)} / ${showStat(a.worstRobust)} ${mark}`);
      const row: Record<string, Cell> = { model: r.label, runs: r.group.runs.map((x) => x.name).join(' '), seeds, checkpoint: c };
      for (const s of STATS) {
        row[`${COLUMN[s]}_mean`] = a[s].mean;
        row[`${COLUMN[s]}_std`] = a[s].std ?? null;
      }
      row.evaluation = a.source;
      row.measured_at = a.details.join('; ');
      raw.push(row);
    }
    shown.push(line);
  }
  return {
    id: 'comparison',
    title: 'Table 1 style comparison: clean and robust accuracy (%), average / worst class',
    caption:
      'Best = the checkpoint with the highest logged selection index (overall + worst-class robust accuracy); Last = the final logged epoch. ' +
      'Mean ± sample standard deviation over runs that differ only by seed (no ± for a single run). Evaluations: ' +
      notes.map((n, i) => `[${i + 1}] ${n}`).join(' ') +
      ' The CSV/JSON files hold the same numbers as fractions in [0, 1], with the worst-20% class average, the class-wise standard deviation and the epochs or files each number comes from.',
    columns,
    rows: raw,
    display: {
      header: ['Model', 'Runs', 'Best: clean', 'Best: robust', 'Last: clean', 'Last: robust'],
      rows: shown,
    },
  };
}

/** Fairness details per model and checkpoint: worst-20% class average and class-wise standard deviation of robust accuracy. */
export function fairnessTable(rows: ModelRow[]): Table {
  const columns = ['model', 'checkpoint', 'robust_worst20_mean', 'robust_worst20_std', 'robust_class_std_mean', 'robust_class_std_std', 'evaluation'];
  const raw: Record<string, Cell>[] = [];
  const shown: string[][] = [];
  for (const r of rows) {
    for (const c of CHECKPOINTS) {
      const a = r[c];
      if (!a) continue;
      raw.push({
        model: r.label, checkpoint: c,
        robust_worst20_mean: a.worst20Robust.mean, robust_worst20_std: a.worst20Robust.std ?? null,
        robust_class_std_mean: a.classStdRobust.mean, robust_class_std_std: a.classStdRobust.std ?? null,
        evaluation: a.source,
      });
      shown.push([r.label, c, showStat(a.worst20Robust), showStat(a.classStdRobust), a.source]);
    }
  }
  return {
    id: 'fairness',
    title: 'Robust fairness details (%): worst-20% class average and class-wise standard deviation',
    caption:
      'Worst-20% = mean of the ⌈0.2K⌉ lowest class-wise robust accuracies; class-wise std = population standard deviation of the K class-wise robust accuracies. ' +
      'Mean ± sample standard deviation over seeds.',
    columns,
    rows: raw,
    display: { header: ['Model', 'Checkpoint', 'Robust worst-20%', 'Robust class-wise std', 'Evaluation'], rows: shown },
  };
}
