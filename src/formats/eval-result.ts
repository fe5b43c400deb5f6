// The result file of `cfa eval` (RUN_DIR/eval-*.json or --out): accuracies are fractions in [0, 1], ε in [0,1] pixel
// units; a class with no points has null per-class accuracies (see src/metrics/classwise.ts).

/** Output of `cfa eval --out` (RobustBench-like fields plus per-class arrays). */
export interface EvalResult {
  model: string;
  arch: string;
  dataset: string;
  classNames: string[];
  threatModel: 'Linf' | 'L2';
  eps: number;
  attack: string;
  n: number;
  seed: number;
  cleanAccuracy: number;
  robustAccuracy: number;
  cleanPerClass: number[];
  robustPerClass: number[];
  worstClassClean: number;
  worstClassRobust: number;
  /** Mean of the worst ⌈0.2K⌉ classes' robust accuracy. */
  worst20Robust: number;
  /** Population variance of robustPerClass. */
  classwiseVariance: number;
  /** Running robust accuracy after each attack of an ensemble (AutoAttack). */
  perAttack?: { attack: string; robustAccuracy: number; seconds: number }[];
  /** confusion[y][p]: points of class y predicted p under attack. */
  confusion: number[][];
  flags: string[];
  seconds: number;
}
