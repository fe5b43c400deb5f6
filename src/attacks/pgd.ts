// PGD-k (docs/methods.md#pgd training, docs/methods.md#pgd evaluation): L∞ sign steps or L2 normalised-gradient steps, projected onto the per-sample
// ε-ball and [0,1], from a random start, batched. The model's train/eval mode is left as the caller set it.
import { Tensor, noGrad, randLike, randnLike, tidy, update, where } from '../engine';
import { Module } from '../nn';
import { withDefaults } from './driver';
import { AttackLoss, attackLoss } from './losses';
import { Norm, ascentDirection, l2Norm, lossAndGrad, perSample, project } from './project';

export interface PgdOptions {
  /** Budget: one number or per-sample Tensor [B]. */
  eps: number | Tensor;
  /** Step size α: one number or per-sample Tensor [B]. */
  stepSize: number | Tensor;
  steps: number;
  /**
   * Start: true is a random point of the ball, U(−ε, ε) per coordinate for L∞, for L2 a uniformly
   * random direction with radius U(0,1)·ε; false is x itself; 'small-normal' is x + 0.001·N(0, I), not projected before
   * the first step (the start of the TRADES and MART reference code).
   */
  randomStart?: boolean | 'small-normal';
  /** Loss to maximise. */
  loss?: AttackLoss;
  /** Threat model. */
  norm?: Norm;
  /**
   * Random restarts. Per sample the result of a later restart replaces the kept one when it newly
   * misclassifies the point, or when both have the same outcome and its final loss is higher.
   */
  restarts?: number;
}

/** PGD's defaults: a random start in the ball, the CE loss, L∞, one run. */
export const PGD_DEFAULTS = { randomStart: true as boolean | 'small-normal', loss: 'ce' as AttackLoss, norm: 'Linf' as Norm, restarts: 1 };
type PgdSettings = PgdOptions & typeof PGD_DEFAULTS;

/** Random start x + δ, projected onto the ball and the box. */
function randomStart(x: Tensor, eps: Tensor, norm: Norm): Tensor {
  return tidy(() => {
    let d: Tensor;
    if (norm === 'Linf') d = randLike(x).mul(2).sub(1).mul(eps);
    else {
      const g = randnLike(x);
      const r = randLike(eps);
      d = g.div(l2Norm(g).add(1e-12)).mul(r).mul(eps);
    }
    return project(x.add(d), x, eps, norm);
  });
}

/** x + 0.001·N(0, I), projected only when no step follows (the steps project every iterate). */
function smallNormalStart(x: Tensor, eps: Tensor, norm: Norm, steps: number): Tensor {
  return tidy(() => {
    const start = x.add(randnLike(x).mul(0.001));
    return steps > 0 ? start : project(start, x, eps, norm);
  });
}

/** One PGD run from a fresh start; returns the last iterate (no best-loss tracking, no early stop: docs/methods.md#pgd). */
function pgdRun(model: Module, x: Tensor, y: Tensor, eps: Tensor, alpha: Tensor, o: PgdSettings): Tensor {
  const { norm, loss } = o;
  let xAdv = o.randomStart === false ? x.clone() : o.randomStart === 'small-normal' ? smallNormalStart(x, eps, norm, o.steps) : randomStart(x, eps, norm);
  for (let k = 0; k < o.steps; k++) {
    xAdv = update(xAdv, () => {
      const { grad } = lossAndGrad(model, xAdv, (z) => attackLoss(loss, z, y));
      return project(xAdv.add(ascentDirection(grad, norm).mul(alpha)), x, eps, norm);
    });
  }
  return xAdv;
}

/**
 * PGD adversarial examples (detached), inside the per-sample ε-ball around x and inside [0,1]. Gradients are taken
 * with respect to the input only.
 */
export function pgd(model: Module, x: Tensor, y: Tensor, options: PgdOptions): Tensor {
  const o = withDefaults(PGD_DEFAULTS, options);
  const restarts = Math.max(1, o.restarts);
  return tidy(() => {
    const eps = perSample(o.eps, x);
    const alpha = perSample(o.stepSize, x);
    const score = (xa: Tensor) =>
      tidy(() => {
        const logits = noGrad(() => model.forward(xa));
        return { x: xa, loss: attackLoss(o.loss, logits, y), fooled: logits.argmax(1).ne(y) };
      });
    const first = pgdRun(model, x, y, eps, alpha, o);
    if (restarts === 1) return first;
    let best = score(first);
    for (let r = 1; r < restarts; r++) {
      best = update(best, () => {
        const c = score(pgdRun(model, x, y, eps, alpha, o));
        const better = c.fooled.logicalAnd(best.fooled.logicalNot()).logicalOr(c.fooled.eq(best.fooled).logicalAnd(c.loss.gt(best.loss)));
        const m = better.reshape([-1, ...x.shape.slice(1).map(() => 1)]);
        return { x: where(m, c.x, best.x), loss: where(better, c.loss, best.loss), fooled: where(better, c.fooled, best.fooled) };
      });
    }
    return best.x;
  });
}
