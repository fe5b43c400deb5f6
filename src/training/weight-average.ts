// Weight averaging over full state dicts, shared by EMA and FAWA (docs/methods.md#fawa, #ema).
import { noGrad, tidy } from '../engine';
import { Module } from '../nn';

/** An averaged copy of the network: used in eval mode only; `initialized` is false until it first receives weights. */
export interface AveragedModel {
  model: Module;
  initialized: boolean;
  /** Number of epochs folded in (the first copy counts as one). */
  updates: number;
}

export function averagedModel(model: Module): AveragedModel {
  model.eval();
  return { model, initialized: false, updates: 0 };
}

/**
 * θ̄ ← decay·θ̄ + (1 − decay)·θ for every state entry: parameters and BatchNorm running statistics, and
 * num_batches_tracked averaged as a float then truncated to an integer (as PyTorch's copy_ into int64 does).
 */
export function averageInto(avg: Module, model: Module, decay: number): void {
  const src = model.stateDict();
  noGrad(() => {
    for (const [k, t] of avg.stateDict()) {
      const s = src.get(k)!;
      if (t.dtype === 'float32' || t.dtype === 'float64') t.mul_(decay).add_(s, 1 - decay);
      else tidy(() => void t.copy_(t.double().mul(decay).add(s.double().mul(1 - decay))));
    }
  });
}

/** θ̄ ← θ (every state entry). */
export function copyInto(avg: Module, model: Module): void {
  avg.loadStateDict(model.stateDict(), 'weight copy');
}

/** Folds θ into the average: the first call copies (Alg. 1 initialisation), later calls average with `decay`. */
export function foldIn(a: AveragedModel, model: Module, decay: number): void {
  if (a.initialized) averageInto(a.model, model, decay);
  else copyInto(a.model, model);
  a.initialized = true;
  a.updates++;
}
