// The process group of a data-parallel run, as a Collective: c10d's all-reduce, broadcast, all-gather and barrier
// over the addon (native/collectives.cc). One process alone gets SINGLE, whose operations change nothing.
import { Tensor, tensor, tidy, w } from '../engine';
import { N } from '../engine/native';
import { GroupEnv } from './env';

/** Gradients and parameters travel in flat buffers of at most this many bytes. */
const BUCKET_BYTES = 25 * 1024 * 1024;

export interface Collective {
  readonly rank: number;
  readonly worldSize: number;
  /** In place: each tensor becomes its sum over the ranks. */
  allReduceSum(tensors: Tensor[]): void;
  /** In place: each tensor becomes rank `root`'s value (default 0). */
  broadcast(tensors: Tensor[], root?: number): void;
  /** [worldSize, ...t.shape]: every rank's t (same shape and dtype everywhere); the caller owns the result. */
  allGather(t: Tensor): Tensor;
  barrier(): void;
  /** The element-wise sum of plain numbers over the ranks (in float64). */
  sumNumbers(values: number[]): number[];
  /** Every rank's list of numbers (the lists may differ in length), indexed by rank. */
  gatherNumbers(values: number[]): number[][];
}

/** The collective of a process that runs alone. */
export const SINGLE: Collective = {
  rank: 0,
  worldSize: 1,
  allReduceSum() {},
  broadcast() {},
  allGather: (t) => t.unsqueeze(0).clone(),
  barrier() {},
  sumNumbers: (v) => v.slice(),
  gatherNumbers: (v) => [v.slice()],
};

let joined: Collective | undefined;

/** Whether this build of the addon has the NCCL backend (a CUDA libtorch at build time). */
export function hasNccl(): boolean {
  return N.distHasNccl();
}

/** Joins the group described by env (rendezvous at MASTER_ADDR:MASTER_PORT, hosted by rank 0). */
export function joinGroup(env: GroupEnv): Collective {
  if (joined) throw new Error('this process already joined a process group');
  N.distInit(env.backend, env.masterAddr, env.masterPort, env.rank, env.worldSize, env.timeoutSeconds);
  // NCCL reduces only CUDA tensors: small values travel through this process's GPU.
  const dev = env.backend === 'nccl' ? `cuda:${env.localRank}` : 'cpu';
  const c: Collective = {
    rank: env.rank,
    worldSize: env.worldSize,
    allReduceSum(ts) {
      if (ts.length) N.allReduceSum(ts.map((t) => t.handle), BUCKET_BYTES);
    },
    broadcast(ts, root = 0) {
      if (ts.length) N.broadcast(ts.map((t) => t.handle), root, BUCKET_BYTES);
    },
    allGather: (t) => w(N.allGather(t.handle)),
    barrier() {
      N.barrier();
    },
    sumNumbers(v) {
      return tidy(() => {
        const t = tensor(v, [v.length], 'float64', dev);
        N.allReduceSum([t.handle], BUCKET_BYTES);
        return t.toArray();
      });
    },
    gatherNumbers(v) {
      return tidy(() => {
        const lengths = w(N.allGather(tensor([v.length], [1], 'float64', dev).handle)).toArray();
        const longest = Math.max(...lengths);
        if (longest === 0) return lengths.map(() => []);
        const padded = new Float64Array(longest);
        padded.set(v);
        const all = w(N.allGather(tensor(padded, [longest], 'float64', dev).handle)).toArray();
        return lengths.map((n, r) => all.slice(r * longest, r * longest + n));
      });
    },
  };
  joined = c;
  return c;
}

/** Leaves the group; after success with a final barrier, so that rank 0 keeps the rendezvous store up until all are done. */
export function leaveGroup(success = true): void {
  if (!joined) return;
  try {
    if (success) joined.barrier();
  } finally {
    N.distDestroy();
    joined = undefined;
  }
}

/**
 * Runs fn as one rank of the group described by env (a process alone when env is undefined gets SINGLE), leaving
 * the group afterwards.
 */
export async function withGroup<R>(env: GroupEnv | undefined, fn: (c: Collective) => Promise<R> | R): Promise<R> {
  if (!env) return fn(SINGLE);
  const c = joinGroup(env);
  let ok = false;
  try {
    const r = await fn(c);
    ok = true;
    return r;
  } finally {
    leaveGroup(ok);
  }
}
