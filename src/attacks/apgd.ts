// APGD (Croce & Hein 2020; docs/methods.md#apgd-ce) with the CE or DLR loss, and APGD-T (docs/methods.md#apgd-t) with the targeted DLR loss over the
// top non-true classes. L∞ and L2. Checkpoint step-size halving, momentum 0.75, first-checkpoint wrap-around (D21).
import { F, Tensor, full, rand, randn, tensor, tidy, update, where, zeros } from '../engine';
import { Module } from '../nn';
import { Attack, AttackOptions, DRIVER_DEFAULTS, DriverSettings, perturb, withDefaults } from './driver';
import { dlrLoss, dlrTargetedLoss } from './losses';
import { Norm, l2Norm, lossAndGrad } from './project';

/** APGD's defaults (AutoAttack's): 100 iterations, CE, ρ = 0.75, no EOT, untargeted; the driver's for the rest. */
export const APGD_DEFAULTS = {
  ...DRIVER_DEFAULTS,
  /** Iterations per run. */
  nIter: 100,
  /** Untargeted loss. */
  loss: 'ce' as 'ce' | 'dlr',
  /** Step-size reduction threshold ρ. */
  rho: 0.75,
  /** Gradients averaged per step, for randomised models. */
  eotIter: 1,
  /** APGD-T: maximise the targeted DLR loss towards each of the nTargetClasses runner-up classes in turn. */
  targeted: false,
};

export type ApgdSettings = DriverSettings &
  typeof APGD_DEFAULTS & {
    /** Test hook: called at each checkpoint with the 1-based iteration and which points had their step halved. */
    onCheckpoint?: (iteration: number, reduced: boolean[], stepSize: number[]) => void;
  };
export type ApgdOptions = AttackOptions<ApgdSettings>;
export type ApgdTargetedOptions = Omit<ApgdOptions, 'loss' | 'targeted'>;

/** The 1-based iterations after which APGD checks its step size: w_j of docs/methods.md#apgd-ce (22, 41, 57, 70, 80, 87, 93, 99 for N=100). */
export function apgdCheckpoints(nIter: number): number[] {
  const kMin = Math.max(Math.floor(0.06 * nIter), 1);
  const kDecr = Math.max(Math.floor(0.03 * nIter), 1);
  let k = Math.max(Math.floor(0.22 * nIter), 1);
  const out: number[] = [];
  for (let done = k; done <= nIter; done += k) {
    out.push(done);
    k = Math.max(k - kDecr, kMin);
  }
  return out;
}

/**
 * The step-size decision at a checkpoint (docs/methods.md#apgd-ce), per sample: condition 1 counts increases of the loss over the last
 * k iterations (row −1 wraps to the last, still-zero row: D21) and fires when they are ≤ k·ρ; condition 2 fires when
 * the previous checkpoint did not reduce and the best loss has not improved since. lossSteps is [nIter, B].
 */
export function apgdReduce(lossSteps: Tensor, i: number, k: number, rho: number, lossBest: Tensor, lossBestLastCheck: Tensor, reducedLastCheck: Tensor): Tensor {
  return tidy(() => {
    const n = lossSteps.shape[0];
    const cur = Array.from({ length: k }, (_, c) => i - c);
    const prev = cur.map((j) => (j - 1 + n) % n);
    const a = lossSteps.indexSelect(0, tensor(cur, [k], 'int64', lossSteps.device));
    const b = lossSteps.indexSelect(0, tensor(prev, [k], 'int64', lossSteps.device));
    const inc = a.gt(b).float().sum(0);
    const oscillation = inc.le(k * rho);
    const stalled = reducedLastCheck.logicalNot().logicalAnd(lossBestLastCheck.ge(lossBest));
    return oscillation.logicalOr(stalled);
  });
}

type LossFn = (logits: Tensor) => Tensor;

/** x scaled per sample to unit L∞ or L2 norm (AutoAttack's normalise, +1e-12). */
function unit(t: Tensor, norm: Norm): Tensor {
  return tidy(() => {
    const n = norm === 'Linf' ? t.flatten(1).abs().amax(1).reshape([t.shape[0], ...t.shape.slice(1).map(() => 1)]) : l2Norm(t);
    return t.div(n.add(1e-12));
  });
}

/**
 * AutoAttack's projection onto the ε-ball around x, then [0,1]. L∞: clipping to [x−ε, x+ε] and then to [0,1] is one
 * clip to [max(x−ε, 0), min(x+ε, 1)] (the two intervals always meet for x in [0,1]), so the bounds are computed once
 * per run and the result is the same to the bit. L2: rescale δ to norm min(ε, ‖δ‖), then [0,1].
 */
function projector(x: Tensor, eps: number, norm: Norm): { project: (p: Tensor) => Tensor; dispose: () => void } {
  if (norm === 'Linf') {
    const lo = tidy(() => x.sub(eps).clamp(0, null));
    const hi = tidy(() => x.add(eps).clamp(null, 1));
    return { project: (p) => p.clamp(lo, hi), dispose: () => (lo.dispose(), hi.dispose()) };
  }
  const project = (p: Tensor) =>
    tidy(() => {
      const d = p.sub(x);
      return x.add(unit(d, norm).mul(l2Norm(d).clamp(null, eps))).clamp(0, 1);
    });
  return { project, dispose: () => undefined };
}

/** Loss, logits and input gradient, averaged over eotIter forwards. */
function eotGrad(model: Module, xAdv: Tensor, loss: LossFn, eotIter: number): { loss: Tensor; logits: Tensor; grad: Tensor } {
  return tidy(() => {
    let r = lossAndGrad(model, xAdv, loss);
    if (eotIter === 1) return r;
    let g = r.grad;
    for (let e = 1; e < eotIter; e++) {
      r = lossAndGrad(model, xAdv, loss);
      g = g.add(r.grad);
    }
    return { loss: r.loss, logits: r.logits, grad: g.div(eotIter) };
  });
}

interface RunResult {
  /** Whether each point stayed correctly classified at every iterate. */
  acc: Tensor;
  /** The latest misclassified iterate (or the start). */
  xBestAdv: Tensor;
}

/** One APGD run on a batch (AutoAttack's attack_single_run); the loss is maximised. */
export function apgdRun(model: Module, x: Tensor, y: Tensor, loss: LossFn, options: AttackOptions<ApgdSettings>): RunResult {
  const o = withDefaults(APGD_DEFAULTS, options);
  const { norm, nIter, eps } = o;
  const checkpoints = apgdCheckpoints(nIter);
  const B = x.shape[0];
  const bshape = [B, ...x.shape.slice(1).map(() => 1)];
  const ball = projector(x, eps, norm);
  try {
    return tidy(() => {
      const xAdv = tidy(() => x.add(unit(norm === 'Linf' ? rand(x.shape, x.dtype, x.device).mul(2).sub(1) : randn(x.shape, x.dtype, x.device), norm).mul(eps)).clamp(0, 1));
      const first = eotGrad(model, xAdv, loss, o.eotIter);
      let s = {
        xAdv,
        grad: first.grad,
        acc: first.logits.argmax(1).eq(y),
        lossBest: first.loss,
        xBest: xAdv.clone(),
        xBestAdv: xAdv.clone(),
        gradBest: first.grad.clone(),
        step: full(bshape, 2 * eps, x.dtype, x.device),
        xOld: xAdv.clone(),
        lossBestLastCheck: first.loss.clone(),
        reducedLastCheck: full([B], 1, 'bool', x.device),
        lossSteps: zeros([nIter, B], x.dtype, x.device),
      };
      for (let i = 0; i < nIter; i++) {
        s = update(s, () => {
          const xAdv = tidy(() => {
            const momentum = s.xAdv.sub(s.xOld);
            const a = i > 0 ? 0.75 : 1.0;
            const z = ball.project(s.xAdv.add(s.step.mul(norm === 'Linf' ? s.grad.sign() : unit(s.grad, norm))));
            return ball.project(s.xAdv.add(z.sub(s.xAdv).mul(a)).add(momentum.mul(1 - a)));
          });
          const r = eotGrad(model, xAdv, loss, o.eotIter);
          const pred = r.logits.argmax(1).eq(y);
          s.lossSteps.select(0, i).copy_(r.loss);
          const better = r.loss.gt(s.lossBest);
          const bm = better.reshape(bshape);
          const next = {
            ...s,
            xOld: s.xAdv,
            xAdv,
            grad: r.grad,
            acc: s.acc.logicalAnd(pred),
            xBestAdv: where(pred.logicalNot().reshape(bshape), xAdv, s.xBestAdv),
            xBest: where(bm, xAdv, s.xBest),
            gradBest: where(bm, r.grad, s.gradBest),
            lossBest: where(better, r.loss, s.lossBest),
          };
          const c = checkpoints.indexOf(i + 1);
          if (c < 0) return next;
          // Checkpoint c closes a window of k iterations: halve the step and restart from the best point where needed.
          const k = checkpoints[c] - (c > 0 ? checkpoints[c - 1] : 0);
          const reduce = apgdReduce(next.lossSteps, i, k, o.rho, next.lossBest, next.lossBestLastCheck, next.reducedLastCheck);
          const rm = reduce.reshape(bshape);
          const step = where(rm, next.step.div(2), next.step);
          o.onCheckpoint?.(i + 1, reduce.toArray().map(Boolean), step.flatten().toArray());
          return {
            ...next,
            reducedLastCheck: reduce,
            lossBestLastCheck: next.lossBest.clone(),
            step,
            xAdv: where(rm, next.xBest, next.xAdv),
            grad: where(rm, next.gradBest, next.grad),
          };
        });
      }
      return { acc: s.acc, xBestAdv: s.xBestAdv };
    });
  } finally {
    ball.dispose();
  }
}

/** APGD as the driver runs it: the CE or DLR loss, or the targeted DLR loss towards the driver's target. */
export const APGD: Attack<ApgdSettings> = {
  defaults: APGD_DEFAULTS,
  run(model, x, y, o, { target }) {
    const loss: LossFn = target ? (z) => dlrTargetedLoss(z, y, target) : o.loss === 'ce' ? (z) => F.crossEntropy(z, y, 'none') : (z) => dlrLoss(z, y);
    const r = apgdRun(model, x, y, loss, o);
    return { adv: r.xBestAdv, fooled: r.acc.logicalNot() };
  },
};

/** APGD-CE / APGD-DLR (AutoAttack's perturb): adversarial images for the fooled points and x elsewhere. */
export function apgd(model: Module, x: Tensor, y: Tensor, o: ApgdOptions): Tensor {
  return perturb(APGD, model, x, y, o);
}

/**
 * APGD-T (docs/methods.md#apgd-t): for target rank r = 2 … nTargetClasses+1 (capped at K), on the points still correctly classified,
 * target the class with the r-th largest clean logit and maximise the targeted DLR loss; success is untargeted.
 * Returns adversarial images for the fooled points and x elsewhere.
 */
export function apgdTargeted(model: Module, x: Tensor, y: Tensor, o: ApgdTargetedOptions): Tensor {
  return perturb(APGD, model, x, y, { ...o, targeted: true });
}
