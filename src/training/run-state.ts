// Resume state (RUN_DIR/state/state.safetensors): the weights, SGD momentum, EMA/FAWA weights, libtorch's RNG state
// and the JSON bookkeeping (calibration, FRL multipliers, best indices, the last epoch record) in ONE file, written
// atomically (temporary file, fsync, rename), so a kill at any moment leaves the previous state intact.
import * as fs from 'fs';
import * as path from 'path';
import { Tensor, getRngState, setRngState } from '../engine';
import { UserError } from '../errors';
import { Module, SGD, readSafetensors, writeSafetensors } from '../nn';
import { FrlState } from './frl';
import { EpochRecord, SplitAccuracy } from '../formats';
import { BestSoFar } from './selection';
import { AveragedModel } from './weight-average';

export interface RunState {
  /** Last completed epoch (0-based). */
  epoch: number;
  /** t_k: class-wise train robust accuracy of that epoch (feeds CCM/CCR next epoch). */
  trainRobustPerClass: number[];
  /** Validation of the model after that epoch (feeds FRL's multipliers next epoch). */
  lastValid: SplitAccuracy;
  frl?: FrlState;
  best: BestSoFar;
  ema?: { initialized: boolean; updates: number };
  fawa?: { initialized: boolean; updates: number };
  /** That epoch's log record, to restore log.jsonl if the run stopped between the two writes. */
  record: EpochRecord;
}

export interface StateTensors {
  model: Module;
  optimizer: SGD;
  ema?: AveragedModel;
  fawa?: AveragedModel;
}

export function stateFile(runDir: string): string {
  return path.join(runDir, 'state', 'state.safetensors');
}

/** Writes the resume state atomically. */
export function saveState(runDir: string, state: RunState, t: StateTensors): void {
  const tensors = new Map<string, Tensor>();
  for (const [k, v] of t.model.stateDict()) tensors.set(`model.${k}`, v);
  for (const [k, v] of t.optimizer.stateDict()) tensors.set(`optimizer.${k}`, v);
  for (const [name, avg] of [['ema', t.ema], ['fawa', t.fawa]] as const) {
    if (avg?.initialized) for (const [k, v] of avg.model.stateDict()) tensors.set(`${name}.${k}`, v);
  }
  const device = t.model.parameters()[0]?.device ?? 'cpu';
  const rngs = [getRngState(), ...(device === 'cpu' ? [] : [getRngState(device)])];
  tensors.set('rng', rngs[0]);
  if (rngs[1]) tensors.set('rng.device', rngs[1]);
  try {
    writeSafetensors(stateFile(runDir), tensors, { state: JSON.stringify(state) });
  } finally {
    for (const r of rngs) r.dispose();
  }
}

function withPrefix(all: Map<string, Tensor>, prefix: string): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [k, v] of all) if (k.startsWith(prefix)) out.set(k.slice(prefix.length), v);
  return out;
}

/** Restores weights, optimizer, EMA/FAWA and the RNG from RUN_DIR/state and returns the bookkeeping. */
export function loadState(runDir: string, t: StateTensors): RunState {
  const file = stateFile(runDir);
  if (!fs.existsSync(file)) throw new UserError(`--resume ${runDir}: no completed epoch to resume from (${file} is missing)`);
  const { tensors, metadata } = readSafetensors(file);
  try {
    let state: RunState;
    try {
      state = JSON.parse(metadata.state) as RunState;
    } catch {
      throw new UserError(`${file}: the state metadata is not valid JSON`);
    }
    const device = t.model.parameters()[0]?.device ?? 'cpu';
    const onDevice = (m: Map<string, Tensor>) => {
      if (device === 'cpu') return m;
      const moved = new Map<string, Tensor>();
      for (const [k, v] of m) moved.set(k, v.to(device));
      return moved;
    };
    const load = (m: Module, prefix: string) => {
      const sd = onDevice(withPrefix(tensors, prefix));
      m.loadStateDict(sd, `${file} (${prefix.slice(0, -1)})`);
      if (device !== 'cpu') for (const v of sd.values()) v.dispose();
    };
    load(t.model, 'model.');
    const opt = onDevice(withPrefix(tensors, 'optimizer.'));
    t.optimizer.loadStateDict(opt);
    if (device !== 'cpu') for (const v of opt.values()) v.dispose();
    for (const [name, avg, saved] of [['ema', t.ema, state.ema], ['fawa', t.fawa, state.fawa]] as const) {
      if (!avg || !saved) continue;
      avg.initialized = saved.initialized;
      avg.updates = saved.updates;
      if (saved.initialized) load(avg.model, `${name}.`);
    }
    const rng = tensors.get('rng');
    if (!rng) throw new UserError(`${file}: the RNG state is missing`);
    setRngState(rng);
    const deviceRng = tensors.get('rng.device');
    if (device !== 'cpu' && deviceRng) setRngState(deviceRng, device);
    return state;
  } finally {
    for (const v of tensors.values()) v.dispose();
  }
}
