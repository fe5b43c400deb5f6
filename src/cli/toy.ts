// `cfa toy`: the paper's Section 2 theory on its binary toy distribution: closed forms, optimal w, a Monte-Carlo
// cross-check, Theorems 1-4 on a parameter grid, adversarial training of the linear model, and Fig. 1.
import { checkToyOptions, DEFAULT_TOY, ToyOptions } from '../data/toy';
import { UserError } from '../errors';
import { describeAdvTraining, trainLinearAdversarial } from '../theory/adversarial-training';
import { checkTheorems, DEFAULT_GRID } from '../theory/theorems';
import { toText } from '../reports/table';
import { accuracyFigure, advTrainFigure, scatterFigure } from '../reports/toy-figures';
import { accuracyTable, advTrainTable, monteCarloTable, optimaTable, theoremTable, theoremText, writeToyReport } from '../reports/toy-report';
import { formatParams } from '../reports/toy-text';
import { parseFlags, parseInteger, parseNumber } from './args';

export const summary = 'Section 2 theory: toy model tables, Theorems 1-4 check, adversarial training, Fig. 1';

const HELP = `usage: cfa toy [--check] [--out DIR] [model options]

Prints the toy model's optimal w, class-wise clean/robust accuracy, a Monte-Carlo cross-check of the closed forms,
a check of Theorems 1-4 over a parameter grid and the w learned by PGD adversarial training for several ε; writes
Fig. 1(a) (samples, d=1), Fig. 1(b) (accuracy against w) and the learned-w figure to DIR as SVG and PNG, with
DIR/toy.html and the tables as CSV/JSON.

options:
  --check            only check Theorems 1-4 (on a grid of 162 settings plus the one given) and the Monte-Carlo
                     agreement; exit 1 if any fails, naming it (writes nothing)
  --out DIR          output folder (default ./toy-out)
  --d N              non-robust features (default ${DEFAULT_TOY.d})
  --eta X            mean η of the non-robust features (default ${DEFAULT_TOY.eta})
  --p-pos P          p₊₁, reliability of x₁ for the easy class (default ${DEFAULT_TOY.pPos})
  --p-neg P          p₋₁, reliability of x₁ for the hard class (default ${DEFAULT_TOY.pNeg})
  --sigma2 V         variance σ² of the non-robust features (default 0.6, as for the paper's Fig. 1)
  --eps X            ε of the robust accuracy (default 2η, the evaluation of Tsipras et al. that App. A follows)
  --train-eps LIST   comma-separated ε for adversarial training (default 0, η/4, η/2, 3η/4)
  --w-max X          right end of the w axis of Fig. 1(b) (default 5)
  --mc-points N      Monte-Carlo points per class (default 20000)
  --seed N           seed of samples and training (default 0)
  --no-png           write SVG only`;

export async function run(argv: string[]): Promise<number> {
  const { values: v } = parseFlags(argv, {
    check: { type: 'boolean' },
    out: { type: 'string' },
    d: { type: 'string' },
    eta: { type: 'string' },
    'p-pos': { type: 'string' },
    'p-neg': { type: 'string' },
    sigma2: { type: 'string' },
    eps: { type: 'string' },
    'train-eps': { type: 'string' },
    'w-max': { type: 'string' },
    'mc-points': { type: 'string' },
    seed: { type: 'string' },
    'no-png': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (v.help) {
    console.log(HELP);
    return 0;
  }
  const num = (flag: string, d: number) => (v[flag] === undefined ? d : parseNumber(v[flag] as string, `--${flag}`));
  const o: ToyOptions = {
    d: v.d === undefined ? DEFAULT_TOY.d : parseInteger(v.d as string, '--d', 1),
    eta: num('eta', DEFAULT_TOY.eta),
    pPos: num('p-pos', DEFAULT_TOY.pPos),
    pNeg: num('p-neg', DEFAULT_TOY.pNeg),
    sigma2: num('sigma2', 0.6),
  };
  checkToyOptions(o);
  if (!(0.5 <= o.pNeg && o.pNeg < o.pPos && o.pPos < 1)) {
    throw new UserError(`--p-pos/--p-neg: the theory needs 1/2 ≤ p₋₁ < p₊₁ < 1, got p₊₁=${o.pPos}, p₋₁=${o.pNeg}`);
  }
  const eps = num('eps', 2 * o.eta);
  const seed = v.seed === undefined ? 0 : parseInteger(v.seed as string, '--seed');
  const mcPoints = v['mc-points'] === undefined ? 20000 : parseInteger(v['mc-points'] as string, '--mc-points', 1);
  const ws = [0.25, 0.5, 1, 2, 4];

  console.log(`toy model: ${formatParams(o)}; robust accuracy at ε=${eps}\n`);
  const theorems = checkTheorems(DEFAULT_GRID, [o]);
  const mc = monteCarloTable(o, eps, ws, mcPoints, seed);
  const failed = theorems.filter((t) => t.failures > 0);
  if (v.check) {
    console.log(theoremText(theorems) + '\n');
    console.log(toText(mc.table) + '\n');
    for (const t of failed) console.log(`FAILED ${t.id}`);
    if (mc.failures) console.log(`FAILED Monte-Carlo: ${mc.failures} estimates off by more than 4 standard errors`);
    console.log(failed.length || mc.failures ? 'check failed' : `all ${theorems.length} claims hold where their conditions hold; Monte-Carlo agrees`);
    return failed.length || mc.failures ? 1 : 0;
  }

  const trainEps = v['train-eps'] === undefined ? [0, 0.25, 0.5, 0.75].map((k) => k * o.eta) : (v['train-eps'] as string).split(',').map((s) => parseNumber(s, '--train-eps'));
  if (trainEps.some((e) => e < 0)) throw new UserError('--train-eps: expected non-negative radii');
  const adv = trainEps.map((e) => trainLinearAdversarial(o, { eps: e, seed }));
  const how =
    `${formatParams(o)}; ${describeAdvTraining({ seed })} ` +
    'w = w₁/w₂ ("infinite" when w₂ ≤ 0); w_star_theory maximises the robust 0-1 accuracy; robust_train_*: accuracy under that PGD on the training points.';
  const tables = [optimaTable(o, eps), accuracyTable(o, eps, ws), mc.table, theoremTable(theorems), advTrainTable(o, adv, how)];
  for (const t of tables) console.log((t.id === 'toy-theorems' ? theoremText(theorems) : toText(t)) + '\n');
  const wMax = num('w-max', 5);
  if (!(wMax > 0)) throw new UserError('--w-max: expected a positive number');
  const figures = [scatterFigure(o, 100, seed), accuracyFigure(o, eps, wMax), advTrainFigure(o, adv, how)];
  const out = (v.out as string | undefined) ?? 'toy-out';
  const written = await writeToyReport(out, o, tables, figures, !v['no-png']);
  console.log(`wrote ${written.html} and ${written.files.length - 1} figure and table files under ${out}`);
  if (failed.length || mc.failures) console.log('warning: some checks failed (run cfa toy --check for details)');
  return 0;
}
