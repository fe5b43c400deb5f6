// Filling in every setting the user left open, from the defaults profile, the method, the dataset and the number of
// epochs, then checking the combination. Runs before any data is read.
//
// | Setting                         | 'paper' profile (default)                    | 'official' (--preset official)      |
// |---------------------------------|----------------------------------------------|-------------------------------------|
// | CCM λ₁                          | AT 0.5, TRADES 0.3, FAT 0.7 (FRL 0.3, MART 0.5) | 0.5 for every method             |
// | CCR λ₂                          | 0.5                                          | 0.5                                 |
// | CCM/CCR begin epoch             | max(1, round(0.05·epochs)) (10 of 200)       | same                                |
// | EMA decay / begin               | 0.85 / round(0.25·epochs) (50 of 200)        | 0.88 / 0                            |
// | FAWA decay / threshold / begin  | 0.85 / 0.2 / round(0.25·epochs)              | 0.88 / 0.24 / 0 (first acceptance)  |
// | AT, FAT attack mode             | eval                                         | train (BatchNorm batch statistics)  |
// | best checkpoint eligible from   | epoch 0                                      | ceil(0.5·epochs)                    |
// | everything else                 | docs/methods.md: SGD 0.1, momentum 0.9, wd 5e-4, ÷10 at ceil(0.5·E), ceil(0.75·E); ε 8/255, α ε/4, 10 steps; β 6; τ 3 |
//
// TRADES, MART and FRL always attack in eval mode (their reference code does). Begin epochs and milestones are
// fractions of the run's epochs so that short runs keep the paper's proportions; set them explicitly to override.
import { findSpec } from '../data/catalog';
import { UserError } from '../errors';
import { ARCHS } from '../nn';
import { CfaSwitches, ConfigInput, Method, TRADES_FAMILY, TrainSettings } from './config';

/** The configuration before the data fills in classNames, numClasses, mean, std, channels, inputSize and augment. */
export type PendingConfig = Omit<TrainSettings, 'classNames' | 'numClasses' | 'mean' | 'std' | 'channels' | 'inputSize' | 'augment'> & {
  augment?: TrainSettings['augment'];
};

/** Per dataset: default ε and architecture. Fashion-MNIST uses ε = 0.1 as is usual for it; MNIST 0.3. */
const DATASET_DEFAULTS: Record<string, { eps: number; arch: string }> = {
  cifar10: { eps: 8 / 255, arch: 'prn18' },
  cifar100: { eps: 8 / 255, arch: 'prn18' },
  'tiny-imagenet': { eps: 8 / 255, arch: 'resnet18' },
  'fashion-mnist': { eps: 0.1, arch: 'smallcnn' },
  mnist: { eps: 0.3, arch: 'smallcnn' },
  toy: { eps: 0.1, arch: 'smallcnn' },
};

const PAPER_LAMBDA1: Record<Method, number> = { at: 0.5, trades: 0.3, fat: 0.7, frl: 0.3, mart: 0.5 };
const DEFAULT_BETA: Partial<Record<Method, number>> = { trades: 6, mart: 6, frl: 1.5 };

/** The canonical dataset name ('toy' or a name/alias known to the data module); UserError naming the field otherwise. */
export function canonicalDataset(name: string): string {
  if (name.toLowerCase() === 'toy') return 'toy';
  const spec = findSpec(name);
  if (!spec) throw new UserError(`dataset: unknown dataset '${name}' (expected cifar10, cifar100, fashion-mnist, mnist, tiny-imagenet or toy)`);
  return spec.name;
}

/** Merges partial configurations left to right; a later `cfa` object overrides only the switches it names. */
export function mergeInputs(...inputs: ConfigInput[]): ConfigInput {
  const out: ConfigInput = {};
  for (const inp of inputs) {
    for (const [k, v] of Object.entries(inp)) {
      if (k === 'cfa') out.cfa = { ...(out.cfa as object | undefined), ...(v as object) };
      else out[k] = v;
    }
  }
  return out;
}

function cfaSwitches(v: unknown, method: Method): CfaSwitches {
  const c = (v ?? {}) as Partial<CfaSwitches> & { all?: boolean };
  const tradesFamily = TRADES_FAMILY.includes(method);
  if (c.all) return { ccm: true, ccr: tradesFamily, fawa: true, ema: c.ema ?? false };
  return { ccm: c.ccm ?? false, ccr: c.ccr ?? false, fawa: c.fawa ?? false, ema: c.ema ?? false };
}

/**
 * Resolves every setting (see the table at the top of this file) and checks the combination. `version` is the
 * package version recorded in config.json.
 */
export function resolveConfig(input: ConfigInput, version: string): PendingConfig {
  const g = <T>(k: string, d: T): T => (input[k] === undefined ? d : (input[k] as T));
  const method = g<Method>('method', 'at');
  const profile = g<'paper' | 'official'>('profile', 'paper');
  const official = profile === 'official';
  const dataset = canonicalDataset(g('dataset', 'fashion-mnist'));
  const dd = DATASET_DEFAULTS[dataset];
  const epochs = g('epochs', 200);
  const eps = g('eps', dd.eps);
  const stepSize = g('stepSize', eps > 0 ? eps / 4 : 2 / 255);
  const frlVariant = g<TrainSettings['frlVariant']>('frlVariant', 'reweight-remargin');
  const reweightOnly = frlVariant === 'reweight';
  const presets = input.preset as string[] | undefined;
  const cfg: PendingConfig = {
    version,
    ...(presets && presets.length ? { preset: presets.join(',') } : {}),
    profile,
    dataset,
    ...(input.dataDir !== undefined ? { dataDir: input.dataDir as string } : {}),
    arch: g('arch', dd.arch),
    method,
    cfa: cfaSwitches(input.cfa, method),
    eps,
    stepSize,
    steps: g('steps', 10),
    ...(DEFAULT_BETA[method] !== undefined || input.beta !== undefined ? { beta: g('beta', DEFAULT_BETA[method] ?? 6) } : {}),
    epochs,
    seed: g('seed', 0),
    device: g('device', 'auto'),
    ...(input.threads !== undefined ? { threads: input.threads as number } : {}),
    ...(input.perClass !== undefined ? { perClass: input.perClass as number } : {}),
    validRule: g('validRule', 'first'),
    ...(input.validPerClass !== undefined ? { validPerClass: input.validPerClass as number } : {}),
    validFraction: g('validFraction', 0.02),
    ...(input.testPerClass !== undefined ? { testPerClass: input.testPerClass as number } : {}),
    ...(input.augment !== undefined ? { augment: input.augment as TrainSettings['augment'] } : {}),
    padMode: g('padMode', 'reflect'),
    attackMode: g('attackMode', official && (method === 'at' || method === 'fat') ? 'train' : 'eval'),
    tradesLoss: g('tradesLoss', 'normalized'),
    fatTau: g('fatTau', 3),
    fatTauMilestones: g('fatTauMilestones', []),
    fatSemantics: g('fatSemantics', 'cfa'),
    frlVariant,
    frlTauNat: g('frlTauNat', reweightOnly ? 0.1 : 0.07),
    frlTauBndy: g('frlTauBndy', reweightOnly ? 0.1 : 0.07),
    frlRate1: g('frlRate1', 0.05),
    frlRate2: g('frlRate2', reweightOnly ? 0.1 : 0.2),
    frlLim: g('frlLim', 0.5),
    frlMarginMax: g('frlMarginMax', reweightOnly ? 2.5 : 3),
    frlHalveEvery: g('frlHalveEvery', 40),
    lambda1: g('lambda1', official ? 0.5 : PAPER_LAMBDA1[method]),
    lambda2: g('lambda2', 0.5),
    calibrationBegin: g('calibrationBegin', Math.max(1, Math.round(0.05 * epochs))),
    emaDecay: g('emaDecay', official ? 0.88 : 0.85),
    emaBegin: g('emaBegin', official ? 0 : Math.round(0.25 * epochs)),
    fawaDecay: g('fawaDecay', official ? 0.88 : 0.85),
    fawaThreshold: g('fawaThreshold', official ? 0.24 : 0.2),
    fawaBegin: g('fawaBegin', official ? 0 : Math.round(0.25 * epochs)),
    batchSize: g('batchSize', 128),
    evalBatchSize: g('evalBatchSize', 100),
    lr: g('lr', 0.1),
    momentum: g('momentum', 0.9),
    weightDecay: g('weightDecay', 5e-4),
    lrSchedule: g('lrSchedule', 'piecewise'),
    lrMilestones: g('lrMilestones', [...new Set([Math.ceil(0.5 * epochs), Math.ceil(0.75 * epochs)])]),
    lrGamma: g('lrGamma', 0.1),
    ...(input.init !== undefined ? { init: input.init as string } : {}),
    evalSteps: g('evalSteps', 10),
    evalStepSize: g('evalStepSize', stepSize),
    selectOn: g('selectOn', 'valid'),
    selectFrom: g('selectFrom', official ? Math.min(Math.ceil(0.5 * epochs), epochs - 1) : 0),
    monitorTest: g<boolean>('monitorTest', false) || input.selectOn === 'test',
    ...(input.fawaMetric !== undefined ? { fawaMetric: input.fawaMetric as TrainSettings['fawaMetric'] } : {}),
    ...(input.selectionMetric !== undefined ? { selectionMetric: input.selectionMetric as TrainSettings['selectionMetric'] } : {}),
    normalize: g('normalize', 'dataset'),
    subsetMode: g('subsetMode', 'random'),
  };
  checkCombination(cfg);
  return cfg;
}

/** Checks that need several fields at once; each error names the field at fault. */
function checkCombination(c: PendingConfig): void {
  const bad = (field: string, why: string): never => {
    throw new UserError(`config field '${field}': ${why}`);
  };
  if (!(ARCHS as readonly string[]).includes(c.arch) && c.arch !== 'preactresnet18') bad('arch', `unknown architecture '${c.arch}' (expected ${ARCHS.join(', ')})`);
  if (c.cfa.ccr && !TRADES_FAMILY.includes(c.method)) bad('cfa.ccr', `CCR calibrates the TRADES regulariser β (eq. 7-8) and needs a TRADES-family method (${TRADES_FAMILY.join(', ')}); method is '${c.method}'`);
  if (c.calibrationBegin >= c.epochs && (c.cfa.ccm || c.cfa.ccr)) bad('calibrationBegin', `is ${c.calibrationBegin} but the run has only ${c.epochs} epochs, so CCM/CCR would never start`);
  if (c.cfa.fawa && c.fawaBegin >= c.epochs) bad('fawaBegin', `is ${c.fawaBegin} but the run has only ${c.epochs} epochs`);
  if (c.cfa.ema && c.emaBegin >= c.epochs) bad('emaBegin', `is ${c.emaBegin} but the run has only ${c.epochs} epochs`);
  if (c.selectFrom >= c.epochs) bad('selectFrom', `is ${c.selectFrom} but the run has only ${c.epochs} epochs`);
  if (c.steps === 0 && c.method !== 'fat') bad('steps', 'must be ≥ 1 for a PGD-based training attack');
  for (let i = 1; i < c.lrMilestones.length; i++) if (c.lrMilestones[i] <= c.lrMilestones[i - 1]) bad('lrMilestones', `must increase, got [${c.lrMilestones.join(', ')}]`);
  for (let i = 1; i < c.fatTauMilestones.length; i++) if (c.fatTauMilestones[i] <= c.fatTauMilestones[i - 1]) bad('fatTauMilestones', `must increase, got [${c.fatTauMilestones.join(', ')}]`);
  if (c.validRule === 'random' && !(c.validFraction < 1)) bad('validFraction', 'must be below 1');
}
