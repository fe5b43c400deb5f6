// `cfa sweep --jobs J`: the entries on this machine, J child processes at a time, each with floor(cores / J) threads
// (CFA_NUM_THREADS and --threads). Finished runs are skipped, interrupted ones resumed (by the child, run-entry.ts); an
// entry with `after` starts once the entry it waits for has finished. One summary line per entry.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readLog } from '../training/run-log';
import { EpochRecord } from '../formats';
import { bestRecord } from '../training/summary';
import { SweepEntry, entryDir } from './grid';
import { EntryStatus, checkSameRun, entryStatus } from './run-entry';

/** The `cfa` command line of this installation. */
export const CFA_BIN = path.join(__dirname, '../../../bin/cfa.js');

/** Threads for each of `jobs` processes on `cores` cores: floor(cores / jobs), at least 1. */
export function threadsPerJob(jobs: number, cores = os.availableParallelism()): number {
  return Math.max(1, Math.floor(cores / jobs));
}

export function logPath(out: string, e: SweepEntry): string {
  return path.join(out, 'logs', `${e.name}.log`);
}

const pct = (v: number) => (100 * v).toFixed(1);

/** "best valid robust avg/worst %: model 45.2/20.1@8, ema …" from the run's log. */
export function runFigures(records: EpochRecord[]): string {
  if (!records.length) return 'no epoch logged';
  const parts: string[] = [];
  for (const which of ['model', 'ema', 'fawa'] as const) {
    const i = bestRecord(records, which);
    const a = records[i].valid[which];
    if (a) parts.push(`${which} ${pct(a.robust)}/${pct(a.worstRobust)}@${records[i].epoch + 1}`);
  }
  return `${records.length} epochs; best valid robust avg/worst %: ${parts.join(', ')}`;
}

export interface LocalSweep {
  /** The grid file or name, as the children are given it. */
  source: string;
  out: string;
  entries: SweepEntry[];
  jobs: number;
  /** Threads per job (default threadsPerJob(jobs)). */
  threads?: number;
  /** Extra arguments for every child (e.g. --device). */
  extra?: string[];
  log?: (line: string) => void;
}

/** Runs the entries; resolves with the number that failed. */
export async function runLocal(s: LocalSweep): Promise<number> {
  const log = s.log ?? ((l: string) => console.log(l));
  const threads = s.threads ?? threadsPerJob(s.jobs);
  const n = s.entries.length;
  const width = String(n).length;
  const tag = (e: SweepEntry) => `[${String(e.index + 1).padStart(width)}/${n}] ${e.name}`;
  const done = new Set<number>();
  const failed = new Set<number>();
  const queue: SweepEntry[] = [];
  for (const e of s.entries) {
    const status = entryStatus(s.out, e);
    if (status !== 'new') checkSameRun(entryDir(s.out, e), e);
    if (status === 'finished') {
      done.add(e.index);
      log(`${tag(e)}  skipped: finished (${runFigures(readLog(entryDir(s.out, e)))})`);
    } else queue.push(e);
  }
  fs.mkdirSync(path.join(s.out, 'logs'), { recursive: true });
  let running = 0;
  return new Promise<number>((resolve) => {
    const start = (e: SweepEntry, before: EntryStatus) => {
      running++;
      const file = logPath(s.out, e);
      const fd = fs.openSync(file, 'a');
      const argv = [CFA_BIN, 'sweep', s.source, '--out', s.out, '--index', String(e.index), '--threads', String(threads), '--quiet', ...(s.extra ?? [])];
      const t0 = performance.now();
      const child = spawn(process.execPath, argv, { stdio: ['ignore', fd, fd], env: { ...process.env, CFA_NUM_THREADS: String(threads) } });
      child.on('exit', (code, signal) => {
        fs.closeSync(fd);
        running--;
        const secs = ((performance.now() - t0) / 1000).toFixed(0);
        if (code === 0) {
          done.add(e.index);
          const how = before === 'interrupted' ? 'resumed and finished' : 'finished';
          log(`${tag(e)}  ${how} in ${secs} s (${runFigures(readLog(entryDir(s.out, e)))})`);
        } else {
          failed.add(e.index);
          // The command's error line (an error message may continue on further lines), else the last line.
          const text = fs.readFileSync(file, 'utf8').trim().split('\n');
          const last = [...text].reverse().find((l) => l.startsWith('cfa ')) ?? text[text.length - 1] ?? '';
          log(`${tag(e)}  FAILED (${signal ?? `exit ${code}`}) after ${secs} s: ${last}  [log: ${file}]`);
        }
        pump();
      });
    };
    const pump = () => {
      for (let i = 0; i < queue.length && running < s.jobs; ) {
        const e = queue[i];
        if (e.after !== undefined && failed.has(e.after)) {
          queue.splice(i, 1);
          failed.add(e.index);
          log(`${tag(e)}  not run: it waits for ${s.entries[e.after].name}, which failed`);
          continue;
        }
        if (e.after !== undefined && !done.has(e.after)) {
          i++;
          continue;
        }
        queue.splice(i, 1);
        start(e, entryStatus(s.out, e));
      }
      if (running === 0) {
        // Anything left waits for an entry outside this selection that has not finished.
        for (const e of queue.splice(0)) {
          failed.add(e.index);
          log(`${tag(e)}  not run: it waits for ${s.entries[e.after!].name}, which has not finished`);
        }
        resolve(failed.size);
      }
    };
    pump();
  });
}
