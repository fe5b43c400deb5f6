// Robustness evaluation: attacks over a set of points, class-wise metrics (§13), sanity flags, point selection and
// the console table of `cfa eval`.
export { evaluateRobustness, buildEvalResult, EVAL_ATTACKS } from './evaluate';
export type { EvalAttack, EvaluateOptions, EvaluationCore, EvalMeta } from './evaluate';
export { classwiseMetrics, worstFractionMean, populationVariance } from './metrics';
export type { ClasswiseMetrics } from './metrics';
export { checkProbabilities, checkRandomized, checkZeroGradients, checkNumClasses, checkSquare, checkEpsMonotone } from './sanity';
export { selectBalanced } from './select';
export { formatEvalTable, formatEps } from './table';
