// A sweep grid: methods × axes × seeds, each entry one training run in OUT/<name>. Parsed from YAML (or JSON), checked
// field by field, and every entry resolved through the presets and defaults of `cfa train` before anything runs.
//
//   base:    { preset: quick-fmnist, epochs: 8 }      settings shared by every entry (config fields, as in --config)
//   methods:                                         required: name → settings (a mapping, or preset names)
//     at: paper-cifar10-at
//     at-ccm: { preset: paper-cifar10-at, cfa: ccm, axes: { lambda1: [0.3, 0.5, 0.7] } }   (own axes)
//   axes:    { eps: [4/255, 8/255] }                  field → values, crossed in the order given
//   seeds:   [0, 1, 2] or 3 (= 0, 1, 2)              default [0]
//
// Besides the configuration fields, settings may hold `nproc` (processes per run, launched torchrun-style) and
// `after` (a method whose run of the same axes and seed must finish first); strings may use {out} and {seed}.
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { UserError } from '../errors';
import { ConfigInput, checkInput } from '../training/config';
import { PendingConfig, mergeInputs, resolveConfig } from '../training/defaults';
import { presetInputs } from '../training/presets';

export interface SweepEntry {
  index: number;
  /** Run directory name under --out: <method>[-<field>=<value>…]-seed<k>. */
  name: string;
  method: string;
  seed: number;
  /** Axis field → the value's text, in axis order. */
  axes: [string, string][];
  /** Processes of this run (1 = one process; more launch with WORLD_SIZE, RANK, MASTER_ADDR, MASTER_PORT). */
  nproc: number;
  /** Index of the entry that must finish first (its run feeds this one, e.g. a hot start). */
  after?: number;
  /** The merged settings (presets named, not yet applied) and the resolved configuration. */
  settings: ConfigInput;
  config: PendingConfig;
}

export interface Grid {
  /** The file or the named grid it came from. */
  source: string;
  entries: SweepEntry[];
}

/** The grid file's top-level fields. */
const TOP = ['base', 'methods', 'axes', 'seeds', 'description'];
/** Keys of a settings mapping that belong to the sweep, not to the training configuration. */
const SWEEP_KEYS = ['nproc', 'after', 'axes'];
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

type Raw = Record<string, unknown>;

function isMapping(v: unknown): v is Raw {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Reads and expands a grid file; every error names the file and the field. */
export function readGridFile(file: string, version: string, out?: string): Grid {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${file}: cannot read the grid file (${code === 'ENOENT' ? 'file not found' : code ?? (e as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = YAML.parse(text);
  } catch (e) {
    throw new UserError(`${file}: not valid YAML/JSON (${(e as Error).message.split('\n')[0]})`);
  }
  return expandGrid(raw, file, version, out);
}

function seedList(v: unknown, where: string): number[] {
  if (v === undefined) return [0];
  if (Number.isInteger(v) && (v as number) >= 1) return Array.from({ length: v as number }, (_, i) => i);
  if (Array.isArray(v) && v.length > 0 && v.every((s) => Number.isInteger(s) && s >= 0) && new Set(v).size === v.length) return v.slice() as number[];
  throw new UserError(`${where}: field 'seeds': expected a count ≥ 1 or a list of distinct integers ≥ 0, got ${JSON.stringify(v)}`);
}

function axisList(v: unknown, where: string): [string, unknown[]][] {
  if (v === undefined) return [];
  if (!isMapping(v)) throw new UserError(`${where}: expected a mapping of field → list of values, got ${JSON.stringify(v)}`);
  return Object.entries(v).map(([field, values]) => {
    if (!Array.isArray(values) || values.length === 0) throw new UserError(`${where}.${field}: expected a non-empty list of values, got ${JSON.stringify(values)}`);
    for (const x of values) if (x === null || typeof x === 'object') throw new UserError(`${where}.${field}: expected scalar values (numbers, strings, booleans), got ${JSON.stringify(x)}`);
    return [field, values];
  });
}

/** A value as it appears in a run name: "8/255" → "8_255"; characters outside [A-Za-z0-9._-] become "_". */
function nameValue(v: unknown): string {
  return String(v).replace(/\//g, '_').replace(/[^A-Za-z0-9._-]/g, '_');
}

interface Split {
  config: ConfigInput;
  nproc?: number;
  after?: string;
  axes?: [string, unknown[]][];
}

/** Separates the sweep keys from the configuration fields of one settings mapping and checks both. */
function splitSettings(v: unknown, where: string, allowAxes: boolean): Split {
  if (typeof v === 'string') return { config: checkInput({ preset: v }, where) };
  if (v === null || v === undefined) return { config: {} };
  if (!isMapping(v)) throw new UserError(`${where}: expected a mapping of settings or preset names, got ${JSON.stringify(v)}`);
  if (v.seed !== undefined) throw new UserError(`${where}: field 'seed': seeds are given by the grid's top-level 'seeds'`);
  const rest: Raw = {};
  for (const [k, x] of Object.entries(v)) if (!SWEEP_KEYS.includes(k)) rest[k] = x;
  const out: Split = { config: checkInput(rest, where) };
  if (v.nproc !== undefined) {
    if (!Number.isInteger(v.nproc) || (v.nproc as number) < 1) throw new UserError(`${where}: field 'nproc': expected an integer ≥ 1, got ${JSON.stringify(v.nproc)}`);
    out.nproc = v.nproc as number;
  }
  if (v.after !== undefined) {
    if (typeof v.after !== 'string') throw new UserError(`${where}: field 'after': expected a method name, got ${JSON.stringify(v.after)}`);
    out.after = v.after;
  }
  if (v.axes !== undefined) {
    if (!allowAxes) throw new UserError(`${where}: field 'axes' belongs at the top level or in a method`);
    out.axes = axisList(v.axes, `${where}.axes`);
  }
  return out;
}

/** Replaces {out} and {seed} in string settings. */
function substitute(c: ConfigInput, out: string | undefined, seed: number): ConfigInput {
  const r: ConfigInput = {};
  for (const [k, v] of Object.entries(c)) {
    r[k] = typeof v === 'string' ? v.replace(/\{seed\}/g, String(seed)).replace(/\{out\}/g, out ?? '{out}') : v;
  }
  return r;
}

function cross(axes: [string, unknown[]][]): [string, unknown][][] {
  let combos: [string, unknown][][] = [[]];
  for (const [field, values] of axes) combos = combos.flatMap((c) => values.map((v) => [...c, [field, v] as [string, unknown]]));
  return combos;
}

/**
 * Expands a parsed grid into its entries, in the order methods × axes × seeds, each resolved like `cfa train` would
 * (presets, then base, method and axis settings, then the seed). `out` fills {out} in settings.
 */
export function expandGrid(raw: unknown, source: string, version: string, out?: string): Grid {
  if (!isMapping(raw)) throw new UserError(`${source}: expected a mapping with 'methods' (and optionally base, axes, seeds), got ${Array.isArray(raw) ? 'a list' : JSON.stringify(raw)}`);
  const unknown = Object.keys(raw).filter((k) => !TOP.includes(k));
  if (unknown.length) throw new UserError(`${source}: unknown field '${unknown[0]}' (known: ${TOP.join(', ')})`);
  const base = splitSettings(raw.base, `${source}: base`, false);
  const topAxes = axisList(raw.axes, `${source}: axes`);
  const seeds = seedList(raw.seeds, source);
  if (!isMapping(raw.methods) || Object.keys(raw.methods).length === 0) {
    throw new UserError(`${source}: field 'methods': expected a mapping of method name → settings or preset names, got ${JSON.stringify(raw.methods)}`);
  }
  const entries: SweepEntry[] = [];
  const byKey = new Map<string, number>();
  const pendingAfter: { entry: SweepEntry; key: string; where: string }[] = [];
  for (const [method, spec] of Object.entries(raw.methods)) {
    const where = `${source}: methods.${method}`;
    if (!NAME.test(method)) throw new UserError(`${where}: a method name must be letters, digits, '.', '_' or '-' (it names run directories)`);
    const m = splitSettings(spec, where, true);
    if (m.after !== undefined && !(m.after in raw.methods)) throw new UserError(`${where}: field 'after': unknown method '${m.after}' (known: ${Object.keys(raw.methods).join(', ')})`);
    if (m.after === method) throw new UserError(`${where}: field 'after': a method cannot wait for itself`);
    const axes = m.axes ?? topAxes;
    if (axes.some(([f]) => f === 'seed')) throw new UserError(`${where}: axes: field 'seed': seeds are given by the grid's top-level 'seeds'`);
    for (const combo of cross(axes)) {
      const axisInput = checkInput(Object.fromEntries(combo), `${where}: axes`);
      for (const seed of seeds) {
        const axisText = combo.map(([f, v]) => [f, String(v)] as [string, string]);
        const name = [method, ...combo.map(([f, v]) => `${f}=${nameValue(v)}`), `seed${seed}`].join('-');
        const presets = [...((base.config.preset as string[] | undefined) ?? []), ...((m.config.preset as string[] | undefined) ?? [])];
        const strip = (c: ConfigInput) => Object.fromEntries(Object.entries(c).filter(([k]) => k !== 'preset'));
        const settings = substitute(mergeInputs(strip(base.config), strip(m.config), axisInput, { seed }), out, seed);
        if (presets.length) settings.preset = presets;
        let config: PendingConfig;
        try {
          config = resolveConfig(mergeInputs(...presetInputs(presets), settings), version);
        } catch (e) {
          if (e instanceof UserError) throw new UserError(`${source}: entry ${name}: ${e.message}`);
          throw e;
        }
        const entry: SweepEntry = { index: entries.length, name, method, seed, axes: axisText, nproc: m.nproc ?? base.nproc ?? 1, settings, config };
        const key = JSON.stringify([axisText, seed]);
        byKey.set(JSON.stringify([method, key]), entry.index);
        if (m.after !== undefined) pendingAfter.push({ entry, key: JSON.stringify([m.after, key]), where });
        entries.push(entry);
      }
    }
  }
  for (const [method, spec] of Object.entries(raw.methods)) {
    const seen = [method];
    for (let m = (spec as Raw | null)?.after; typeof m === 'string'; m = (raw.methods[m] as Raw | null)?.after) {
      if (seen.includes(m)) throw new UserError(`${source}: methods.${method}: field 'after': the chain ${[...seen, m].join(' → ')} is a cycle`);
      seen.push(m);
    }
  }
  for (const p of pendingAfter) {
    const dep = byKey.get(p.key);
    if (dep === undefined) throw new UserError(`${p.where}: field 'after': no run of that method has the axes and seed of ${p.entry.name}`);
    p.entry.after = dep;
  }
  const names = new Set<string>();
  for (const e of entries) {
    if (names.has(e.name)) throw new UserError(`${source}: two entries are both named ${e.name} (give axis values that differ in their names)`);
    names.add(e.name);
  }
  return { source, entries };
}

/** The run directory of an entry. */
export function entryDir(out: string, e: SweepEntry): string {
  return path.join(out, e.name);
}
