// Text output of a run: one line per epoch and per-class tables of the best checkpoints.
import { formatEps } from '../eps-format';
import { TrainConfig } from './config';
import { defaultFairnessMetric, metricName } from './fairness-measure';
import { EpochRecord, SplitAccuracy } from '../formats';
import { Averaged } from './selection';

const pct = (v: number) => (100 * v).toFixed(1);

/** Aligned plain-text table; the first column is left-aligned, the others right-aligned. */
export function formatTable(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function brief(a: SplitAccuracy): string {
  return `${pct(a.clean)}/${pct(a.robust)} (worst ${pct(a.worstRobust)})`;
}

/** "epoch 3/8  lr 0.05  loss 1.2345  train robust 41.2%  valid model clean/robust 78.1/45.2 (worst 12.0) …  12.3 s". */
export function formatEpochLine(cfg: TrainConfig, r: EpochRecord): string {
  const parts = [`epoch ${r.epoch + 1}/${cfg.epochs}`, `lr ${r.lr.toPrecision(3)}`, `loss ${r.train.loss.toFixed(4)}`, `train robust ${pct(r.train.robust)}%`, `valid clean/robust model ${brief(r.valid.model)}`];
  if (r.valid.ema) parts.push(`ema ${brief(r.valid.ema)}`);
  if (r.valid.fawa) parts.push(`fawa ${brief(r.valid.fawa)}${r.fawaUpdated ? '' : ' (not updated)'}`);
  else if (cfg.cfa.fawa) parts.push('fawa not yet accepted');
  const best = (['model', 'ema', 'fawa'] as const).filter((w) => r.newBest[w]);
  if (best.length) parts.push(`new best: ${best.join(', ')}`);
  parts.push(`${r.seconds.toFixed(1)} s`);
  return parts.join('  ');
}

/** Index of the record holding the best checkpoint of `which`: the last one flagged newBest, else the last record. */
export function bestRecord(records: EpochRecord[], which: Averaged): number {
  for (let i = records.length - 1; i >= 0; i--) if (records[i].newBest[which]) return i;
  return records.length - 1;
}

/** Columns "<title> clean" and "<title> robust" for one accuracy record, rows per class then average and worst class. */
export interface Column {
  title: string;
  acc: SplitAccuracy;
}

/** A per-class table: one clean and one robust column per entry, then the average and worst-class rows. */
export function classTable(classNames: string[], columns: Column[]): string {
  const header = ['class', ...columns.flatMap((c) => [`${c.title} clean`, `${c.title} robust`])];
  const rows = classNames.map((name, k) => [name, ...columns.flatMap((c) => [pct(c.acc.cleanPerClass[k]), pct(c.acc.robustPerClass[k])])]);
  rows.push(['average', ...columns.flatMap((c) => [pct(c.acc.clean), pct(c.acc.robust)])]);
  rows.push(['worst class', ...columns.flatMap((c) => [pct(c.acc.worstClean), pct(c.acc.worstRobust)])]);
  return formatTable(header, rows);
}

/** The end-of-run table: per class, the validation (and, when monitored, test) accuracy of each best checkpoint. */
export function runSummary(cfg: TrainConfig, records: EpochRecord[]): string {
  if (!records.length) return 'no completed epoch';
  const out: string[] = [];
  for (const split of ['valid', 'test'] as const) {
    const columns: Column[] = [];
    for (const which of ['model', 'ema', 'fawa'] as const) {
      const i = bestRecord(records, which);
      const acc = records[i][split]?.[which];
      if (acc) columns.push({ title: `${which}@${records[i].epoch + 1}`, acc });
    }
    if (!columns.length) continue;
    const attack = `PGD-${cfg.evalSteps} ε=${formatEps(cfg.eps)}`;
    const by = metricName(cfg.selectionMetric ?? defaultFairnessMetric(cfg.numClasses));
    out.push(`${split === 'valid' ? 'Validation' : 'Test'} accuracy (%) of the best checkpoints (selected on ${cfg.selectOn} by robust + ${by} robust; robust = ${attack}; name@epoch):`);
    out.push(classTable(cfg.classNames, columns), '');
  }
  return out.join('\n');
}
