// AutoAttack (Croce & Hein 2020; docs/methods.md#autoattack): an ensemble run in a fixed order on the points that are still robust, in
// batches, keeping per point the first adversarial example that fools the model. Versions 'standard', 'plus',
// 'rand' and a custom list. Deterministic (every attack reseeds per batch, docs/methods.md#deviations) and resumable from a state file.
import * as fs from 'fs';
import { Tensor, cat, tensor, tidy } from '../engine';
import { UserError } from '../errors';
import { Module, readSafetensors, writeSafetensors } from '../nn';
import { APGD_DEFAULTS } from './apgd';
import { Attack, DRIVER_DEFAULTS, perturb, predict } from './driver';
import { Norm } from './project';
import { ATTACKS, ATTACK_NAMES, AttackName } from './registry';
import { SQUARE_DEFAULTS } from './square';

export const AA_ATTACKS = ATTACK_NAMES;
export type AAAttack = AttackName;
export type AAVersion = 'standard' | 'plus' | 'rand' | 'custom';

/** AutoAttack's defaults: its stages' own budgets, in batches of 250 points, seed 0. */
export const AA_DEFAULTS = {
  version: 'standard' as AAVersion,
  seed: DRIVER_DEFAULTS.seed,
  batchSize: 250,
  nIter: APGD_DEFAULTS.nIter,
  nQueries: SQUARE_DEFAULTS.nQueries,
  nTargetClasses: DRIVER_DEFAULTS.nTargetClasses,
};

export interface AutoAttackOptions {
  norm: Norm;
  eps: number;
  /** 'standard' (default): APGD-CE, APGD-T, FAB-T, Square. 'plus': + APGD-DLR and FAB with 5 restarts. 'rand': APGD-CE and APGD-DLR with EOT 20. */
  version?: AAVersion;
  /** The attacks of version 'custom', in order (standard settings). */
  attacks?: AAAttack[];
  /** Attacks to leave out of the version's list (e.g. the DLR attacks for fewer than 4 classes). */
  exclude?: AAAttack[];
  /** Seed of every attack call. */
  seed?: number;
  /** Points per attack call. */
  batchSize?: number;
  /** APGD/FAB iterations, Square queries, target classes: reduced only for tests and benchmarks. */
  nIter?: number;
  nQueries?: number;
  nTargetClasses?: number;
  /** Resume file (safetensors with JSON metadata): read when present and matching, rewritten atomically after every batch. */
  statePath?: string;
  /** Extra identity recorded in the state (e.g. the checkpoint path); a state written for another identity is refused. */
  identity?: string;
  /** Stop (leaving the state file) after this many attack batches in this call: an interruption, for tests. */
  stopAfterBatches?: number;
  onProgress?: (e: AAProgress) => void;
  /** Data-parallel evaluation: the batches this process runs, and the exchange of fooled points after each attack. */
  shard?: AAShard;
}

/** A point an attack fooled: its index, the adversarial prediction and the adversarial image (owned by the caller). */
export interface AAFooled {
  id: number;
  pred: number;
  row: Tensor;
}

export interface AAShard {
  /** Whether this process runs batch b of an attack (every batch is owned by exactly one process). */
  owns(batch: number): boolean;
  /** The points the other processes fooled in this attack, given those this one fooled. */
  exchange(fooled: AAFooled[]): AAFooled[];
}


export interface AAProgress {
  attack: string;
  batch: number;
  batches: number;
  robustAccuracy: number;
  seconds: number;
}

export interface AutoAttackResult {
  /** Adversarial images (x where no attack succeeded). Owned by the caller. */
  xAdv: Tensor;
  cleanPred: number[];
  advPred: number[];
  robust: boolean[];
  /** Robust accuracy after each completed attack. */
  perAttack: { attack: string; robustAccuracy: number; seconds: number }[];
  /** False when stopped by stopAfterBatches. */
  complete: boolean;
}

interface AttackConfig {
  attack: AAAttack;
  restarts: number;
  eotIter: number;
}

/** The attack list and restarts of a version (AutoAttack's set_version). */
export function aaPlan(version: AAVersion, custom?: AAAttack[]): AttackConfig[] {
  const c = (attack: AAAttack, restarts = 1, eotIter = 1): AttackConfig => ({ attack, restarts, eotIter });
  switch (version) {
    case 'standard':
      return [c('apgd-ce'), c('apgd-t'), c('fab-t'), c('square')];
    case 'plus':
      return [c('apgd-ce', 5), c('apgd-dlr', 5), c('fab', 5), c('square'), c('apgd-t'), c('fab-t')];
    case 'rand':
      return [c('apgd-ce', 1, 20), c('apgd-dlr', 1, 20)];
    case 'custom':
      if (!custom || custom.length === 0) throw new UserError('AutoAttack version custom: give at least one attack');
      return custom.map((a) => c(a));
  }
}

/** One stage on one batch: the attack through the driver, with the version's restarts and EOT and any reduced budget. */
function runAttack(model: Module, cfg: AttackConfig, x: Tensor, y: Tensor, o: AutoAttackOptions): Tensor {
  const stage = { eps: o.eps, norm: o.norm, seed: o.seed, restarts: cfg.restarts, eotIter: cfg.eotIter, nIter: o.nIter, nQueries: o.nQueries, nTargetClasses: o.nTargetClasses };
  const attack: Attack = ATTACKS[cfg.attack];
  return perturb(attack, model, x, y, stage);
}

interface Progress {
  attackIndex: number;
  batchesDone: number;
  secondsInAttack: number;
  perAttack: AutoAttackResult['perAttack'];
  fingerprint: Record<string, unknown>;
}

interface State {
  cleanPred: number[];
  advPred: number[];
  robust: boolean[];
  /** Robust flags when the current attack started (its batches are cut from these). */
  startFlags: boolean[] | undefined;
  /** Adversarial rows by point index. */
  adv: Map<number, Tensor>;
  p: Progress;
}

function fingerprint(x: Tensor, y: Tensor, plan: AttackConfig[], o: AutoAttackOptions): Record<string, unknown> {
  const sums = tidy(() => [x.double().sum().item(), x.double().square().sum().item(), y.double().sum().item()]);
  return {
    n: x.shape[0],
    shape: x.shape.slice(1),
    norm: o.norm,
    eps: o.eps,
    plan: plan.map((c) => `${c.attack}x${c.restarts}/eot${c.eotIter}`),
    seed: o.seed ?? AA_DEFAULTS.seed,
    batchSize: o.batchSize ?? AA_DEFAULTS.batchSize,
    nIter: o.nIter ?? AA_DEFAULTS.nIter,
    nQueries: o.nQueries ?? AA_DEFAULTS.nQueries,
    nTargetClasses: o.nTargetClasses ?? AA_DEFAULTS.nTargetClasses,
    identity: o.identity ?? '',
    data: sums.map((v) => v.toPrecision(10)),
  };
}

function saveState(file: string, s: State): void {
  tidy(() => {
    const idx = [...s.adv.keys()].sort((a, b) => a - b);
    const tensors = new Map<string, Tensor>([
      ['clean_pred', tensor(s.cleanPred, [s.cleanPred.length], 'int64')],
      ['adv_pred', tensor(s.advPred, [s.advPred.length], 'int64')],
      ['robust', tensor(s.robust.map(Number), [s.robust.length], 'uint8')],
    ]);
    if (s.startFlags) tensors.set('start_flags', tensor(s.startFlags.map(Number), [s.startFlags.length], 'uint8'));
    if (idx.length) {
      tensors.set('adv_index', tensor(idx, [idx.length], 'int64'));
      tensors.set('adv_rows', cat(idx.map((i) => s.adv.get(i)!.to('cpu').unsqueeze(0))));
    }
    writeSafetensors(file, tensors, { 'cfa-autoattack-state': JSON.stringify(s.p) });
  });
}

/** The saved state, when the file exists and was written for this evaluation; its rows belong to the caller's scope. */
function loadState(file: string, fp: Record<string, unknown>, device: string): State | undefined {
  if (!fs.existsSync(file)) return undefined;
  return tidy(() => {
    const { tensors, metadata } = readSafetensors(file);
    const raw = metadata['cfa-autoattack-state'];
    if (!raw) throw new UserError(`${file}: not an AutoAttack state file (no 'cfa-autoattack-state' metadata)`);
    const p = JSON.parse(raw) as Progress;
    for (const [k, v] of Object.entries(fp)) {
      if (JSON.stringify(p.fingerprint?.[k]) !== JSON.stringify(v)) {
        throw new UserError(`${file}: state was written for a different evaluation ('${k}' is ${JSON.stringify(p.fingerprint?.[k])}, now ${JSON.stringify(v)}); delete it or use another --state`);
      }
    }
    const get = (k: string) => {
      const t = tensors.get(k);
      if (!t) throw new UserError(`${file}: missing tensor '${k}'`);
      return t;
    };
    const adv = new Map<number, Tensor>();
    if (tensors.has('adv_index')) {
      const idx = get('adv_index').toArray();
      const rows = get('adv_rows');
      idx.forEach((i, r) => adv.set(i, rows.select(0, r).to(device)));
    }
    return {
      cleanPred: get('clean_pred').toArray(),
      advPred: get('adv_pred').toArray(),
      robust: get('robust').toArray().map(Boolean),
      startFlags: tensors.has('start_flags') ? get('start_flags').toArray().map(Boolean) : undefined,
      adv,
      p,
    };
  });
}

/** argmax predictions in batches, without gradients. */
function predictAll(model: Module, x: Tensor, bs: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < x.shape[0]; i += bs) out.push(...tidy(() => predict(model, x.slice(0, i, i + bs)).toArray()));
  return out;
}

/** After an attack ran sharded: the points other processes fooled are fooled here too, with their images. */
function takeShared(st: State, shard: AAShard, todo: number[]): void {
  const mine = todo.filter((id) => !st.robust[id]).map((id) => ({ id, pred: st.advPred[id], row: st.adv.get(id)! }));
  for (const f of shard.exchange(mine)) {
    st.robust[f.id] = false;
    st.advPred[f.id] = f.pred;
    st.adv.get(f.id)?.dispose();
    st.adv.set(f.id, f.row);
  }
}

/**
 * Runs AutoAttack on (x, y) with the model in eval mode (its previous mode is restored). Each attack sees only the
 * points still robust, in increasing index order, in batches of batchSize; a point fooled by an attack keeps that
 * adversarial example. With statePath, progress is saved after every batch and an interrupted run continues from
 * the last saved batch with identical results.
 */
export function autoAttack(model: Module, x: Tensor, y: Tensor, o: AutoAttackOptions): AutoAttackResult {
  const plan = aaPlan(o.version ?? AA_DEFAULTS.version, o.attacks).filter((c) => !o.exclude?.includes(c.attack));
  const bs = o.batchSize ?? AA_DEFAULTS.batchSize;
  const fp = fingerprint(x, y, plan, o);
  const wasTraining = model.training;
  model.eval();
  try {
    // Kept adversarial rows live in this scope until the result is assembled.
    return tidy(() => run());
  } finally {
    model.train(wasTraining);
  }

  function run(): AutoAttackResult {
    const labels = y.toArray();
    let st = o.statePath ? loadState(o.statePath, fp, x.device) : undefined;
    if (!st) {
      const cleanPred = predictAll(model, x, bs);
      st = {
        cleanPred,
        advPred: cleanPred.slice(),
        robust: cleanPred.map((p, i) => p === labels[i]),
        startFlags: undefined,
        adv: new Map(),
        p: { attackIndex: 0, batchesDone: 0, secondsInAttack: 0, perAttack: [], fingerprint: fp },
      };
      if (o.statePath) saveState(o.statePath, st);
    }
    let batchesThisCall = 0;
    const s = st;
    const robustAcc = () => s.robust.filter(Boolean).length / s.robust.length;
    while (s.p.attackIndex < plan.length) {
      const cfg = plan[s.p.attackIndex];
      if (!s.startFlags) s.startFlags = s.robust.slice();
      const todo = s.startFlags.flatMap((r, i) => (r ? [i] : []));
      if (todo.length === 0) break;
      const batches = Math.ceil(todo.length / bs);
      while (s.p.batchesDone < batches) {
        if (o.stopAfterBatches !== undefined && batchesThisCall >= o.stopAfterBatches) return finish(s, false);
        const b = s.p.batchesDone;
        if (o.shard && !o.shard.owns(b)) {
          s.p.batchesDone++;
          continue;
        }
        const ids = todo.slice(b * bs, (b + 1) * bs);
        const t0 = Date.now();
        const fooled = tidy(() => {
          const idx = tensor(ids, [ids.length], 'int64', x.device);
          const adv = runAttack(model, cfg, x.indexSelect(0, idx), y.indexSelect(0, idx), o);
          const pred = predict(model, adv).toArray();
          return ids.flatMap((id, r) => (pred[r] !== labels[id] && s.robust[id] ? [{ id, pred: pred[r], row: adv.select(0, r).clone() }] : []));
        });
        for (const f of fooled) {
          s.robust[f.id] = false;
          s.advPred[f.id] = f.pred;
          s.adv.set(f.id, f.row);
        }
        s.p.batchesDone++;
        s.p.secondsInAttack += (Date.now() - t0) / 1000;
        batchesThisCall++;
        if (o.statePath) saveState(o.statePath, s);
        o.onProgress?.({ attack: cfg.attack, batch: b + 1, batches, robustAccuracy: robustAcc(), seconds: s.p.secondsInAttack });
      }
      if (o.shard) takeShared(s, o.shard, todo);
      s.p.perAttack.push({ attack: cfg.attack, robustAccuracy: robustAcc(), seconds: s.p.secondsInAttack });
      s.p.attackIndex++;
      s.p.batchesDone = 0;
      s.p.secondsInAttack = 0;
      s.startFlags = undefined;
      if (o.statePath) saveState(o.statePath, s);
    }
    return finish(s, true);
  }

  function finish(s: State, complete: boolean): AutoAttackResult {
    const ids = [...s.adv.keys()];
    const xAdv = ids.length === 0 ? x.clone() : x.indexPut([tensor(ids, [ids.length], 'int64', x.device)], cat(ids.map((i) => s.adv.get(i)!.unsqueeze(0))));
    return { xAdv, cleanPred: s.cleanPred, advPred: s.advPred, robust: s.robust, perAttack: s.p.perAttack, complete };
  }
}
