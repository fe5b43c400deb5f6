// One training epoch (docs/methods.md#training-loop): per batch the method's loss and an SGD step; the train robust accuracy
// comes from the loss's own pre-step logits (no extra pass), the train clean accuracy from a post-step train-mode
// forward (§10.5, §16 D9).
import { dispose, noGrad, tidy } from '../engine';
import { ImageDataset, batches } from '../data';
import { Module, SGD } from '../nn';
import { EpochSettings } from './calibration';
import { classCounter, countBatch, overallAccuracy, perClassAccuracy } from './class-accuracy';
import { TrainConfig } from './config';
import { checkLoss } from './guards';
import { methodStep } from './method-step';
import { progress } from './progress';
import { TrainStats } from './run-format';

export interface EpochRun {
  cfg: TrainConfig;
  model: Module;
  optimizer: SGD;
  train: ImageDataset;
  epoch: number;
  settings: EpochSettings;
  device: string;
  quiet?: boolean;
}

/** Trains `model` for one epoch; data order and augmentation depend only on (seed, epoch). */
export function trainEpoch(r: EpochRun): TrainStats {
  const { cfg, model, optimizer } = r;
  model.train();
  const robust = classCounter(cfg.numClasses);
  const clean = classCounter(cfg.numClasses);
  let lossSum = 0;
  let seen = 0;
  const it = batches(r.train, r.epoch, { batchSize: cfg.batchSize, shuffle: true, seed: cfg.seed, augment: cfg.augment, padMode: cfg.padMode, device: r.device });
  const bar = progress({ label: `epoch ${r.epoch + 1}/${cfg.epochs}`, total: it.numBatches, quiet: r.quiet });
  try {
    for (const b of it) {
      try {
        const loss = tidy(() => {
          const out = methodStep(cfg, model, b.x, b.y, r.settings);
          optimizer.zeroGrad();
          out.loss.backward();
          const value = out.loss.item();
          checkLoss(value, r.epoch, b.batch);
          optimizer.step();
          countBatch(robust, out.robustLogits, b.y);
          return value;
        });
        tidy(() => countBatch(clean, noGrad(() => model.forward(b.x)), b.y));
        const n = b.indices.length;
        lossSum += loss * n;
        seen += n;
        bar.update(b.batch + 1, { loss: lossSum / seen, robust: overallAccuracy(robust) });
      } finally {
        dispose([b.x, b.y]);
      }
    }
  } finally {
    it.close();
    bar.finish();
    optimizer.zeroGrad();
  }
  return {
    loss: seen ? lossSum / seen : 0,
    robust: overallAccuracy(robust),
    robustPerClass: perClassAccuracy(robust),
    clean: overallAccuracy(clean),
    cleanPerClass: perClassAccuracy(clean),
  };
}
