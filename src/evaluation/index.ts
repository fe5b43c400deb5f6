// Robustness evaluation: attacks over a set of points, class-wise metrics (src/metrics), sanity flags, point selection and
// the console table of `cfa eval`.
export { evaluateRobustness, buildEvalResult, EVAL_ATTACKS } from './evaluate';
export type { EvalAttack, EvaluateOptions, EvaluationCore, EvalMeta } from './evaluate';
export { checkProbabilities, checkRandomized, checkZeroGradients, checkNumClasses, checkSquare, checkEpsMonotone } from './sanity';
export { selectBalanced } from './select';
export { formatEvalTable, formatEps } from './table';
