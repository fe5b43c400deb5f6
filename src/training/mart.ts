// MART, misclassification-aware adversarial training (Wang et al., ICLR 2020), beyond the paper's baselines.
import { F, Tensor, tidy, where } from '../engine';
import { pgd } from '../attacks/pgd';
import { StepInput, StepOutput, inMode } from './step';

/**
 * MART's loss on logits:
 *   BCE(p′, y) = CE(f(x′), y) − log(1.0001 − p′_ŷ + 1e−12), ŷ = the most probable wrong class of p′ = softmax f(x′)
 *   + β · (1/B) Σ_i KL(p_i ‖ p′_i) · (1.0000001 − p_{i,y_i}),   with p = softmax f(x) and KL on log(p′ + 1e−12).
 * Gradients flow through both branches (nothing detached). β defaults to 6.
 */
export function martLoss(natLogits: Tensor, advLogits: Tensor, y: Tensor, beta: number): Tensor {
  return tidy(() => {
    const advProbs = F.softmax(advLogits, 1);
    const [, top2] = advProbs.topk(2, 1);
    const first = top2.select(1, 0);
    const wrongClass = where(first.eq(y), top2.select(1, 1), first);
    const bce = F.crossEntropy(advLogits, y).add(F.nllLoss(advProbs.rsub(1.0001).add(1e-12).log(), wrongClass));
    const natProbs = F.softmax(natLogits, 1);
    const trueProbs = natProbs.gather(1, y.reshape([-1, 1])).reshape([-1]);
    const kl = F.klDiv(advProbs.add(1e-12).log(), natProbs, 'none').sum(1);
    return bce.add(kl.mul(trueProbs.rsub(1.0000001)).mean().mul(beta));
  });
}

/**
 * One MART step: PGD-k(CE) in eval mode from x + 0.001·N(0, I) (MART's reference start), then in train mode f(x)
 * and f(x′) and martLoss.
 */
export function martStep(s: StepInput & { beta: number }): StepOutput {
  return tidy(() => {
    const xAdv = inMode(s.model, 'eval', () => pgd(s.model, s.x, s.y, { eps: s.eps, stepSize: s.stepSize, steps: s.steps, randomStart: 'small-normal', loss: 'ce' }));
    const nat = s.model.forward(s.x);
    const adv = s.model.forward(xAdv);
    return { loss: martLoss(nat, adv, s.y, s.beta), robustLogits: adv.detach() };
  });
}
