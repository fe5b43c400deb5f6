// TRADES (Zhang et al. 2019; paper eq. 3, with CCR eq. 8; docs/methods.md#trades).
import { F, Tensor, tidy } from '../engine';
import { tradesKL } from '../attacks/trades-kl';
import { StepInput, StepOutput, inMode } from './step';

/**
 * 'normalized': eq. (8), the official CFA code's form for TRADES with and without CCR: mean_i [CE_i + β_i·KL_i]/(1+β_i).
 * 'original': TRADES' own loss mean_i CE_i + β_i·KL_i (β_i constant without CCR).
 */
export type TradesForm = 'normalized' | 'original';

/** Per-sample KL(softmax(target) ‖ softmax(adv)) [B]; gradients flow into both (the target is not detached). */
export function klPerSample(targetLogits: Tensor, advLogits: Tensor): Tensor {
  return tidy(() => F.klDiv(F.logSoftmax(advLogits, 1), F.softmax(targetLogits, 1), 'none').sum(1));
}

/**
 * The TRADES loss on logits: f(x) for CE, f(x′), and f(x) again as the KL target (the reference computes it with a
 * second forward). beta is β or the per-sample β_{y_i} [B] (CCR).
 */
export function tradesLoss(natLogits: Tensor, advLogits: Tensor, targetLogits: Tensor, y: Tensor, beta: number | Tensor, form: TradesForm): Tensor {
  return tidy(() => {
    const ce = F.crossEntropy(natLogits, y, 'none');
    const kl = klPerSample(targetLogits, advLogits);
    if (form === 'original') return ce.add(kl.mul(beta)).mean();
    const b = typeof beta === 'number' ? beta / (1 + beta) : beta.div(beta.add(1));
    const wCe = typeof b === 'number' ? 1 - b : b.rsub(1);
    return ce.mul(wCe).add(kl.mul(b)).mean();
  });
}

/**
 * One TRADES step: the KL maximiser (docs/methods.md#trades) in eval mode with per-sample ε, then in train mode f(x), f(x′) and f(x)
 * again, and the loss of `form`.
 */
export function tradesStep(s: StepInput & { beta: number | Tensor; form: TradesForm }): StepOutput {
  return tidy(() => {
    const xAdv = inMode(s.model, 'eval', () => tradesKL(s.model, s.x, { eps: s.eps, stepSize: s.stepSize, steps: s.steps }));
    const nat = s.model.forward(s.x);
    const adv = s.model.forward(xAdv);
    const target = s.model.forward(s.x);
    return { loss: tradesLoss(nat, adv, target, s.y, s.beta, s.form), robustLogits: adv.detach() };
  });
}
