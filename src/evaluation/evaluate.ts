// Robustness evaluation of a model on a fixed set of points: AutoAttack (an ensemble or one of its attacks) or PGD,
// with sanity flags and class-wise metrics, producing the EvalResult written by `cfa eval`.
import { Tensor, manualSeed, tidy, withBatchShard } from '../engine';
import { AAProgress, AAVersion, AA_DEFAULTS, aaPlan, autoAttack } from '../attacks/autoattack';
import { predict } from '../attacks/driver';
import { pgd } from '../attacks/pgd';
import { Norm, perSample, project } from '../attacks/project';
import { ATTACKS, ATTACK_NAMES, AttackName } from '../attacks/registry';
import { shardOf } from '../distributed/data-parallel';
import { Collective, SINGLE } from '../distributed/group';
import { UserError } from '../errors';
import { Module } from '../nn';
import { EvalResult } from '../formats';
import { classwiseMetrics } from '../metrics';
import { checkNumClasses, checkProbabilities, checkRandomized, checkSquare, checkZeroGradients } from './sanity';
import { autoAttackShard, gatherPredictions } from './shard';

/** AutoAttack ('aa'), one of its attacks by registry name, or PGD. */
export type EvalAttack = 'aa' | AttackName | 'pgd';
export const EVAL_ATTACKS: readonly EvalAttack[] = ['aa', ...ATTACK_NAMES, 'pgd'];

/** An attack given by the user (e.g. a plug-in file): adversarial examples for a batch, inside the threat model. */
export interface UserAttack {
  name: string;
  run(model: Module, x: Tensor, y: Tensor, o: { eps: number; norm: Norm; steps?: number; stepSize?: number; restarts?: number; seed: number }): Tensor;
}

export interface EvaluateOptions {
  attack: EvalAttack | UserAttack;
  /** AutoAttack version for attack 'aa' (default 'standard'). */
  version?: Exclude<AAVersion, 'custom'>;
  norm: Norm;
  eps: number;
  seed?: number;
  batchSize?: number;
  /** PGD: steps (default 20), step size (default ε/4, i.e. 2/255 at 8/255), restarts (default 1), loss (default CE). */
  steps?: number;
  stepSize?: number;
  restarts?: number;
  /** Reduced AutoAttack budgets (smoke tests only). */
  nIter?: number;
  nQueries?: number;
  statePath?: string;
  identity?: string;
  stopAfterBatches?: number;
  onProgress?: (e: AAProgress) => void;
  /** The data-parallel group: the ranks share the points and every rank returns the whole result (default: alone). */
  collective?: Collective;
}

export interface EvaluationCore {
  cleanPred: number[];
  advPred: number[];
  perAttack?: { attack: string; robustAccuracy: number; seconds: number }[];
  flags: string[];
  seconds: number;
  complete: boolean;
  /** The attack's name as recorded, e.g. 'aa-standard' or 'pgd-20'. */
  attackName: string;
}

/** The attacks an EvalAttack runs, for the class-count check. */
function attackList(o: EvaluateOptions): string[] {
  if (typeof o.attack === 'object') return [o.attack.name];
  if (o.attack === 'aa') return aaPlan(o.version ?? 'standard').map((c) => c.attack);
  return [o.attack];
}

/** Attacks whose loss needs more classes (targeted DLR needs 4: z_π4; DLR needs 3: z_π3). */
function impossible(numClasses: number): AttackName[] {
  return ATTACK_NAMES.filter((a) => numClasses < (ATTACKS[a].minClasses ?? 0));
}

/** Name recorded in the result: the attack, its version or steps, and any reduced budget. */
function attackName(o: EvaluateOptions): string {
  if (typeof o.attack === 'object') return o.attack.name;
  const base = o.attack === 'aa' ? `aa-${o.version ?? 'standard'}` : o.attack === 'pgd' ? `pgd-${o.steps ?? 20}${(o.restarts ?? 1) > 1 ? `x${o.restarts}` : ''}` : o.attack;
  const reduced = [o.nIter !== undefined ? `nIter=${o.nIter}` : '', o.nQueries !== undefined ? `nQueries=${o.nQueries}` : ''].filter(Boolean);
  return reduced.length ? `${base}(${reduced.join(',')})` : base;
}

/** Model-level flags on the first batch (AutoAttack runs its checks on the first bs points). */
function modelFlags(model: Module, x: Tensor, y: Tensor, numClasses: number, o: EvaluateOptions, bs: number): string[] {
  return tidy(() => {
    const xb = x.slice(0, 0, bs);
    const yb = y.slice(0, 0, bs);
    const flags = [
      o.version === 'rand' ? undefined : checkRandomized(model, xb),
      checkProbabilities(model, xb),
      checkZeroGradients(model, xb, yb),
      checkNumClasses(numClasses, attackList(o)),
    ];
    return flags.filter((f): f is string => f !== undefined);
  });
}

/**
 * A single attack (PGD or a user's) over all points in batches (eval mode, generator seeded once with o.seed),
 * reporting per-point predictions. A user attack's points are projected onto the threat model, and flagged when they
 * left it.
 */
function runBatched(model: Module, x: Tensor, y: Tensor, o: EvaluateOptions, bs: number, attack: (xb: Tensor, yb: Tensor) => Tensor, flags: string[]): { cleanPred: number[]; advPred: number[] } {
  manualSeed(o.seed ?? 0);
  const dist = o.collective ?? SINGLE;
  const index: number[] = [];
  const cleanPred: number[] = [];
  const advPred: number[] = [];
  let outside = false;
  for (let i = 0; i < x.shape[0]; i += bs) {
    tidy(() => {
      // In a group, each rank attacks its share of the batch with the whole batch's random start.
      const part = shardOf(Math.min(bs, x.shape[0] - i), dist);
      const xb = x.slice(0, i + part.offset, i + part.offset + part.count);
      const yb = y.slice(0, i + part.offset, i + part.offset + part.count);
      const clean = predict(model, xb);
      const raw = withBatchShard(part, () => attack(xb, yb));
      let xa = raw;
      if (typeof o.attack === 'object') {
        if (!(raw instanceof Tensor) || !sameShape(raw.shape, xb.shape)) throw new UserError(`attack ${o.attack.name}: returned ${raw instanceof Tensor ? `a tensor of shape [${raw.shape.join(', ')}]` : String(raw)}, expected a tensor of shape [${xb.shape.join(', ')}]`);
        xa = project(raw.detach(), xb, perSample(o.eps, xb), o.norm);
        outside ||= xa.sub(raw).abs().amax().item() > 1e-6;
      }
      const adv = predict(model, xa);
      // A point misclassified when clean counts as non-robust with its clean prediction (as in AutoAttack).
      const c = clean.toArray();
      const labels = yb.toArray();
      index.push(...c.map((_, k) => i + part.offset + k));
      cleanPred.push(...c);
      advPred.push(...adv.toArray().map((p, k) => (c[k] !== labels[k] ? c[k] : p)));
    });
    o.onProgress?.({ attack: attackList(o)[0], batch: Math.floor(i / bs) + 1, batches: Math.ceil(x.shape[0] / bs), robustAccuracy: NaN, seconds: 0 });
  }
  if (outside) flags.push(`attack ${attackList(o)[0]}: returned points outside the ${o.norm} ε-ball or [0,1]; they were projected back`);
  return dist.worldSize === 1 ? { cleanPred, advPred } : gatherPredictions(dist, x.shape[0], { index, clean: cleanPred, adv: advPred });
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Attacks (x, y) with the model in eval mode (its mode is restored) and returns per-point clean and adversarial
 * predictions, the running accuracy per attack (AutoAttack), and the sanity flags.
 */
export function evaluateRobustness(model: Module, x: Tensor, y: Tensor, numClasses: number, o: EvaluateOptions): EvaluationCore {
  const t0 = Date.now();
  const bs = o.batchSize ?? AA_DEFAULTS.batchSize;
  const wasTraining = model.training;
  model.eval();
  try {
    const flags = modelFlags(model, x, y, numClasses, o, bs);
    const user = typeof o.attack === 'object' ? o.attack : undefined;
    if (user || o.attack === 'pgd') {
      const settings = { eps: o.eps, norm: o.norm, steps: o.steps, stepSize: o.stepSize, restarts: o.restarts, seed: o.seed ?? 0 };
      const attack = user
        ? (xb: Tensor, yb: Tensor) => user.run(model, xb, yb, settings)
        : (xb: Tensor, yb: Tensor) => pgd(model, xb, yb, { eps: o.eps, stepSize: o.stepSize ?? o.eps / 4, steps: o.steps ?? 20, norm: o.norm, restarts: o.restarts ?? 1 });
      const r = runBatched(model, x, y, o, bs, attack, flags);
      return { ...r, flags, seconds: (Date.now() - t0) / 1000, complete: true, attackName: attackName(o) };
    }
    const named = o.attack as Exclude<EvalAttack, 'pgd'>;
    const version: AAVersion = named === 'aa' ? (o.version ?? 'standard') : 'custom';
    const skip = impossible(numClasses);
    if (named !== 'aa' && skip.includes(named)) throw new UserError(`--attack ${named}: its loss needs at least ${ATTACKS[named].minClasses} classes, the data has ${numClasses}`);
    const skipped = attackList(o).filter((a) => skip.includes(a as AttackName));
    if (skipped.length) flags.push(`skipped: ${skipped.join(', ')} cannot run with ${numClasses} classes and were left out of the ensemble`);
    const dist = o.collective ?? SINGLE;
    if (dist.worldSize > 1 && (o.statePath !== undefined || o.stopAfterBatches !== undefined)) throw new UserError('--state: resumable AutoAttack runs in one process; leave out --state or --nproc');
    const r = autoAttack(model, x, y, {
      shard: dist.worldSize > 1 ? autoAttackShard(dist, x.shape.slice(1), x.device) : undefined,
      exclude: skip,
      norm: o.norm,
      eps: o.eps,
      version,
      attacks: named === 'aa' ? undefined : [named],
      seed: o.seed ?? 0,
      batchSize: bs,
      nIter: o.nIter,
      nQueries: o.nQueries,
      statePath: o.statePath,
      identity: o.identity,
      stopAfterBatches: o.stopAfterBatches,
      onProgress: o.onProgress,
    });
    r.xAdv.dispose();
    const labels = y.toArray();
    const cleanAcc = r.cleanPred.filter((p, i) => p === labels[i]).length / r.cleanPred.length;
    const sq = checkSquare(r.perAttack, cleanAcc);
    if (sq) flags.push(sq);
    return { cleanPred: r.cleanPred, advPred: r.advPred, perAttack: r.perAttack, flags, seconds: (Date.now() - t0) / 1000, complete: r.complete, attackName: attackName(o) };
  } finally {
    model.train(wasTraining);
  }
}

/** Identity fields of an EvalResult. */
export interface EvalMeta {
  model: string;
  arch: string;
  dataset: string;
  classNames: string[];
  threatModel: Norm;
  eps: number;
  n: number;
  seed: number;
}

/** The EvalResult (RobustBench-like fields plus class-wise arrays) for labels and an evaluation. */
export function buildEvalResult(meta: EvalMeta, labels: ArrayLike<number>, core: EvaluationCore): EvalResult & { classwiseStd: number; nPerClass: number[] } {
  const m = classwiseMetrics(labels, core.cleanPred, core.advPred, meta.classNames.length);
  return {
    ...meta,
    attack: core.attackName,
    cleanAccuracy: m.clean,
    robustAccuracy: m.robust,
    cleanPerClass: m.cleanPerClass,
    robustPerClass: m.robustPerClass,
    nPerClass: m.nPerClass,
    worstClassClean: m.worstClassClean,
    worstClassRobust: m.worstClassRobust,
    worst20Robust: m.worst20Robust,
    classwiseVariance: m.classwiseVariance,
    classwiseStd: m.classwiseStd,
    ...(core.perAttack ? { perAttack: core.perAttack } : {}),
    confusion: m.confusion,
    flags: core.flags,
    seconds: core.seconds,
  };
}
