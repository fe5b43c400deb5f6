// Per-epoch monitoring (docs/methods.md#pgd): clean and PGD-k robust accuracy per class, model in eval mode.
import { Tensor, dispose, noGrad, tidy } from '../engine';
import { pgd } from '../attacks/pgd';
import { ImageDataset, batches } from '../data';
import { Module } from '../nn';
import { classCounter, countBatch, splitAccuracy } from './class-accuracy';
import { SplitAccuracy } from './run-format';

export interface EvalOptions {
  eps: number;
  stepSize: number;
  steps: number;
  batchSize: number;
  device: string;
}

/**
 * Clean and PGD robust accuracy of `model` on `ds` (eval mode; the previous mode is restored), overall and per class.
 * PGD: CE loss, uniform random start, the last iterate (§7.2).
 */
export function evaluateSplit(model: Module, ds: ImageDataset, o: EvalOptions): SplitAccuracy {
  const wasTraining = model.training;
  model.eval();
  const clean = classCounter(ds.numClasses);
  const robust = classCounter(ds.numClasses);
  const it = batches(ds, 0, { batchSize: o.batchSize, shuffle: false, seed: 0, augment: 'none', device: o.device, prefetch: 0 });
  try {
    for (const b of it) {
      try {
        tidy(() => {
          countBatch(clean, noGrad(() => model.forward(b.x)), b.y);
          const xAdv: Tensor = pgd(model, b.x, b.y, { eps: o.eps, stepSize: o.stepSize, steps: o.steps, randomStart: true, loss: 'ce' });
          countBatch(robust, noGrad(() => model.forward(xAdv)), b.y);
        });
      } finally {
        dispose([b.x, b.y]);
      }
    }
  } finally {
    it.close();
    model.train(wasTraining);
  }
  return splitAccuracy(clean, robust);
}
