// The class-wise settings of one epoch: ε_k (CCM eq. 6, FRL's margins), β_k (CCR eq. 7) and FRL's class weights.
import { marginsForEpoch } from './ccm';
import { betasForEpoch } from './ccr';
import { TRADES_FAMILY, TrainConfig } from './config';
import { FrlState, classWeights, marginMultipliers } from './frl';

export interface EpochSettings {
  epsPerClass: number[];
  /** β_k of the TRADES-family losses (TRADES, FRL); MART uses its constant β. */
  betaPerClass?: number[];
  /** FRL's cost-sensitive weights of the CE and KL terms. */
  frlWeights?: { nat: number[]; bndy: number[] };
  /** FAT's control counter τ this epoch. */
  fatTau?: number;
}

/** FAT's τ for a 0-based epoch: the base τ plus one for each milestone reached (the original FAT's dynamic τ). */
export function fatTauForEpoch(epoch: number, tau: number, milestones: readonly number[]): number {
  return tau + milestones.filter((m) => epoch >= m).length;
}

/**
 * Settings for `epoch` from the previous epoch's class-wise train robust accuracy (t_k, docs/methods.md#training-loop) and FRL's multipliers.
 * Under FRL the CCM margin (or ε) is multiplied by m_k = clip(exp(2λ_marg,k), 0.98, M).
 */
export function epochSettings(cfg: TrainConfig, epoch: number, previousTrainRobust: number[] | undefined, frl: FrlState | undefined): EpochSettings {
  const K = cfg.numClasses;
  let eps = marginsForEpoch(epoch, { ...cfg.calibration, eps: cfg.eps, numClasses: K, enabled: cfg.cfa.ccm }, previousTrainRobust);
  const out: EpochSettings = { epsPerClass: eps };
  if (cfg.beta !== undefined && TRADES_FAMILY.includes(cfg.method)) {
    out.betaPerClass = betasForEpoch(epoch, { ...cfg.calibration, beta: cfg.beta, numClasses: K, enabled: cfg.cfa.ccr }, previousTrainRobust);
  }
  if (cfg.method === 'frl' && frl) {
    const m = marginMultipliers(frl.lambdaMarg, cfg.frl.marginMax);
    eps = eps.map((e, k) => e * m[k]);
    out.epsPerClass = eps;
    out.frlWeights = { nat: classWeights(frl.lambdaNat), bndy: classWeights(frl.lambdaBndy) };
  }
  if (cfg.method === 'fat') out.fatTau = fatTauForEpoch(epoch, cfg.fat.tau, cfg.fat.tauMilestones);
  return out;
}
