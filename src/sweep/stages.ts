// Shared by the cluster emitters: entries in dependency stages (stage s waits for stage s−1 through `after`), index
// lists as Slurm array ranges, the one process count of a cluster job, and the words of a command line.
import { UserError } from '../errors';
import { SweepEntry } from './grid';

/** Entry indices per stage: stage 0 has no `after`, stage s waits for an entry of stage s−1 or earlier. */
export function stages(entries: SweepEntry[]): number[][] {
  const depth = (e: SweepEntry): number => (e.after === undefined ? 0 : 1 + depth(entries[e.after]));
  const out: number[][] = [];
  for (const e of entries) (out[depth(e)] ??= []).push(e.index);
  return out;
}

/** [0, 1, 2, 5, 7, 8] → "0-2,5,7-8". */
export function arrayRanges(indices: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < indices.length; ) {
    let j = i;
    while (j + 1 < indices.length && indices[j + 1] === indices[j] + 1) j++;
    parts.push(i === j ? String(indices[i]) : `${indices[i]}-${indices[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** The process count every entry shares: one cluster job has one shape. */
export function commonNproc(entries: SweepEntry[], emit: string): number {
  const counts = [...new Set(entries.map((e) => e.nproc))];
  if (counts.length > 1) throw new UserError(`--emit ${emit}: the entries ask for different process counts (nproc ${counts.join(', ')}); one array job has one shape, so split the grid by nproc`);
  return counts[0];
}

/** "npx cfa" → ["npx", "cfa"]. */
export function commandWords(command: string): string[] {
  const words = command.trim().split(/\s+/).filter(Boolean);
  if (!words.length) throw new UserError('--command: expected the command that runs cfa, e.g. "cfa" or "npx cfa"');
  return words;
}

/** A word quoted for sh/bash where needed. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_\/.,:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
