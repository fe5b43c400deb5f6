// The training settings, each declared once: type, one-line doc, accepted values, default rule (by profile,
// method, dataset, epochs) and flag. Types, checks, `cfa train --help`, the README table and the config-file format
// (nested, dotted or the old flat names) all come from TRAIN_SCHEMA. Every error names the source and the field.
import * as path from 'path';
import { findSpec } from '../data/catalog';
import { checkResize } from '../data/image-folder';
import { UserError } from '../errors';
import { RunConfig, RunCore } from '../formats';
import { ARCHS, isModelPlugin } from '../nn/models/names';
import * as schema from '../schema';
import { At, Infer, Input, Resolved, bool, byKey, byProfile, choice, custom, fail, frac, group, int, integers, num, ofEpochs, rule, str } from '../schema';

export const METHODS = ['at', 'trades', 'fat', 'frl', 'mart'] as const;
export type Method = (typeof METHODS)[number];
/** Methods whose loss is TRADES-shaped (CE + β·KL): the only ones CCR applies to. */
export const TRADES_FAMILY: readonly Method[] = ['trades', 'frl'];
export const CFA_PARTS = ['ccm', 'ccr', 'fawa', 'ema'] as const;
export type CfaSwitches = { ccm: boolean; ccr: boolean; fawa: boolean; ema: boolean };
type CfaInput = Partial<CfaSwitches> & { all?: boolean };

/** Parses a CFA parts list: "ccm,ccr,fawa", "all" (ccm, ccr when the loss allows it, fawa, ema), "none", or an array. */
export function parseCfaList(v: string | readonly string[], where: string): CfaInput {
  const parts = (typeof v === 'string' ? v.split(',') : v).map((s) => String(s).trim().toLowerCase()).filter((s) => s.length > 0);
  const out: CfaInput = { ccm: false, ccr: false, fawa: false, ema: false };
  for (const p of parts) {
    if (p === 'all') out.all = true;
    else if (p === 'none') continue;
    else if ((CFA_PARTS as readonly string[]).includes(p)) out[p as keyof CfaSwitches] = true;
    else throw new UserError(`${where}: unknown CFA part '${p}' (expected ccm, ccr, fawa, ema, all or none)`);
  }
  return out;
}

function checkCfa(v: unknown, at: At): CfaInput {
  if (typeof v === 'string' || (Array.isArray(v) && v.every((s) => typeof s === 'string'))) return parseCfaList(v as string | string[], `${at.where}: field '${at.field}'`);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(at, 'an object {ccm, ccr, fawa, ema} or a list such as "ccm,fawa"', v);
  const out: CfaInput = {};
  for (const [k, b] of Object.entries(v as Record<string, unknown>)) {
    if (!(CFA_PARTS as readonly string[]).includes(k)) throw new UserError(`${at.where}: unknown field '${at.field}.${k}' (known: ${CFA_PARTS.join(', ')})`);
    if (typeof b !== 'boolean') fail({ ...at, field: `${at.field}.${k}` }, 'true or false', b);
    out[k as keyof CfaSwitches] = b;
  }
  return out;
}

/** The switches from a CFA input: "all" means ccm, fawa, and ccr for the TRADES family. */
function cfaSwitches(c: CfaInput, method: Method): CfaSwitches {
  if (c.all) return { ccm: true, ccr: TRADES_FAMILY.includes(method), fawa: true, ema: c.ema ?? false };
  return { ccm: c.ccm ?? false, ccr: c.ccr ?? false, fawa: c.fawa ?? false, ema: c.ema ?? false };
}

/** The canonical dataset name ('toy' or a name/alias known to the data module); UserError naming the field otherwise. */
export function canonicalDataset(name: string): string {
  if (name.toLowerCase() === 'toy') return 'toy';
  const spec = findSpec(name);
  if (!spec) throw new UserError(`dataset: unknown dataset '${name}' (expected cifar10, cifar100, fashion-mnist, mnist, tiny-imagenet, toy, or your own: folder, npz)`);
  return spec.name;
}

/** A built-in architecture name, or a model plug-in file (made absolute so that resume and eval find it). */
export function checkArch(v: unknown, at: At): string {
  if (typeof v !== 'string' || v.length === 0) fail(at, `one of ${ARCHS.join(', ')} or a model plug-in file (.js)`, v);
  if (isModelPlugin(v)) return path.resolve(v);
  if (!(ARCHS as readonly string[]).includes(v) && v !== 'preactresnet18') fail(at, `one of ${ARCHS.join(', ')} or a model plug-in file (.js)`, v);
  return v;
}

type Normalize = 'dataset' | 'none' | { mean: number[]; std: number[] };

function checkNormalize(v: unknown, at: At): Normalize {
  if (v === 'dataset' || v === 'none') return v;
  const o = v as { mean?: unknown; std?: unknown } | null;
  const list = (x: unknown, positive: boolean) => Array.isArray(x) && x.length > 0 && x.every((e) => typeof e === 'number' && Number.isFinite(e) && (!positive || e > 0));
  if (o === null || typeof o !== 'object' || Array.isArray(o) || Object.keys(o).some((k) => k !== 'mean' && k !== 'std') || !list(o.mean, false) || !list(o.std, true) || (o.mean as number[]).length !== (o.std as number[]).length) {
    fail(at, "'dataset', 'none' or {mean: [numbers], std: [positive numbers]} of one length", v);
  }
  return { mean: (o!.mean as number[]).slice(), std: (o!.std as number[]).slice() };
}

const DATASETS = ['cifar10', 'cifar100', 'tiny-imagenet', 'fashion-mnist', 'mnist', 'toy', 'folder', 'npz'];
const name = (k: string) => k;
const METHOD = (k: string) => k.toUpperCase();
const reweight = <T>(other: T, reweightOnly: T): ReturnType<typeof rule<T>> =>
  rule(`${String(other)}; ${String(reweightOnly)} for the reweight variant`, (c: Resolved) => (c.frl.variant === 'reweight' ? reweightOnly : other));
const budget = { min: 0, open: true, fraction: true };

/** Every setting of `cfa train`, in the order defaults are resolved (a rule reads only settings above it). */
export const TRAIN_SCHEMA = {
  preset: custom(
    'named preset(s) applied first, e.g. "paper-cifar10-at-cfa" or ["quick-fmnist", "official"]',
    'preset names',
    (v, at) => {
      if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean);
      if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v.slice();
      return fail(at, 'a preset name or a list of names', v);
    },
    (t) => t,
    {},
  ),
  profile: choice("defaults profile: 'paper' (CVPR 2023 text) or 'official' (the released code's defaults)", ['paper', 'official'] as const, { default: 'paper' }),
  dataset: str('dataset: cifar10, cifar100, fashion-mnist, mnist, tiny-imagenet, toy, or your own: folder, npz', { default: 'fashion-mnist', flag: 'data', arg: 'NAME' }, canonicalDataset),
  dataDir: str('folder of the dataset (default: $CFA_DATA, ~/.cache/cfa, ./data, /usr/share/datasets); folder: DIR with train/ and test/ (or val/) class folders; npz: FILE.npz or a folder of x_train.npy, y_train.npy, x_test.npy, y_test.npy', { flag: 'data-dir', arg: 'DIR' }),
  resize: custom('folder datasets: resize every image to H,W (bilinear, half-pixel centres; default: all images must share one size)', 'H,W', (v, at) => checkResize(v, `${at.where}: field '${at.field}'`), (t, flag) => t.split(',').map((s) => Number(s.trim())), { flag: 'resize', arg: 'H,W' }),
  layout: choice('npz datasets: layout of 4-D image arrays (default: detected from the channel axis of size 1 or 3)', ['nhwc', 'nchw'] as const, { flag: 'layout', arg: 'L' }),
  arch: custom(`architecture: ${ARCHS.join(', ')} (prn18-frl: FRL's PreActResNet-18 without the final BatchNorm; default resnet18 for Tiny-ImageNet, App. C.1), or a model plug-in file exporting createModel({numClasses, inChannels, inputSize})`, `${ARCHS.join(' | ')} | FILE.js`, checkArch, (t) => t, {
    default: byKey('dataset', name, Object.fromEntries(DATASETS.map((d) => [d, /mnist|toy/.test(d) ? 'smallcnn' : d === 'tiny-imagenet' ? 'resnet18' : 'prn18']))),
    flag: 'arch',
    arg: 'NAME|FILE',
  }),
  method: choice('base trainer', METHODS, { default: 'at', flag: 'method', arg: 'NAME' }),
  cfa: custom('CFA parts: {ccm, ccr, fawa, ema} booleans, or a list such as "ccm,ccr,fawa", "all", "none"', 'ccm,ccr,fawa,ema | all | none', checkCfa, (t) => t, {
    default: rule<CfaInput>('none', () => ({})),
    flag: 'cfa',
    arg: 'LIST',
    merge: (a: CfaInput, b: CfaInput) => ({ ...a, ...b }),
    finish: (v: CfaInput, c: Resolved) => cfaSwitches(v, c.method),
  }),
  eps: num('training and validation budget ε in [0,1] pixels', { min: 0, max: 1, fraction: true }, {
    default: byKey('dataset', name, { cifar10: 8 / 255, cifar100: 8 / 255, 'tiny-imagenet': 8 / 255, 'fashion-mnist': 0.1, mnist: 0.3, toy: 0.1, folder: 8 / 255, npz: 8 / 255 }),
    flag: 'eps',
    arg: 'E',
  }),
  stepSize: num('PGD step α of the training attack', budget, { default: rule('ε/4', (c) => (c.eps > 0 ? c.eps / 4 : 2 / 255)), flag: 'step-size', arg: 'A' }),
  steps: int('steps of the training attack', 0, { default: 10, flag: 'steps', arg: 'K' }),
  beta: num('β of the TRADES-family and MART losses', { min: 0 }, { default: byKey('method', METHOD, { trades: 6, mart: 6, frl: 1.5 }), optional: true, flag: 'beta', arg: 'B' }),
  epochs: int('epochs', 1, { default: 200, flag: 'epochs', arg: 'N' }),
  seed: int('seed of the weights, data order and attacks', 0, { default: 0, flag: 'seed', arg: 'S' }),
  device: str("'cpu', 'cuda', 'cuda:N' or 'auto'", { default: 'auto', flag: 'device', arg: 'D' }),
  threads: int('CPU threads for libtorch (default: all cores)', 1, { flag: 'threads', arg: 'N' }),
  // data
  perClass: int('training images per class (a seeded stratified subset, or the first ones with subsetMode first; default: all)', 1, { flag: 'per-class', arg: 'N' }),
  subsetMode: choice("perClass subset: 'random' (seeded draw) or 'first' (the first N images of each class in file order, as the official code)", ['first', 'random'] as const, { default: 'random' }),
  validRule: choice("validation split: 'first' images of each class (CFA code), the 'last' ones (FRL code) or a seeded 'random' fraction", ['first', 'last', 'random'] as const, { default: 'first' }),
  validPerClass: int("validation images per class for 'first' (default 100 for CIFAR-10, else 2% of the smallest class)", 1),
  validFraction: num("fraction of each class for 'random'", { min: 0, max: 1, open: true }, { default: 0.02 }),
  testPerClass: int('test images per class (default: the whole test set)', 1),
  augment: choice("training augmentation (default: the dataset's, crop-flip for colour images)", ['crop-flip', 'none'] as const),
  normalize: custom(
    "input normalisation inside the model: 'dataset' (per-channel mean/std of the training images), 'none' (raw [0,1] pixels, as the FRL and TRADES code) or {mean: [...], std: [...]}",
    "dataset | none | {mean, std}",
    checkNormalize,
    (t) => (t === 'dataset' || t === 'none' ? t : (JSON.parse(t) as unknown)),
    { default: 'dataset' as Normalize },
  ),
  padMode: choice("padding of the random crop: 'reflect' (CFA) or 'zero' (TRADES, FAT, FRL)", ['reflect', 'zero'] as const, { default: 'reflect' }),
  // the training attack and losses
  attackMode: choice('model mode during the AT/FAT training attack (TRADES, MART and FRL always attack in eval mode)', ['train', 'eval'] as const, {
    default: byProfile<'train' | 'eval'>({ paper: 'eval', official: rule('train for AT and FAT, else eval', (c) => (c.method === 'at' || c.method === 'fat' ? 'train' : 'eval')) }),
  }),
  tradesLoss: choice("'normalized' (CE+βKL)/(1+β), eq. 8 and the CFA code, or 'original' CE+βKL", ['normalized', 'original'] as const, { default: 'normalized' }),
  fat: group('FAT (docs/methods.md#fat)', {
    tau: int('control counter τ (CFA keeps it fixed; the original FAT starts at 0)', 0, { default: 3 }),
    tauMilestones: integers('epochs (0-based) where τ grows by 1 (the original FAT: τ 0 with [50, 90])', { default: [] as number[] }),
    semantics: choice("early stopping: 'cfa' or 'original' (ω = 0.001 noise)", ['cfa', 'original'] as const, { default: 'cfa' }),
  }),
  frl: group('FRL (docs/methods.md#frl)', {
    variant: choice('FRL variant', ['reweight', 'remargin', 'reweight-remargin'] as const, { default: 'reweight-remargin' }),
    tauNat: frac('tolerance τ_nat', { default: reweight(0.07, 0.1) }),
    tauBndy: frac('tolerance τ_bndy', { default: reweight(0.07, 0.1) }),
    rate1: num('multiplier step r₁', { min: 0 }, { default: 0.05 }),
    rate2: num('margin step r₂ (unused by reweight)', { min: 0 }, { default: reweight(0.2, 0.1) }),
    lim: num('bound on Σλ', { min: 0, open: true }, { default: 0.5 }),
    marginMax: num('upper clip of the margin multiplier', { min: 0.98 }, { default: reweight(3, 2.5) }),
    halveEvery: int('halves r₁ every this many epochs', 1, { default: 40 }),
  }),
  // CFA
  calibration: group('CCM and CCR (docs/methods.md#ccm, #ccr)', {
    lambda1: num('CCM base budget λ₁', { min: 0 }, { default: byProfile({ paper: byKey('method', METHOD, { at: 0.5, trades: 0.3, fat: 0.7, frl: 0.3, mart: 0.5 }), official: 0.5 }), alias: 'lambda1' }),
    lambda2: num('CCR base weight λ₂', { min: 0 }, { default: 0.5, alias: 'lambda2' }),
    begin: int('first epoch using calibrated ε_k/β_k', 1, { default: ofEpochs(0.05, 'round', 1) }),
  }),
  ema: group('EMA of the weights (docs/methods.md#ema)', {
    decay: frac('EMA decay', { default: byProfile({ paper: 0.85, official: 0.88 }) }),
    begin: int('first epoch folded into the EMA', 0, { default: byProfile({ paper: ofEpochs(0.25, 'round'), official: 0 }) }),
  }),
  fawa: group('FAWA (docs/methods.md#fawa)', {
    decay: frac('FAWA decay', { default: byProfile({ paper: 0.85, official: 0.88 }) }),
    threshold: frac('threshold on the worst-class validation robust accuracy', { default: byProfile({ paper: 0.2, official: 0.24 }) }),
    begin: int('first epoch FAWA may fold in (official: from the first accepted epoch)', 0, { default: byProfile({ paper: ofEpochs(0.25, 'round'), official: 0 }) }),
    metric: choice("what the threshold applies to: 'worst' class or 'worst20' (mean of the worst 20% of classes, App. C.1; docs/methods.md#fawa); default worst20 with ≥ 100 classes, else worst", ['worst', 'worst20'] as const),
  }),
  // optimisation
  batchSize: int('training batch size', 1, { default: 128, flag: 'batch-size', arg: 'B' }),
  evalBatchSize: int('validation/test batch size', 1, { default: 100 }),
  lr: num('initial learning rate', { min: 0, open: true }, { default: 0.1, flag: 'lr', arg: 'LR' }),
  momentum: num('SGD momentum', { min: 0, max: 1 }, { default: 0.9 }),
  weightDecay: num('SGD weight decay', { min: 0 }, { default: 5e-4 }),
  lrSchedule: choice('learning-rate schedule', ['piecewise', 'cosine', 'constant'] as const, { default: 'piecewise' }),
  lrMilestones: integers('piecewise: epochs where lr is multiplied by lrGamma', {
    default: rule('ceil(0.5·epochs), ceil(0.75·epochs) (100, 150 of 200)', (c) => [...new Set([Math.ceil(0.5 * c.epochs), Math.ceil(0.75 * c.epochs)])]),
  }),
  lrGamma: num('piecewise factor', { min: 0, open: true }, { default: 0.1 }),
  init: str("checkpoint (safetensors, PyTorch keys) to start from, e.g. FRL's hot start", { flag: 'init', arg: 'FILE' }),
  // monitoring and selection
  evalSteps: int('PGD steps of the per-epoch validation', 1, { default: 10 }),
  evalStepSize: num('PGD step of the per-epoch validation', budget, { default: rule('stepSize', (c) => c.stepSize) }),
  selectOn: choice("split that picks the best checkpoint ('test' is the official code's choice; reported as test-selected)", ['valid', 'test'] as const, {
    default: 'valid',
    flag: 'select-on',
    arg: 'valid|test',
  }),
  selectionMetric: choice("best checkpoint = robust average + 'worst' class or 'worst20' mean (default worst20 with ≥ 100 classes, else worst)", ['worst', 'worst20'] as const),
  selectFrom: int('first epoch eligible as best', 0, { default: byProfile({ paper: 0, official: rule('ceil(0.5·epochs)', (c) => Math.min(Math.ceil(0.5 * c.epochs), c.epochs - 1)) }) }),
  monitorTest: bool('also evaluate every epoch on the test set (implied by selectOn test)', { default: false, flag: 'monitor-test', finish: (v, c) => v || c.selectOn === 'test' }),
};

/** Every resolved setting of a run. */
export type TrainSettings = Omit<Infer<typeof TRAIN_SCHEMA>, 'preset' | 'cfa' | 'method'> &
  RunCore & {
    mean: number[];
    std: number[];
    channels: number;
    inputSize: number;
    augment: 'crop-flip' | 'none';
  };

/** The resolved configuration, saved as RUN_DIR/config.json. */
export type TrainConfig = TrainSettings & RunConfig;

/** A partial configuration as given by a file, a preset or flags (checked, nested like TRAIN_SCHEMA). */
export type ConfigInput = Input;

/** Checks a partial configuration (a file, a preset, "--set"): known fields, nested, dotted or flat, in range. */
export function checkInput(raw: unknown, where: string): ConfigInput {
  return schema.checkInput(TRAIN_SCHEMA, raw, where);
}

/** One `--set field=value` override, the value read by `parseValue` (YAML). */
export function parseSetting(text: string, parseValue: (s: string) => unknown): ConfigInput {
  return schema.parseSetting(TRAIN_SCHEMA, text, parseValue);
}
