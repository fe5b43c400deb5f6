// Per-sample attack losses on logits [B,K] with int64 labels [B]; each returns a [B] tensor that the attacker
// maximises. CE, the Carlini–Wagner margin, and AutoAttack's DLR (untargeted and targeted) of docs/methods.md#apgd-ce.
import { F, Tensor, tidy } from '../engine';

export type AttackLoss = 'ce' | 'cw' | 'dlr';

/** Cross-entropy −log softmax(z)_y per sample. */
export function ceLoss(logits: Tensor, y: Tensor): Tensor {
  return F.crossEntropy(logits, y, 'none');
}

/** z_y per sample ([B]). */
function trueLogit(logits: Tensor, y: Tensor): Tensor {
  return tidy(() => logits.gather(1, y.reshape([-1, 1])).reshape([-1]));
}

/** max_{j≠y} z_j per sample ([B]). */
export function maxOtherLogit(logits: Tensor, y: Tensor): Tensor {
  return tidy(() => logits.maskedFill(y.oneHot(logits.shape[1]).gt(0), -Infinity).amax(1));
}

/**
 * Carlini–Wagner margin max_{j≠y} z_j − z_y, capped below at −κ (κ = Infinity by default: no cap). Positive exactly
 * when the point is misclassified.
 */
export function cwLoss(logits: Tensor, y: Tensor, kappa = Infinity): Tensor {
  return tidy(() => {
    const m = maxOtherLogit(logits, y).sub(trueLogit(logits, y));
    return Number.isFinite(kappa) ? m.clamp(-kappa, null) : m;
  });
}

/**
 * Untargeted DLR (docs/methods.md#apgd-ce): −(z_y − max_{j≠y} z_j) / (z_π1 − z_π3 + 1e−12) with the logits sorted descending. As in
 * AutoAttack, "max_{j≠y}" is z_π2 when the top-sorted class is y, else z_π1. Needs K ≥ 3.
 */
export function dlrLoss(logits: Tensor, y: Tensor): Tensor {
  return tidy(() => {
    const [sorted, idx] = logits.sort(1, true);
    const top = sorted.select(1, 0);
    const second = sorted.select(1, 1);
    const third = sorted.select(1, 2);
    const yIsTop = idx.select(1, 0).eq(y);
    const other = yIsTop.float().mul(second).add(yIsTop.logicalNot().float().mul(top));
    return trueLogit(logits, y).sub(other).neg().div(top.sub(third).add(1e-12));
  });
}

/** Targeted DLR (docs/methods.md#apgd-ce, APGD-T): −(z_y − z_t) / (z_π1 − ½(z_π3 + z_π4) + 1e−12). Needs K ≥ 4. */
export function dlrTargetedLoss(logits: Tensor, y: Tensor, target: Tensor): Tensor {
  return tidy(() => {
    const [sorted] = logits.sort(1, true);
    const den = sorted.select(1, 0).sub(sorted.select(1, 2).add(sorted.select(1, 3)).mul(0.5)).add(1e-12);
    return trueLogit(logits, y).sub(trueLogit(logits, target)).neg().div(den);
  });
}

/** The per-sample loss named by `kind`. */
export function attackLoss(kind: AttackLoss, logits: Tensor, y: Tensor): Tensor {
  switch (kind) {
    case 'ce':
      return ceLoss(logits, y);
    case 'cw':
      return cwLoss(logits, y);
    case 'dlr':
      return dlrLoss(logits, y);
  }
}
