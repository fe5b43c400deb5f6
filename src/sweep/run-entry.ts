// One sweep entry in this process: a new run, nothing for a finished one, `--resume` for an interrupted one. A finished
// run has the record of its last epoch in log.jsonl; an interrupted one has config.json and a resume state.
import * as fs from 'fs';
import { Collective } from '../distributed/group';
import { UserError } from '../errors';
import { TrainConfig } from '../training/config';
import { PendingConfig } from '../training/defaults';
import { logFile, readLog } from '../training/run-log';
import { stateFile } from '../training/run-state';
import { TrainRunResult, configFile, trainRun } from '../training/train-run';
import { SweepEntry, entryDir } from './grid';

/** new: nothing there; finished: all epochs logged; interrupted: resumable; restart: config.json but no completed epoch. */
export type EntryStatus = 'new' | 'finished' | 'interrupted' | 'restart';

export function entryStatus(out: string, e: SweepEntry): EntryStatus {
  const dir = entryDir(out, e);
  if (!fs.existsSync(configFile(dir))) return 'new';
  const log = readLog(dir);
  if (log.length && log[log.length - 1].epoch >= e.config.epochs - 1) return 'finished';
  return fs.existsSync(stateFile(dir)) ? 'interrupted' : 'restart';
}

/** Fields that may differ between the grid and a saved run without making it another run. */
const FREE = new Set(['version', 'device', 'threads', 'dataDir']);

/** Settings groups that a run without their averaged model never reads (changing them in the grid keeps the run). */
function unused(c: SweepEntry['config'], key: string): boolean {
  return (key === 'ema' || key === 'fawa') && c.cfa?.[key] === false;
}

/** Refuses to continue or skip a run whose saved settings are not the entry's (the grid changed since). */
export function checkSameRun(dir: string, e: SweepEntry): TrainConfig {
  let saved: TrainConfig;
  try {
    saved = JSON.parse(fs.readFileSync(configFile(dir), 'utf8')) as TrainConfig;
  } catch (err) {
    throw new UserError(`${configFile(dir)}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  for (const [k, v] of Object.entries(e.config)) {
    if (FREE.has(k) || v === undefined || unused(e.config, k)) continue;
    const a = JSON.stringify((saved as Record<string, unknown>)[k]);
    if (!sameSetting((saved as Record<string, unknown>)[k], v)) {
      throw new UserError(`${dir} holds a run with other settings than entry ${e.name} (field '${k}': saved ${a ?? 'unset'}, grid ${JSON.stringify(v)}); move it away or choose another --out`);
    }
  }
  return saved;
}

/** Whether a saved setting is the grid's; groups may hold more fields in the run, filled in once the data was read. */
function sameSetting(saved: unknown, grid: unknown): boolean {
  const isGroup = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isGroup(grid) && isGroup(saved)) return Object.entries(grid).every(([k, g]) => g === undefined || sameSetting(saved[k], g));
  return JSON.stringify(saved) === JSON.stringify(grid);
}

export interface EntryResult {
  status: EntryStatus;
  result?: TrainRunResult;
}

/**
 * Runs entry `e` under `out` (skips it when finished, resumes it when interrupted); `threads` overrides the setting.
 * With `collective`, this process is one rank of the entry's data-parallel group (only rank 0 writes).
 */
export async function runEntry(out: string, e: SweepEntry, o: { threads?: number; device?: string; quiet?: boolean; collective?: Collective } = {}): Promise<EntryResult> {
  const dir = entryDir(out, e);
  const status = entryStatus(out, e);
  const overrides = { ...(o.threads !== undefined ? { threads: o.threads } : {}), ...(o.device !== undefined ? { device: o.device } : {}) };
  if (status !== 'new') checkSameRun(dir, e);
  if (status === 'finished') return { status };
  if (status === 'interrupted') {
    const saved = checkSameRun(dir, e);
    return { status, result: await trainRun({ ...saved, ...overrides } as PendingConfig, { runDir: dir, resume: true, quiet: o.quiet, collective: o.collective }) };
  }
  if (status === 'restart' && (o.collective?.rank ?? 0) === 0) {
    // Stopped before its first epoch completed: nothing to keep.
    fs.rmSync(configFile(dir));
    fs.rmSync(logFile(dir), { force: true });
  }
  return { status, result: await trainRun({ ...e.config, ...overrides }, { runDir: dir, quiet: o.quiet, collective: o.collective }) };
}
