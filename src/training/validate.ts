// Per-epoch monitoring (docs/methods.md#pgd): clean and PGD-k robust accuracy per class, model in eval mode.
import { Tensor, dispose, noGrad, tidy, withBatchShard } from '../engine';
import { shardOf } from '../distributed/data-parallel';
import { Collective, SINGLE } from '../distributed/group';
import { pgd } from '../attacks/pgd';
import { ImageDataset, batches } from '../data';
import { Module } from '../nn';
import { classCounter, countBatch, splitAccuracy } from './class-accuracy';
import { sumCounters } from './counter-sum';
import { SplitAccuracy } from '../formats';

export interface EvalOptions {
  eps: number;
  stepSize: number;
  steps: number;
  batchSize: number;
  device: string;
  /** The data-parallel group: each rank attacks its share of every batch and the counts are summed (default: alone). */
  collective?: Collective;
}

/**
 * Clean and PGD robust accuracy of `model` on `ds` (eval mode; the previous mode is restored), overall and per class.
 * PGD: CE loss, uniform random start, the last iterate (docs/methods.md#pgd).
 */
export function evaluateSplit(model: Module, ds: ImageDataset, o: EvalOptions): SplitAccuracy {
  const wasTraining = model.training;
  const dist = o.collective ?? SINGLE;
  model.eval();
  const clean = classCounter(ds.numClasses);
  const robust = classCounter(ds.numClasses);
  const it = batches(ds, 0, { batchSize: o.batchSize, shuffle: false, seed: 0, augment: 'none', device: o.device, prefetch: 0 });
  try {
    for (const b of it) {
      try {
        tidy(() => {
          const part = shardOf(b.indices.length, dist);
          const x = b.x.narrow(0, part.offset, part.count);
          const y = b.y.narrow(0, part.offset, part.count);
          countBatch(clean, noGrad(() => model.forward(x)), y);
          const xAdv: Tensor = withBatchShard(part, () => pgd(model, x, y, { eps: o.eps, stepSize: o.stepSize, steps: o.steps, randomStart: true, loss: 'ce' }));
          countBatch(robust, noGrad(() => model.forward(xAdv)), y);
        });
      } finally {
        dispose([b.x, b.y]);
      }
    }
    sumCounters(dist, [clean, robust]);
  } finally {
    it.close();
    model.train(wasTraining);
  }
  return splitAccuracy(clean, robust);
}
