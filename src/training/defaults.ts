// Filling in every setting the user left open (the default rules of TRAIN_SCHEMA in ./config.ts: by profile, method,
// dataset and epochs), then checking the combination. Runs before any data is read. The table of defaults is
// generated from the schema: `cfa train --help` and README.md (`npm run docs:settings`).
import { UserError } from '../errors';
import * as schema from '../schema';
import { ConfigInput, TRADES_FAMILY, TRAIN_SCHEMA, TrainSettings } from './config';

/** The configuration before the data fills in classNames, numClasses, mean, std, channels, inputSize and augment. */
export type PendingConfig = Omit<TrainSettings, 'classNames' | 'numClasses' | 'mean' | 'std' | 'channels' | 'inputSize' | 'augment'> & {
  augment?: TrainSettings['augment'];
};

/** Merges partial configurations left to right; a later `cfa` object overrides only the switches it names. */
export function mergeInputs(...inputs: ConfigInput[]): ConfigInput {
  return schema.mergeInputs(TRAIN_SCHEMA, ...inputs);
}

/** A saved config.json (nested, or an older run's flat names) in the nested form the code reads. */
export function upgradeConfig<T extends object>(saved: T): T {
  return schema.upgradeFlat(TRAIN_SCHEMA, saved as ConfigInput) as T;
}

/** Resolves every setting and checks the combination. `version` is the package version recorded in config.json. */
export function resolveConfig(input: ConfigInput, version: string): PendingConfig {
  const { preset, ...settings } = schema.resolveInput(TRAIN_SCHEMA, input);
  const cfg = { version, ...(preset && preset.length ? { preset: preset.join(',') } : {}), ...settings } as PendingConfig;
  checkCombination(cfg);
  return cfg;
}

/** Checks that need several fields at once; each error names the field at fault (and its flat name). */
function checkCombination(c: PendingConfig): void {
  const bad = (field: string, why: string): never => {
    const flat = schema.entries(TRAIN_SCHEMA).map((e) => ({ path: e.path, flat: schema.flatName(e) })).find((e) => e.path === field)?.flat;
    throw new UserError(`config field '${field}'${flat && flat !== field ? ` ('${flat}')` : ''}: ${why}`);
  };
  if (c.cfa.ccr && !TRADES_FAMILY.includes(c.method)) bad('cfa.ccr', `CCR calibrates the TRADES regulariser β (eq. 7-8) and needs a TRADES-family method (${TRADES_FAMILY.join(', ')}); method is '${c.method}'`);
  if (c.calibration.begin >= c.epochs && (c.cfa.ccm || c.cfa.ccr)) bad('calibration.begin', `is ${c.calibration.begin} but the run has only ${c.epochs} epochs, so CCM/CCR would never start`);
  if (c.cfa.fawa && c.fawa.begin >= c.epochs) bad('fawa.begin', `is ${c.fawa.begin} but the run has only ${c.epochs} epochs`);
  if (c.cfa.ema && c.ema.begin >= c.epochs) bad('ema.begin', `is ${c.ema.begin} but the run has only ${c.epochs} epochs`);
  if (c.selectFrom >= c.epochs) bad('selectFrom', `is ${c.selectFrom} but the run has only ${c.epochs} epochs`);
  if (c.steps === 0 && c.method !== 'fat') bad('steps', 'must be ≥ 1 for a PGD-based training attack');
  const increasing = (field: string, v: number[]) => v.forEach((x, i) => i > 0 && x <= v[i - 1] && bad(field, `must increase, got [${v.join(', ')}]`));
  increasing('lrMilestones', c.lrMilestones);
  increasing('fat.tauMilestones', c.fat.tauMilestones);
  if (c.validRule === 'random' && !(c.validFraction < 1)) bad('validFraction', 'must be below 1');
}
