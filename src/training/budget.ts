// Sizing a short experiment to this host: time a few real PGD-AT (and TRADES) training steps, predict the run's length
// from its image count, and shrink the training set (then the epochs) until the prediction fits the budget. Used by `cfa train`
// without arguments and by presets that carry a budget (quick-fmnist), so they take about five minutes on any host; the
// same model, scaled to the measured epochs, gives a comparison's progress line the ETA of its later runs.
import { manualSeed, noGrad, rand, randint, tidy } from '../engine';
import { createModel, SGD } from '../nn';
import { atStep } from './at';
import { PendingConfig } from './defaults';
import { tradesStep } from './trades';

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

/** Training methods whose step is timed on its own: every other one costs about a PGD-AT step (FAT stops early). */
export type TimedMethod = 'at' | 'trades';

export interface BudgetChoice {
  perClass: number;
  epochs: number;
  /** The preset's lr milestones moved with the epochs: the last two epochs keep their decays. */
  lrMilestones?: number[];
  /** Measured seconds per training image (one PGD-k adversarial step, amortised over a batch). */
  secondsPerImage: number;
  /** Predicted seconds for every run of the experiment with the chosen sizes. */
  predictedSeconds: number;
  /** Whether the sizes were reduced from the preset's. */
  reduced: boolean;
}

/** Smallest sizes the experiment keeps (with fewer, the hard class, Shirt, is not learnt at all by either run). */
export const BUDGET_FLOOR = { perClass: 200, epochs: 12 };

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

/**
 * Seconds per training image of one PGD-k AT (or TRADES) training step on this host: the median of `timedSteps` steps
 * after two untimed ones (the first steps run slower while allocations and kernel choices settle).
 */
export function measureSecondsPerImage(s: BudgetShape, timedSteps = 7, method: TimedMethod = 'at'): number {
  manualSeed(0);
  const model = createModel({ arch: s.arch, numClasses: s.numClasses, inChannels: s.inChannels, inputSize: s.inputSize, mean: [0.5], std: [0.5] }).train();
  const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  try {
    const x = rand([s.batchSize, s.inChannels, s.inputSize, s.inputSize]);
    const y = randint(0, s.numClasses, [s.batchSize]);
    const input = { model, x, y, eps: 0.1, stepSize: 0.025, steps: s.steps };
    const step = () =>
      tidy(() => {
        const l = (method === 'trades' ? tradesStep({ ...input, beta: 6, form: 'normalized' }) : atStep({ ...input, attackMode: 'train' })).loss;
        opt.zeroGrad();
        l.backward();
        opt.step();
        noGrad(() => model.forward(x));
      });
    step();
    step();
    const times: number[] = [];
    for (let i = 0; i < timedSteps; i++) {
      const t0 = performance.now();
      step();
      times.push((performance.now() - t0) / 1000);
    }
    x.dispose();
    y.dispose();
    times.sort((a, b) => a - b);
    const mid = times.length >> 1;
    return (times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2) / s.batchSize;
  } finally {
    opt.dispose();
    model.dispose();
  }
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

/**
 * The largest sizes, no larger than the preset's, whose predicted time fits `budgetSeconds`: images per class shrink
 * first (down to BUDGET_FLOOR.perClass), then epochs (down to BUDGET_FLOOR.epochs). A host too slow even for the
 * floor gets the floor, with its predicted time.
 */
export function chooseSizes(s: BudgetShape, budgetSeconds: number, secondsPerImage: number, lrMilestones?: number[]): BudgetChoice {
  const fits = (pc: number, ep: number) => predictSeconds(s, pc, ep, secondsPerImage) <= budgetSeconds;
  let perClass = s.perClass;
  let epochs = s.epochs;
  if (!fits(perClass, epochs)) {
    // images per class: the largest multiple of 50 that fits (or the floor)
    perClass = Math.max(BUDGET_FLOOR.perClass, Math.min(s.perClass, 50 * Math.floor(largest((pc) => fits(pc, epochs), BUDGET_FLOOR.perClass, s.perClass) / 50)));
    while (!fits(perClass, epochs) && epochs > BUDGET_FLOOR.epochs) epochs--;
  }
  const shift = s.epochs - epochs;
  return {
    perClass,
    epochs,
    lrMilestones: lrMilestones && shift > 0 ? lrMilestones.map((m) => Math.max(1, m - shift)) : lrMilestones,
    secondsPerImage,
    predictedSeconds: predictSeconds(s, perClass, epochs, secondsPerImage),
    reduced: perClass !== s.perClass || epochs !== s.epochs,
  };
}

/** Largest integer v in [lo, hi] with ok(v), or lo when none (ok is monotone: true up to some point). */
function largest(ok: (v: number) => boolean, lo: number, hi: number): number {
  if (!ok(lo)) return lo;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** "4 min 50 s". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
}

/** Default budget of the sized experiments (`cfa train` without arguments, --preset quick-fmnist). */
export const DEFAULT_BUDGET_SECONDS = 300;

type SizedConfig = Pick<PendingConfig, 'arch' | 'batchSize' | 'steps' | 'evalSteps' | 'perClass' | 'validPerClass' | 'testPerClass' | 'epochs' | 'lrMilestones'>;

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

/**
 * Sizes a resolved configuration (quick-fmnist with the user's settings) to `budgetSeconds` on this host, unless the
 * user fixed the size themselves (`userSet` has perClass or epochs) or the budget is 0. Returns the settings to merge
 * over its input, the line saying what was chosen and the budget model at the chosen sizes, or nothing when the
 * preset's sizes stand.
 */
export function sizeToHost(
  config: SizedConfig,
  userSet: { perClass?: unknown; epochs?: unknown },
  budgetSeconds: number,
  e: ExperimentRuns,
): { overrides: { perClass: number; epochs: number; lrMilestones?: number[] }; line: string; shape: BudgetShape } | undefined {
  if (!(budgetSeconds > 0) || userSet.perClass !== undefined || userSet.epochs !== undefined) return undefined;
  const untimed = experimentShape(config, e);
  const perImage = measureSecondsPerImage(untimed);
  const tradesCost = e.runs.some((r) => r.method === 'trades') ? measureSecondsPerImage(untimed, 7, 'trades') / perImage : 1;
  const s = experimentShape(config, e, tradesCost);
  const c = chooseSizes(s, budgetSeconds, perImage, config.lrMilestones);
  const what = `${c.perClass} training images per class, ${c.epochs} epochs`;
  const measured = `${(1000 * perImage * s.batchSize).toFixed(0)} ms per PGD-${s.steps} training step of ${s.batchSize} images${tradesCost !== 1 ? `, ${tradesCost.toFixed(1)}× that for TRADES` : ''}`;
  const line = c.reduced
    ? `Sized for this host (${measured}): ${what} instead of ${s.perClass} and ${s.epochs}, about ${formatDuration(c.predictedSeconds)} in all (budget ${formatDuration(budgetSeconds)}; --budget 0 runs the full size).`
    : `Full size on this host (${measured}): ${what}, about ${formatDuration(c.predictedSeconds)} in all.`;
  return { overrides: { perClass: c.perClass, epochs: c.epochs, ...(c.lrMilestones ? { lrMilestones: c.lrMilestones } : {}) }, line, shape: { ...s, perClass: c.perClass, epochs: c.epochs } };
}
