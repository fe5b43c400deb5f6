// Adversarial training with class-wise calibration (CFA, CVPR 2023).
//
//   const input = checkInput({ method: 'trades', cfa: 'all', fawa: { threshold: 0.1 } }, 'my settings');
//   const pending = resolveConfig(mergeInputs(...presetInputs(['quick-fmnist']), input), version);
//   const { cfg, records } = await trainRun(pending, { runDir: 'runs/x' });   // writes the directory of formats/run.ts
//
// - Base trainers (one file each): at.ts (PGD-AT), trades.ts (eq. 8 normalised or original), fat.ts (both early-stop
//   semantics), frl.ts (reweight / remargin / both), mart.ts.
// - CFA components, composable with every trainer: ccm.ts (eq. 6), ccr.ts (eqs. 7-8, TRADES family), fawa.ts, and the
//   ema.ts baseline; the epoch's class-wise settings come from calibration.ts.
// - Pipeline: train-epoch.ts (loss, SGD step, train robust accuracy from the loss's own logits), validate.ts (clean +
//   PGD per class, eval mode), selection.ts, checkpoints.ts, run-state.ts (atomic resume state), run-log.ts, guards.ts.
// - Configuration: config.ts (the settings schema: types, docs, ranges, default rules), defaults.ts (resolution and
//   combination checks), presets.ts, config-file.ts.
export * from '../formats';
export { METHODS, TRADES_FAMILY, TRAIN_SCHEMA, checkInput, parseCfaList } from './config';
export type { TrainConfig, TrainSettings, Method, CfaSwitches, ConfigInput } from './config';
export { resolveConfig, mergeInputs, upgradeConfig } from './defaults';
export type { PendingConfig } from './defaults';
export { PRESETS, presetInputs } from './presets';
export { readConfigFile } from './config-file';
export { trainRun } from './train-run';
export type { TrainRunOptions, TrainRunResult } from './train-run';
export { compareWithCfa } from './compare';
export { evaluateSplit } from './validate';
export { calibratedMargins } from './ccm';
export { calibratedBetas, klWeights } from './ccr';
export { fawaAccepts, fawaUpdate } from './fawa';
export { emaUpdate } from './ema';
export { selectionIndex } from './selection';
export { defaultFairnessMetric, fairnessMeasure } from './fairness-measure';
export type { FairnessMetric } from './fairness-measure';
export { checkpointFile } from './checkpoints';
export { DivergenceError } from './guards';
