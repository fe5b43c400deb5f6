// `--nproc N`: starts N local workers of the same command, each one rank of a Gloo (or NCCL) group, the way torchrun
// does: WORLD_SIZE, RANK, LOCAL_RANK, MASTER_ADDR=127.0.0.1 and a free MASTER_PORT in their environment, the threads
// divided between them. Rank 0's output is shown; the others are quiet except for their errors, prefixed by rank.
// When a worker fails, the others are stopped and the error names its rank.
import { ChildProcess, spawn } from 'child_process';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { UserError } from '../errors';

export interface LaunchOptions {
  nproc: number;
  /** Threads in all (default: the machine's cores); each worker gets ⌊threads / nproc⌋, at least 1. */
  threads?: number;
  /** Arguments of each worker after `cfa` (without --nproc and --threads). */
  argv: string[];
  /** Extra arguments for ranks > 0 (e.g. --quiet). */
  quietArgs?: string[];
  /** Where rank 0's stdout and stderr go (default this process's). */
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

/** A TCP port that was free a moment ago on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Writes a child's stream line by line with a prefix. */
function prefixLines(from: NodeJS.ReadableStream, to: NodeJS.WritableStream, prefix: string): void {
  let rest = '';
  from.setEncoding('utf8');
  from.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) to.write(`${prefix}${l.replace(/^.*\r/, '')}\n`);
  });
  from.on('end', () => rest && to.write(`${prefix}${rest}\n`));
}

const CLI = path.join(__dirname, '..', '..', '..', 'bin', 'cfa.js');

/** Runs the workers to completion; resolves to 0, or rejects with an error naming the first rank that failed. */
export async function launchLocal(o: LaunchOptions): Promise<number> {
  if (!Number.isInteger(o.nproc) || o.nproc < 1) throw new UserError(`--nproc: expected a positive integer, got ${o.nproc}`);
  const total = o.threads ?? Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  const perWorker = Math.max(1, Math.floor(total / o.nproc));
  const port = await freePort();
  const out = o.stdout ?? process.stdout;
  const err = o.stderr ?? process.stderr;
  const children: ChildProcess[] = [];
  let failure: string | undefined;
  const stopAll = () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  };
  const onSignal = () => stopAll();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const exits = Array.from({ length: o.nproc }, (_, rank) => {
      const env = {
        ...process.env,
        WORLD_SIZE: String(o.nproc),
        RANK: String(rank),
        LOCAL_RANK: String(rank),
        MASTER_ADDR: '127.0.0.1',
        MASTER_PORT: String(port),
        CFA_NUM_THREADS: String(perWorker),
        OMP_NUM_THREADS: String(perWorker),
      };
      const args = [CLI, ...o.argv, ...(rank > 0 ? (o.quietArgs ?? []) : [])];
      const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      if (rank === 0) {
        child.stdout!.pipe(out, { end: false });
        child.stderr!.pipe(err, { end: false });
      } else {
        child.stdout!.resume();
        prefixLines(child.stderr!, err, `[rank ${rank}] `);
      }
      return new Promise<void>((resolve) =>
        child.once('exit', (code, signal) => {
          if ((code !== 0 || signal) && failure === undefined) {
            failure = `worker rank ${rank} ${signal ? `was killed by ${signal}` : `exited with code ${code}`}`;
            stopAll();
          }
          resolve();
        }),
      );
    });
    await Promise.all(exits);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (failure !== undefined) throw new LaunchError(failure);
  return 0;
}

/** A worker of --nproc failed; the message names its rank. */
export class LaunchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LaunchError';
  }
}
