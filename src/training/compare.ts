// The embedded experiment of `cfa train` without arguments: AT and AT+CFA (CCM + FAWA) trained on the same small
// data, then their best checkpoints compared per class on validation and test (clean and PGD robust accuracy).
// `--method trades` or `fat` compares that method with its CFA run instead (TRADES+CFA adds CCR).
import * as path from 'path';
import { findSpec } from '../data/catalog';
import { locateDataset } from '../data/locate';
import { resolveDevice } from '../engine';
import { UserError } from '../errors';
import { createModel, loadCheckpoint } from '../nn';
import { DEFAULT_BUDGET_SECONDS, sizeToHost } from './budget';
import { BudgetShape, ExperimentRuns, experimentShape, secondsAfterRun, validationsPerEpoch } from './cost-model';
import { checkpointFile } from './checkpoints';
import { ConfigInput } from './config';
import { mergeInputs, resolveConfig } from './defaults';
import { presetInputs } from './presets';
import { SplitAccuracy } from '../formats';
import { defaultFairnessMetric, metricName } from './fairness-measure';
import { bestRecord, classTable } from './summary';
import { TrainRunResult, trainRun } from './train-run';
import { evaluateSplit } from './validate';

/** The base methods the comparison runs, with their labels; CFA adds CCM and FAWA, and CCR to TRADES (paper §5.1). */
export const COMPARED_METHODS: Record<string, string> = { at: 'AT', trades: 'TRADES', fat: 'FAT' };

export interface CompareOptions {
  /** Folder receiving the two runs (`<method>/` and `<method>-cfa/`, e.g. `at/` and `at-cfa/`). */
  outDir: string;
  /** Settings applied over the quick-fmnist preset (e.g. fewer epochs). */
  overrides: ConfigInput;
  version: string;
  quiet?: boolean;
  /** Where the tables go (default stdout). */
  print?: (s: string) => void;
  /** Seconds the two runs should take on this host (default DEFAULT_BUDGET_SECONDS; 0 keeps the preset's sizes). */
  budgetSeconds?: number;
}

export interface CompareSide {
  label: string;
  /** Whether this is the CFA run. */
  cfa: boolean;
  run: TrainRunResult;
  /** Which checkpoint was compared ('model' for the baseline, 'fawa' for the CFA run when FAWA accepted an epoch). */
  which: 'model' | 'fawa';
  epoch: number;
  valid: SplitAccuracy;
  test: SplitAccuracy;
}

/** True when Fashion-MNIST can be found where `cfa train` looks for it. */
export function fashionMnistAvailable(dataDir?: string): boolean {
  try {
    locateDataset(findSpec('fashion-mnist')!, { dataDir });
    return true;
  } catch (e) {
    if (e instanceof UserError) return false;
    throw e;
  }
}

/**
 * Trains X and X+CFA (X = the method in overrides, AT by default) with the quick-fmnist preset (the §2 toy images
 * when Fashion-MNIST is absent and no dataset was named), evaluates each one's best checkpoint on the test subset, and
 * prints per-class tables.
 */
export async function compareWithCfa(o: CompareOptions): Promise<CompareSide[]> {
  const print = o.print ?? ((s: string) => process.stdout.write(`${s}\n`));
  const base = mergeInputs(...presetInputs(['quick-fmnist']), o.overrides);
  const method = String(base.method ?? 'at');
  const name = COMPARED_METHODS[method];
  if (!name) throw new UserError(`--method: the comparison runs ${Object.keys(COMPARED_METHODS).join(', ')} against their CFA runs, not '${method}'`);
  if (o.overrides.dataset === undefined && !fashionMnistAvailable(base.dataDir as string | undefined)) {
    print('Fashion-MNIST was not found; using the toy images of the paper\'s §2 model (two classes: −1 hard, +1 easy).');
    base.dataset = 'toy';
  }
  const variants = [
    { label: name, dir: method, cfa: false, input: { method, cfa: { ccm: false, ccr: false, fawa: false, ema: false } } },
    { label: `${name}+CFA`, dir: `${method}-cfa`, cfa: true, input: { method, cfa: { ccm: true, ccr: method === 'trades', fawa: true, ema: false } } },
  ];
  const resolveAll = () => variants.map((v) => resolveConfig(mergeInputs(base, v.input), o.version));
  let pendings = resolveAll();
  // The budget model of the two runs: sizes them to this host, and gives the progress line the ETA of the whole comparison.
  let shape: BudgetShape | undefined;
  if (base.dataset === 'fashion-mnist') {
    const runs: ExperimentRuns = { numClasses: 10, inChannels: 1, inputSize: 28, runs: pendings.map((p) => ({ validatedModels: validationsPerEpoch(p), method })) };
    const sized = sizeToHost(pendings[0], o.overrides, o.budgetSeconds ?? DEFAULT_BUDGET_SECONDS, runs);
    if (sized) {
      print(sized.line);
      Object.assign(base, sized.overrides);
      pendings = resolveAll();
    }
    shape = sized?.shape ?? experimentShape(pendings[0], runs);
  }
  const sides: CompareSide[] = [];
  for (const [i, v] of variants.entries()) {
    if (!o.quiet) process.stderr.write(`\n== ${v.label}: ${path.join(o.outDir, v.dir)}\n`);
    const etaBeyond = shape ? (secondsPerEpoch: number) => secondsAfterRun(shape!, i, secondsPerEpoch) : undefined;
    const run = await trainRun(pendings[i], { runDir: path.join(o.outDir, v.dir), quiet: o.quiet, etaBeyond });
    const { cfg, records, data } = run;
    const fawaSeen = records.some((r) => r.valid.fawa);
    const which = v.cfa && fawaSeen ? 'fawa' : 'model';
    const at = bestRecord(records, which);
    const device = resolveDevice(cfg.device);
    const net = createModel({ arch: cfg.arch, numClasses: cfg.numClasses, inChannels: cfg.channels, inputSize: cfg.inputSize, mean: cfg.mean, std: cfg.std }).to(device);
    try {
      loadCheckpoint(checkpointFile(run.runDir, which, 'best'), net);
      const test = evaluateSplit(net, data.test, { eps: cfg.eps, stepSize: cfg.evalStepSize, steps: cfg.evalSteps, batchSize: cfg.evalBatchSize, device });
      sides.push({ label: v.label, cfa: v.cfa, run, which, epoch: records[at].epoch, valid: records[at].valid[which]!, test });
    } finally {
      net.dispose();
    }
  }
  const cfg = sides[0].run.cfg;
  const attack = `PGD-${cfg.evalSteps}, ε = ${+cfg.eps.toFixed(4)}, step ${+cfg.evalStepSize.toFixed(4)}`;
  const names = sides.map((s) => `${s.label} = ${s.which} checkpoint of epoch ${s.epoch + 1}`).join('; ');
  print(`\n${cfg.dataset}: ${cfg.arch}, ${sides[0].run.data.train.length} training images, ${cfg.epochs} epochs, ε = ${+cfg.eps.toFixed(4)}. Best checkpoints by validation robust + ${metricName(cfg.selectionMetric ?? defaultFairnessMetric(cfg.numClasses))} robust (${names}).`);
  for (const split of ['valid', 'test'] as const) {
    const n = sides[0][split].n;
    print(`\n${split === 'valid' ? 'Validation' : 'Test'} accuracy (%), ${n} images, robust = ${attack}:`);
    print(classTable(cfg.classNames, sides.map((s) => ({ title: s.label, acc: s[split] }))));
  }
  const unaccepted = sides.filter((s) => s.cfa && s.which === 'model');
  if (unaccepted.length) {
    const f = unaccepted[0].run.cfg.fawa;
    print(`(FAWA accepted no epoch: every ${metricName(f.metric ?? defaultFairnessMetric(cfg.numClasses))} validation robust accuracy was below the threshold ${f.threshold}; ${unaccepted[0].label} shows the run's own model.)`);
  }
  const worst = (a: SplitAccuracy) => cfg.classNames[a.robustPerClass.indexOf(a.worstRobust)];
  print(`\nWorst class (test, robust): ${sides.map((s) => `${s.label} ${(100 * s.test.worstRobust).toFixed(1)}% (${worst(s.test)})`).join(' vs ')}.`);
  return sides;
}
