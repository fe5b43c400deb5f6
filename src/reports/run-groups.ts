// Groups runs that differ only by seed (their numbers are shown as mean ± std) and names groups and the models of a
// run the way the paper's tables do: "AT", "AT+EMA", "TRADES+CFA" (the FAWA model of a run with CCM, plus CCR for
// TRADES), with the configuration keys that tell same-named groups apart.
import { RunConfig } from '../formats';
import { formatEps } from './describe';
import { LoadedRun } from './run-loader';

/** The models a run logs: the current model and, when enabled, its EMA and FAWA averages. */
export type ModelKind = 'model' | 'ema' | 'fawa';
export const MODEL_KINDS: ModelKind[] = ['model', 'ema', 'fawa'];

export interface RunGroup {
  /** e.g. "AT+CCM" or "AT (eps=12/255)" when another group has the same method. */
  label: string;
  runs: LoadedRun[];
  /** Added to every model's row label to tell same-named groups apart (e.g. " (eps=12/255)"). */
  suffix: string;
}

/** Configuration keys that do not change the training itself and so do not split groups. */
const NOT_SPLITTING = new Set(['seed', 'dataDir', 'out', 'device', 'threads']);

function flatten(v: unknown, prefix: string, out: Map<string, string>): void {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else out.set(prefix, JSON.stringify(v));
}

function settings(c: RunConfig): Map<string, string> {
  const m = new Map<string, string>();
  flatten(c, '', m);
  for (const k of [...m.keys()]) if (NOT_SPLITTING.has(k)) m.delete(k);
  return m;
}

/** "AT", "AT+CCM", "TRADES+CCM+CCR". */
export function methodLabel(c: RunConfig): string {
  return [c.method.toUpperCase(), ...(c.cfa.ccm ? ['CCM'] : []), ...(c.cfa.ccr ? ['CCR'] : [])].join('+');
}

/** Methods with a TRADES-shaped loss, where CFA includes CCR. */
const TRADES_LIKE = ['trades', 'frl'];

/** The paper's name for one model of a run: X, X+EMA, X+CFA (FAWA with CCM, plus CCR for TRADES-shaped losses) or X+…+FAWA. */
export function modelLabel(c: RunConfig, kind: ModelKind): string {
  const base = methodLabel(c);
  if (kind === 'model') return base;
  if (kind === 'ema') return `${base}+EMA`;
  const full = c.cfa.ccm && (!TRADES_LIKE.includes(c.method) || c.cfa.ccr);
  return full ? `${c.method.toUpperCase()}+CFA` : `${base}+FAWA`;
}

function showValue(key: string, json: string): string {
  const v = JSON.parse(json) as unknown;
  if (typeof v === 'number' && /(^|\.)(eps|stepSize|evalStepSize)$/i.test(key)) return formatEps(v);
  return typeof v === 'string' ? v : json;
}

/** Groups runs with equal configurations up to the seed, in order of first appearance, and labels them. */
export function groupRuns(runs: LoadedRun[]): RunGroup[] {
  const byKey = new Map<string, LoadedRun[]>();
  for (const r of runs) {
    const key = JSON.stringify([...settings(r.config)].sort());
    byKey.set(key, [...(byKey.get(key) ?? []), r]);
  }
  const groups = [...byKey.values()];
  return groups.map((g) => {
    const base = methodLabel(g[0].config);
    const mine = settings(g[0].config);
    const rivals = groups.filter((o) => o !== g && methodLabel(o[0].config) === base).map((o) => settings(o[0].config));
    const keys = [...new Set([...mine.keys(), ...rivals.flatMap((r) => [...r.keys()])])]
      .filter((k) => rivals.some((r) => r.get(k) !== mine.get(k)))
      .sort();
    const suffix = keys.length ? ` (${keys.map((k) => `${k}=${mine.has(k) ? showValue(k, mine.get(k)!) : 'unset'}`).join(', ')})` : '';
    return { label: base + suffix, runs: g, suffix };
  });
}

/** The kinds of model a run logged on the validation split at least once. */
export function loggedKinds(run: LoadedRun): ModelKind[] {
  return MODEL_KINDS.filter((k) => run.epochs.some((e) => e.valid[k] !== undefined));
}
