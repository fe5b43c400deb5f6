// AutoAttack (Croce & Hein 2020; §12.1): an ensemble run in a fixed order on the points that are still robust, in
// batches, keeping per point the first adversarial example that fools the model. Versions 'standard', 'plus',
// 'rand' and a custom list. Deterministic (every attack reseeds per batch, §16 D20) and resumable from a state file.
import * as fs from 'fs';
import { Tensor, cat, dispose, keep, noGrad, tensor, tidy } from '../engine';
import { UserError } from '../errors';
import { Module, readSafetensors, writeSafetensors } from '../nn';
import { apgd, apgdTargeted } from './apgd';
import { fab } from './fab';
import { Norm } from './project';
import { square } from './square';

export const AA_ATTACKS = ['apgd-ce', 'apgd-dlr', 'apgd-t', 'fab', 'fab-t', 'square'] as const;
export type AAAttack = (typeof AA_ATTACKS)[number];
export type AAVersion = 'standard' | 'plus' | 'rand' | 'custom';

export interface AutoAttackOptions {
  norm: Norm;
  eps: number;
  /** 'standard' (default): APGD-CE, APGD-T, FAB-T, Square. 'plus': + APGD-DLR and FAB with 5 restarts. 'rand': APGD-CE and APGD-DLR with EOT 20. */
  version?: AAVersion;
  /** The attacks of version 'custom', in order (standard settings). */
  attacks?: AAAttack[];
  /** Attacks to leave out of the version's list (e.g. the DLR attacks for fewer than 4 classes). */
  exclude?: AAAttack[];
  /** Seed of every attack call (default 0). */
  seed?: number;
  /** Points per attack call (default 250). */
  batchSize?: number;
  /** APGD/FAB iterations (default 100), Square queries (default 5000), target classes (default 9): reduced only for tests and benchmarks. */
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

function runAttack(model: Module, cfg: AttackConfig, x: Tensor, y: Tensor, o: AutoAttackOptions): Tensor {
  const common = { eps: o.eps, norm: o.norm, seed: o.seed ?? 0, restarts: cfg.restarts };
  const nIter = o.nIter ?? 100;
  switch (cfg.attack) {
    case 'apgd-ce':
      return apgd(model, x, y, { ...common, nIter, loss: 'ce', eotIter: cfg.eotIter });
    case 'apgd-dlr':
      return apgd(model, x, y, { ...common, nIter, loss: 'dlr', eotIter: cfg.eotIter });
    case 'apgd-t':
      return apgdTargeted(model, x, y, { ...common, nIter, nTargetClasses: o.nTargetClasses });
    case 'fab':
      return fab(model, x, y, { ...common, nIter, targeted: false });
    case 'fab-t':
      return fab(model, x, y, { ...common, nIter, targeted: true, nTargetClasses: o.nTargetClasses });
    case 'square':
      return square(model, x, y, { ...common, nQueries: o.nQueries ?? 5000 });
  }
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
    seed: o.seed ?? 0,
    batchSize: o.batchSize ?? 250,
    nIter: o.nIter ?? 100,
    nQueries: o.nQueries ?? 5000,
    nTargetClasses: o.nTargetClasses ?? 9,
    identity: o.identity ?? '',
    data: sums.map((v) => v.toPrecision(10)),
  };
}

function saveState(file: string, s: State): void {
  const idx = [...s.adv.keys()].sort((a, b) => a - b);
  const tensors = new Map<string, Tensor>();
  const owned: Tensor[] = [];
  const put = (k: string, t: Tensor) => (tensors.set(k, t), owned.push(t));
  put('clean_pred', tensor(s.cleanPred, [s.cleanPred.length], 'int64'));
  put('adv_pred', tensor(s.advPred, [s.advPred.length], 'int64'));
  put('robust', tensor(s.robust.map(Number), [s.robust.length], 'uint8'));
  if (s.startFlags) put('start_flags', tensor(s.startFlags.map(Number), [s.startFlags.length], 'uint8'));
  if (idx.length) {
    put('adv_index', tensor(idx, [idx.length], 'int64'));
    put('adv_rows', tidy(() => cat(idx.map((i) => s.adv.get(i)!.to('cpu').unsqueeze(0)))));
  }
  try {
    writeSafetensors(file, tensors, { 'cfa-autoattack-state': JSON.stringify(s.p) });
  } finally {
    dispose(owned);
  }
}

function loadState(file: string, fp: Record<string, unknown>, device: string): State | undefined {
  if (!fs.existsSync(file)) return undefined;
  const { tensors, metadata } = readSafetensors(file);
  try {
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
      idx.forEach((i, r) => adv.set(i, keep(rows.select(0, r).to(device))));
    }
    return {
      cleanPred: get('clean_pred').toArray(),
      advPred: get('adv_pred').toArray(),
      robust: get('robust').toArray().map(Boolean),
      startFlags: tensors.has('start_flags') ? get('start_flags').toArray().map(Boolean) : undefined,
      adv,
      p,
    };
  } finally {
    dispose([...tensors.values()]);
  }
}

/** argmax predictions in batches, without gradients. */
function predictAll(model: Module, x: Tensor, bs: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < x.shape[0]; i += bs) out.push(...noGrad(() => tidy(() => model.forward(x.slice(0, i, i + bs)).argmax(1).toArray())));
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
  const plan = aaPlan(o.version ?? 'standard', o.attacks).filter((c) => !o.exclude?.includes(c.attack));
  const bs = o.batchSize ?? 250;
  const fp = fingerprint(x, y, plan, o);
  const wasTraining = model.training;
  model.eval();
  const labels = y.toArray();
  let s = o.statePath ? loadState(o.statePath, fp, x.device) : undefined;
  try {
    if (!s) {
      const cleanPred = predictAll(model, x, bs);
      s = {
        cleanPred,
        advPred: cleanPred.slice(),
        robust: cleanPred.map((p, i) => p === labels[i]),
        startFlags: undefined,
        adv: new Map(),
        p: { attackIndex: 0, batchesDone: 0, secondsInAttack: 0, perAttack: [], fingerprint: fp },
      };
      if (o.statePath) saveState(o.statePath, s);
    }
    const st = s;
    let batchesThisCall = 0;
    const robustAcc = () => st.robust.filter(Boolean).length / st.robust.length;
    while (st.p.attackIndex < plan.length) {
      const cfg = plan[st.p.attackIndex];
      if (!st.startFlags) st.startFlags = st.robust.slice();
      const todo = st.startFlags.flatMap((r, i) => (r ? [i] : []));
      if (todo.length === 0) break;
      const batches = Math.ceil(todo.length / bs);
      while (st.p.batchesDone < batches) {
        if (o.stopAfterBatches !== undefined && batchesThisCall >= o.stopAfterBatches) return finish(false);
        const b = st.p.batchesDone;
        if (o.shard && !o.shard.owns(b)) {
          st.p.batchesDone++;
          continue;
        }
        const ids = todo.slice(b * bs, (b + 1) * bs);
        const t0 = Date.now();
        tidy(() => {
          const idx = tensor(ids, [ids.length], 'int64', x.device);
          const xb = x.indexSelect(0, idx);
          const yb = y.indexSelect(0, idx);
          const adv = runAttack(model, cfg, xb, yb, o);
          const pred = noGrad(() => model.forward(adv).argmax(1)).toArray();
          ids.forEach((id, r) => {
            if (pred[r] !== labels[id] && st.robust[id]) {
              st.robust[id] = false;
              st.advPred[id] = pred[r];
              st.adv.get(id)?.dispose();
              st.adv.set(id, keep(adv.select(0, r).clone()));
            }
          });
        });
        st.p.batchesDone++;
        st.p.secondsInAttack += (Date.now() - t0) / 1000;
        batchesThisCall++;
        if (o.statePath) saveState(o.statePath, st);
        o.onProgress?.({ attack: cfg.attack, batch: b + 1, batches, robustAccuracy: robustAcc(), seconds: st.p.secondsInAttack });
      }
      if (o.shard) takeShared(st, o.shard, todo);
      st.p.perAttack.push({ attack: cfg.attack, robustAccuracy: robustAcc(), seconds: st.p.secondsInAttack });
      st.p.attackIndex++;
      st.p.batchesDone = 0;
      st.p.secondsInAttack = 0;
      st.startFlags = undefined;
      if (o.statePath) saveState(o.statePath, st);
    }
    return finish(true);
  } finally {
    if (s) dispose([...s.adv.values()]);
    model.train(wasTraining);
  }

  function finish(complete: boolean): AutoAttackResult {
    const st = s!;
    const xAdv = tidy(() => {
      const ids = [...st.adv.keys()];
      if (ids.length === 0) return x.clone();
      const idx = tensor(ids, [ids.length], 'int64', x.device);
      return x.indexPut([idx], cat(ids.map((i) => st.adv.get(i)!.unsqueeze(0))));
    });
    return { xAdv, cleanPred: st.cleanPred, advPred: st.advPred, robust: st.robust, perAttack: st.p.perAttack, complete };
  }
}
