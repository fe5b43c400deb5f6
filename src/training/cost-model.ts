// The cost model of a short experiment: what its runs cost in training and attacked images, at a measured time per
// training image. It sizes runs to a host (budget.ts) and gives a comparison's progress line the ETA of its later runs.
import { PendingConfig } from './defaults';

export interface BudgetShape {
  arch: string;
  numClasses: number;
  inChannels: number;
  inputSize: number;
  batchSize: number;
  /** PGD steps of the training attack. */
  steps: number;
  /** PGD steps of the validation and test attack. */
  evalSteps: number;
  perClass: number;
  validPerClass: number;
  testPerClass: number;
  epochs: number;
  /**
   * Runs trained one after the other: how many models each validates per epoch on average (validationsPerEpoch), and
   * what one of its training images costs relative to a PGD-AT image (default 1; TRADES pays for its KL attack's extra
   * passes).
   */
  runs: { validatedModels: number; trainCost?: number }[];
}

/**
 * A validation or test image costs its PGD attack without the weight update: 0.9 of a training image when both attacks
 * take the same number of steps, scaled by the ratio of forward-backward passes otherwise.
 */
export function evalShare(s: Pick<BudgetShape, 'steps' | 'evalSteps'>): number {
  return (0.9 * (s.evalSteps + 1)) / (s.steps + 1);
}

/**
 * Models a run validates per epoch, on average: its own every epoch, EMA's every epoch of its window, and FAWA's only
 * in the epochs FAWA accepts, counted as half its window (the 20-epoch Fashion-MNIST AT+CFA runs accepted 6 to 9 of 15).
 */
export function validationsPerEpoch(c: Pick<PendingConfig, 'cfa' | 'ema' | 'fawa' | 'epochs'>): number {
  const window = (begin: number) => Math.max(0, c.epochs - begin) / Math.max(1, c.epochs);
  return 1 + (c.cfa.ema ? window(c.ema.begin) : 0) + (c.cfa.fawa ? 0.5 * window(c.fawa.begin) : 0);
}

/** Predicted seconds of each run for the given sizes, at `secondsPerImage`: its epochs (training and validation), then its test pass. */
export function predictRuns(s: BudgetShape, perClass: number, epochs: number, secondsPerImage: number): { epochs: number; test: number }[] {
  const k = s.numClasses;
  const share = evalShare(s);
  return s.runs.map((r) => ({
    epochs: epochs * ((r.trainCost ?? 1) * perClass * k + share * r.validatedModels * s.validPerClass * k) * secondsPerImage,
    test: share * s.testPerClass * k * secondsPerImage,
  }));
}

/** Predicted seconds of the whole experiment for the given sizes, at `secondsPerImage`. */
export function predictSeconds(s: BudgetShape, perClass: number, epochs: number, secondsPerImage: number): number {
  return predictRuns(s, perClass, epochs, secondsPerImage).reduce((a, r) => a + r.epochs + r.test, 0);
}

/**
 * Seconds of the experiment left after run `i`'s epochs (its test pass and every later run), scaled to the seconds per
 * epoch that run `i` is measured at: what a comparison's progress line adds to the running run's ETA.
 */
export function secondsAfterRun(s: BudgetShape, i: number, secondsPerEpoch: number): number {
  const perImage = secondsPerEpoch / predictRuns(s, s.perClass, 1, 1)[i].epochs;
  const runs = predictRuns(s, s.perClass, s.epochs, perImage);
  return runs[i].test + runs.slice(i + 1).reduce((a, r) => a + r.epochs + r.test, 0);
}

export type SizedConfig = Pick<PendingConfig, 'arch' | 'batchSize' | 'steps' | 'evalSteps' | 'perClass' | 'validPerClass' | 'testPerClass' | 'epochs' | 'lrMilestones'>;

/** The experiment's runs (each with the models it validates and its method) on data of these dimensions. */
export interface ExperimentRuns {
  numClasses: number;
  inChannels: number;
  inputSize: number;
  runs: { validatedModels: number; method: string }[];
}

/** The budget model of an experiment at the configuration's sizes, a TRADES training image costing `tradesCost` AT images. */
export function experimentShape(config: SizedConfig, e: ExperimentRuns, tradesCost = 1): BudgetShape {
  const { arch, batchSize, steps, evalSteps, perClass, validPerClass, testPerClass, epochs } = config;
  const { numClasses, inChannels, inputSize } = e;
  const runs = e.runs.map((r) => ({ validatedModels: r.validatedModels, trainCost: r.method === 'trades' ? tradesCost : 1 }));
  return { arch, numClasses, inChannels, inputSize, batchSize, steps, evalSteps, perClass: Number(perClass), validPerClass, testPerClass, epochs, runs };
}
