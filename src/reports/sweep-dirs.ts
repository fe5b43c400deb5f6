// A sweep folder given to `cfa report` stands for its run directories: those listed in its sweep.json (in the
// grid's order), else every subfolder holding a config.json (sorted by name). Runs with no logged epoch are left
// out with a note; unfinished runs are kept and noted.
import * as fs from 'fs';
import * as path from 'path';
import { UserError } from '../errors';

export interface ExpandedDirs {
  dirs: string[];
  notes: string[];
  /** Whether any argument was a sweep folder. */
  sweep: boolean;
}

function epochsLogged(dir: string): number {
  try {
    return fs.readFileSync(path.join(dir, 'log.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).length;
  } catch {
    return 0;
  }
}

function configuredEpochs(dir: string): number | undefined {
  try {
    return (JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as { epochs?: number }).epochs;
  } catch {
    return undefined;
  }
}

/** The run directories of one sweep folder, in the sweep's order. */
function sweepRuns(dir: string): string[] {
  const index = path.join(dir, 'sweep.json');
  if (fs.existsSync(index)) {
    let names: string[];
    try {
      names = (JSON.parse(fs.readFileSync(index, 'utf8')) as { entries: { name: string }[] }).entries.map((e) => e.name);
    } catch (e) {
      throw new UserError(`${index}: not a sweep index (${(e as Error).message})`);
    }
    return names.map((n) => path.join(dir, n));
  }
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'config.json')))
    .map((d) => path.join(dir, d.name))
    .sort();
}

/** Replaces every sweep folder among `dirs` (a folder without config.json) by its runs. */
export function expandSweepDirs(dirs: string[]): ExpandedDirs {
  const out: ExpandedDirs = { dirs: [], notes: [], sweep: false };
  for (const d of dirs) {
    if (!fs.existsSync(d) || !fs.statSync(d).isDirectory() || fs.existsSync(path.join(d, 'config.json'))) {
      out.dirs.push(d);
      continue;
    }
    const runs = sweepRuns(d);
    if (!runs.length) {
      out.dirs.push(d);
      continue;
    }
    out.sweep = true;
    for (const r of runs) {
      const logged = epochsLogged(r);
      const total = configuredEpochs(r);
      if (logged === 0) out.notes.push(`${r}: no epoch logged yet, left out`);
      else {
        if (total !== undefined && logged < total) out.notes.push(`${r}: unfinished (${logged} of ${total} epochs); its "last" numbers are from epoch ${logged}`);
        out.dirs.push(r);
      }
    }
  }
  if (!out.dirs.length) throw new UserError(`${dirs.join(', ')}: no run has logged an epoch yet`);
  return out;
}
