// The numbers behind tables and class-wise figures: one model of one run at its best or last checkpoint (from an
// eval-*.json file when every run of the group has one with the same evaluation, else from the training log), or
// averaged over a window of logged epochs; and their mean ± std over the seeds of a group.
import * as path from 'path';
import { EpochRecord } from '../formats';
import { classwiseStd, worstClass, worstFractionMean } from '../metrics';
import { describeLogged, evalAttack } from './describe';
import { ModelKind, RunGroup } from './run-groups';
import { LoadedEval, LoadedRun } from './run-loader';

export type Checkpoint = 'best' | 'last';

export interface Measure {
  clean: number;
  robust: number;
  worstClean: number;
  worstRobust: number;
  cleanPerClass: number[];
  robustPerClass: number[];
  /** How it was measured, the same for every seed of a group (attack, ε, split, points). */
  source: string;
  /** Which epoch or file of the run it comes from. */
  detail: string;
}

/** Index in run.epochs of the best checkpoint of a model: the last epoch flagged newBest, else the highest selection index. */
export function bestIndex(run: LoadedRun, kind: ModelKind): number | undefined {
  for (let i = run.epochs.length - 1; i >= 0; i--) if (run.epochs[i].newBest[kind]) return i;
  let best: number | undefined;
  run.epochs.forEach((e, i) => {
    const v = e.selection[kind];
    if (v !== undefined && (best === undefined || v > run.epochs[best].selection[kind]!)) best = i;
  });
  return best;
}

/** The split a record reports for a model: test when logged (--monitor-test), else valid. */
function loggedSplit(rec: EpochRecord, kind: ModelKind): 'test' | 'valid' | undefined {
  if (rec.test?.[kind]) return 'test';
  return rec.valid[kind] ? 'valid' : undefined;
}

/** The logged accuracies of a model at one record (epochs are shown 1-based). */
export function loggedMeasure(run: LoadedRun, index: number, kind: ModelKind): Measure | undefined {
  const rec = run.epochs[index];
  const split = loggedSplit(rec, kind);
  if (!split) return undefined;
  const s = rec[split]![kind]!;
  return {
    clean: s.clean,
    robust: s.robust,
    worstClean: s.worstClean,
    worstRobust: s.worstRobust,
    cleanPerClass: s.cleanPerClass,
    robustPerClass: s.robustPerClass,
    source: describeLogged(run.config, split, s.n),
    detail: `${run.name}: epoch ${rec.epoch + 1}`,
  };
}

/** Averages of the logged accuracies over epochs from..to (1-based, inclusive); worst = min of the averaged classes. */
export function windowMeasure(run: LoadedRun, kind: ModelKind, from: number, to: number): Measure | undefined {
  const ms = run.epochs
    .map((e, i) => (e.epoch + 1 >= from && e.epoch + 1 <= to ? loggedMeasure(run, i, kind) : undefined))
    .filter((m): m is Measure => m !== undefined);
  if (ms.length === 0) return undefined;
  const avg = (f: (m: Measure) => number) => ms.reduce((s, m) => s + f(m), 0) / ms.length;
  const perClass = (f: (m: Measure) => number[]) => f(ms[0]).map((_, k) => avg((m) => f(m)[k]));
  const cleanPerClass = perClass((m) => m.cleanPerClass);
  const robustPerClass = perClass((m) => m.robustPerClass);
  const sources = [...new Set(ms.map((m) => m.source))].join('; ');
  return {
    clean: avg((m) => m.clean),
    robust: avg((m) => m.robust),
    worstClean: worstClass(cleanPerClass),
    worstRobust: worstClass(robustPerClass),
    cleanPerClass,
    robustPerClass,
    source: `mean over logged epochs ${from}–${to} of ${sources}`,
    detail: `${run.name}: ${ms.length} epochs`,
  };
}

const CHECKPOINT_NAME = /(?:^|[^a-z])(model|ema|fawa)[-_](best|last)(?:[^a-z]|$)/i;

/** The checkpoint an evaluation file evaluated, from its model field or else its file name. */
export function evalCheckpoint(e: LoadedEval): { kind: ModelKind; checkpoint: Checkpoint } | undefined {
  const m = CHECKPOINT_NAME.exec(path.basename(e.result.model)) ?? CHECKPOINT_NAME.exec(path.basename(e.file));
  return m ? { kind: m[1].toLowerCase() as ModelKind, checkpoint: m[2].toLowerCase() as Checkpoint } : undefined;
}

function evalMeasure(e: LoadedEval): Measure {
  const r = e.result;
  return {
    clean: r.cleanAccuracy,
    robust: r.robustAccuracy,
    worstClean: r.worstClassClean,
    worstRobust: r.worstClassRobust,
    cleanPerClass: r.cleanPerClass,
    robustPerClass: r.robustPerClass,
    source: evalAttack(e),
    detail: `${path.basename(path.dirname(e.file))}: ${path.basename(e.file)}`,
  };
}

/** Prefers AutoAttack, then the alphabetically first evaluation. */
function preferred(labels: string[]): string {
  return [...labels].sort((a, b) => Number(/autoattack|^aa\b/i.test(b)) - Number(/autoattack|^aa\b/i.test(a)) || a.localeCompare(b))[0];
}

/**
 * One measure per run of the group for a model at a checkpoint. Uses evaluation files when every run has one for
 * that checkpoint with the same evaluation (attack, threat model, ε, points, split; AutoAttack preferred), else the
 * training log at the best or last epoch. Undefined when some run has neither.
 */
export function checkpointMeasures(group: RunGroup, kind: ModelKind, checkpoint: Checkpoint): Measure[] | undefined {
  const perRun = group.runs.map((r) => r.evals.filter((e) => {
    const c = evalCheckpoint(e);
    return c?.kind === kind && c.checkpoint === checkpoint;
  }));
  const common = perRun.map((es) => new Set(es.map(evalAttack))).reduce((a, b) => new Set([...a].filter((x) => b.has(x))));
  if (common.size > 0) {
    const label = preferred([...common]);
    return perRun.map((es) => evalMeasure(es.find((e) => evalAttack(e) === label)!));
  }
  const out: Measure[] = [];
  for (const run of group.runs) {
    const i = checkpoint === 'last' ? run.epochs.length - 1 : bestIndex(run, kind);
    const m = i === undefined ? undefined : loggedMeasure(run, i, kind);
    if (!m) return undefined;
    const by = run.config.selectionMetric === 'worst20' ? ' by average + worst-20% robust' : run.config.selectionMetric === 'worst' ? ' by average + worst-class robust' : '';
    const selectedOn = typeof run.config.selectOn === 'string' ? `best, selected on ${run.config.selectOn}${by}` : 'best';
    out.push({ ...m, detail: `${m.detail} (${checkpoint === 'best' ? selectedOn : 'last logged'})` });
  }
  return out;
}

export interface Stat {
  mean: number;
  /** Sample standard deviation over seeds; undefined for a single run. */
  std?: number;
}

export interface Aggregate {
  runs: number;
  clean: Stat;
  robust: Stat;
  worstClean: Stat;
  worstRobust: Stat;
  /** Mean of the ⌈0.2K⌉ lowest class-wise robust accuracies (docs/methods.md#metrics). */
  worst20Robust: Stat;
  /** Population standard deviation of the class-wise robust accuracies. */
  classStdRobust: Stat;
  cleanPerClass: Stat[];
  robustPerClass: Stat[];
  source: string;
  details: string[];
}

/** Mean and sample standard deviation. */
export function stat(xs: number[]): Stat {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (xs.length < 2) return { mean };
  const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
  return { mean, std: Math.sqrt(v) };
}

/** Mean ± std over the runs' measures (one per seed). */
export function aggregate(ms: Measure[]): Aggregate {
  const k = ms[0].robustPerClass.length;
  return {
    runs: ms.length,
    clean: stat(ms.map((m) => m.clean)),
    robust: stat(ms.map((m) => m.robust)),
    worstClean: stat(ms.map((m) => m.worstClean)),
    worstRobust: stat(ms.map((m) => m.worstRobust)),
    worst20Robust: stat(ms.map((m) => worstFractionMean(m.robustPerClass, 0.2))),
    classStdRobust: stat(ms.map((m) => classwiseStd(m.robustPerClass))),
    cleanPerClass: Array.from({ length: k }, (_, c) => stat(ms.map((m) => m.cleanPerClass[c]))),
    robustPerClass: Array.from({ length: k }, (_, c) => stat(ms.map((m) => m.robustPerClass[c]))),
    source: [...new Set(ms.map((m) => m.source))].join('; '),
    details: ms.map((m) => m.detail),
  };
}

/** The split used for per-epoch curves of a run's model: test when every epoch logged it, else valid. */
export function curveSplit(run: LoadedRun, kind: ModelKind): 'test' | 'valid' {
  return run.epochs.every((e) => e.test?.[kind] !== undefined || e.valid[kind] === undefined) && run.epochs.some((e) => e.test?.[kind]) ? 'test' : 'valid';
}
