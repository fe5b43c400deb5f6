// FAT's early-stopped PGD (docs/methods.md#fat) with per-sample control counters τ, in CFA's semantics (a) or the original's (b).
// Batched with masks: frozen samples keep their iterate while the others step. The caller sets the model's mode
// (CFA: train; original FAT: eval).
import { F, Tensor, full, noGrad, randLike, randnLike, tidy, update, where } from '../engine';
import { Module } from '../nn';
import { lossAndGrad, perSample, project } from './project';

export interface FatPgdOptions {
  eps: number | Tensor;
  stepSize: number;
  steps: number;
  /** Control counter τ: how many steps a sample may take while misclassified. */
  tau: number;
  /** 'cfa' (default, docs/methods.md#fat: frozen once the counter hits 0) or 'original' (docs/methods.md#fat: only misclassified samples with c = 0 stop). */
  semantics?: 'cfa' | 'original';
  /** Std ω of the Gaussian noise added to every step (default 0 for 'cfa', 0.001 for 'original'). */
  noise?: number;
}

/**
 * Early-stopped PGD adversarial examples (detached, in [0,1] and the per-sample ε-ball), from a uniform random start
 * in the ball. 'cfa': a sample is active while c > 0; each check that finds it misclassified spends one count, and
 * at c = 0 it is frozen for good (τ = 0: no steps at all). 'original': a misclassified sample with c = 0 is frozen,
 * a misclassified one with c > 0 spends a count, a correct one always continues.
 */
export function fatPgd(model: Module, x: Tensor, y: Tensor, o: FatPgdOptions): Tensor {
  const semantics = o.semantics ?? 'cfa';
  const omega = o.noise ?? (semantics === 'original' ? 0.001 : 0);
  const bshape = [-1, ...x.shape.slice(1).map(() => 1)];
  return tidy(() => {
    const eps = perSample(o.eps, x);
    let s = {
      xAdv: tidy(() => project(x.add(randLike(x).mul(2).sub(1).mul(eps)), x, eps, 'Linf')),
      counter: full([x.shape[0]], o.tau, 'int64', x.device),
      frozen: full([x.shape[0]], 0, 'bool', x.device),
      any: true,
    };
    for (let k = 0; k < o.steps && s.any; k++) {
      s = update(s, () => {
        const { xAdv, counter, frozen } = s;
        const { logits, grad } = lossAndGrad(model, xAdv, (z) => F.crossEntropy(z, y, 'none'));
        const wrong = logits.argmax(1).ne(y);
        const hasCount = counter.gt(0);
        // 'cfa': counters never grow, so c = 0 freezes for good; 'original': only a wrong answer at c = 0 freezes.
        const newFrozen = semantics === 'cfa' ? hasCount.logicalNot() : frozen.logicalOr(wrong.logicalAnd(hasCount.logicalNot()));
        const active = newFrozen.logicalNot();
        let moved = xAdv.add(grad.sign().mul(o.stepSize));
        if (omega > 0) moved = moved.add(randnLike(x).mul(omega));
        const next = where(active.reshape(bshape), project(moved, x, eps, 'Linf'), xAdv);
        return { xAdv: next, counter: counter.sub(wrong.logicalAnd(hasCount).long()), frozen: newFrozen, any: Boolean(active.any().item()) };
      });
      // CFA recomputes the logits after the last step too; in train mode that forward updates BatchNorm statistics.
      if (s.any && k === o.steps - 1 && semantics === 'cfa' && model.training) noGrad(() => model.forward(s.xAdv));
    }
    return s.xAdv;
  });
}
