// FRL, Fair Robust Learning (Xu et al., ICML 2021), as in its official code (docs/methods.md#frl).
import { F, Tensor, tensor, tidy } from '../engine';
import { tradesKL } from '../attacks/trades-kl';
import { SplitAccuracy } from '../formats';
import { StepInput, StepOutput, inMode } from './step';
import { klPerSample } from './trades';

/** 'reweight' (frlrw.py), 'reweight-remargin' (frlrmrw.py), 'remargin' (no official script: docs/methods.md#frl reconstruction). */
export type FrlVariant = 'reweight' | 'remargin' | 'reweight-remargin';

export interface FrlOptions {
  variant: FrlVariant;
  /** Fairness tolerances τ_nat, τ_bndy (official: 0.1/0.1 reweight, 0.07/0.07 reweight+remargin). */
  tauNat: number;
  tauBndy: number;
  /** Multiplier step r₁ (0.05; halved every `halveEvery` epochs) and margin step r₂ (0.2). */
  rate1: number;
  rate2: number;
  /** Bound on Σλ after each multiplier update (0.5). */
  lim: number;
  /** Upper clip M of the margin multiplier exp(2λ_marg) (2.5 reweight, 3 reweight+remargin; lower clip 0.98). */
  marginMax: number;
  /** r₁ ← r₁/2 at every 1-based epoch divisible by this (40). */
  halveEvery: number;
}

/** The Lagrange multipliers and the current r₁; all λ start at 0. */
export interface FrlState {
  lambdaNat: number[];
  lambdaBndy: number[];
  lambdaMarg: number[];
  rate1: number;
}

export function frlInitialState(numClasses: number, o: FrlOptions): FrlState {
  const zeros = () => new Array<number>(numClasses).fill(0);
  return { lambdaNat: zeros(), lambdaBndy: zeros(), lambdaMarg: zeros(), rate1: o.rate1 };
}

/** Norm(λ): λ ← max(λ, 0); if Σλ > lim, λ ← lim·λ/Σλ. */
export function normalizeMultipliers(lambda: readonly number[], lim: number): number[] {
  const pos = lambda.map((v) => Math.max(v, 0));
  const sum = pos.reduce((a, b) => a + b, 0);
  return sum > lim ? pos.map((v) => (lim * v) / sum) : pos;
}

/**
 * The multiplier update before (1-based) epoch n from the current model's validation accuracies: r₁ halves when
 * n % halveEvery = 0; γ_nat,k = e_nat,k − E_nat − τ_nat and γ_bndy,k = e_bndy,k − E_bndy − τ_bndy with
 * e_nat = 1 − clean and e_bndy = clean − robust; λ_nat ← Norm(λ_nat + r₁·max(γ_nat, −1000)),
 * λ_bndy ← Norm(λ_bndy + 2r₁·max(γ_bndy, −1000)) (reweight variants), λ_marg ← λ_marg + r₂·γ_bndy (remargin variants).
 */
export function frlUpdate(s: FrlState, valid: SplitAccuracy, epoch1: number, o: FrlOptions): FrlState {
  const rate1 = epoch1 % o.halveEvery === 0 ? s.rate1 / 2 : s.rate1;
  const eNat = 1 - valid.clean;
  const eBndy = valid.clean - valid.robust;
  const gNat = valid.cleanPerClass.map((c) => 1 - c - eNat - o.tauNat);
  const gBndy = valid.cleanPerClass.map((c, k) => c - valid.robustPerClass[k] - eBndy - o.tauBndy);
  const reweight = o.variant !== 'remargin';
  const remargin = o.variant !== 'reweight';
  return {
    lambdaNat: reweight ? normalizeMultipliers(s.lambdaNat.map((l, k) => l + rate1 * Math.max(gNat[k], -1000)), o.lim) : s.lambdaNat.slice(),
    lambdaBndy: reweight ? normalizeMultipliers(s.lambdaBndy.map((l, k) => l + 2 * rate1 * Math.max(gBndy[k], -1000)), o.lim) : s.lambdaBndy.slice(),
    lambdaMarg: remargin ? s.lambdaMarg.map((l, k) => l + o.rate2 * gBndy[k]) : s.lambdaMarg.slice(),
    rate1,
  };
}

/** Cost-sensitive class weights w_k = 1/K + λ_k − (1/K)·Σ_j λ_j. */
export function classWeights(lambda: readonly number[]): number[] {
  const K = lambda.length;
  const mean = lambda.reduce((a, b) => a + b, 0) / K;
  return lambda.map((l) => 1 / K + l - mean);
}

/** Per-class margin multipliers m_k = clip(exp(2·λ_marg,k), 0.98, M). */
export function marginMultipliers(lambdaMarg: readonly number[], marginMax: number): number[] {
  return lambdaMarg.map((l) => Math.min(Math.max(Math.exp(2 * l), 0.98), marginMax));
}

/**
 * FRL's loss on logits: Σ_i w_nat,y_i·CE_i / Σ_i w_nat,y_i + Σ_i w_bndy,y_i·β_i·KL_i / Σ_i w_bndy,y_i, with KL_i =
 * KL(softmax f(x_i) ‖ softmax f(x′_i)) on a second forward of x as target (not detached). β_i is β (1.5) or the
 * per-sample β_{y_i} under CCR.
 */
export function frlLoss(natLogits: Tensor, advLogits: Tensor, targetLogits: Tensor, y: Tensor, wNat: Tensor, wBndy: Tensor, beta: number | Tensor): Tensor {
  return tidy(() => {
    const ce = F.crossEntropy(natLogits, y, 'none');
    const kl = klPerSample(targetLogits, advLogits).mul(beta);
    return ce.mul(wNat).sum().div(wNat.sum()).add(kl.mul(wBndy).sum().div(wBndy.sum()));
  });
}

/**
 * One FRL step: the TRADES KL attack in eval mode with per-sample ε_{y_i} = ε·m_{y_i} (step `stepSize` for 'reweight',
 * max_i ε_{y_i}/4 for the remargin variants), then frlLoss in train mode with the class weights looked up by label.
 */
export function frlStep(s: StepInput & { variant: FrlVariant; weightsNat: number[]; weightsBndy: number[]; beta: number | Tensor }): StepOutput {
  const alpha = s.variant === 'reweight' ? s.stepSize : (typeof s.eps === 'number' ? s.eps : s.eps.amax().item()) / 4;
  return tidy(() => {
    const xAdv = inMode(s.model, 'eval', () => tradesKL(s.model, s.x, { eps: s.eps, stepSize: alpha, steps: s.steps }));
    const device = s.x.device;
    const wNat = tensor(s.weightsNat, [s.weightsNat.length], 'float32', device).indexSelect(0, s.y);
    const wBndy = tensor(s.weightsBndy, [s.weightsBndy.length], 'float32', device).indexSelect(0, s.y);
    const nat = s.model.forward(s.x);
    const adv = s.model.forward(xAdv);
    const target = s.model.forward(s.x);
    return { loss: frlLoss(nat, adv, target, s.y, wNat, wBndy, s.beta), robustLogits: adv.detach() };
  });
}
