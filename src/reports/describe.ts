// Words for numbers: how every accuracy shown in a report was measured (attack, ε, steps, split, points), and
// formatting of ε and percentages.
import * as path from 'path';
import { RunConfig } from '../formats';
import { LoadedEval } from './run-loader';

import { formatEps } from '../eps-format';

export { formatEps };

/** A fraction as a percentage with one decimal. */
export function pct(v: number): string {
  return (100 * v).toFixed(1);
}

/**
 * The attack `cfa train` monitors with each epoch: PGD in eval mode at the base ε. Its steps and step size are read from
 * config.json's evalSteps / evalStepSize when present, else the defaults of docs/methods.md#pgd (10 steps of 2/255).
 */
export function monitorAttack(config: RunConfig): string {
  const steps = typeof config.evalSteps === 'number' ? config.evalSteps : 10;
  const step = typeof config.evalStepSize === 'number' ? config.evalStepSize : 2 / 255;
  return `PGD-${steps} (L∞, ε=${formatEps(config.eps)}, step ${formatEps(step)}, eval mode)`;
}

/** "PGD-10 (…) logged by cfa train on the valid split (n=1000)". */
export function describeLogged(config: RunConfig, split: 'valid' | 'test', n: number): string {
  return `${monitorAttack(config)} logged by cfa train on the ${split} split (n=${n})`;
}

/** The split an evaluation file reports on: its 'split' field when present, else the test set that cfa eval uses. */
export function evalSplit(e: LoadedEval): string {
  const s = (e.result as unknown as Record<string, unknown>).split;
  return typeof s === 'string' ? s : 'test';
}

/** The evaluation of a file, the same for every seed: "AutoAttack (Linf, ε=8/255) on the test split (n=10000)". */
export function evalAttack(e: LoadedEval): string {
  const r = e.result;
  return `${r.attack} (${r.threatModel}, ε=${formatEps(r.eps)}) on the ${evalSplit(e)} split (n=${r.n})`;
}

/** evalAttack plus the attack's seed and the file it came from. */
export function describeEval(e: LoadedEval): string {
  return `${evalAttack(e)}, attack seed ${e.result.seed}, from ${path.basename(e.file)}`;
}
