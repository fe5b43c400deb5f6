// FAT, friendly adversarial training (Zhang et al. 2020; docs/methods.md#fat).
import { tidy } from '../engine';
import { fatPgd } from '../attacks/fat-pgd';
import { AttackMode, StepInput, StepOutput, crossEntropyOnAdversarial, inMode } from './step';

export type FatSemantics = 'cfa' | 'original';

/**
 * One FAT step: early-stopped PGD with control counter τ in `semantics` ('cfa': docs/methods.md#fat, the CFA code's; 'original':
 * docs/methods.md#fat with ω = 0.001 noise) with the model in `attackMode`, then mean CE on a fresh train-mode forward of the result.
 */
export function fatStep(s: StepInput & { tau: number; semantics: FatSemantics; attackMode: AttackMode }): StepOutput {
  return tidy(() => {
    const xAdv = inMode(s.model, s.attackMode, () => fatPgd(s.model, s.x, s.y, { eps: s.eps, stepSize: s.stepSize, steps: s.steps, tau: s.tau, semantics: s.semantics }));
    return crossEntropyOnAdversarial(s.model, xAdv, s.y);
  });
}
