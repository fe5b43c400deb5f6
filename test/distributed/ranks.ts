// Starts the ranks of a test group the way torchrun does: WORLD_SIZE, RANK, LOCAL_RANK, MASTER_ADDR, MASTER_PORT.
import { ChildProcess, spawn } from 'child_process';
import { freePort } from '../../src/distributed/launch';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from the start of the group to this rank's exit. */
  ms: number;
}

export interface Ranks {
  children: ChildProcess[];
  exits: Promise<Exit>[];
}

/** Starts `script args` as ranks 0..world−1 of one group; extra[r] is added to rank r's environment. */
export async function startRanks(script: string, world: number, args: string[] = [], extra: Record<string, string>[] = []): Promise<Ranks> {
  const port = await freePort();
  const t0 = Date.now();
  const children: ChildProcess[] = [];
  const exits = Array.from({ length: world }, (_, rank) => {
    const env = { ...process.env, WORLD_SIZE: String(world), RANK: String(rank), LOCAL_RANK: String(rank), MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), CFA_NUM_THREADS: '1', ...extra[rank] };
    const child = spawn(process.execPath, [script, ...args], { env });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    return new Promise<Exit>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - t0 })));
  });
  return { children, exits };
}

/** Runs the ranks to completion. */
export async function runRanks(script: string, world: number, args: string[] = [], extra: Record<string, string>[] = []): Promise<Exit[]> {
  return Promise.all((await startRanks(script, world, args, extra)).exits);
}
