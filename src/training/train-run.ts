// A whole training run (docs/methods.md#training-loop): per epoch the calibrated settings, one training epoch, validation of
// the model, EMA and FAWA, checkpoint selection, checkpoints, the resume state and the log record.
import * as fs from 'fs';
import * as path from 'path';
import { manualSeed, resolveDevice, setNumThreads } from '../engine';
import { broadcastTensors } from '../distributed/data-parallel';
import { Collective, SINGLE } from '../distributed/group';
import { UserError } from '../errors';
import { EpochRecord, SplitAccuracy, writeFileAtomic } from '../formats';
import { Module, SGD, createModel, learningRate, loadCheckpoint } from '../nn';
import { evalShare, validationsPerEpoch } from './cost-model';
import { epochSettings } from './calibration';
import { saveRunCheckpoint } from './checkpoints';
import { TrainConfig } from './config';
import { RunData, completeConfig, prepareData } from './data-setup';
import { PendingConfig } from './defaults';
import { emaUpdate } from './ema';
import { defaultFairnessMetric, fairnessMeasure } from './fairness-measure';
import { fawaUpdate } from './fawa';
import { FrlState, frlInitialState, frlUpdate } from './frl';
import { DivergenceError, checkWeights } from './guards';
import { appendRecord, reconcileLog } from './run-log';
import { appendEpochEvents, startRunEvents } from './tb-scalars';
import { RunState, loadState, saveState } from './run-state';
import { Averaged, BestSoFar, beatsBest, selectionIndex } from './selection';
import { formatEpochLine } from './summary';
import { trainEpoch } from './train-epoch';
import { EvalOptions, evaluateSplit } from './validate';
import { AveragedModel, averagedModel } from './weight-average';

export interface TrainRunOptions {
  runDir: string;
  /** Continue the run in runDir after its last completed epoch (its config.json is used). */
  resume?: boolean;
  /** No progress bars and no per-epoch lines. */
  quiet?: boolean;
  /** Where per-epoch lines go (default stderr). */
  log?: (line: string) => void;
  /** The data-parallel group (default: this process alone). Only rank 0 writes and logs. */
  collective?: Collective;
  /**
   * Seconds of work after this run (a comparison's test passes and later runs), given the seconds per epoch this run
   * is measured at: added to the progress line's ETA.
   */
  etaBeyond?: (secondsPerEpoch: number) => number;
}

export interface TrainRunResult {
  cfg: TrainConfig;
  runDir: string;
  records: EpochRecord[];
  data: RunData;
}

export function configFile(runDir: string): string {
  return path.join(runDir, 'config.json');
}

/** Refuses to start a new run over an existing one, and to resume a folder that holds none. */
function checkRunDir(runDir: string, resume: boolean): void {
  const has = fs.existsSync(configFile(runDir));
  if (resume && !has) throw new UserError(`--resume ${runDir}: not a run directory (config.json is missing)`);
  if (!resume && has) throw new UserError(`--out ${runDir}: already holds a run (config.json); continue it with --resume ${runDir} or choose another --out`);
}

interface Models {
  model: Module;
  optimizer: SGD;
  ema?: AveragedModel;
  fawa?: AveragedModel;
}

function buildModels(cfg: TrainConfig, device: string): Models {
  const spec = { arch: cfg.arch, numClasses: cfg.numClasses, inChannels: cfg.channels, inputSize: cfg.inputSize, mean: cfg.mean, std: cfg.std };
  manualSeed(cfg.seed);
  const model = createModel(spec).to(device);
  if (cfg.init) loadCheckpoint(cfg.init, model);
  const ema = cfg.cfa.ema ? averagedModel(createModel(spec).to(device)) : undefined;
  const fawa = cfg.cfa.fawa ? averagedModel(createModel(spec).to(device)) : undefined;
  const optimizer = new SGD(model.parameters(), { lr: cfg.lr, momentum: cfg.momentum, weightDecay: cfg.weightDecay });
  return { model, optimizer, ema, fawa };
}

function disposeModels(m: Models): void {
  m.model.dispose();
  m.optimizer.dispose();
  m.ema?.model.dispose();
  m.fawa?.model.dispose();
}

/**
 * Trains per `pending` (or resumes the run in opts.runDir) and returns the resolved configuration and the epoch
 * records. Writes config.json, log.jsonl, state/ and checkpoints/ (src/formats/run.ts). A diverging run stops with a
 * DivergenceError; the previous epoch's state and checkpoints are kept.
 */
export async function trainRun(pending: PendingConfig, o: TrainRunOptions): Promise<TrainRunResult> {
  const runDir = o.runDir;
  const dist = o.collective ?? SINGLE;
  const writer = dist.rank === 0;
  checkRunDir(runDir, o.resume ?? false);
  dist.barrier();
  if (pending.init && !fs.existsSync(pending.init)) throw new UserError(`config field 'init': checkpoint '${pending.init}' not found`);
  if (pending.threads) setNumThreads(pending.threads);
  const device = resolveDevice(pending.device);
  const log = o.quiet || !writer ? () => {} : (o.log ?? ((s: string) => process.stderr.write(`${s}\n`)));

  const data = prepareData(pending);
  const cfg = completeConfig(pending, data);
  if (!o.resume && writer) writeFileAtomic(configFile(runDir), `${JSON.stringify(cfg, null, 2)}\n`);
  const m = buildModels(cfg, device);
  try {
    // Every rank starts from rank 0's weights (a resumed run reads them from the run directory on every rank).
    broadcastTensors(dist, [...m.model.parameters(), ...m.model.namedBuffers().map(([, t]) => t)]);
    const evalOpts: EvalOptions = { eps: cfg.eps, stepSize: cfg.evalStepSize, steps: cfg.evalSteps, batchSize: cfg.evalBatchSize, device, collective: dist };
    let records: EpochRecord[] = [];
    let state: Omit<RunState, 'record'> & { record?: EpochRecord };
    if (o.resume) {
      const loaded = loadState(runDir, m);
      // Only rank 0 keeps the log (and the records of the summary).
      records = writer ? reconcileLog(runDir, loaded.epoch, loaded.record) : [];
      state = loaded;
      log(`resuming ${runDir} after epoch ${loaded.epoch + 1}/${cfg.epochs}`);
    } else {
      const frl = cfg.method === 'frl' ? frlInitialState(cfg.numClasses, cfg.frl) : undefined;
      // FRL sets its multipliers from the current model's validation before every epoch, the first included.
      const lastValid = frl ? evaluateSplit(m.model, data.valid, evalOpts) : emptyAccuracy(cfg.numClasses);
      state = { epoch: -1, trainRobustPerClass: [], lastValid, frl, best: {} };
    }
    const events = startRunEvents(runDir, cfg.classNames, records);
    for (let epoch = state.epoch + 1; epoch < cfg.epochs; epoch++) {
      try {
        const eta = etaAfterTraining(cfg, data, records, epoch, o.etaBeyond);
        state = runEpoch(cfg, m, data, state, epoch, evalOpts, runDir, device, o.quiet || !writer, dist, eta);
      } catch (e) {
        if (e instanceof DivergenceError) {
          const kept = epoch > 0 ? `the state and checkpoints of epoch ${epoch} are kept in ${runDir}` : 'no epoch had completed';
          throw new DivergenceError(`${e.message}; ${kept}`);
        }
        throw e;
      }
      records.push(state.record!);
      appendEpochEvents(events, state.record!, cfg.classNames);
      log(formatEpochLine(cfg, state.record!));
    }
    return { cfg, runDir, records, data };
  } finally {
    disposeModels(m);
  }
}

function emptyAccuracy(k: number): SplitAccuracy {
  const z = new Array<number>(k).fill(0);
  return { n: 0, nPerClass: z, clean: 0, robust: 0, cleanPerClass: z, robustPerClass: z, worstRobust: 0, worstClean: 0 };
}

type State = Omit<RunState, 'record'> & { record?: EpochRecord };

/**
 * The ETA after an epoch's training: this epoch's validation, then the remaining epochs at the mean measured epoch
 * time, or, before any epoch was measured, at the current batch rate with validation priced as the budget model
 * prices it (evalShare, validationsPerEpoch); then whatever `beyond` expects after the run.
 */
function etaAfterTraining(cfg: TrainConfig, data: RunData, records: EpochRecord[], epoch: number, beyond?: (secondsPerEpoch: number) => number) {
  const later = cfg.epochs - epoch - 1;
  const validShare = (evalShare(cfg) * validationsPerEpoch(cfg) * data.valid.length) / Math.max(1, data.train.length);
  return (secondsPerBatch: number) => {
    const training = secondsPerBatch * Math.ceil(data.train.length / cfg.batchSize);
    const measured = records.length ? records.reduce((a, r) => a + r.seconds, 0) / records.length : training * (1 + validShare);
    return training * validShare + later * measured + (beyond?.(measured) ?? 0);
  };
}

function runEpoch(cfg: TrainConfig, m: Models, data: RunData, prev: State, epoch: number, evalOpts: EvalOptions, runDir: string, device: string, quiet: boolean, dist: Collective, remainingAfter?: (secondsPerBatch: number) => number): RunState {
  const writer = dist.rank === 0;
  const t0 = performance.now();
  const lr = learningRate(cfg.lrSchedule === 'piecewise' ? { kind: 'piecewise', milestones: cfg.lrMilestones, gamma: cfg.lrGamma } : cfg.lrSchedule === 'cosine' ? { kind: 'cosine', minLr: 0 } : { kind: 'constant' }, epoch, cfg.lr, cfg.epochs);
  m.optimizer.lr = lr;
  const frl: FrlState | undefined = prev.frl ? frlUpdate(prev.frl, prev.lastValid, epoch + 1, cfg.frl) : undefined;
  const previousT = epoch > 0 ? prev.trainRobustPerClass : undefined;
  const settings = epochSettings(cfg, epoch, previousT, frl);

  const train = trainEpoch({ cfg, model: m.model, optimizer: m.optimizer, train: data.train, epoch, settings, device, quiet, collective: dist, remainingAfter });
  checkWeights(m.model, epoch);

  const validModel = evaluateSplit(m.model, data.valid, evalOpts);
  const emaUpdated = m.ema ? emaUpdate(m.ema, m.model, epoch, cfg.ema) : false;
  const fawaUpdated = m.fawa ? fawaUpdate(m.fawa, m.model, fairnessMeasure(validModel, cfg.fawa.metric ?? defaultFairnessMetric(cfg.numClasses)), epoch, cfg.fawa) : false;
  // An average that did not change keeps last epoch's evaluation.
  const averaged = (split: 'valid' | 'test', ds: RunData['valid']) => {
    const out: { ema?: SplitAccuracy; fawa?: SplitAccuracy } = {};
    const before = prev.record?.[split];
    if (m.ema?.initialized) out.ema = emaUpdated || !before?.ema ? evaluateSplit(m.ema.model, ds, evalOpts) : before.ema;
    if (m.fawa?.initialized) out.fawa = fawaUpdated || !before?.fawa ? evaluateSplit(m.fawa.model, ds, evalOpts) : before.fawa;
    return out;
  };
  const valid = { model: validModel, ...averaged('valid', data.valid) };
  const test = cfg.monitorTest ? { model: evaluateSplit(m.model, data.test, evalOpts), ...averaged('test', data.test) } : undefined;

  const on = cfg.selectOn === 'test' ? test! : valid;
  const selectionMetric = cfg.selectionMetric ?? defaultFairnessMetric(cfg.numClasses);
  const selection: EpochRecord['selection'] = { model: selectionIndex(on.model, selectionMetric) };
  const newBest = { model: false, ema: false, fawa: false };
  const best: BestSoFar = { ...prev.best };
  const nets: Partial<Record<Averaged, Module>> = { model: m.model, ema: m.ema?.model, fawa: m.fawa?.model };
  for (const which of ['model', 'ema', 'fawa'] as const) {
    const acc = on[which];
    if (!acc) continue;
    const index = selectionIndex(acc, selectionMetric);
    selection[which] = index;
    if (beatsBest(best, which, index, epoch, cfg.selectFrom)) {
      best[which] = { index, epoch };
      newBest[which] = true;
      if (writer) saveRunCheckpoint(runDir, cfg, which, 'best', nets[which]!, epoch);
    }
    if (writer) saveRunCheckpoint(runDir, cfg, which, 'last', nets[which]!, epoch);
  }

  const record: EpochRecord = {
    epoch,
    lr,
    seconds: (performance.now() - t0) / 1000,
    epsPerClass: settings.epsPerClass,
    ...(settings.betaPerClass ? { betaPerClass: settings.betaPerClass } : {}),
    ...(settings.frlWeights ? { classWeights: settings.frlWeights } : {}),
    ...(settings.fatTau !== undefined ? { fatTau: settings.fatTau } : {}),
    ...(frl ? { frl } : {}),
    train,
    valid,
    ...(test ? { test } : {}),
    fawaUpdated,
    emaUpdated,
    selection,
    newBest,
  };
  const state: RunState = {
    epoch,
    trainRobustPerClass: train.robustPerClass,
    lastValid: validModel,
    ...(frl ? { frl } : {}),
    best,
    ...(m.ema ? { ema: { initialized: m.ema.initialized, updates: m.ema.updates } } : {}),
    ...(m.fawa ? { fawa: { initialized: m.fawa.initialized, updates: m.fawa.updates } } : {}),
    record,
  };
  if (writer) {
    saveState(runDir, state, m);
    appendRecord(runDir, record);
  }
  // No rank starts the next epoch (or ends) before rank 0 has written this one.
  dist.barrier();
  return state;
}

