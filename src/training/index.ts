// Adversarial training with class-wise calibration (CFA, CVPR 2023).
//
//   const pending = resolveConfig(mergeInputs(...presetInputs(['quick-fmnist']), { method: 'trades', cfa: 'all' }), version);
//   const { cfg, records } = await trainRun(pending, { runDir: 'runs/x' });   // writes run-format.ts's directory
//
// - Base trainers (one file each): at.ts (PGD-AT), trades.ts (eq. 8 normalised or original), fat.ts (both early-stop
//   semantics), frl.ts (reweight / remargin / both), mart.ts.
// - CFA components, composable with every trainer: ccm.ts (eq. 6), ccr.ts (eqs. 7-8, TRADES family), fawa.ts, and the
//   ema.ts baseline; the epoch's class-wise settings come from calibration.ts.
// - Pipeline: train-epoch.ts (loss, SGD step, train robust accuracy from the loss's own logits), validate.ts (clean +
//   PGD per class, eval mode), selection.ts, checkpoints.ts, run-state.ts (atomic resume state), run-log.ts, guards.ts.
// - Configuration: config.ts (fields and checks), defaults.ts (paper vs official profile), presets.ts, config-file.ts.
export * from './run-format';
export { METHODS, TRADES_FAMILY, FIELDS, checkInput, parseCfaList } from './config';
export type { TrainConfig, Method, CfaSwitches, ConfigInput } from './config';
export { resolveConfig, mergeInputs } from './defaults';
export type { PendingConfig } from './defaults';
export { PRESETS, presetInputs } from './presets';
export { readConfigFile } from './config-file';
export { trainRun } from './train-run';
export type { TrainRunOptions, TrainRunResult } from './train-run';
export { compareAtCfa } from './compare';
export { evaluateSplit } from './validate';
export { calibratedMargins } from './ccm';
export { calibratedBetas, klWeights } from './ccr';
export { fawaAccepts, fawaUpdate } from './fawa';
export { emaUpdate } from './ema';
export { selectionIndex } from './selection';
export { defaultFairnessMetric, fairnessMeasure, worstFractionMean } from './fairness-measure';
export type { FairnessMetric } from './fairness-measure';
export { checkpointFile } from './checkpoints';
export { DivergenceError } from './guards';
