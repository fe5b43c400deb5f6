// Dispatch from the configured method to its training step, with the epoch's class-wise settings looked up by label.
import { Tensor, tensor, tidy } from '../engine';
import { Module } from '../nn';
import { atStep } from './at';
import { EpochSettings } from './calibration';
import { TrainConfig } from './config';
import { fatStep } from './fat';
import { frlStep } from './frl';
import { martStep } from './mart';
import { StepOutput } from './step';
import { tradesStep } from './trades';

/** v_{y_i} per sample as a float tensor [B], or the number itself when every class has the same value. */
export function perClassValue(values: number[], y: Tensor): number | Tensor {
  if (values.every((v) => v === values[0])) return values[0];
  return tidy(() => tensor(values, [values.length], 'float32', y.device).indexSelect(0, y));
}

/** One training step of cfg.method on the batch (x, y) with the epoch's settings. */
export function methodStep(cfg: TrainConfig, model: Module, x: Tensor, y: Tensor, s: EpochSettings): StepOutput {
  return tidy(() => {
    const eps = perClassValue(s.epsPerClass, y);
    const beta = s.betaPerClass ? perClassValue(s.betaPerClass, y) : 0;
    const base = { model, x, y, eps, stepSize: cfg.stepSize, steps: cfg.steps };
    switch (cfg.method) {
      case 'at':
        return atStep({ ...base, attackMode: cfg.attackMode });
      case 'trades':
        return tradesStep({ ...base, beta, form: cfg.tradesLoss });
      case 'fat':
        return fatStep({ ...base, tau: s.fatTau ?? cfg.fat.tau, semantics: cfg.fat.semantics, attackMode: cfg.attackMode });
      case 'frl':
        return frlStep({ ...base, variant: cfg.frl.variant, weightsNat: s.frlWeights!.nat, weightsBndy: s.frlWeights!.bndy, beta });
      case 'mart':
        return martStep({ ...base, beta: cfg.beta ?? 6 });
      default:
        throw new Error(`unknown method '${String(cfg.method)}'`);
    }
  });
}
