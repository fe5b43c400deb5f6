// FAB (Croce & Hein 2020; §12.4): minimal-norm adversarial examples by iterated projections onto the linearised
// decision boundary, with extrapolation η, a bias α towards the clean point and a backward step β after each
// success. Targeted (FAB-T, AutoAttack standard) or untargeted (AutoAttack plus). L∞ and L2.
import { Tensor, arange, cat, dispose, enableGrad, full, grad, manualSeed, noGrad, rand, randn, stack, tidy, where } from '../engine';
import { Module } from '../nn';
import { projectOntoHyperplaneInBox } from './fab-projection';
import { Norm, l2Norm } from './project';

export interface FabOptions {
  /** Radius: a point counts as broken only if its best adversarial example lies within it. */
  eps: number;
  norm?: Norm;
  /** Iterations per run (default 100). */
  nIter?: number;
  /** Runs; runs after the first start from a random point at radius ε/2 (default 1). */
  restarts?: number;
  /** Targeted (default true): the class with the r-th largest clean logit, r = 2 … nTargetClasses+1. */
  targeted?: boolean;
  /** Default 9, capped at K−1. */
  nTargetClasses?: number;
  /** Maximal bias towards the clean point α_max (default 0.1). */
  alphaMax?: number;
  /** Extrapolation η (default 1.05). */
  eta?: number;
  /** Backward step β (default 0.9). */
  beta?: number;
  /** Seed set at the start of every call (default 0). */
  seed?: number;
}

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

/** Predicted labels without recording gradients. */
function predict(model: Module, x: Tensor): Tensor {
  return noGrad(() => tidy(() => model.forward(x).argmax(1)));
}

/**
 * One FAB run on points that are all correctly classified. Returns the smallest-norm adversarial example found per
 * point (x itself where none was found).
 */
function fabRun(model: Module, x: Tensor, y: Tensor, target: Tensor | undefined, randomStart: boolean, o: FabOptions): Tensor {
  const norm = o.norm ?? 'Linf';
  const eta = o.eta ?? 1.05;
  const beta = o.beta ?? 0.9;
  const alphaMax = o.alphaMax ?? 0.1;
  const B = x.shape[0];
  const bshape = [B, ...x.shape.slice(1).map(() => 1)];
  let adv = x.clone();
  let best = full([B], 1e10, x.dtype, x.device);
  let x1 = tidy(() => {
    if (!randomStart) return x.clone();
    const t = norm === 'Linf' ? rand(x.shape, x.dtype, x.device).mul(2).sub(1) : randn(x.shape, x.dtype, x.device);
    const n = norm === 'Linf' ? t.flatten(1).abs().amax(1).reshape(bshape) : l2Norm(t);
    return x.add(t.div(n).mul(o.eps * 0.5)).clamp(0, 1);
  });
  const x0 = x.flatten(1);
  try {
    for (let it = 0; it < (o.nIter ?? 100); it++) {
      const r = tidy(() => {
        const { df, dg } = boundaryTerms(model, x1, y, target);
        const dual = norm === 'Linf' ? dg.flatten(2).abs().sum(2) : dg.flatten(2).square().sum(2).sqrt();
        const j = df.abs().div(dual.add(1e-12)).argmin(1);
        const u = arange(0, B, 1, 'int64', x.device);
        const w = dg.index([u, j]).flatten(1);
        const x1f = x1.flatten(1);
        const b = df.index([u, j]).neg().add(w.mul(x1f).sum(1));
        const d = projectOntoHyperplaneInBox(cat([x1f, x0]), cat([w, w]), cat([b, b]), norm);
        const a0 = pnorm(d, norm).clamp(1e-8, null);
        const a1 = a0.slice(0, 0, B);
        const a2 = a0.slice(0, B);
        const alpha = a1.div(a1.add(a2)).clamp(0, alphaMax).reshape(bshape);
        const d1 = d.slice(0, 0, B).reshape(x.shape);
        const d2 = d.slice(0, B).reshape(x.shape);
        let next = x1.add(d1.mul(eta)).mul(alpha.rsub(1)).add(x.add(d2.mul(eta)).mul(alpha)).clamp(0, 1);
        const isAdv = predict(model, next).ne(y);
        const dist = pnorm(next.sub(x), norm);
        const better = isAdv.logicalAnd(dist.lt(best));
        const newAdv = where(better.reshape(bshape), next, adv);
        const newBest = where(better, dist, best);
        next = where(isAdv.reshape(bshape), x.add(next.sub(x).mul(beta)), next);
        return { x1: next, adv: newAdv, best: newBest };
      });
      dispose([x1, adv, best]);
      x1 = r.x1;
      adv = r.adv;
      best = r.best;
    }
    return adv;
  } finally {
    dispose([x1, x0, best]);
  }
}

/**
 * FAB-T / FAB (AutoAttack's perturb): seeds the generator, then for each target rank (targeted) and each restart
 * attacks the points still robust; a point is broken when its best adversarial example is within ε. Returns
 * adversarial images for the broken points and x elsewhere. Defaults: targeted, 9 targets, 100 iterations, 1 restart,
 * α_max 0.1, η 1.05, β 0.9, seed 0.
 */
export function fab(model: Module, x: Tensor, y: Tensor, o: FabOptions): Tensor {
  const norm = o.norm ?? 'Linf';
  const targeted = o.targeted ?? true;
  let acc = predict(model, x).eq(y);
  let out = x.clone();
  const K = noGrad(() => tidy(() => model.forward(x.slice(0, 0, 1)).shape[1]));
  const ranks = targeted ? Array.from({ length: Math.min(o.nTargetClasses ?? 9, K - 1) }, (_, i) => i + 2) : [0];
  manualSeed(o.seed ?? 0);
  for (const rank of ranks) {
    for (let r = 0; r < (o.restarts ?? 1); r++) {
      const idx = tidy(() => acc.nonzero().reshape([-1]));
      if (idx.numel === 0) {
        idx.dispose();
        continue;
      }
      const upd = tidy(() => {
        const xs = x.indexSelect(0, idx);
        const ys = y.indexSelect(0, idx);
        const target = targeted ? noGrad(() => model.forward(xs).sort(1, true)[1].select(1, rank - 1)) : undefined;
        const adv = fabRun(model, xs, ys, target, r > 0, o);
        const stillRight = predict(model, adv).eq(ys).logicalOr(pnorm(adv.sub(xs), norm).gt(o.eps));
        const fooled = stillRight.logicalNot();
        const fidx = idx.index([fooled]);
        return {
          acc: acc.indexPut([fidx], full([fidx.numel], 0, 'bool', x.device)),
          out: out.indexPut([fidx], adv.index([fooled])),
        };
      });
      dispose([acc, out, idx]);
      acc = upd.acc;
      out = upd.out;
    }
  }
  acc.dispose();
  return out;
}
