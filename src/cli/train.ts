// `cfa train`: adversarial training (AT, TRADES, FAT, FRL, MART) with the CFA components (CCM, CCR, FAWA) and EMA.
// Without arguments it runs a small AT vs AT+CFA experiment and prints both per class.
import * as fs from 'fs';
import * as path from 'path';
import { UserError } from '../errors';
import { flagHelp, profileTable, settingHelp } from '../schema';
import { ConfigInput, TRAIN_SCHEMA, TrainConfig, parseSetting } from '../training/config';
import { parseYamlText, readConfigFile } from '../training/config-file';
import { DEFAULT_BUDGET_SECONDS, sizeToHost } from '../training/budget';
import { validationsPerEpoch } from '../training/cost-model';
import { compareWithCfa } from '../training/compare';
import { PendingConfig, mergeInputs, resolveConfig, upgradeConfig } from '../training/defaults';
import { PRESETS, presetInputs } from '../training/presets';
import { runSummary } from '../training/summary';
import { configFile, trainRun } from '../training/train-run';
import { parseFlags, parseNumber } from './args';
import { DISTRIBUTED_HELP, asRank, distributedOptions, launchIfAsked } from './distributed';
import { flagInputs, schemaOptions } from './options';

export const summary = 'adversarial training (AT, TRADES, FAT, FRL, MART) with CCM, CCR, FAWA, EMA';

/** The settings' flags (from TRAIN_SCHEMA) and the flags that say how to run. */
const options = {
  ...schemaOptions(TRAIN_SCHEMA),
  config: { type: 'string' },
  preset: { type: 'string' },
  set: { type: 'string', multiple: true },
  out: { type: 'string' },
  resume: { type: 'string' },
  compare: { type: 'boolean' },
  budget: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
  ...distributedOptions,
} as const;

function version(): string {
  return (require('../../../package.json') as { version: string }).version;
}

function help(): string {
  const presets = Object.entries(PRESETS).map(([n, p]) => `  ${n.padEnd(26)} ${p.doc}`);
  return `usage: cfa train [options]
       cfa train                      (no options: AT vs AT+CFA on a Fashion-MNIST subset, about 5 minutes on 2 cores)
       cfa train --resume RUN_DIR     (continue a run after its last completed epoch)

Trains a network adversarially and writes RUN_DIR/{config.json, log.jsonl, state/, checkpoints/} with the best and
last weights of the model, its EMA and its FAWA average (safetensors, PyTorch key names). Validation (clean and
PGD-10, eval mode, per class) runs every epoch; "best" = highest robust + worst-class robust accuracy on validation
(worst-20% mean instead of the worst class from 100 classes on, as the paper's App. C.1; see selectionMetric).

Options (settings are applied in the order presets, --config file, flags, --set):
${flagHelp(TRAIN_SCHEMA).join('\n')}
  --preset NAMES         named settings, comma-separated (see below)
  --config FILE          JSON or YAML file of settings (fields below, nested or flat; unknown fields are rejected)
  --set FIELD=VALUE      any field below (repeatable), e.g. --set calibration.lambda1=0.4 --set fawaThreshold=0.3
  --out DIR              run directory (default runs/<dataset>-<method>[-cfa]-<time>)
  --resume RUN_DIR       continue a run (only --device, --threads, --quiet may accompany it)
  --compare              the AT vs AT+CFA experiment, with the other options applied over quick-fmnist;
                         with --method trades or fat, that method against its CFA run (TRADES+CFA adds CCR)
                         (also what runs when only --out, --data-dir, --device, --threads or --quiet are given)
  --budget MIN           minutes the AT vs AT+CFA experiment and --preset quick-fmnist should take on this host
                         (default ${DEFAULT_BUDGET_SECONDS / 60}): a few timed training steps size the images per class, then the
                         epochs, down from the preset's; 0 runs the preset's full size. Ignored when --per-class or
                         --epochs is given.
  --quiet
${DISTRIBUTED_HELP}

Defaults that differ between the profiles (paper unless --preset official):
${profileTable(TRAIN_SCHEMA)}

BatchNorm mode of the training attack: the paper does not say in which mode AT's and FAT's training attacks run;
Table 1 was made with the official code, which attacks in train mode (batch statistics, running statistics updated
by every attack step). The paper-cifar10-at*/fat* presets therefore use attackMode train; --set attackMode=eval gives
the eval-mode attack of the paper profile (docs/methods.md#batchnorm-mode).

Presets:
${presets.join('\n')}

Settings (config files and --set; the old flat names in parentheses are accepted too):
${settingHelp(TRAIN_SCHEMA).join('\n')}
`;
}

/** The partial configuration given by flags and --set; errors name the flag. */
function settingInputs(values: Record<string, unknown>): ConfigInput {
  const sets = ((values.set as string[] | undefined) ?? []).map((s) => parseSetting(s, (t) => parseYamlText(t, `--set ${s}`)));
  return mergeInputs(flagInputs(TRAIN_SCHEMA, values), ...sets);
}

/** Presets (the config file's, then --preset's), the config file, then the flags, resolved and checked. */
export function configFromFlags(values: Record<string, unknown>, budget = 0): PendingConfig {
  const file = values.config ? readConfigFile(values.config as string) : {};
  const flags = settingInputs(values);
  const names = [...((file.preset as string[] | undefined) ?? []), ...(values.preset ? (values.preset as string).split(',').map((s) => s.trim()).filter(Boolean) : [])];
  const merged = mergeInputs(...presetInputs(names), file, flags);
  merged.preset = names;
  const resolved = resolveConfig(merged, version());
  // quick-fmnist is sized to this host, unless the file or the flags chose the size
  if (budget <= 0 || !names.includes('quick-fmnist') || resolved.dataset !== 'fashion-mnist') return resolved;
  const sized = sizeToHost(resolved, mergeInputs(file, flags), budget, { numClasses: 10, inChannels: 1, inputSize: 28, runs: [{ validatedModels: validationsPerEpoch(resolved), method: resolved.method }] });
  if (!sized) return resolved;
  console.log(sized.line);
  return resolveConfig({ ...merged, ...sized.overrides }, version());
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
  const runOnly = ['out', 'quiet', 'threads', 'device', 'data-dir', 'nproc', 'budget'];
  const defines = Object.keys(values).some((k) => values[k] !== undefined && !runOnly.includes(k));
  if (!defines || values.compare) {
    const overrides = settingInputs(values);
    for (const f of ['resume', 'preset', 'config', 'nproc'] as const) if (values[f] !== undefined) throw new UserError(`--${f} cannot be combined with the comparison of a method and its CFA run`);
    const outDir = (values.out as string | undefined) ?? path.join('runs', `compare-${String(overrides.method ?? 'at')}-cfa-${stamp()}`);
    const t0 = performance.now();
    const sides = await compareWithCfa({ outDir, overrides, version: version(), quiet, budgetSeconds: budgetSeconds(values) });
    console.log(`\nRuns in ${outDir} (${((performance.now() - t0) / 1000).toFixed(0)} s). Inspect them with: cfa report ${sides.map((s) => s.run.runDir).join(' ')}`);
    return 0;
  }
  // The workers of --nproc share one run directory: the default one is named here, once.
  const fixedOut = values.nproc !== undefined && values.resume === undefined && values.out === undefined ? ['--out', defaultOut(configFromFlags(values))] : [];
  const launched = await launchIfAsked('train', [...argv, ...fixedOut], values);
  if (launched !== undefined) return launched;
  if (values.resume !== undefined) {
    const runDir = values.resume as string;
    const extra = Object.keys(values).filter((k) => values[k] !== undefined && !['resume', 'device', 'threads', 'quiet', 'nproc'].includes(k));
    if (extra.length) throw new UserError(`--resume continues a run with its saved config.json; --${extra[0]} cannot be changed (only --device, --threads, --quiet, --nproc)`);
    let saved: TrainConfig;
    try {
      saved = upgradeConfig(JSON.parse(fs.readFileSync(configFile(runDir), 'utf8')) as TrainConfig);
    } catch (e) {
      throw new UserError(`--resume ${runDir}: cannot read config.json (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const pending: PendingConfig = { ...saved, ...flagInputs(TRAIN_SCHEMA, { device: values.device, threads: values.threads }) } as PendingConfig;
    await asRank(pending.device, async (collective, device) => {
      const result = await trainRun(device ? { ...pending, device } : pending, { runDir, resume: true, quiet, collective });
      if (collective.rank === 0) console.log(runSummary(result.cfg, result.records));
    });
    return 0;
  }
  const pending = configFromFlags(values, values.nproc === undefined && process.env.WORLD_SIZE === undefined ? budgetSeconds(values) : 0);
  const runDir = (values.out as string | undefined) ?? defaultOut(pending);
  await asRank(pending.device, async (collective, device) => {
    const result = await trainRun(device ? { ...pending, device } : pending, { runDir, quiet, collective });
    if (collective.rank > 0) return;
    console.log(runSummary(result.cfg, result.records));
    console.log(`Run directory: ${runDir}`);
  });
  return 0;
}

/** --budget in seconds (default DEFAULT_BUDGET_SECONDS). */
function budgetSeconds(values: Record<string, unknown>): number {
  if (values.budget === undefined) return DEFAULT_BUDGET_SECONDS;
  const minutes = parseNumber(values.budget as string, '--budget');
  if (!(minutes >= 0)) throw new UserError(`--budget: expected minutes ≥ 0, got ${values.budget}`);
  return minutes * 60;
}
