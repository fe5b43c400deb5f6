// The TRADES inner maximiser (§7.3): maximise Σ_i KL(softmax f(x_i) ‖ softmax f(x′_i)) over the per-sample ε-ball
// with sign steps, from x + 0.001·N(0, I). The caller sets the model's mode (TRADES: eval before, train after).
import { F, Tensor, keep, noGrad, randnLike, tidy } from '../engine';
import { Module } from '../nn';
import { lossAndGrad, perSample, project } from './project';

/**
 * TRADES adversarial examples (detached, in [0,1] and in the per-sample ε-ball). The start x + 0.001·N(0,1) is not
 * clipped before the first forward pass (§16 D13). In eval mode f(x) is computed once (it is constant); in train
 * mode it is recomputed every step, as the reference does, so BatchNorm statistics see the same forwards.
 */
export function tradesKL(model: Module, x: Tensor, o: { eps: number | Tensor; stepSize: number | Tensor; steps: number }): Tensor {
  const eps = keep(perSample(o.eps, x));
  const alpha = keep(perSample(o.stepSize, x));
  const natural = () => noGrad(() => tidy(() => F.softmax(model.forward(x), 1)));
  const fixedTarget = model.training ? undefined : keep(natural());
  let xAdv = tidy(() => x.add(randnLike(x).mul(0.001)));
  try {
    for (let k = 0; k < o.steps; k++) {
      const next = tidy(() => {
        const target = fixedTarget ?? natural();
        const { grad } = lossAndGrad(model, xAdv, (z) => F.klDiv(F.logSoftmax(z, 1), target, 'none').sum(1));
        return project(xAdv.add(grad.sign().mul(alpha)), x, eps, 'Linf');
      });
      xAdv.dispose();
      xAdv = next;
    }
    const out = xAdv.clamp(0, 1);
    xAdv.dispose();
    return out;
  } finally {
    fixedTarget?.dispose();
    eps.dispose();
    alpha.dispose();
  }
}
