// Data parallelism with the semantics of one process: each rank takes its contiguous share of every global batch,
// draws the global batch's random numbers (engine withBatchShard), and the gradients of the ranks' mean losses are
// weighted by their share and summed, which is the gradient of the global batch's mean loss.
import { BatchShard, Tensor, noGrad, zerosLike } from '../engine';
import { Collective } from './group';

/** Rows ⌊r·n/W⌋ .. ⌊(r+1)·n/W⌋ of a global batch of n rows for rank r of W. */
export function shardOf(n: number, c: Pick<Collective, 'rank' | 'worldSize'>): BatchShard {
  const offset = Math.floor((c.rank * n) / c.worldSize);
  const end = Math.floor(((c.rank + 1) * n) / c.worldSize);
  return { offset, count: end - offset, total: n };
}

/** Rank 0's values of the given tensors (parameters and buffers at the start of a run) on every rank. */
export function broadcastTensors(c: Collective, tensors: Tensor[]): void {
  if (c.worldSize > 1) noGrad(() => c.broadcast(tensors, 0));
}

/**
 * Turns each rank's gradients of its shard's mean loss into the gradient of the global batch's mean loss,
 * Σ_r (n_r/n)·∇L_r, on every rank (a parameter without a gradient counts as zero). `extra` tensors are summed in
 * the same buckets (e.g. the share-weighted loss).
 */
export function averageGradients(c: Collective, params: Tensor[], s: BatchShard, extra: Tensor[] = []): void {
  if (c.worldSize === 1) return;
  noGrad(() => {
    const grads = params.map((p) => {
      let g = p.grad;
      if (!g) {
        const z = zerosLike(p);
        p.setGrad(z);
        z.dispose();
        g = p.grad!;
      }
      return g.mul_(s.count / s.total);
    });
    c.allReduceSum([...grads, ...extra]);
    grads.forEach((g) => g.dispose());
  });
}
