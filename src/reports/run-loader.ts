// Reads a run directory (src/formats/run.ts) for reporting: config.json, log.jsonl and any eval-*.json.
// Every problem is a UserError naming the file, the line for log.jsonl, and the field.
import * as fs from 'fs';
import * as path from 'path';
import { UserError } from '../errors';
import { EpochRecord, EvalResult, RunConfig, SplitAccuracy } from '../formats';
import { upgradeConfig } from '../training/defaults';

export interface LoadedEval {
  file: string;
  result: EvalResult;
}

export interface LoadedRun {
  dir: string;
  /** The directory's base name, used to name the run. */
  name: string;
  config: RunConfig;
  epochs: EpochRecord[];
  evals: LoadedEval[];
}

type Json = Record<string, unknown>;

/** A field checker that names where it looks (file, line, field path) in its errors. */
class Checker {
  constructor(private readonly where: string) {}

  fail(field: string, expected: string, got: unknown): never {
    const shown = got === undefined ? 'nothing' : JSON.stringify(got)?.slice(0, 80);
    throw new UserError(`${this.where}: field '${field}': expected ${expected}, got ${shown}`);
  }
  object(v: unknown, field: string): Json {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.fail(field, 'an object', v);
    return v as Json;
  }
  number(v: unknown, field: string): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(field, 'a finite number', v);
    return v;
  }
  /** A per-class accuracy: a fraction, or null for a class without points (NaN in memory, src/metrics/classwise.ts). */
  classAccuracy(v: unknown, field: string): number {
    return v === null ? NaN : this.fraction(v, field);
  }
  fraction(v: unknown, field: string): number {
    const x = this.number(v, field);
    if (x < 0 || x > 1) this.fail(field, 'a fraction in [0, 1]', v);
    return x;
  }
  string(v: unknown, field: string): string {
    if (typeof v !== 'string') this.fail(field, 'a string', v);
    return v;
  }
  boolean(v: unknown, field: string): boolean {
    if (typeof v !== 'boolean') this.fail(field, 'true or false', v);
    return v;
  }
  numbers(v: unknown, field: string, length: number, each: (x: unknown, f: string) => number = (x, f) => this.number(x, f)): number[] {
    if (!Array.isArray(v) || v.length !== length) this.fail(field, `an array of ${length} numbers`, v);
    return v.map((x, i) => each(x, `${field}[${i}]`));
  }
}

function readText(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${file}: cannot read ${what}${code === 'ENOENT' ? ' (missing: is this a run directory written by cfa train?)' : ` (${code})`}`);
  }
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UserError(`${where}: not valid JSON (${(e as Error).message})`);
  }
}

function checkConfig(raw: unknown, file: string): RunConfig {
  const c = new Checker(file);
  const o = c.object(raw, '(top level)');
  const k = c.number(o.numClasses, 'numClasses');
  if (!Number.isInteger(k) || k < 2) c.fail('numClasses', 'an integer ≥ 2', o.numClasses);
  if (!Array.isArray(o.classNames) || o.classNames.length !== k || o.classNames.some((n) => typeof n !== 'string')) {
    c.fail('classNames', `an array of ${k} strings`, o.classNames);
  }
  if (!['at', 'trades', 'fat', 'frl', 'mart'].includes(o.method as string)) c.fail('method', 'one of at, trades, fat, frl, mart', o.method);
  const cfa = c.object(o.cfa, 'cfa');
  for (const key of ['ccm', 'ccr', 'fawa', 'ema']) c.boolean(cfa[key], `cfa.${key}`);
  c.string(o.dataset, 'dataset');
  c.string(o.arch, 'arch');
  c.number(o.eps, 'eps');
  c.number(o.stepSize, 'stepSize');
  c.number(o.steps, 'steps');
  c.number(o.epochs, 'epochs');
  c.number(o.seed, 'seed');
  if (o.beta !== undefined) c.number(o.beta, 'beta');
  return upgradeConfig(o) as unknown as RunConfig;
}

function checkSplit(c: Checker, v: unknown, field: string, k: number): SplitAccuracy {
  const o = c.object(v, field);
  c.number(o.n, `${field}.n`);
  c.numbers(o.nPerClass, `${field}.nPerClass`, k);
  for (const key of ['clean', 'robust', 'worstRobust', 'worstClean']) c.fraction(o[key], `${field}.${key}`);
  for (const key of ['cleanPerClass', 'robustPerClass']) o[key] = c.numbers(o[key], `${field}.${key}`, k, (x, f) => c.classAccuracy(x, f));
  return o as unknown as SplitAccuracy;
}

function checkRecord(raw: unknown, where: string, k: number): EpochRecord {
  const c = new Checker(where);
  const o = c.object(raw, '(line)');
  const epoch = c.number(o.epoch, 'epoch');
  if (!Number.isInteger(epoch) || epoch < 0) c.fail('epoch', 'an integer ≥ 0', o.epoch);
  c.number(o.lr, 'lr');
  c.number(o.seconds, 'seconds');
  c.numbers(o.epsPerClass, 'epsPerClass', k);
  if (o.betaPerClass !== undefined) c.numbers(o.betaPerClass, 'betaPerClass', k);
  const train = c.object(o.train, 'train');
  c.number(train.loss, 'train.loss');
  for (const key of ['robust', 'clean']) c.fraction(train[key], `train.${key}`);
  for (const key of ['robustPerClass', 'cleanPerClass']) train[key] = c.numbers(train[key], `train.${key}`, k, (x, f) => c.classAccuracy(x, f));
  for (const split of ['valid', 'test']) {
    if (split === 'test' && o.test === undefined) continue;
    const s = c.object(o[split], split);
    checkSplit(c, s.model, `${split}.model`, k);
    for (const avg of ['ema', 'fawa']) if (s[avg] !== undefined) checkSplit(c, s[avg], `${split}.${avg}`, k);
  }
  c.boolean(o.fawaUpdated, 'fawaUpdated');
  c.boolean(o.emaUpdated, 'emaUpdated');
  const sel = c.object(o.selection, 'selection');
  c.number(sel.model, 'selection.model');
  for (const avg of ['ema', 'fawa']) if (sel[avg] !== undefined) c.number(sel[avg], `selection.${avg}`);
  const best = c.object(o.newBest, 'newBest');
  for (const key of ['model', 'ema', 'fawa']) c.boolean(best[key], `newBest.${key}`);
  return o as unknown as EpochRecord;
}

function checkEval(raw: unknown, file: string, k: number): EvalResult {
  const c = new Checker(file);
  const o = c.object(raw, '(top level)');
  for (const key of ['model', 'attack', 'threatModel', 'dataset']) c.string(o[key], key);
  for (const key of ['eps', 'n', 'seed']) c.number(o[key], key);
  for (const key of ['cleanAccuracy', 'robustAccuracy', 'worstClassClean', 'worstClassRobust']) c.fraction(o[key], key);
  for (const key of ['cleanPerClass', 'robustPerClass']) o[key] = c.numbers(o[key], key, k, (x, f) => c.classAccuracy(x, f));
  return o as unknown as EvalResult;
}

/** Parses log.jsonl text: one EpochRecord per non-empty line, epochs strictly increasing. */
export function parseLog(text: string, file: string, numClasses: number): EpochRecord[] {
  const out: EpochRecord[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${file}:${i + 1}`;
    const rec = checkRecord(parseJson(line, where), where, numClasses);
    if (out.length > 0 && rec.epoch <= out[out.length - 1].epoch) {
      throw new UserError(`${where}: field 'epoch': expected an epoch after ${out[out.length - 1].epoch}, got ${rec.epoch}`);
    }
    out.push(rec);
  });
  if (out.length === 0) throw new UserError(`${file}: no epoch logged yet (the file is empty)`);
  return out;
}

/** Loads and checks one run directory. */
export function loadRun(dir: string): LoadedRun {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UserError(`${dir}: not a directory`);
  const configFile = path.join(dir, 'config.json');
  const config = checkConfig(parseJson(readText(configFile, 'the run configuration'), configFile), configFile);
  const logFile = path.join(dir, 'log.jsonl');
  const epochs = parseLog(readText(logFile, 'the training log'), logFile, config.numClasses);
  const evals = fs
    .readdirSync(dir)
    .filter((f) => /^eval-.*\.json$/.test(f))
    .sort()
    .map((f) => {
      const file = path.join(dir, f);
      return { file, result: checkEval(parseJson(readText(file, 'an evaluation result'), file), file, config.numClasses) };
    });
  return { dir, name: path.basename(path.resolve(dir)), config, epochs, evals };
}
