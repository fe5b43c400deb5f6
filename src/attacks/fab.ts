// FAB (Croce & Hein 2020; docs/methods.md#fab-t): minimal-norm adversarial examples by iterated projections onto the linearised
// decision boundary, with extrapolation η, a bias α towards the clean point and a backward step β after each
// success. Targeted (FAB-T, AutoAttack standard) or untargeted (AutoAttack plus). L∞ and L2.
import { Tensor, arange, cat, enableGrad, full, grad, rand, randn, stack, tidy, update, where } from '../engine';
import { Module } from '../nn';
import { Attack, AttackOptions, DRIVER_DEFAULTS, DriverSettings, perturb, predict } from './driver';
import { projectOntoHyperplaneInBox } from './fab-projection';
import { Norm, l2Norm } from './project';

/**
 * FAB's defaults (AutoAttack's FAB-T): targeted, 100 iterations, α_max 0.1, η 1.05, β 0.9; the driver's for the rest.
 * Restarts after the first start from a random point at radius ε/2.
 */
export const FAB_DEFAULTS = {
  ...DRIVER_DEFAULTS,
  /** Iterations per run. */
  nIter: 100,
  /** Targeted (FAB-T): the class with the r-th largest clean logit, r = 2 … nTargetClasses+1 (capped at K−1). */
  targeted: true,
  /** Maximal bias towards the clean point α_max. */
  alphaMax: 0.1,
  /** Extrapolation η. */
  eta: 1.05,
  /** Backward step β. */
  beta: 0.9,
};

/** eps is the radius: a point counts as broken only if its best adversarial example lies within it. */
export type FabSettings = DriverSettings & typeof FAB_DEFAULTS;
export type FabOptions = AttackOptions<FabSettings>;

function pnorm(d: Tensor, norm: Norm): Tensor {
  return tidy(() => (norm === 'Linf' ? d.flatten(1).abs().amax(1) : l2Norm(d).reshape([-1])));
}

/**
 * f and ∇f of the linearised boundary at x1: targeted, one column z_t − z_y; untargeted, every column z_j − z_y
 * (the y column set to 1e10 so that it is never the closest). Shapes [B,J] and [B,J,…].
 */
function boundaryTerms(model: Module, x1: Tensor, y: Tensor, target: Tensor | undefined): { df: Tensor; dg: Tensor } {
  return tidy(() =>
    enableGrad(() => {
      const xa = x1.detach().requiresGrad_(true);
      const z = model.forward(xa);
      const zy = z.gather(1, y.reshape([-1, 1]));
      if (target) {
        const diff = z.gather(1, target.reshape([-1, 1])).sub(zy);
        const [g] = grad(diff.sum(), xa);
        return { df: diff.detach(), dg: g.unsqueeze(1) };
      }
      const K = z.shape[1];
      const grads: Tensor[] = [];
      for (let j = 0; j < K; j++) grads.push(grad(z.select(1, j).sum(), xa, { retainGraph: j < K - 1 })[0]);
      const G = stack(grads, 1);
      const gy = G.index([arange(0, x1.shape[0], 1, 'int64', x1.device), y]).unsqueeze(1);
      const df = z.detach().sub(zy.detach()).maskedFill(y.oneHot(K).gt(0), 1e10);
      return { df, dg: G.sub(gy) };
    }),
  );
}

/**
 * The linearised boundary closest to x1 in the dual norm, j = argmin_j |f_j| / ‖∇f_j‖_*: its f_j [B] and ∇f_j [B,n].
 * Targeted FAB has one column, which is the closest.
 */
function closestBoundary(df: Tensor, dg: Tensor, norm: Norm): { fj: Tensor; w: Tensor } {
  return tidy(() => {
    if (dg.shape[1] === 1) return { fj: df.reshape([-1]), w: dg.flatten(1) };
    const dual = norm === 'Linf' ? dg.flatten(2).abs().sum(2) : dg.flatten(2).square().sum(2).sqrt();
    const j = df.abs().div(dual.add(1e-12)).argmin(1);
    const u = arange(0, dg.shape[0], 1, 'int64', dg.device);
    return { fj: df.index([u, j]), w: dg.index([u, j]).flatten(1) };
  });
}

/**
 * One FAB run on points that are all correctly classified. Returns the smallest-norm adversarial example found per
 * point (x itself where none was found).
 */
function fabRun(model: Module, x: Tensor, y: Tensor, target: Tensor | undefined, randomStart: boolean, o: FabSettings): Tensor {
  const { norm, eta, beta, alphaMax } = o;
  const B = x.shape[0];
  const bshape = [B, ...x.shape.slice(1).map(() => 1)];
  return tidy(() => {
    const x1 = tidy(() => {
      if (!randomStart) return x.clone();
      const t = norm === 'Linf' ? rand(x.shape, x.dtype, x.device).mul(2).sub(1) : randn(x.shape, x.dtype, x.device);
      const n = norm === 'Linf' ? t.flatten(1).abs().amax(1).reshape(bshape) : l2Norm(t);
      return x.add(t.div(n).mul(o.eps * 0.5)).clamp(0, 1);
    });
    const x0 = x.flatten(1);
    let s = { x1, adv: x.clone(), best: full([B], 1e10, x.dtype, x.device) };
    for (let it = 0; it < o.nIter; it++) {
      s = update(s, () => {
        const { x1, adv, best } = s;
        const { df, dg } = boundaryTerms(model, x1, y, target);
        const { fj, w } = closestBoundary(df, dg, norm);
        const x1f = x1.flatten(1);
        const b = fj.neg().add(w.mul(x1f).sum(1));
        const d = projectOntoHyperplaneInBox(cat([x1f, x0]), cat([w, w]), cat([b, b]), norm);
        const a0 = pnorm(d, norm).clamp(1e-8, null);
        const a1 = a0.slice(0, 0, B);
        const a2 = a0.slice(0, B);
        const alpha = a1.div(a1.add(a2)).clamp(0, alphaMax).reshape(bshape);
        const d1 = d.slice(0, 0, B).reshape(x.shape);
        const d2 = d.slice(0, B).reshape(x.shape);
        const next = x1.add(d1.mul(eta)).mul(alpha.rsub(1)).add(x.add(d2.mul(eta)).mul(alpha)).clamp(0, 1);
        const isAdv = predict(model, next).ne(y);
        const dist = pnorm(next.sub(x), norm);
        const better = isAdv.logicalAnd(dist.lt(best));
        return {
          x1: where(isAdv.reshape(bshape), x.add(next.sub(x).mul(beta)), next),
          adv: where(better.reshape(bshape), next, adv),
          best: where(better, dist, best),
        };
      });
    }
    return s.adv;
  });
}

/** FAB as the driver runs it: a point is broken when its best adversarial example is within ε. */
export const FAB: Attack<FabSettings> = {
  defaults: FAB_DEFAULTS,
  run(model, x, y, o, { restart, target }) {
    const adv = fabRun(model, x, y, target, restart > 0, o);
    const stillRight = predict(model, adv).eq(y).logicalOr(pnorm(adv.sub(x), o.norm).gt(o.eps));
    return { adv, fooled: stillRight.logicalNot() };
  },
};

/** FAB-T / FAB (AutoAttack's perturb): adversarial images for the broken points and x elsewhere. */
export function fab(model: Module, x: Tensor, y: Tensor, o: FabOptions): Tensor {
  return perturb(FAB, model, x, y, o);
}
