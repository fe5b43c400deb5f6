// Writes synthetic run directories in the run format (src/formats/run.ts) for report tests: plausible
// CIFAR-10-like curves from closed formulas, deterministic per seed, optionally with eval-*.json files.
import * as fs from 'fs';
import * as path from 'path';
import { makeUniform } from '../../src/data/toy';
import { EpochRecord, EvalResult, RunConfig, SplitAccuracy } from '../../src/formats';

export const CLASS_NAMES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
/** Relative hardness of the classes: bird, cat, deer, dog are the hard ones. */
const HARDNESS = [0.62, 0.72, 0.36, 0.24, 0.3, 0.4, 0.56, 0.6, 0.66, 0.62];

export interface SyntheticRun {
  method?: RunConfig['method'];
  ccm?: boolean;
  ccr?: boolean;
  fawa?: boolean;
  ema?: boolean;
  seed?: number;
  epochs?: number;
  eps?: number;
  /** Number of classes (default 10, CIFAR-10's names; more get names class-0, class-1, …). */
  classes?: number;
  /** Whether the log holds test-split numbers too (default false). */
  monitorTest?: boolean;
  /** eval-*.json files to write: model field (e.g. 'checkpoints/fawa-best.safetensors') and attack name. */
  evals?: { model: string; attack: string; file: string }[];
}

export function split(perClass: number[], cleanPerClass: number[], n: number): SplitAccuracy {
  const k = perClass.length;
  const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
  return {
    n,
    nPerClass: new Array(k).fill(n / k),
    clean: mean(cleanPerClass),
    robust: mean(perClass),
    cleanPerClass,
    robustPerClass: perClass,
    worstRobust: Math.min(...perClass),
    worstClean: Math.min(...cleanPerClass),
  };
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

/** Creates dir with config.json, log.jsonl and the requested eval files; returns the config. */
export function writeSyntheticRun(dir: string, o: SyntheticRun = {}): RunConfig {
  const method = o.method ?? 'at';
  const seed = o.seed ?? 0;
  const epochs = o.epochs ?? 30;
  const eps = o.eps ?? 8 / 255;
  const cfa = { ccm: o.ccm ?? false, ccr: o.ccr ?? false, fawa: o.fawa ?? false, ema: o.ema ?? false };
  const k = o.classes ?? 10;
  const names = k === 10 ? CLASS_NAMES : Array.from({ length: k }, (_, i) => `class-${i}`);
  const BASE = Array.from({ length: k }, (_, i) => HARDNESS[i % 10] * (1 - (0.3 * i) / k));
  const config: RunConfig = {
    version: '0.1.0', dataset: k === 10 ? 'cifar10' : 'synthetic', classNames: names, numClasses: k, arch: 'prn18', method, cfa,
    eps, stepSize: eps / 4, steps: 10, ...(method === 'trades' ? { beta: 6 } : {}), epochs, seed,
    lambda1: 0.5, lambda2: 0.5, emaDecay: 0.85, emaBegin: 5, fawaDecay: 0.85, fawaThreshold: 0.2, fawaBegin: 5,
    evalSteps: 10, evalStepSize: 2 / 255, selectOn: 'valid', device: 'cpu',
  };
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config, null, 2));
  const u = makeUniform(1000 + seed);
  const lines: string[] = [];
  let bestSel = { model: -1, ema: -1, fawa: -1 };
  let t = BASE.map(() => 0.4);
  for (let e = 0; e < epochs; e++) {
    const progress = 1 - Math.exp(-(e + 1) / (epochs / 4));
    const boost = cfa.ccm ? 0.03 : 0;
    const robust = BASE.map((b, c) => clamp01(b * progress + (c >= 2 && c <= 5 ? boost : 0) + 0.08 * (u() - 0.5)));
    const clean = robust.map((r) => clamp01(0.3 + r));
    const smooth = (shift: number) => BASE.map((b, c) => clamp01(b * progress + shift + (c >= 2 && c <= 5 ? boost : 0) + 0.01 * (u() - 0.5)));
    const valid: EpochRecord['valid'] = { model: split(robust, clean, 100 * k) };
    if (cfa.ema && e >= 5) valid.ema = split(smooth(0.02), clean, 100 * k);
    if (cfa.fawa && e >= 5) valid.fawa = split(smooth(0.03), clean, 100 * k);
    const selection: EpochRecord['selection'] = { model: valid.model.robust + valid.model.worstRobust };
    if (valid.ema) selection.ema = valid.ema.robust + valid.ema.worstRobust;
    if (valid.fawa) selection.fawa = valid.fawa.robust + valid.fawa.worstRobust;
    const newBest = {
      model: selection.model > bestSel.model,
      ema: selection.ema !== undefined && selection.ema > bestSel.ema,
      fawa: selection.fawa !== undefined && selection.fawa > bestSel.fawa,
    };
    bestSel = { model: Math.max(bestSel.model, selection.model), ema: Math.max(bestSel.ema, selection.ema ?? -1), fawa: Math.max(bestSel.fawa, selection.fawa ?? -1) };
    const calibrated = cfa.ccm && e >= 3;
    const rec: EpochRecord = {
      epoch: e,
      lr: e < epochs / 2 ? 0.1 : 0.01,
      seconds: 12.5,
      epsPerClass: t.map((tk) => (calibrated ? (0.5 + tk) * eps : eps)),
      ...(method === 'trades' ? { betaPerClass: t.map((tk) => (cfa.ccr && e >= 3 ? (0.5 + tk) * 6 : 6)) } : {}),
      train: { loss: 1.5 - progress, robust: robust.reduce((a, b) => a + b) / k, robustPerClass: robust, clean: 0.7, cleanPerClass: clean },
      valid,
      ...(o.monitorTest ? { test: { model: split(robust, clean, 1000 * k) } } : {}),
      fawaUpdated: valid.fawa !== undefined && valid.model.worstRobust >= 0.2,
      emaUpdated: valid.ema !== undefined,
      selection,
      newBest,
    };
    t = robust;
    lines.push(JSON.stringify(rec));
  }
  fs.writeFileSync(path.join(dir, 'log.jsonl'), lines.join('\n') + '\n');
  for (const ev of o.evals ?? []) {
    const robust = BASE.map((b) => clamp01(b - 0.05 + 0.01 * seed));
    const clean = robust.map((r) => clamp01(0.3 + r));
    const s = split(robust, clean, 1000 * k);
    const result: EvalResult = {
      model: ev.model, arch: 'prn18', dataset: config.dataset, classNames: names, threatModel: 'Linf', eps, attack: ev.attack,
      n: s.n, seed: 0, cleanAccuracy: s.clean, robustAccuracy: s.robust, cleanPerClass: clean, robustPerClass: robust,
      worstClassClean: s.worstClean, worstClassRobust: s.worstRobust, worst20Robust: 0, classwiseVariance: 0,
      confusion: [], flags: [], seconds: 1,
    };
    fs.writeFileSync(path.join(dir, ev.file), JSON.stringify(result));
  }
  return config;
}

/** Four runs: AT+CFA over two seeds (with AutoAttack files for the FAWA best checkpoint), AT with EMA, TRADES+CCM+CCR. */
export function makeRuns(base: string): string[] {
  const ev = [{ model: 'checkpoints/fawa-best.safetensors', attack: 'AutoAttack', file: 'eval-aa-fawa-best.json' }];
  const dirs = [
    ['at-cfa-s0', { ccm: true, fawa: true, ema: true, seed: 0, evals: ev }],
    ['at-cfa-s1', { ccm: true, fawa: true, ema: true, seed: 1, evals: ev }],
    ['at-s0', { ema: true, seed: 0 }],
    ['trades-cfa-s0', { method: 'trades', ccm: true, ccr: true, fawa: true, seed: 0, monitorTest: true }],
  ] as const;
  return dirs.map(([name, o]) => {
    const d = path.join(base, name);
    writeSyntheticRun(d, { epochs: 16, ...o });
    return d;
  });
}

/** The figures of `cfa report` on makeRuns(…) with --window 5-8. */
export const EXPECTED_FIGURES = [
  'classwise-best', 'classwise-last', 'classwise-epochs-5-8', 'robust-per-epoch',
  'fluctuation-at-ccm', 'fluctuation-at', 'fluctuation-trades-ccm-ccr',
  'averaging-at-ccm', 'averaging-at', 'averaging-trades-ccm-ccr',
  'calibration-at-ccm', 'calibration-trades-ccm-ccr',
];
