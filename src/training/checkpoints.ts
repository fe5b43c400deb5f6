// RUN_DIR/checkpoints/{model,ema,fawa}-{best,last}.safetensors: the bare network's state dict (PyTorch key names),
// written atomically, with the epoch and the run's identity as metadata.
import * as path from 'path';
import { Module, saveCheckpoint } from '../nn';
import { TrainConfig } from './config';
import { defaultFairnessMetric, metricName } from './fairness-measure';
import { Averaged } from './selection';

export function checkpointFile(runDir: string, which: Averaged, kind: 'best' | 'last'): string {
  return path.join(runDir, 'checkpoints', `${which}-${kind}.safetensors`);
}

/** Saves `model` as RUN_DIR/checkpoints/<which>-<kind>.safetensors. */
export function saveRunCheckpoint(runDir: string, cfg: TrainConfig, which: Averaged, kind: 'best' | 'last', model: Module, epoch: number): void {
  saveCheckpoint(checkpointFile(runDir, which, kind), model, {
    epoch: String(epoch),
    which,
    kind,
    arch: cfg.arch,
    dataset: cfg.dataset,
    numClasses: String(cfg.numClasses),
    mean: JSON.stringify(cfg.mean),
    std: JSON.stringify(cfg.std),
    method: cfg.method,
    ...(kind === 'best' ? { selectedOn: cfg.selectOn, selectedBy: `robust + ${metricName(cfg.selectionMetric ?? defaultFairnessMetric(cfg.numClasses))} robust` } : {}),
  });
}
