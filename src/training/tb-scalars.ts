// What a run's TensorBoard files hold (RUN_DIR/tb, step = the 0-based epoch of log.jsonl), and what `cfa eval` writes.
// Per-class tags end in <k>_<class name> (k zero-padded, so that they sort by class index; characters other than
// letters, digits, '.', '-' and '_' become '_'). Accuracies are fractions in [0, 1].
//   train/loss, train/lr, train/clean, train/robust, train/{clean,robust}_class/<k>_<name>
//   eps_class/<k>_<name> (ε_k), beta_class/<k>_<name> (β_k, TRADES family), fat_tau, frl/{nat,bndy}_class/<k>_<name>
//   {valid,test}/{model,ema,fawa}/{clean,robust,worst_clean,worst_robust}, …/{clean,robust}_class/<k>_<name>
//   selection/{model,ema,fawa}
//   eval:  <prefix>/{clean,robust,worst_clean,worst_robust,worst20_robust,classwise_variance}, <prefix>/{clean,robust}_class/<k>_<name>
import * as fs from 'fs';
import * as path from 'path';
import { appendEvent, eventFileName, removeEventFiles, Scalars, writeEventFile } from './event-file';
import { EpochRecord, EvalResult, SplitAccuracy } from '../formats';

/** Per-class tag suffixes: <k>_<name>. */
export function classTags(classNames: readonly string[]): string[] {
  const width = String(Math.max(0, classNames.length - 1)).length;
  return classNames.map((n, k) => `${String(k).padStart(width, '0')}_${n.replace(/[^A-Za-z0-9._-]/g, '_')}`);
}

function perClass(out: Scalars, prefix: string, values: readonly number[], tags: readonly string[]): void {
  values.forEach((v, k) => out.push([`${prefix}/${tags[k] ?? k}`, v]));
}

function split(out: Scalars, prefix: string, a: SplitAccuracy, tags: readonly string[]): void {
  out.push([`${prefix}/clean`, a.clean], [`${prefix}/robust`, a.robust], [`${prefix}/worst_clean`, a.worstClean], [`${prefix}/worst_robust`, a.worstRobust]);
  perClass(out, `${prefix}/clean_class`, a.cleanPerClass, tags);
  perClass(out, `${prefix}/robust_class`, a.robustPerClass, tags);
}

/** The scalars of one epoch record. */
export function epochScalars(r: EpochRecord, classNames: readonly string[]): Scalars {
  const tags = classTags(classNames);
  const out: Scalars = [
    ['train/loss', r.train.loss],
    ['train/lr', r.lr],
    ['train/clean', r.train.clean],
    ['train/robust', r.train.robust],
  ];
  perClass(out, 'train/clean_class', r.train.cleanPerClass, tags);
  perClass(out, 'train/robust_class', r.train.robustPerClass, tags);
  perClass(out, 'eps_class', r.epsPerClass, tags);
  if (r.betaPerClass) perClass(out, 'beta_class', r.betaPerClass, tags);
  if (r.fatTau !== undefined) out.push(['fat_tau', r.fatTau]);
  if (r.classWeights) {
    perClass(out, 'frl/nat_class', r.classWeights.nat, tags);
    perClass(out, 'frl/bndy_class', r.classWeights.bndy, tags);
  }
  for (const s of ['valid', 'test'] as const) {
    const models = r[s];
    if (!models) continue;
    for (const m of ['model', 'ema', 'fawa'] as const) {
      const a = models[m];
      if (a) split(out, `${s}/${m}`, a, tags);
    }
  }
  for (const m of ['model', 'ema', 'fawa'] as const) {
    const v = r.selection[m];
    if (v !== undefined) out.push([`selection/${m}`, v]);
  }
  return out;
}

/** The scalars of one `cfa eval` result under `prefix`. */
export function evalScalars(r: EvalResult, prefix: string): Scalars {
  const tags = classTags(r.classNames);
  const out: Scalars = [
    [`${prefix}/clean`, r.cleanAccuracy],
    [`${prefix}/robust`, r.robustAccuracy],
    [`${prefix}/worst_clean`, r.worstClassClean],
    [`${prefix}/worst_robust`, r.worstClassRobust],
    [`${prefix}/worst20_robust`, r.worst20Robust],
    [`${prefix}/classwise_variance`, r.classwiseVariance],
  ];
  perClass(out, `${prefix}/clean_class`, r.cleanPerClass, tags);
  perClass(out, `${prefix}/robust_class`, r.robustPerClass, tags);
  return out;
}

export function tbDir(runDir: string): string {
  return path.join(runDir, 'tb');
}

/**
 * Starts the run's event file: a new run gets an empty one; a resumed run replaces the old files with one holding
 * every record of the reconciled log.jsonl, so that TensorBoard never shows an epoch twice. Returns the file to append to.
 */
export function startRunEvents(runDir: string, classNames: readonly string[], records: readonly EpochRecord[]): string {
  const dir = tbDir(runDir);
  fs.mkdirSync(dir, { recursive: true });
  removeEventFiles(dir);
  const file = eventFileName(dir);
  const now = Date.now() / 1000;
  writeEventFile(file, records.map((r) => ({ step: r.epoch, wallTime: now, scalars: epochScalars(r, classNames) })), now);
  return file;
}

/** Appends one epoch to the run's event file. */
export function appendEpochEvents(file: string, record: EpochRecord, classNames: readonly string[]): void {
  appendEvent(file, record.epoch, epochScalars(record, classNames));
}
