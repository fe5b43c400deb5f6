// Functional neural-network ops (PyTorch's torch.nn.functional semantics), differentiable through libtorch.
import { N } from './native';
import { Reduction, Tensor, w } from './tensor';

const pair = (v: number | [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : v);
const h = (t: Tensor | undefined | null) => (t ? t.handle : null);

export interface Conv2dOptions {
  stride?: number | [number, number];
  padding?: number | [number, number];
  dilation?: number | [number, number];
  groups?: number;
}
/** 2-D convolution: x [N,C,H,W], weight [O,C/groups,kH,kW]. */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, o: Conv2dOptions = {}): Tensor {
  return w(N.conv2d(x.handle, weight.handle, h(bias), pair(o.stride ?? 1), pair(o.padding ?? 0), pair(o.dilation ?? 1), o.groups ?? 1));
}

/**
 * Batch normalisation. In training mode it normalises with batch statistics and updates runningMean/runningVar in
 * place (momentum, unbiased variance); in eval mode it uses the running statistics.
 */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | undefined,
  runningVar: Tensor | undefined,
  weight: Tensor | undefined,
  bias: Tensor | undefined,
  training: boolean,
  momentum = 0.1,
  eps = 1e-5,
): Tensor {
  return w(N.batchNorm(x.handle, h(weight), h(bias), h(runningMean), h(runningVar), training, momentum, eps));
}

/** x·Wᵀ + b. */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  return w(N.linear(x.handle, weight.handle, h(bias)));
}
export function relu(x: Tensor): Tensor {
  return x.relu();
}
export function maxPool2d(x: Tensor, kernel: number | [number, number], stride?: number | [number, number], padding: number | [number, number] = 0): Tensor {
  return w(N.maxPool2d(x.handle, pair(kernel), pair(stride ?? kernel), pair(padding), [1, 1], false));
}
export function avgPool2d(x: Tensor, kernel: number | [number, number], stride?: number | [number, number], padding: number | [number, number] = 0): Tensor {
  return w(N.avgPool2d(x.handle, pair(kernel), pair(stride ?? kernel), pair(padding), false, true));
}
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | [number, number]): Tensor {
  return w(N.adaptiveAvgPool2d(x.handle, pair(outputSize)));
}
export function softmax(x: Tensor, dim = -1): Tensor {
  return w(N.softmax(x.handle, dim));
}
export function logSoftmax(x: Tensor, dim = -1): Tensor {
  return w(N.logSoftmax(x.handle, dim));
}
/** Cross-entropy of logits [N,K] against int64 labels [N] (stable log-sum-exp). */
export function crossEntropy(logits: Tensor, labels: Tensor, reduction: Reduction = 'mean', weight?: Tensor): Tensor {
  return w(N.crossEntropy(logits.handle, labels.handle, h(weight), reduction, 0));
}
export function nllLoss(logProbs: Tensor, labels: Tensor, reduction: Reduction = 'mean'): Tensor {
  return w(N.nllLoss(logProbs.handle, labels.handle, null, reduction));
}
/**
 * PyTorch's kl_div(input, target): Σ target·(log target − input) with input = log-probabilities; 'batchmean' divides
 * the sum by the batch size. KL(p‖q) = klDiv(log q, p).
 */
export function klDiv(input: Tensor, target: Tensor, reduction: Reduction | 'batchmean' = 'mean', logTarget = false): Tensor {
  if (reduction === 'batchmean') {
    const s = w(N.klDiv(input.handle, target.handle, 'sum', logTarget));
    const out = s.div(input.shape[0]);
    s.dispose();
    return out;
  }
  return w(N.klDiv(input.handle, target.handle, reduction, logTarget));
}
export function mseLoss(a: Tensor, b: Tensor, reduction: Reduction = 'mean'): Tensor {
  return w(N.mseLoss(a.handle, b.handle, reduction));
}
/**
 * Pads the last dims: pads = [left, right, top, bottom, …] as in F.pad. 'reflect' mirrors without repeating the edge
 * ([1,2,3,4] by 2 → [3,2,1,2,3,4,3,2]).
 */
export function pad(x: Tensor, pads: number[], mode: 'constant' | 'reflect' | 'replicate' = 'constant', value = 0): Tensor {
  return w(N.pad(x.handle, pads, mode, value));
}
