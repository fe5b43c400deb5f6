// The settings of `cfa eval`, declared like training's (src/training/config.ts): flags, checks, defaults and --help
// come from EVAL_SCHEMA.
import * as path from 'path';
import { AA_DEFAULTS } from '../attacks/autoattack';
import { checkResize } from '../data/image-folder';
import { EVAL_ATTACKS } from '../evaluation/evaluate';
import { ARCHS } from '../nn/models/names';
import { At, bool, choice, custom, fail, int, num, numbers, rule, str } from '../schema';
import { checkArch } from '../training/config';
import { isAttackPlugin } from './plugins';

function checkAttack(v: unknown, at: At): string {
  if (typeof v === 'string' && isAttackPlugin(v)) return path.resolve(v);
  if (typeof v !== 'string' || !(EVAL_ATTACKS as readonly string[]).includes(v)) fail(at, `one of ${EVAL_ATTACKS.join(', ')} or an attack plug-in file (.js)`, v);
  return v;
}

function checkWhich(v: unknown, at: At): string {
  const m = typeof v === 'string' ? /^(model|ema|fawa)(?:-(best|last))?$/.exec(v) : null;
  if (!m) fail(at, 'model, ema or fawa, optionally with -best or -last', v);
  return `${m[1]}-${m[2] ?? 'best'}`;
}

const positive = { min: 0, open: true, fraction: true };

export const EVAL_SCHEMA = {
  model: str('checkpoint file, or a run directory (uses RUN_DIR/checkpoints/<which>.safetensors and its config.json)', { flag: 'model', arg: 'PATH' }),
  which: custom('checkpoint of a run directory', 'model | ema | fawa [-best | -last]', checkWhich, (t) => t, { default: 'model-best', flag: 'which', arg: 'NAME' }),
  arch: custom(`architecture (${ARCHS.join(', ')}) or a model plug-in file; default: the run's or the checkpoint's`, `${ARCHS.join(' | ')} | FILE.js`, checkArch, (t) => t, { flag: 'arch', arg: 'NAME|FILE' }),
  dataset: str("dataset whose test split is used (cifar10, cifar100, fashion-mnist, mnist, tiny-imagenet, folder, npz); default: the run's", { flag: 'data', arg: 'NAME' }),
  dataDir: str('dataset folder', { flag: 'data-dir', arg: 'DIR' }),
  resize: custom("folder data: resize every image to H,W (default: the run's, else all images share one size)", 'H,W', (v, at) => checkResize(v, `${at.where}: field '${at.field}'`), (t) => t.split(',').map((x) => Number(x.trim())), { flag: 'resize', arg: 'H,W' }),
  layout: choice("npz data: layout of the image arrays (default: the run's, else detected)", ['nhwc', 'nchw'] as const, { flag: 'layout', arg: 'L' }),
  attack: custom('aa (AutoAttack), one of its attacks, pgd, or an attack plug-in file', `${EVAL_ATTACKS.join(' | ')} | FILE.js`, checkAttack, (t) => t, { default: 'aa', flag: 'attack', arg: 'NAME|FILE' }),
  version: choice('AutoAttack version (--attack aa only)', ['standard', 'plus', 'rand'] as const, { flag: 'version', arg: 'V' }),
  norm: choice('threat model', ['Linf', 'L2'] as const, { default: 'Linf', flag: 'norm', arg: 'Linf|L2' }),
  eps: numbers('budget(s), comma-separated, e.g. 4/255,8/255', positive, { default: rule('8/255 (Linf), 0.5 (L2)', (c) => [c.norm === 'L2' ? 0.5 : 8 / 255]), flag: 'eps', arg: 'LIST' }),
  steps: int('PGD steps (default 20)', 1, { flag: 'steps', arg: 'K' }),
  stepSize: num('PGD step size (default ε/4)', positive, { flag: 'step-size', arg: 'A' }),
  restarts: int('PGD restarts (default 1)', 1, { flag: 'restarts', arg: 'R' }),
  n: int('number of test points (class-balanced)', 1, { default: 1000, flag: 'n', arg: 'N' }),
  seed: int('attack seed', 0, { default: 0, flag: 'seed', arg: 'S' }),
  batchSize: int('points per attack batch', 1, { default: AA_DEFAULTS.batchSize, flag: 'batch-size', arg: 'B' }),
  out: str('write the EvalResult JSON (an array for several ε); default with a run directory: RUN_DIR/eval-<which>-<attack>-<norm>-<eps>.json', { flag: 'out', arg: 'FILE' }),
  format: choice('cfa: our EvalResult; robustbench: the leaderboard\'s model_info fields (AutoAttack only) with our per-class figures under "classwise"', ['cfa', 'robustbench'] as const, { default: 'cfa', flag: 'format', arg: 'F' }),
  tb: str('TensorBoard event file of the results (default: tb/ beside --out, or RUN_DIR/tb/eval)', { flag: 'tb', arg: 'DIR' }),
  state: str('AutoAttack resume file: progress saved after every batch; a rerun with the same arguments continues', { flag: 'state', arg: 'FILE' }),
  nIter: int('reduced APGD/FAB iterations (smoke tests only; recorded in the attack name)', 1, { flag: 'n-iter', arg: 'N' }),
  nQueries: int('reduced Square queries (smoke tests only; recorded in the attack name)', 1, { flag: 'n-queries', arg: 'Q' }),
  rawPixels: bool('feed raw [0,1] pixels (models trained without normalisation, e.g. FRL\'s code)', { default: false, flag: 'no-normalize' }),
  device: str("'cpu', 'cuda', 'cuda:N' or 'auto'", { default: 'auto', flag: 'device', arg: 'D' }),
  threads: int('CPU threads for libtorch (default: all cores)', 1, { flag: 'threads', arg: 'N' }),
};
