// `cfa train`: adversarial training (AT, TRADES, FAT, FRL, MART) with the CFA components (CCM, CCR, FAWA) and EMA.
// Without arguments it runs a small AT vs AT+CFA experiment and prints both per class.
import * as fs from 'fs';
import * as path from 'path';
import { UserError } from '../errors';
import { FIELDS, ConfigInput, TrainConfig, checkInput, parseCfaList, parseSetting } from '../training/config';
import { parseYamlText, readConfigFile } from '../training/config-file';
import { compareAtCfa } from '../training/compare';
import { PendingConfig, mergeInputs, resolveConfig } from '../training/defaults';
import { PRESETS, presetInputs } from '../training/presets';
import { runSummary } from '../training/summary';
import { configFile, trainRun } from '../training/train-run';
import { commonOptions, parseFlags, parseNumber } from './args';

export const summary = 'adversarial training (AT, TRADES, FAT, FRL, MART) with CCM, CCR, FAWA, EMA';

const options = {
  ...commonOptions,
  method: { type: 'string' },
  cfa: { type: 'string' },
  epochs: { type: 'string' },
  config: { type: 'string' },
  preset: { type: 'string' },
  'per-class': { type: 'string' },
  'batch-size': { type: 'string' },
  lr: { type: 'string' },
  'step-size': { type: 'string' },
  steps: { type: 'string' },
  beta: { type: 'string' },
  init: { type: 'string' },
  'select-on': { type: 'string' },
  'monitor-test': { type: 'boolean' },
  set: { type: 'string', multiple: true },
  resume: { type: 'string' },
  compare: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
} as const;

/** Flags that set a configuration field, and how their text is read. */
const FLAG_FIELDS: Record<string, { field: string; read: 'string' | 'number' | 'cfa' | 'boolean' | 'list' }> = {
  data: { field: 'dataset', read: 'string' },
  'data-dir': { field: 'dataDir', read: 'string' },
  arch: { field: 'arch', read: 'string' },
  eps: { field: 'eps', read: 'number' },
  seed: { field: 'seed', read: 'number' },
  device: { field: 'device', read: 'string' },
  threads: { field: 'threads', read: 'number' },
  method: { field: 'method', read: 'string' },
  cfa: { field: 'cfa', read: 'cfa' },
  epochs: { field: 'epochs', read: 'number' },
  'per-class': { field: 'perClass', read: 'number' },
  'batch-size': { field: 'batchSize', read: 'number' },
  lr: { field: 'lr', read: 'number' },
  'step-size': { field: 'stepSize', read: 'number' },
  steps: { field: 'steps', read: 'number' },
  beta: { field: 'beta', read: 'number' },
  init: { field: 'init', read: 'string' },
  'select-on': { field: 'selectOn', read: 'string' },
  'monitor-test': { field: 'monitorTest', read: 'boolean' },
};

function version(): string {
  return (require('../../../package.json') as { version: string }).version;
}

function help(): string {
  const presets = Object.entries(PRESETS).map(([n, p]) => `  ${n.padEnd(26)} ${p.doc}`);
  const fields = Object.entries(FIELDS).map(([n, f]) => `  ${n.padEnd(18)} ${f.doc}`);
  return `usage: cfa train [options]
       cfa train                      (no options: AT vs AT+CFA on a Fashion-MNIST subset, about 5 minutes on 2 cores)
       cfa train --resume RUN_DIR     (continue a run after its last completed epoch)

Trains a network adversarially and writes RUN_DIR/{config.json, log.jsonl, state/, checkpoints/} with the best and
last weights of the model, its EMA and its FAWA average (safetensors, PyTorch key names). Validation (clean and
PGD-10, eval mode, per class) runs every epoch; "best" = highest robust + worst-class robust accuracy on validation
(worst-20% mean instead of the worst class from 100 classes on, as the paper's App. C.1; see selectionMetric).

Options (settings are applied in the order presets, --config file, flags, --set):
  --data NAME             cifar10, cifar100, fashion-mnist, mnist, tiny-imagenet or toy (default fashion-mnist)
  --data-dir DIR          dataset folder (default: $CFA_DATA, ~/.cache/cfa, ./data, /usr/share/datasets)
  --arch NAME             prn18, prn18-frl, resnet18, wrn34-10 or smallcnn (default by dataset: resnet18 for
                          Tiny-ImageNet, as in the paper's App. C.1)
  --method NAME           at (default), trades, fat, frl or mart
  --cfa LIST              CFA parts: ccm, ccr, fawa, ema, comma-separated; "all" = ccm, fawa and ccr for TRADES/FRL
  --eps E                 budget in [0,1] pixels, e.g. 8/255 (default 8/255; 0.1 for Fashion-MNIST)
  --step-size A, --steps K  training attack (default ε/4, 10)
  --beta B                TRADES/MART β (6), FRL β (1.5)
  --epochs N, --batch-size B, --lr LR
  --per-class N           use N training images per class (seeded stratified subset; --set subsetMode=first:
                          the first N of each class, as the official code)
  --seed S                seed of weights, data order and attacks (default 0)
  --preset NAMES          named settings, comma-separated (see below)
  --config FILE           JSON or YAML file of settings (fields below; unknown fields are rejected)
  --set FIELD=VALUE       any field below (repeatable), e.g. --set lambda1=0.4 --set fawaThreshold=0.3
  --init FILE             start from a checkpoint (FRL's hot start)
  --select-on valid|test  split that picks the best checkpoint (test = the official code's choice; labelled as such)
  --monitor-test          also evaluate the test set every epoch
  --out DIR               run directory (default runs/<dataset>-<method>[-cfa]-<time>)
  --resume RUN_DIR        continue a run (only --device, --threads, --quiet may accompany it)
  --compare               the AT vs AT+CFA experiment, with the other options applied over quick-fmnist
                          (also what runs when only --out, --data-dir, --device, --threads or --quiet are given)
  --device D, --threads N, --quiet

Defaults profile (paper unless --preset official):
  setting                    paper (default)                                  official code
  CCM λ₁                     AT 0.5, TRADES 0.3, FAT 0.7 (FRL 0.3, MART 0.5)   0.5 for all
  CCR λ₂                     0.5                                              0.5
  CCM/CCR begin              max(1, round(0.05·epochs)) = 10 of 200            same
  EMA decay / begin          0.85 / round(0.25·epochs) = 50 of 200             0.88 / 0
  FAWA decay/threshold/begin 0.85 / 0.2 / round(0.25·epochs)                  0.88 / 0.24 / 0 (first acceptance)
  AT, FAT attack mode        eval                                             train
  best eligible from         epoch 0                                          ceil(0.5·epochs)
  both: SGD lr 0.1, momentum 0.9, wd 5e-4, lr ÷10 at ceil(0.5·E) and ceil(0.75·E), 10 PGD steps of ε/4, β 6, τ 3,
  validation = first 100 images per class (CIFAR-10) or 2% of each class.

BatchNorm mode of the training attack: the paper does not say in which mode AT's and FAT's training attacks run;
Table 1 was made with the official code, which attacks in train mode (batch statistics, running statistics updated
by every attack step). The paper-cifar10-at*/fat* presets therefore use attackMode train; --set attackMode=eval gives
the eval-mode attack of the paper profile (docs/methods.md#batchnorm-mode).

Presets:
${presets.join('\n')}

Configuration fields:
${fields.join('\n')}
`;
}

/** The partial configuration given by flags; errors name the flag. */
function flagInputs(values: Record<string, unknown>): ConfigInput {
  const out: ConfigInput = {};
  for (const [flag, spec] of Object.entries(FLAG_FIELDS)) {
    const v = values[flag];
    if (v === undefined) continue;
    let typed: unknown;
    if (spec.read === 'number') typed = parseNumber(v as string, `--${flag}`);
    else if (spec.read === 'cfa') typed = parseCfaList(v as string, `--${flag}`);
    else typed = v;
    if (spec.read === 'cfa') out.cfa = typed;
    else Object.assign(out, checkInput({ [spec.field]: typed }, `--${flag}`));
  }
  for (const s of (values.set as string[] | undefined) ?? []) Object.assign(out, parseSetting(s, (t) => parseYamlText(t, `--set ${s}`)));
  return out;
}

/** Presets (the config file's, then --preset's), the config file, then the flags, resolved and checked. */
export function configFromFlags(values: Record<string, unknown>): PendingConfig {
  const file = values.config ? readConfigFile(values.config as string) : {};
  const flags = flagInputs(values);
  const names = [...((file.preset as string[] | undefined) ?? []), ...(values.preset ? (values.preset as string).split(',').map((s) => s.trim()).filter(Boolean) : [])];
  const merged = mergeInputs(...presetInputs(names), file, flags);
  merged.preset = names;
  return resolveConfig(merged, version());
}

function stamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

function defaultOut(c: PendingConfig): string {
  const parts = (['ccm', 'ccr', 'fawa', 'ema'] as const).filter((p) => c.cfa[p]);
  return path.join('runs', `${c.dataset}-${c.method}${parts.length ? `-${parts.join('-')}` : ''}-${stamp()}`);
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, options);
  if (values.help) {
    console.log(help());
    return 0;
  }
  const quiet = Boolean(values.quiet);
  // Flags that say how or where to run, not what: alone, they still select the embedded default experiment.
  const runOnly = ['out', 'quiet', 'threads', 'device', 'data-dir'];
  const defines = Object.keys(values).some((k) => values[k] !== undefined && !runOnly.includes(k));
  if (!defines || values.compare) {
    const overrides = flagInputs(values);
    for (const f of ['resume', 'preset', 'config'] as const) if (values[f] !== undefined) throw new UserError(`--${f} cannot be combined with the AT vs AT+CFA comparison`);
    const outDir = (values.out as string | undefined) ?? path.join('runs', `compare-at-cfa-${stamp()}`);
    const t0 = performance.now();
    await compareAtCfa({ outDir, overrides, version: version(), quiet });
    console.log(`\nRuns in ${outDir} (${((performance.now() - t0) / 1000).toFixed(0)} s). Inspect them with: cfa report ${path.join(outDir, 'at')} ${path.join(outDir, 'at-cfa')}`);
    return 0;
  }
  if (values.resume !== undefined) {
    const runDir = values.resume as string;
    const extra = Object.keys(values).filter((k) => values[k] !== undefined && !['resume', 'device', 'threads', 'quiet'].includes(k));
    if (extra.length) throw new UserError(`--resume continues a run with its saved config.json; --${extra[0]} cannot be changed (only --device, --threads, --quiet)`);
    let saved: TrainConfig;
    try {
      saved = JSON.parse(fs.readFileSync(configFile(runDir), 'utf8')) as TrainConfig;
    } catch (e) {
      throw new UserError(`--resume ${runDir}: cannot read config.json (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const pending: PendingConfig = { ...saved, ...flagInputs({ device: values.device, threads: values.threads }) } as PendingConfig;
    const result = await trainRun(pending, { runDir, resume: true, quiet });
    console.log(runSummary(result.cfg, result.records));
    return 0;
  }
  const pending = configFromFlags(values);
  const runDir = (values.out as string | undefined) ?? defaultOut(pending);
  const result = await trainRun(pending, { runDir, quiet });
  console.log(runSummary(result.cfg, result.records));
  console.log(`Run directory: ${runDir}`);
  return 0;
}
