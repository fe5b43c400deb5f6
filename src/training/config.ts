// The training configuration: its fields, their types and documentation, and the checks applied to user input
// (config files, presets, flags) before any work starts. Every error names the source and the field.
import { UserError } from '../errors';
import { RunConfig, RunCore } from './run-format';

export const METHODS = ['at', 'trades', 'fat', 'frl', 'mart'] as const;
export type Method = (typeof METHODS)[number];
/** Methods whose loss is TRADES-shaped (CE + β·KL): the only ones CCR applies to. */
export const TRADES_FAMILY: readonly Method[] = ['trades', 'frl'];
export const CFA_PARTS = ['ccm', 'ccr', 'fawa', 'ema'] as const;
export type CfaSwitches = { ccm: boolean; ccr: boolean; fawa: boolean; ema: boolean };

/** Every resolved setting of a run (a type alias, so that it also satisfies RunConfig's open index). */
export type TrainSettings = RunCore & {
  /** Defaults profile: 'paper' (CVPR 2023 text) or 'official' (the released code's defaults). */
  profile: 'paper' | 'official';
  device: string;
  threads?: number;
  // data
  perClass?: number;
  validRule: 'first' | 'last' | 'random';
  validPerClass?: number;
  validFraction: number;
  testPerClass?: number;
  augment: 'crop-flip' | 'none';
  padMode: 'reflect' | 'zero';
  mean: number[];
  std: number[];
  channels: number;
  inputSize: number;
  // attack used by the training loss
  attackMode: 'train' | 'eval';
  tradesLoss: 'normalized' | 'original';
  fatTau: number;
  fatTauMilestones: number[];
  fatSemantics: 'cfa' | 'original';
  frlVariant: 'reweight' | 'remargin' | 'reweight-remargin';
  frlTauNat: number;
  frlTauBndy: number;
  frlRate1: number;
  frlRate2: number;
  frlLim: number;
  frlMarginMax: number;
  frlHalveEvery: number;
  // CFA
  lambda1: number;
  lambda2: number;
  calibrationBegin: number;
  emaDecay: number;
  emaBegin: number;
  fawaDecay: number;
  fawaThreshold: number;
  fawaBegin: number;
  // optimisation
  batchSize: number;
  evalBatchSize: number;
  lr: number;
  momentum: number;
  weightDecay: number;
  lrSchedule: 'piecewise' | 'cosine' | 'constant';
  lrMilestones: number[];
  lrGamma: number;
  init?: string;
  // monitoring and selection
  evalSteps: number;
  evalStepSize: number;
  selectOn: 'valid' | 'test';
  // fairness measure of FAWA's threshold and of checkpoint selection (App. C.1); unset: by the number of classes
  fawaMetric?: 'worst' | 'worst20';
  selectionMetric?: 'worst' | 'worst20';
  // input normalisation and training subset
  normalize: 'dataset' | 'none' | { mean: number[]; std: number[] };
  subsetMode: 'first' | 'random';
  selectFrom: number;
  monitorTest: boolean;
};

/** The resolved configuration, saved as RUN_DIR/config.json. */
export type TrainConfig = TrainSettings & RunConfig;

type Kind =
  | { t: 'number'; min?: number; max?: number; integer?: boolean; open?: boolean; fraction?: boolean }
  | { t: 'string' }
  | { t: 'enum'; values: readonly string[] }
  | { t: 'boolean' }
  | { t: 'integers' }
  | { t: 'cfa' }
  | { t: 'presets' }
  | { t: 'normalize' };

interface Field {
  kind: Kind;
  doc: string;
}

const num = (doc: string, o: Omit<Extract<Kind, { t: 'number' }>, 't'> = {}): Field => ({ kind: { t: 'number', ...o }, doc });
const int = (doc: string, min = 0): Field => num(doc, { integer: true, min });
const frac = (doc: string): Field => num(doc, { min: 0, max: 1 });
const choice = (doc: string, values: readonly string[]): Field => ({ kind: { t: 'enum', values }, doc });

/**
 * Every field a config file, a preset or --set may give. Numbers that are budgets accept fractions such as "8/255".
 * Derived fields (classNames, numClasses, mean, std, channels, inputSize, version) come from the data and the build.
 */
export const FIELDS: Record<string, Field> = {
  preset: { kind: { t: 'presets' }, doc: 'named preset(s) applied first, e.g. "paper-cifar10-at-cfa" or ["quick-fmnist", "official"]' },
  profile: choice("defaults profile: 'paper' (default) or 'official' (the released code's defaults)", ['paper', 'official']),
  dataset: { kind: { t: 'string' }, doc: 'dataset: cifar10, cifar100, fashion-mnist, mnist, tiny-imagenet or toy' },
  dataDir: { kind: { t: 'string' }, doc: 'folder of the dataset (default: searched in the usual places)' },
  arch: choice("architecture (default prn18 for CIFAR, resnet18 for Tiny-ImageNet as in App. C.1, smallcnn for 28×28; 'prn18-frl' is FRL's PRN-18 without the final BatchNorm)", ['prn18', 'preactresnet18', 'prn18-frl', 'resnet18', 'wrn34-10', 'smallcnn']),
  method: choice('base trainer', METHODS),
  cfa: { kind: { t: 'cfa' }, doc: 'CFA parts: {ccm, ccr, fawa, ema} booleans, or a list/string such as "ccm,ccr,fawa", "all", "none"' },
  eps: num('training and validation budget ε in [0,1] pixels (default 8/255; 0.1 for Fashion-MNIST, 0.3 for MNIST)', { min: 0, max: 1, fraction: true }),
  stepSize: num('PGD step α of the training attack (default ε/4: 2/255 at 8/255)', { min: 0, open: true, fraction: true }),
  steps: int('steps of the training attack (default 10)'),
  beta: num('β of TRADES (6), MART (6) and FRL (1.5)', { min: 0 }),
  epochs: int('epochs (default 200)', 1),
  seed: int('seed of the weights, data order and attacks (default 0)'),
  device: { kind: { t: 'string' }, doc: "'cpu', 'cuda', 'cuda:N' or 'auto' (default)" },
  threads: int('CPU threads for libtorch (default: all cores)', 1),
  perClass: int('training images per class (a seeded stratified subset, or the first ones with subsetMode first; default: all)', 1),
  validRule: choice("validation split: 'first' images of each class (CFA code, default), the 'last' ones (FRL code) or a seeded 'random' fraction", ['first', 'last', 'random']),
  validPerClass: int("validation images per class for 'first' (default 100 for CIFAR-10, else 2% of the smallest class)", 1),
  validFraction: num("fraction of each class for 'random' (default 0.02)", { min: 0, max: 1, open: true }),
  testPerClass: int('test images per class (default: the whole test set)', 1),
  augment: choice("training augmentation (default: the dataset's, crop-flip for colour images)", ['crop-flip', 'none']),
  padMode: choice("padding of the random crop: 'reflect' (CFA, default) or 'zero' (TRADES, FAT, FRL)", ['reflect', 'zero']),
  attackMode: choice("model mode during the AT/FAT training attack: 'eval' (paper profile) or 'train' (official code)", ['train', 'eval']),
  tradesLoss: choice("'normalized' (CE+βKL)/(1+β), eq. 8 and the CFA code (default), or 'original' CE+βKL", ['normalized', 'original']),
  fatTau: int('FAT control counter τ (default 3, fixed, as in CFA; the original FAT starts at 0)'),
  fatTauMilestones: { kind: { t: 'integers' }, doc: 'epochs (0-based) where τ grows by 1 (default none; the original FAT: τ 0 with [50, 90], i.e. 0 up to epoch 50, 1 up to 90, 2 after)' },
  fatSemantics: choice("FAT early stopping: 'cfa' (§7.4a, default) or 'original' (§7.4b, ω = 0.001 noise)", ['cfa', 'original']),
  frlVariant: choice("FRL variant (default 'reweight-remargin')", ['reweight', 'remargin', 'reweight-remargin']),
  frlTauNat: frac('FRL tolerance τ_nat (0.07; 0.1 for reweight)'),
  frlTauBndy: frac('FRL tolerance τ_bndy (0.07; 0.1 for reweight)'),
  frlRate1: num('FRL multiplier step r₁ (0.05)', { min: 0 }),
  frlRate2: num('FRL margin step r₂ (0.2; 0.1 for reweight, where it is unused)', { min: 0 }),
  frlLim: num('FRL bound on Σλ (0.5)', { min: 0, open: true }),
  frlMarginMax: num('FRL upper clip of the margin multiplier (3; 2.5 for reweight)', { min: 0.98 }),
  frlHalveEvery: int('FRL halves r₁ every this many epochs (40)', 1),
  lambda1: num('CCM base budget λ₁ (paper: AT 0.5, TRADES 0.3, FAT 0.7; official 0.5)', { min: 0 }),
  lambda2: num('CCR base weight λ₂ (0.5)', { min: 0 }),
  calibrationBegin: int('first epoch using calibrated ε_k/β_k (default max(1, round(0.05·epochs)): 10 of 200)', 1),
  emaDecay: frac('EMA decay (paper 0.85, official 0.88)'),
  emaBegin: int('first epoch folded into the EMA (paper round(0.25·epochs): 50 of 200; official 0)'),
  fawaDecay: frac('FAWA decay (paper 0.85, official 0.88)'),
  fawaThreshold: frac('FAWA threshold on worst-class validation robust accuracy (paper 0.2, official 0.24)'),
  fawaBegin: int('first epoch FAWA may fold in (paper round(0.25·epochs); official 0: from the first accepted epoch)'),
  batchSize: int('training batch size (128)', 1),
  evalBatchSize: int('validation/test batch size (100)', 1),
  lr: num('initial learning rate (0.1)', { min: 0, open: true }),
  momentum: num('SGD momentum (0.9)', { min: 0, max: 1 }),
  weightDecay: num('SGD weight decay (5e-4)', { min: 0 }),
  lrSchedule: choice("learning-rate schedule: 'piecewise' (default), 'cosine' or 'constant'", ['piecewise', 'cosine', 'constant']),
  lrMilestones: { kind: { t: 'integers' }, doc: 'piecewise: epochs where lr is multiplied by lrGamma (default ceil(0.5·epochs), ceil(0.75·epochs): 100, 150 of 200)' },
  lrGamma: num('piecewise factor (0.1)', { min: 0, open: true }),
  init: { kind: { t: 'string' }, doc: 'checkpoint (safetensors, PyTorch keys) to start from, e.g. FRL\'s hot start' },
  evalSteps: int('PGD steps of the per-epoch validation (10)', 1),
  evalStepSize: num('PGD step of the per-epoch validation (default stepSize)', { min: 0, open: true, fraction: true }),
  selectOn: choice("split that picks the best checkpoint: 'valid' (default) or 'test' (the official code's choice; reported as test-selected)", ['valid', 'test']),
  selectFrom: int('first epoch eligible as best (paper profile 0; official ceil(0.5·epochs))'),
  monitorTest: { kind: { t: 'boolean' }, doc: 'also evaluate every epoch on the test set (implied by selectOn test)' },
  // Paper fidelity: App. C.1's fairness measure, raw-pixel training, the official code's subset rule.
  fawaMetric: choice("FAWA's threshold applies to 'worst' (worst class) or 'worst20' (mean of the worst 20% of classes; App. C.1); default worst20 with ≥ 100 classes, else worst", ['worst', 'worst20']),
  selectionMetric: choice("best checkpoint = robust average + 'worst' class or 'worst20' mean (default worst20 with ≥ 100 classes, else worst)", ['worst', 'worst20']),
  normalize: { kind: { t: 'normalize' }, doc: "input normalisation inside the model: 'dataset' (per-channel mean/std of the training images, default), 'none' (raw [0,1] pixels, as the FRL and TRADES code) or {mean: [...], std: [...]}" },
  subsetMode: choice("perClass subset: 'random' (seeded draw, default) or 'first' (the first N images of each class in file order, as the official code)", ['first', 'random']),
};

/** A partial configuration as given by a file, a preset or flags (values already typed). */
export type ConfigInput = Record<string, unknown>;

/** Parses a CFA parts list: "ccm,ccr,fawa", "all" (ccm, ccr when the loss allows it, fawa, ema), "none", or an array. */
export function parseCfaList(v: string | readonly string[], where: string): Partial<CfaSwitches> & { all?: boolean } {
  const parts = (typeof v === 'string' ? v.split(',') : v).map((s) => String(s).trim().toLowerCase()).filter((s) => s.length > 0);
  const out: Partial<CfaSwitches> & { all?: boolean } = { ccm: false, ccr: false, fawa: false, ema: false };
  for (const p of parts) {
    if (p === 'all') out.all = true;
    else if (p === 'none') continue;
    else if ((CFA_PARTS as readonly string[]).includes(p)) out[p as keyof CfaSwitches] = true;
    else throw new UserError(`${where}: unknown CFA part '${p}' (expected ccm, ccr, fawa, ema, all or none)`);
  }
  return out;
}

function fail(where: string, field: string, expected: string, got: unknown): never {
  const shown = JSON.stringify(got);
  throw new UserError(`${where}: field '${field}': expected ${expected}, got ${shown === undefined ? String(got) : shown.slice(0, 80)}`);
}

/** A number field's value: numbers, or strings like "8/255" where fractions are allowed. */
function checkNumber(v: unknown, k: Extract<Kind, { t: 'number' }>, where: string, field: string): number {
  let x: number;
  if (typeof v === 'number') x = v;
  else if (typeof v === 'string' && k.fraction && /^\s*[+-]?\d*\.?\d+(e[+-]?\d+)?\s*\/\s*\d*\.?\d+(e[+-]?\d+)?\s*$/i.test(v)) {
    const [a, b] = v.split('/').map(Number);
    x = a / b;
  } else fail(where, field, k.fraction ? 'a number or a fraction like "8/255"' : 'a number', v);
  if (!Number.isFinite(x)) fail(where, field, 'a finite number', v);
  if (k.integer && !Number.isInteger(x)) fail(where, field, `an integer${k.min !== undefined ? ` ≥ ${k.min}` : ''}`, v);
  if (k.min !== undefined && (k.open ? x <= k.min : x < k.min)) fail(where, field, `a number ${k.open ? '>' : '≥'} ${k.min}${k.max !== undefined ? ` and ≤ ${k.max}` : ''}`, v);
  if (k.max !== undefined && x > k.max) fail(where, field, `a number in [${k.min ?? '−∞'}, ${k.max}]`, v);
  return x;
}

/**
 * Checks a partial configuration's fields and types, converting fractions and CFA lists; unknown fields are rejected
 * with their names. `where` names the source (a file, a preset, "--set").
 */
export function checkInput(raw: unknown, where: string): ConfigInput {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new UserError(`${where}: expected a mapping of configuration fields, got ${Array.isArray(raw) ? 'a list' : JSON.stringify(raw)}`);
  const out: ConfigInput = {};
  const unknown = Object.keys(raw).filter((k) => !(k in FIELDS));
  if (unknown.length) {
    throw new UserError(`${where}: unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')} (known fields: ${Object.keys(FIELDS).join(', ')})`);
  }
  for (const [field, v] of Object.entries(raw as Record<string, unknown>)) {
    const k = FIELDS[field].kind;
    switch (k.t) {
      case 'number':
        out[field] = checkNumber(v, k, where, field);
        break;
      case 'string':
        if (typeof v !== 'string' || v.length === 0) fail(where, field, 'a non-empty string', v);
        out[field] = v;
        break;
      case 'enum':
        if (typeof v !== 'string' || !k.values.includes(v)) fail(where, field, `one of ${k.values.join(', ')}`, v);
        out[field] = v;
        break;
      case 'boolean':
        if (typeof v !== 'boolean') fail(where, field, 'true or false', v);
        out[field] = v;
        break;
      case 'integers':
        if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x) && x >= 0)) fail(where, field, 'a list of integers ≥ 0', v);
        out[field] = (v as number[]).slice();
        break;
      case 'presets':
        if (typeof v === 'string') out[field] = v.split(',').map((s) => s.trim()).filter(Boolean);
        else if (Array.isArray(v) && v.every((s) => typeof s === 'string')) out[field] = v.slice();
        else fail(where, field, 'a preset name or a list of names', v);
        break;
      case 'cfa':
        out[field] = checkCfa(v, where);
        break;
      case 'normalize':
        out[field] = checkNormalize(v, where);
        break;
    }
  }
  return out;
}

function checkNormalize(v: unknown, where: string): TrainSettings['normalize'] {
  if (v === 'dataset' || v === 'none') return v;
  const o = v as { mean?: unknown; std?: unknown } | null;
  const list = (x: unknown, positive: boolean) => Array.isArray(x) && x.length > 0 && x.every((e) => typeof e === 'number' && Number.isFinite(e) && (!positive || e > 0));
  if (o === null || typeof o !== 'object' || Array.isArray(o) || Object.keys(o).some((k) => k !== 'mean' && k !== 'std') || !list(o.mean, false) || !list(o.std, true) || (o.mean as number[]).length !== (o.std as number[]).length) {
    fail(where, 'normalize', "'dataset', 'none' or {mean: [numbers], std: [positive numbers]} of one length", v);
  }
  return { mean: (o.mean as number[]).slice(), std: (o.std as number[]).slice() };
}

function checkCfa(v: unknown, where: string): Partial<CfaSwitches> & { all?: boolean } {
  if (typeof v === 'string' || (Array.isArray(v) && v.every((s) => typeof s === 'string'))) return parseCfaList(v as string | string[], `${where}: field 'cfa'`);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(where, 'cfa', 'an object {ccm, ccr, fawa, ema} or a list such as "ccm,fawa"', v);
  const out: Partial<CfaSwitches> = {};
  for (const [k, b] of Object.entries(v as Record<string, unknown>)) {
    if (!(CFA_PARTS as readonly string[]).includes(k)) throw new UserError(`${where}: unknown field 'cfa.${k}' (known: ${CFA_PARTS.join(', ')})`);
    if (typeof b !== 'boolean') fail(where, `cfa.${k}`, 'true or false', b);
    out[k as keyof CfaSwitches] = b;
  }
  return out;
}

/**
 * Parses one `--set field=value` override: the value is read as YAML (numbers, booleans, lists, strings), then
 * checked like a config file field.
 */
export function parseSetting(text: string, parseValue: (s: string) => unknown): ConfigInput {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UserError(`--set: expected field=value, got '${text}'`);
  const field = text.slice(0, eq).trim();
  return checkInput({ [field]: parseValue(text.slice(eq + 1)) }, `--set ${field}`);
}
