// Sizing a short experiment to this host: time a few real PGD-AT (and TRADES) training steps, predict the run's length
// with the cost model (cost-model.ts), and shrink the training set (then the epochs) until the prediction fits the
// budget. Used by `cfa train` without arguments and by presets that carry a budget (quick-fmnist), so they take about
// five minutes on any host.
import { manualSeed, noGrad, rand, randint, tidy } from '../engine';
import { createModel, SGD } from '../nn';
import { atStep } from './at';
import { BudgetShape, ExperimentRuns, SizedConfig, experimentShape, predictSeconds } from './cost-model';
import { tradesStep } from './trades';

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
 * Seconds one step takes on a steady host, from consecutive step times: the median of each window of `window` steps,
 * then the fastest window. A host that is slow for a moment (another process, a frequency change) slows one window, not
 * the estimate; a host that is slow throughout slows every window.
 */
export function steadyStepSeconds(times: readonly number[], window: number): number {
  const medians: number[] = [];
  for (let i = 0; i + window <= times.length; i += window) medians.push(median(times.slice(i, i + window)));
  if (medians.length === 0) throw new Error(`steadyStepSeconds: ${times.length} times are fewer than one window of ${window}`);
  return Math.min(...medians);
}

function median(v: readonly number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Seconds per training image of one PGD-k AT (or TRADES) training step on this host: `windows` windows of `window`
 * timed steps after two untimed ones (the first steps run slower while allocations and kernel choices settle), read by
 * steadyStepSeconds.
 */
export function measureSecondsPerImage(s: BudgetShape, method: TimedMethod = 'at', o: { windows: number; window: number } = { windows: 3, window: 5 }): number {
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
    for (let i = 0; i < o.windows * o.window; i++) {
      const t0 = performance.now();
      step();
      times.push((performance.now() - t0) / 1000);
    }
    x.dispose();
    y.dispose();
    return steadyStepSeconds(times, o.window) / s.batchSize;
  } finally {
    opt.dispose();
    model.dispose();
  }
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
  const tradesCost = e.runs.some((r) => r.method === 'trades') ? measureSecondsPerImage(untimed, 'trades', { windows: 2, window: 5 }) / perImage : 1;
  const s = experimentShape(config, e, tradesCost);
  const c = chooseSizes(s, budgetSeconds, perImage, config.lrMilestones);
  const what = `${c.perClass} training images per class, ${c.epochs} epochs`;
  const measured = `${(1000 * perImage * s.batchSize).toFixed(0)} ms per PGD-${s.steps} training step of ${s.batchSize} images${tradesCost !== 1 ? `, ${tradesCost.toFixed(1)}× that for TRADES` : ''}`;
  const line = c.reduced
    ? `Sized for this host (${measured}): ${what} instead of ${s.perClass} and ${s.epochs}, about ${formatDuration(c.predictedSeconds)} in all (budget ${formatDuration(budgetSeconds)}; --budget 0 runs the full size).`
    : `Full size on this host (${measured}): ${what}, about ${formatDuration(c.predictedSeconds)} in all.`;
  return { overrides: { perClass: c.perClass, epochs: c.epochs, ...(c.lrMilestones ? { lrMilestones: c.lrMilestones } : {}) }, line, shape: { ...s, perClass: c.perClass, epochs: c.epochs } };
}
