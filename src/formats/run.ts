// The on-disk formats of a training run directory, shared by `cfa train` (writer), `cfa eval` and `cfa report`
// (readers).
//
//   RUN_DIR/config.json        RunConfig: the resolved configuration (after presets, config file and flags)
//   RUN_DIR/log.jsonl          one EpochRecord per completed epoch, appended atomically
//   RUN_DIR/state/             resume state (latest completed epoch): weights, optimizer, EMA/FAWA, calibration, RNG
//   RUN_DIR/checkpoints/       {model,ema,fawa}-{best,last}.safetensors (PyTorch state_dict key names)
//   RUN_DIR/eval-*.json        EvalResult files written by `cfa eval --out` (optional)
//   RUN_DIR/tb/                TensorBoard event files: every scalar of log.jsonl per epoch (tb-scalars.ts);
//                              `cfa eval` of the run adds its results in tb/eval/
//
// Accuracies are fractions in [0, 1]; ε values are in [0,1] pixel units (8/255 ≈ 0.0314).

/** Clean and robust accuracy of one model on one split, overall and per class. */
export interface SplitAccuracy {
  n: number;
  nPerClass: number[];
  clean: number;
  robust: number;
  cleanPerClass: number[];
  robustPerClass: number[];
  /** min over the classes with points of robustPerClass (and of cleanPerClass); src/metrics/classwise.ts. */
  worstRobust: number;
  worstClean: number;
}

/** Training-set statistics gathered during the epoch itself (no extra pass). */
export interface TrainStats {
  loss: number;
  /** Accuracy on the training attack's examples (pre-step, train mode), overall and per class: t_k of eq. (6). */
  robust: number;
  robustPerClass: number[];
  /** Clean accuracy (post-step, train mode), overall and per class. */
  clean: number;
  cleanPerClass: number[];
}

export interface EpochRecord {
  /** 0-based epoch index. */
  epoch: number;
  lr: number;
  seconds: number;
  /** ε_k used by the training attack this epoch (CCM; all equal to ε without it). */
  epsPerClass: number[];
  /** β_k used by the TRADES-family loss this epoch (CCR; all equal to β without it). Absent for AT/FAT/MART. */
  betaPerClass?: number[];
  /** FRL only: the cost-sensitive class weights of its CE (nat) and KL (bndy) terms this epoch. */
  classWeights?: { nat: number[]; bndy: number[] };
  /** FAT only: the control counter τ used this epoch. */
  fatTau?: number;
  train: TrainStats;
  /** Validation (PGD, eval mode) of the current model and, when they exist, the EMA and FAWA averages. */
  valid: { model: SplitAccuracy; ema?: SplitAccuracy; fawa?: SplitAccuracy };
  /** Test-set monitoring (optional, `--monitor-test`). */
  test?: { model: SplitAccuracy; ema?: SplitAccuracy; fawa?: SplitAccuracy };
  /** Whether FAWA accepted this epoch's weights (valid robust fairness measure, worst class or worst-20%, ≥ threshold) and EMA was updated. */
  fawaUpdated: boolean;
  emaUpdated: boolean;
  /** Selection index robust + worst-class (or worst-20%) robust, per model, on the selection split. */
  selection: { model: number; ema?: number; fawa?: number };
  /** FRL: the multipliers λ_nat, λ_bndy, λ_marg and step r₁ in force this epoch (docs/methods.md#frl). */
  frl?: { lambdaNat: number[]; lambdaBndy: number[]; lambdaMarg: number[]; rate1: number };
  /** Which checkpoints became the new best this epoch. */
  newBest: { model: boolean; ema: boolean; fawa: boolean };
}

/** The settings every run records (the typed core of config.json). */
export interface RunCore {
  version: string;
  preset?: string;
  dataset: string;
  dataDir?: string;
  classNames: string[];
  numClasses: number;
  arch: string;
  method: 'at' | 'trades' | 'fat' | 'frl' | 'mart';
  cfa: { ccm: boolean; ccr: boolean; fawa: boolean; ema: boolean };
  eps: number;
  stepSize: number;
  steps: number;
  beta?: number;
  epochs: number;
  seed: number;
}

/** The resolved configuration, saved as config.json. */
export interface RunConfig extends RunCore {
  /** Every other hyper-parameter (λ₁, λ₂, begin epoch, FAWA decay/threshold, lr, wd, schedule, batch sizes …). */
  [key: string]: unknown;
}
