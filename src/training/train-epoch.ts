// One training epoch (docs/methods.md#training-loop): per batch the method's loss and an SGD step; the train robust accuracy
// comes from the loss's own pre-step logits (no extra pass), the train clean accuracy from a post-step train-mode
// forward (docs/methods.md#training-loop, docs/methods.md#deviations).
import { dispose, noGrad, tensor, tidy, withBatchShard } from '../engine';
import { averageGradients, shardOf } from '../distributed/data-parallel';
import { Collective, SINGLE } from '../distributed/group';
import { ImageDataset, batches } from '../data';
import { Module, SGD } from '../nn';
import { EpochSettings } from './calibration';
import { classCounter, countBatch, counterAccuracy } from './class-accuracy';
import { TrainConfig } from './config';
import { sumCounters } from './counter-sum';
import { checkLoss } from './guards';
import { methodStep } from './method-step';
import { progress } from './progress';
import { TrainStats } from '../formats';

export interface EpochRun {
  cfg: TrainConfig;
  model: Module;
  optimizer: SGD;
  train: ImageDataset;
  epoch: number;
  settings: EpochSettings;
  device: string;
  quiet?: boolean;
  /** Seconds the run expects after this epoch's training, given its seconds per batch (the progress line's ETA). */
  remainingAfter?: (secondsPerBatch: number) => number;
  /** The data-parallel group (default: this process alone). */
  collective?: Collective;
}

/**
 * Trains `model` for one epoch; data order and augmentation depend only on (seed, epoch). In a data-parallel group
 * each rank trains on its share of every batch and the gradients are averaged (distributed/data-parallel.ts).
 */
export function trainEpoch(r: EpochRun): TrainStats {
  const { cfg, model, optimizer } = r;
  const dist = r.collective ?? SINGLE;
  model.train();
  const robust = classCounter(cfg.numClasses);
  const clean = classCounter(cfg.numClasses);
  let lossSum = 0;
  let seen = 0;
  const it = batches(r.train, r.epoch, { batchSize: cfg.batchSize, shuffle: true, seed: cfg.seed, augment: cfg.augment, padMode: cfg.padMode, device: r.device });
  const bar = progress({ label: `epoch ${r.epoch + 1}/${cfg.epochs}`, total: it.numBatches, quiet: r.quiet, remainingAfter: r.remainingAfter });
  try {
    for (const b of it) {
      const n = b.indices.length;
      const part = shardOf(n, dist);
      const [x, y] = part.count === n ? [b.x, b.y] : [b.x.narrow(0, part.offset, part.count), b.y.narrow(0, part.offset, part.count)];
      try {
        const loss = tidy(() => {
          const out = withBatchShard(part, () => methodStep(cfg, model, x, y, r.settings));
          optimizer.zeroGrad();
          out.loss.backward();
          let value = out.loss.item();
          if (dist.worldSize > 1) {
            // The global batch's mean loss travels with the gradients.
            const total = tensor([part.count > 0 ? (value * part.count) / n : 0], [1], 'float64', y.device);
            if (part.count === 0) model.zeroGrad();
            averageGradients(dist, model.parameters(), part, [total]);
            value = total.item();
          }
          checkLoss(value, r.epoch, b.batch);
          optimizer.step();
          countBatch(robust, out.robustLogits, y);
          return value;
        });
        tidy(() => countBatch(clean, noGrad(() => model.forward(x)), y));
        lossSum += loss * n;
        seen += n;
        bar.update(b.batch + 1, { loss: lossSum / seen, robust: counterAccuracy(robust).overall });
      } finally {
        dispose(x === b.x ? [b.x, b.y] : [x, y, b.x, b.y]);
      }
    }
    sumCounters(dist, [robust, clean]);
  } finally {
    it.close();
    bar.finish();
    optimizer.zeroGrad();
  }
  return {
    loss: seen ? lossSum / seen : 0,
    robust: counterAccuracy(robust).overall,
    robustPerClass: counterAccuracy(robust).perClass,
    clean: counterAccuracy(clean).overall,
    cleanPerClass: counterAccuracy(clean).perClass,
  };
}
