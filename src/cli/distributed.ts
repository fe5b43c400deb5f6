// Data-parallel runs of `cfa train` and `cfa eval`: `--nproc N` starts N local workers (distributed/launch.ts); a
// process started with WORLD_SIZE, RANK, MASTER_ADDR, MASTER_PORT (torchrun's variables) joins that group.
import { resolveDevice } from '../engine';
import { Collective, withGroup } from '../distributed/group';
import { groupFromEnv, rankDevice } from '../distributed/env';
import { launchLocal } from '../distributed/launch';
import { UserError } from '../errors';
import { parseInteger } from './args';

export const distributedOptions = { nproc: { type: 'string' } } as const;

export const DISTRIBUTED_HELP = `  --nproc N               start N local data-parallel workers (threads divided between them); a process started
                          with WORLD_SIZE, RANK, LOCAL_RANK, MASTER_ADDR, MASTER_PORT (as torchrun sets them) joins
                          that group instead. CFA_DIST_TIMEOUT (seconds, default 300) bounds every collective;
                          CFA_DIST_BACKEND picks gloo or nccl (default nccl on CUDA, else gloo)`;

/** argv without the flags `names` (and their values). */
function withoutFlags(argv: string[], names: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const name = names.find((n) => a === `--${n}` || a.startsWith(`--${n}=`));
    if (name === undefined) out.push(a);
    else if (a === `--${name}`) i++;
  }
  return out;
}

/**
 * With --nproc N (in a process that is not itself a worker): runs `cfa <command>` in N workers and returns 0, or
 * throws naming the rank that failed. Otherwise undefined: the caller runs the command itself.
 */
export async function launchIfAsked(command: string, argv: string[], values: Record<string, unknown>): Promise<number | undefined> {
  if (values.nproc === undefined) return undefined;
  const nproc = parseInteger(values.nproc as string, '--nproc', 1);
  if (process.env.WORLD_SIZE !== undefined) throw new UserError('--nproc: this process is already a worker of a group (WORLD_SIZE is set)');
  const threads = values.threads === undefined ? undefined : parseInteger(values.threads as string, '--threads', 1);
  return launchLocal({ nproc, threads, argv: [command, ...withoutFlags(argv, ['nproc', 'threads'])], quietArgs: ['--quiet'] });
}

/**
 * Runs fn as this process's rank of the group in its environment (alone when there is none). `rankDevice` is set
 * when the rank must use another device than `device` says: cuda:LOCAL_RANK when it asks for CUDA.
 */
export function asRank<R>(device: string | undefined, fn: (c: Collective, rankDevice: string | undefined) => Promise<R> | R): Promise<R> {
  const resolved = resolveDevice(device);
  const env = groupFromEnv(process.env, resolved);
  const own = rankDevice(resolved, env);
  return withGroup(env, (c) => fn(c, own === resolved ? undefined : own));
}
