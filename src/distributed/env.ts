// The torchrun conventions: WORLD_SIZE, RANK, LOCAL_RANK, MASTER_ADDR and MASTER_PORT in the environment (set by
// torchrun, srun wrappers, Kubernetes or `--nproc`) make a process one rank of a data-parallel group.
import { UserError } from '../errors';

export type Backend = 'gloo' | 'nccl';

export interface GroupEnv {
  rank: number;
  localRank: number;
  worldSize: number;
  masterAddr: string;
  masterPort: number;
  backend: Backend;
  /** Bound on the rendezvous and on every collective (CFA_DIST_TIMEOUT seconds, default 300). */
  timeoutSeconds: number;
}

export const DEFAULT_TIMEOUT_SECONDS = 300;

function integer(env: NodeJS.ProcessEnv, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const text = env[name];
  const v = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isInteger(v) || v < min || v > max) throw new UserError(`${name}: expected an integer in ${min}..${max === Number.MAX_SAFE_INTEGER ? '' : max}, got '${text ?? ''}'`);
  return v;
}

/**
 * The group this process belongs to, or undefined when WORLD_SIZE is unset or 1. The backend is CFA_DIST_BACKEND,
 * else nccl on a CUDA device and gloo otherwise.
 */
export function groupFromEnv(env: NodeJS.ProcessEnv, device: string): GroupEnv | undefined {
  if (env.WORLD_SIZE === undefined || env.WORLD_SIZE === '1') return undefined;
  const worldSize = integer(env, 'WORLD_SIZE', 1);
  const rank = integer(env, 'RANK', 0, worldSize - 1);
  const localRank = env.LOCAL_RANK === undefined ? rank : integer(env, 'LOCAL_RANK', 0);
  const masterAddr = env.MASTER_ADDR ?? '';
  if (!masterAddr) throw new UserError('MASTER_ADDR: expected the host name or address of rank 0 (WORLD_SIZE is set)');
  const masterPort = integer(env, 'MASTER_PORT', 1, 65535);
  const backendText = env.CFA_DIST_BACKEND ?? (device.startsWith('cuda') ? 'nccl' : 'gloo');
  if (backendText !== 'gloo' && backendText !== 'nccl') throw new UserError(`CFA_DIST_BACKEND: expected gloo or nccl, got '${backendText}'`);
  const timeoutText = env.CFA_DIST_TIMEOUT;
  const timeoutSeconds = timeoutText === undefined ? DEFAULT_TIMEOUT_SECONDS : Number(timeoutText);
  if (!(timeoutSeconds > 0) || !Number.isFinite(timeoutSeconds)) throw new UserError(`CFA_DIST_TIMEOUT: expected a positive number of seconds, got '${timeoutText}'`);
  return { rank, localRank, worldSize, masterAddr, masterPort, backend: backendText, timeoutSeconds };
}

/** The device of this rank: cuda:LOCAL_RANK when the run asks for CUDA without naming a device index. */
export function rankDevice(device: string, g: GroupEnv | undefined): string {
  return g && device === 'cuda' ? `cuda:${g.localRank}` : device;
}
