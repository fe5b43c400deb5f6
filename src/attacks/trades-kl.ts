// The TRADES inner maximiser (docs/methods.md#trades): maximise Σ_i KL(softmax f(x_i) ‖ softmax f(x′_i)) over the per-sample ε-ball
// with sign steps, from x + 0.001·N(0, I). The caller sets the model's mode (TRADES: eval before, train after).
import { F, Tensor, noGrad, randnLike, tidy, update } from '../engine';
import { Module } from '../nn';
import { lossAndGrad, perSample, project } from './project';

/**
 * TRADES adversarial examples (detached, in [0,1] and in the per-sample ε-ball). The start x + 0.001·N(0,1) is not
 * clipped before the first forward pass (docs/methods.md#deviations). In eval mode f(x) is computed once (it is constant); in train
 * mode it is recomputed every step, as the reference does, so BatchNorm statistics see the same forwards.
 */
export function tradesKL(model: Module, x: Tensor, o: { eps: number | Tensor; stepSize: number | Tensor; steps: number }): Tensor {
  return tidy(() => {
    const eps = perSample(o.eps, x);
    const alpha = perSample(o.stepSize, x);
    const natural = () => noGrad(() => tidy(() => F.softmax(model.forward(x), 1)));
    const fixedTarget = model.training ? undefined : natural();
    let xAdv = x.add(randnLike(x).mul(0.001));
    for (let k = 0; k < o.steps; k++) {
      xAdv = update(xAdv, () => {
        const target = fixedTarget ?? natural();
        const { grad } = lossAndGrad(model, xAdv, (z) => F.klDiv(F.logSoftmax(z, 1), target, 'none').sum(1));
        return project(xAdv.add(grad.sign().mul(alpha)), x, eps, 'Linf');
      });
    }
    return xAdv.clamp(0, 1);
  });
}
