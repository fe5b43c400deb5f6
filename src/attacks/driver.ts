// The driver of the evaluation attacks (AutoAttack's perturb loop): seeds the generator, then for each target class
// and each restart runs one attack on the points still classified correctly and keeps those that fool the model.
// An attack supplies only its defaults and one run.
import { Tensor, full, manualSeed, noGrad, tidy, update } from '../engine';
import { Module } from '../nn';
import { Norm } from './project';

/** The settings the driver reads; every attack's defaults give them a value. */
export interface DriverSettings {
  /** Radius of the threat model (one number for the batch). */
  eps: number;
  norm: Norm;
  /** Runs; each later one attacks only the points not yet fooled. */
  restarts: number;
  /** Seed set at the start of every call (docs/methods.md#autoattack). */
  seed: number;
  /** One round per target: the classes ranked 2 … nTargetClasses+1 by the clean logits (capped at K−1). */
  targeted?: boolean;
  nTargetClasses?: number;
}

/** Defaults of every driven attack (AutoAttack's): L∞, one run, seed 0, 9 target classes when targeted. */
export const DRIVER_DEFAULTS = { norm: 'Linf' as Norm, restarts: 1, seed: 0, nTargetClasses: 9 };

/** What a run is told besides its settings: which restart it is and, when targeted, each point's target class. */
export interface RunContext {
  restart: number;
  target?: Tensor;
}

/** A run's adversarial candidates and which of them fool the model. */
export interface RunOutcome {
  adv: Tensor;
  fooled: Tensor;
}

/** An attack as the driver runs it. S holds every setting, with eps and callbacks the only ones without a default. */
export interface Attack<S extends DriverSettings = DriverSettings> {
  defaults: Omit<S, 'eps'>;
  /** Fewest classes its loss needs (DLR: 3, targeted DLR: 4). */
  minClasses?: number;
  /** One run on points that are all classified correctly. */
  run(model: Module, x: Tensor, y: Tensor, o: S, ctx: RunContext): RunOutcome;
}

/** What callers pass: eps, and any setting that differs from the defaults (undefined means the default). */
export type AttackOptions<S extends DriverSettings> = { eps: number } & Partial<S>;

/** The defaults with every defined option written over them. */
export function withDefaults<D extends object, O extends object>(defaults: D, o: O): D & O {
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as D & O;
}

/** The same attack with other defaults (e.g. APGD with the DLR loss) and, if given, another class minimum. */
export function variant<S extends DriverSettings>(attack: Attack<S>, defaults: Partial<Omit<S, 'eps'>>, minClasses?: number): Attack<S> {
  return { ...attack, defaults: { ...attack.defaults, ...defaults }, minClasses: minClasses ?? attack.minClasses };
}

/** Predicted classes, without recording gradients. */
export function predict(model: Module, x: Tensor): Tensor {
  return noGrad(() => tidy(() => model.forward(x).argmax(1)));
}

/** The target ranks of a call: 2 … min(nTargetClasses, K−1)+1 when targeted, else one untargeted round. */
function targetRanks(model: Module, x: Tensor, o: DriverSettings): (number | undefined)[] {
  if (!o.targeted || o.nTargetClasses === undefined) return [undefined];
  const K = noGrad(() => tidy(() => model.forward(x.slice(0, 0, 1)).shape[1]));
  return Array.from({ length: Math.min(o.nTargetClasses, K - 1) }, (_, i) => i + 2);
}

/**
 * Runs `attack` as AutoAttack's perturb does: seeds the generator, then for every target rank and restart attacks
 * the points still classified correctly and writes the ones it fools into the result. Returns adversarial images for
 * the fooled points and x elsewhere.
 */
export function perturb<S extends DriverSettings>(attack: Attack<S>, model: Module, x: Tensor, y: Tensor, options: AttackOptions<S>): Tensor {
  const o = withDefaults(attack.defaults, options) as S;
  return tidy(() => {
    let s = { acc: predict(model, x).eq(y), adv: x.clone() };
    const ranks = targetRanks(model, x, o);
    manualSeed(o.seed);
    for (const rank of ranks) {
      for (let restart = 0; restart < o.restarts; restart++) {
        using idx = tidy(() => s.acc.nonzero().reshape([-1]));
        if (idx.numel === 0) continue;
        s = update(s, () => {
          const xs = x.indexSelect(0, idx);
          const ys = y.indexSelect(0, idx);
          const target = rank === undefined ? undefined : noGrad(() => model.forward(xs).sort(1, true)[1].select(1, rank - 1));
          const r = attack.run(model, xs, ys, o, { restart, target });
          const fidx = idx.index([r.fooled]);
          return { acc: s.acc.indexPut([fidx], full([fidx.numel], 0, 'bool', x.device)), adv: s.adv.indexPut([fidx], r.adv.index([r.fooled])) };
        });
      }
    }
    return s.adv;
  });
}
