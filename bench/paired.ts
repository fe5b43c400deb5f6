// Paired timing that survives a drifting host: the two sides run in alternating short blocks (ours, PyTorch, then
// PyTorch, ours, …), each round gives one ratio from two blocks seconds apart, and the result is the median of those
// ratios with its interquartile range. A host whose speed changes twofold within the hour moves both blocks of a round
// together, so the median ratio stays put while the absolute times move.
import { ChildProcessWithoutNullStreams, spawn } from 'child_process';
import * as path from 'path';
import { createInterface } from 'readline';
import { getNumThreads } from '../src/engine';
import { PYTHON, pythonEnv } from './timing';

export interface Paired {
  rounds: number;
  /** Median seconds of one block (or step, as the caller's functions return) of each side. */
  ours_s: number;
  torch_s: number;
  /** Median of the per-round ratios ours / PyTorch (below 1 is faster), and its interquartile range. */
  ratio: number;
  ratio_iqr: [number, number];
  /** Fastest and slowest block of ours, showing how far the host drifted during the run. */
  ours_range_s: [number, number];
}

export function quantile(sorted: number[], q: number): number {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo);
}

const sig = (v: number) => Number(v.toPrecision(4));

/**
 * Runs `rounds` rounds of one block per side, rotating which side goes first; each function returns its seconds.
 * Returns every side's block times, round by round.
 */
export async function alternate(rounds: number, sides: Record<string, () => number | Promise<number>>): Promise<Record<string, number[]>> {
  const names = Object.keys(sides);
  const out: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, [] as number[]]));
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < names.length; j++) {
      const name = names[(r + j) % names.length];
      out[name].push(await sides[name]());
    }
  }
  return out;
}

/** Median paired ratio ours / theirs over rounds, with its interquartile range and the median block times. */
export function summarize(ours: number[], theirs: number[]): Paired {
  const ratios = ours.map((v, i) => v / theirs[i]).sort((a, b) => a - b);
  const so = [...ours].sort((a, b) => a - b);
  const st = [...theirs].sort((a, b) => a - b);
  return {
    rounds: ours.length,
    ours_s: sig(quantile(so, 0.5)),
    torch_s: sig(quantile(st, 0.5)),
    ratio: sig(quantile(ratios, 0.5)),
    ratio_iqr: [sig(quantile(ratios, 0.25)), sig(quantile(ratios, 0.75))],
    ours_range_s: [sig(so[0]), sig(so[so.length - 1])],
  };
}

/** Alternates our side and PyTorch's for `rounds` rounds and summarizes the paired ratios. */
export async function paired(rounds: number, ours: () => number | Promise<number>, theirs: () => number | Promise<number>): Promise<Paired> {
  const t = await alternate(rounds, { ours, theirs });
  return summarize(t.ours, t.theirs);
}

/** "ratio 0.78 (IQR 0.75–0.81, 9 rounds)". */
export function ratioText(p: Paired): string {
  return `ratio ${p.ratio} (IQR ${p.ratio_iqr[0]}–${p.ratio_iqr[1]}, ${p.rounds} rounds)`;
}

/**
 * A PyTorch process kept alive for a whole benchmark (bench/py/<script> serving its workloads): each call asks it to
 * time `steps` steps of one named workload and resolves to seconds per step. Between calls it waits on its input, so
 * it takes no CPU while our side runs.
 */
export class TorchWorker {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;
  private stderr = '';

  constructor(script: string, args: string[] = []) {
    const file = path.join(__dirname, '..', '..', 'bench', 'py', script);
    this.proc = spawn(PYTHON, [file, String(getNumThreads()), ...args], { env: pythonEnv() });
    this.proc.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.lines = createInterface({ input: this.proc.stdout })[Symbol.asyncIterator]();
  }

  private async reply(): Promise<Record<string, unknown>> {
    const next = await this.lines.next();
    if (next.done) throw new Error(`PyTorch side (${PYTHON}) exited: ${this.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return JSON.parse(next.value) as Record<string, unknown>;
  }

  /** Seconds per step of `steps` steps of the workload (the worker sets each workload up on first use). */
  async time(workload: string, steps: number): Promise<number> {
    this.proc.stdin.write(`${JSON.stringify({ workload, steps })}\n`);
    const r = await this.reply();
    if (typeof r.seconds !== 'number') throw new Error(`PyTorch side: ${String(r.error ?? JSON.stringify(r))}`);
    return r.seconds;
  }

  /** Any value the worker reports about a workload (e.g. a result to cross-check). */
  async ask(workload: string, query: string): Promise<unknown> {
    this.proc.stdin.write(`${JSON.stringify({ workload, query })}\n`);
    return (await this.reply()).value;
  }

  close(): void {
    this.proc.stdin.end();
    this.proc.kill();
  }
}
