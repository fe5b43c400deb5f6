// Shared attack geometry: per-sample budgets, projections onto the ε-ball and the [0,1] box, input gradients.
import { Tensor, enableGrad, grad, tensor, tidy } from '../engine';
import { Module } from '../nn';

export type Norm = 'Linf' | 'L2';

/** A per-sample value (number, or Tensor [B]) as a float tensor [B,1,…,1] broadcastable against x. */
export function perSample(v: number | Tensor, x: Tensor): Tensor {
  const shape = [x.shape[0], ...x.shape.slice(1).map(() => 1)];
  return tidy(() => {
    if (typeof v === 'number') return tensor([v], [1], x.dtype, x.device).expand(shape).contiguous();
    if (v.numel !== x.shape[0]) throw new Error(`per-sample value has ${v.numel} entries for a batch of ${x.shape[0]}`);
    return v.to(x.device, x.dtype).reshape(shape);
  });
}

/** Per-sample L2 norm of a [B,…] tensor, shaped [B,1,…,1]. */
export function l2Norm(t: Tensor): Tensor {
  return tidy(() => t.flatten(1).norm(2, 1).reshape([t.shape[0], ...t.shape.slice(1).map(() => 1)]));
}

/**
 * Projects xAdv onto the ε-ball around x (per-sample eps [B,1,…]) and then onto [0,1]. L∞ clips each coordinate to
 * [x−ε, x+ε] (docs/methods.md#conventions); L2 rescales δ to norm ≤ ε. Clipping to the box after the ball keeps the point inside the ball.
 */
export function project(xAdv: Tensor, x: Tensor, eps: Tensor, norm: Norm): Tensor {
  return tidy(() => {
    const d = xAdv.sub(x);
    let dp: Tensor;
    if (norm === 'Linf') dp = d.clamp(eps.neg(), eps);
    else dp = d.mul(eps.div(l2Norm(d).add(1e-12)).clamp(null, tensor([1], [1], d.dtype, d.device)));
    return x.add(dp).clamp(0, 1);
  });
}

/** The steepest-ascent direction of the norm: sign(g) for L∞, g/‖g‖₂ for L2 (0 where g = 0). */
export function ascentDirection(g: Tensor, norm: Norm): Tensor {
  return tidy(() => (norm === 'Linf' ? g.sign() : g.div(l2Norm(g).add(1e-12))));
}

/**
 * Runs the model on xAdv (a fresh leaf) and returns the per-sample loss [B] (detached), the logits (detached) and
 * ∂(Σ loss)/∂xAdv, with gradients taken with respect to the input only (no parameter .grad is touched).
 */
export function lossAndGrad(model: Module, xAdv: Tensor, loss: (logits: Tensor) => Tensor): { loss: Tensor; logits: Tensor; grad: Tensor } {
  return tidy(() =>
    enableGrad(() => {
      const xa = xAdv.detach().requiresGrad_(true);
      const logits = model.forward(xa);
      const l = loss(logits);
      const [g] = grad(l.sum(), xa);
      return { loss: l.detach(), logits: logits.detach(), grad: g };
    }),
  );
}
