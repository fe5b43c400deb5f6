// What one training step of a base trainer consumes and produces (shared by at.ts, trades.ts, fat.ts, frl.ts, mart.ts).
import { F, Tensor } from '../engine';
import { Module } from '../nn';

/** Mode of the model while the inner maximiser runs (docs/methods.md#batchnorm-mode, docs/methods.md#deviations); the outer loss always runs in train mode. */
export type AttackMode = 'train' | 'eval';

export interface StepInput {
  model: Module;
  /** Clean images [B,C,H,W] in [0,1]. */
  x: Tensor;
  /** Labels int64 [B]. */
  y: Tensor;
  /** Training budget: one ε, or per-sample ε_{y_i} [B] (CCM, FRL remargin). */
  eps: number | Tensor;
  stepSize: number;
  steps: number;
}

export interface StepOutput {
  /** Scalar training loss, attached to the parameters' graph. */
  loss: Tensor;
  /** Logits of the training attack's examples from the loss's own train-mode forward (detached): t_k of docs/methods.md#training-loop. */
  robustLogits: Tensor;
}

/** Runs fn with the model in the attack mode, then leaves it in train mode (also on throw). */
export function inMode<R>(model: Module, mode: AttackMode, fn: () => R): R {
  model.train(mode === 'train');
  try {
    return fn();
  } finally {
    model.train(true);
  }
}

/** The loss of AT and FAT: mean CE on a fresh train-mode forward of the adversarial examples. */
export function crossEntropyOnAdversarial(model: Module, xAdv: Tensor, y: Tensor): StepOutput {
  const logits = model.forward(xAdv);
  return { loss: F.crossEntropy(logits, y), robustLogits: logits.detach() };
}
