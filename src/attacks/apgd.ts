// APGD (Croce & Hein 2020; §12.2) with the CE or DLR loss, and APGD-T (§12.3) with the targeted DLR loss over the
// top non-true classes. L∞ and L2. Checkpoint step-size halving, momentum 0.75, first-checkpoint wrap-around (D21).
import { F, Tensor, dispose, full, keep, manualSeed, noGrad, rand, randn, tensor, tidy, where, zeros } from '../engine';
import { Module } from '../nn';
import { dlrLoss, dlrTargetedLoss } from './losses';
import { Norm, l2Norm, lossAndGrad } from './project';

export interface ApgdOptions {
  /** Radius of the threat model (one number for the batch). */
  eps: number;
  /** Threat model (default 'Linf'). */
  norm?: Norm;
  /** Iterations per run (default 100). */
  nIter?: number;
  /** Runs; each later one attacks only the points not yet fooled (default 1). */
  restarts?: number;
  /** Untargeted loss (default 'ce'). */
  loss?: 'ce' | 'dlr';
  /** Step-size reduction threshold ρ (default 0.75). */
  rho?: number;
  /** Gradients averaged per step, for randomised models (default 1). */
  eotIter?: number;
  /** Seed set at the start of every call (default 0; §16 D20). */
  seed?: number;
  /** Test hook: called at each checkpoint with the 1-based iteration and which points had their step halved. */
  onCheckpoint?: (iteration: number, reduced: boolean[], stepSize: number[]) => void;
}

export interface ApgdTargetedOptions extends Omit<ApgdOptions, 'loss'> {
  /** Targets tried: the classes ranked 2 … nTargetClasses+1 by the clean logits (default 9, capped at K−1). */
  nTargetClasses?: number;
}

/** The 1-based iterations after which APGD checks its step size: w_j of §12.2 (22, 41, 57, 70, 80, 87, 93, 99 for N=100). */
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
 * The step-size decision at a checkpoint (§12.2), per sample: condition 1 counts increases of the loss over the last
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

/** AutoAttack's projection: L∞ clip to [x−ε, x+ε]; L2 rescale to norm min(ε, ‖δ‖); then [0,1]. */
function projectAA(p: Tensor, x: Tensor, eps: number, norm: Norm): Tensor {
  return tidy(() => {
    if (norm === 'Linf') return p.clamp(x.sub(eps), x.add(eps)).clamp(0, 1);
    const d = p.sub(x);
    return x.add(unit(d, norm).mul(l2Norm(d).clamp(null, eps))).clamp(0, 1);
  });
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
export function apgdRun(model: Module, x: Tensor, y: Tensor, loss: LossFn, o: ApgdOptions): RunResult {
  const norm = o.norm ?? 'Linf';
  const nIter = o.nIter ?? 100;
  const rho = o.rho ?? 0.75;
  const eot = o.eotIter ?? 1;
  const eps = o.eps;
  const kMin = Math.max(Math.floor(0.06 * nIter), 1);
  const kDecr = Math.max(Math.floor(0.03 * nIter), 1);
  let k = Math.max(Math.floor(0.22 * nIter), 1);
  const B = x.shape[0];
  const bshape = [B, ...x.shape.slice(1).map(() => 1)];
  const s: Record<string, Tensor> = {};
  const set = (name: string, t: Tensor) => {
    const old = s[name];
    s[name] = keep(t);
    if (old && old !== t) old.dispose();
  };
  try {
    set('xAdv', tidy(() => x.add(unit(norm === 'Linf' ? rand(x.shape, x.dtype, x.device).mul(2).sub(1) : randn(x.shape, x.dtype, x.device), norm).mul(eps)).clamp(0, 1)));
    const first = eotGrad(model, s.xAdv, loss, eot);
    set('grad', first.grad);
    set('acc', tidy(() => first.logits.argmax(1).eq(y)));
    set('lossBest', first.loss);
    first.logits.dispose();
    set('xBest', s.xAdv.clone());
    set('xBestAdv', s.xAdv.clone());
    set('gradBest', s.grad.clone());
    set('step', full(bshape, 2 * eps, x.dtype, x.device));
    set('xOld', s.xAdv.clone());
    set('lossBestLastCheck', s.lossBest.clone());
    set('reducedLastCheck', full([B], 1, 'bool', x.device));
    set('lossSteps', zeros([nIter, B], x.dtype, x.device));
    let counter = 0;
    for (let i = 0; i < nIter; i++) {
      const next = tidy(() => {
        const momentum = s.xAdv.sub(s.xOld);
        const a = i > 0 ? 0.75 : 1.0;
        let z: Tensor;
        if (norm === 'Linf') z = projectAA(s.xAdv.add(s.step.mul(s.grad.sign())), x, eps, norm);
        else z = projectAA(s.xAdv.add(s.step.mul(unit(s.grad, norm))), x, eps, norm);
        return projectAA(s.xAdv.add(z.sub(s.xAdv).mul(a)).add(momentum.mul(1 - a)), x, eps, norm);
      });
      set('xOld', s.xAdv);
      s.xAdv = keep(next);
      const r = eotGrad(model, s.xAdv, loss, eot);
      set('grad', r.grad);
      tidy(() => {
        const pred = r.logits.argmax(1).eq(y);
        set('acc', s.acc.logicalAnd(pred));
        set('xBestAdv', where(pred.logicalNot().reshape(bshape), s.xAdv, s.xBestAdv));
        s.lossSteps.select(0, i).copy_(r.loss);
        const better = r.loss.gt(s.lossBest);
        const bm = better.reshape(bshape);
        set('xBest', where(bm, s.xAdv, s.xBest));
        set('gradBest', where(bm, s.grad, s.gradBest));
        set('lossBest', where(better, r.loss, s.lossBest));
      });
      dispose([r.loss, r.logits]);
      counter++;
      if (counter === k) {
        tidy(() => {
          const reduce = apgdReduce(s.lossSteps, i, k, rho, s.lossBest, s.lossBestLastCheck, s.reducedLastCheck);
          set('reducedLastCheck', reduce);
          set('lossBestLastCheck', s.lossBest.clone());
          const rm = reduce.reshape(bshape);
          set('step', where(rm, s.step.div(2), s.step));
          set('xAdv', where(rm, s.xBest, s.xAdv));
          set('grad', where(rm, s.gradBest, s.grad));
          o.onCheckpoint?.(i + 1, reduce.toArray().map(Boolean), s.step.flatten().toArray());
        });
        counter = 0;
        k = Math.max(k - kDecr, kMin);
      }
    }
    // Clones belong to the caller's scope; everything in s is freed below.
    return { acc: s.acc.clone(), xBestAdv: s.xBestAdv.clone() };
  } finally {
    dispose(Object.values(s));
  }
}

/** Clean predictions without recording gradients. */
function predict(model: Module, x: Tensor): Tensor {
  return noGrad(() => tidy(() => model.forward(x).argmax(1)));
}

/**
 * Runs `attack` on the still-correct points of the batch and writes the ones it fools into adv (AutoAttack's
 * perturb loop body); state.acc and state.adv are replaced by their updated versions.
 */
function attackRemaining(
  x: Tensor,
  y: Tensor,
  state: { acc: Tensor; adv: Tensor },
  attack: (xs: Tensor, ys: Tensor) => RunResult,
): void {
  const idx = tidy(() => state.acc.nonzero().reshape([-1]));
  try {
    if (idx.numel === 0) return;
    const updated = tidy(() => {
      const r = attack(x.indexSelect(0, idx), y.indexSelect(0, idx));
      const fooled = r.acc.logicalNot();
      const fidx = idx.index([fooled]);
      return {
        acc: state.acc.indexPut([fidx], full([fidx.numel], 0, 'bool', x.device)),
        adv: state.adv.indexPut([fidx], r.xBestAdv.index([fooled])),
      };
    });
    dispose([state.acc, state.adv]);
    state.acc = updated.acc;
    state.adv = updated.adv;
  } finally {
    idx.dispose();
  }
}

/**
 * APGD-CE / APGD-DLR (AutoAttack's perturb): seeds the generator, then runs `restarts` times on the points still
 * correctly classified. Returns adversarial images for the fooled points and x elsewhere. Defaults: 100 iterations,
 * 1 restart, CE, ρ = 0.75, seed 0.
 */
export function apgd(model: Module, x: Tensor, y: Tensor, o: ApgdOptions): Tensor {
  const lossName = o.loss ?? 'ce';
  const state = { acc: predict(model, x).eq(y), adv: x.clone() };
  manualSeed(o.seed ?? 0);
  for (let r = 0; r < (o.restarts ?? 1); r++) {
    attackRemaining(x, y, state, (xs, ys) => {
      const lf: LossFn = lossName === 'ce' ? (z) => F.crossEntropy(z, ys, 'none') : (z) => dlrLoss(z, ys);
      return apgdRun(model, xs, ys, lf, o);
    });
  }
  state.acc.dispose();
  return state.adv;
}

/**
 * APGD-T (§12.3): for target rank r = 2 … nTargetClasses+1 (capped at K), on the points still correctly classified,
 * target the class with the r-th largest clean logit and maximise the targeted DLR loss; success is untargeted.
 * Returns adversarial images for the fooled points and x elsewhere.
 */
export function apgdTargeted(model: Module, x: Tensor, y: Tensor, o: ApgdTargetedOptions): Tensor {
  const state = { acc: predict(model, x).eq(y), adv: x.clone() };
  const K = noGrad(() => tidy(() => model.forward(x.slice(0, 0, 1)).shape[1]));
  const nTargets = Math.min(o.nTargetClasses ?? 9, K - 1);
  manualSeed(o.seed ?? 0);
  for (let rank = 2; rank <= nTargets + 1; rank++) {
    for (let r = 0; r < (o.restarts ?? 1); r++) {
      attackRemaining(x, y, state, (xs, ys) => {
        const target = noGrad(() => tidy(() => model.forward(xs).sort(1, true)[1].select(1, rank - 1)));
        try {
          return apgdRun(model, xs, ys, (z) => dlrTargetedLoss(z, ys, target), o);
        } finally {
          target.dispose();
        }
      });
    }
  }
  state.acc.dispose();
  return state.adv;
}
