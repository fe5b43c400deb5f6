// Autograd entry points: gradients of outputs with respect to inputs, and no-grad scopes.
import { N } from './native';
import { Tensor, w } from './tensor';

/**
 * ∂(Σ outputs)/∂inputs without touching any .grad (PyTorch's torch.autograd.grad). gradOutputs default to ones for
 * scalars. Unused inputs give undefined when allowUnused, else an error.
 */
export function grad(
  outputs: Tensor | Tensor[],
  inputs: Tensor | Tensor[],
  opts: { gradOutputs?: Tensor[]; retainGraph?: boolean; createGraph?: boolean; allowUnused?: boolean } = {},
): Tensor[] {
  const outs = Array.isArray(outputs) ? outputs : [outputs];
  const ins = Array.isArray(inputs) ? inputs : [inputs];
  const res: (object | undefined)[] = N.autogradGrad(
    outs.map((t) => t.handle),
    ins.map((t) => t.handle),
    opts.gradOutputs ? opts.gradOutputs.map((t) => t.handle) : null,
    opts.retainGraph ?? null,
    opts.createGraph ?? false,
    opts.allowUnused ?? false,
  );
  return res.map((h) => (h === undefined ? (undefined as unknown as Tensor) : w(h as never)));
}

/** Runs fn with gradient recording off (restored afterwards, also on throw). */
export function noGrad<R>(fn: () => R): R {
  const prev: boolean = N.setGradEnabled(false);
  try {
    return fn();
  } finally {
    N.setGradEnabled(prev);
  }
}

/** Runs fn with gradient recording on (e.g. an attack inside an evaluation's noGrad). */
export function enableGrad<R>(fn: () => R): R {
  const prev: boolean = N.setGradEnabled(true);
  try {
    return fn();
  } finally {
    N.setGradEnabled(prev);
  }
}

export function isGradEnabled(): boolean {
  return N.isGradEnabled();
}
