// PGD-AT (Madry et al.; paper eqs. 1-2; docs/methods.md#pgd-at): CE on PGD-k examples.
import { tidy } from '../engine';
import { pgd } from '../attacks/pgd';
import { AttackMode, StepInput, StepOutput, crossEntropyOnAdversarial, inMode } from './step';

/**
 * One AT step: x′ = PGD-k(CE) from a uniform random start in the per-sample ε-ball, with the model in `attackMode`
 * (official code: train; default: eval), then L = mean_i CE(f(x′_i), y_i) in train mode.
 */
export function atStep(s: StepInput & { attackMode: AttackMode }): StepOutput {
  return tidy(() => {
    const xAdv = inMode(s.model, s.attackMode, () => pgd(s.model, s.x, s.y, { eps: s.eps, stepSize: s.stepSize, steps: s.steps, randomStart: true, loss: 'ce' }));
    return crossEntropyOnAdversarial(s.model, xAdv, s.y);
  });
}
