// Reading settings against a schema: checking partial inputs (nested, dotted "fawa.threshold", or the old flat
// "fawaThreshold"), merging them in order, filling in defaults, and upgrading old flat records.
import { UserError } from '../errors';
import { Field, Group, Infer, Schema } from './fields';
import { Resolved } from './rules';

/** A checked partial input: nested like the schema. */
export type Input = Record<string, unknown>;

export interface Entry {
  /** Dotted path, e.g. "fawa.threshold". */
  path: string;
  field: Field;
}

/** Every field of a schema with its dotted path, in declaration order. */
export function entries(schema: Schema, prefix = ''): Entry[] {
  return Object.entries(schema).flatMap(([k, node]) =>
    node.node === 'group' ? entries((node as Group).fields, `${prefix}${k}.`) : [{ path: `${prefix}${k}`, field: node as Field }],
  );
}

/** The old flat name of a nested field: its own alias, else group + capitalised name (fawa.threshold → fawaThreshold). */
export function flatName(e: Entry): string | undefined {
  if (e.field.alias) return e.field.alias;
  const parts = e.path.split('.');
  return parts.length === 2 ? parts[0] + parts[1][0].toUpperCase() + parts[1].slice(1) : undefined;
}

function lookup(schema: Schema): Map<string, Entry> {
  const m = new Map<string, Entry>();
  for (const e of entries(schema)) {
    m.set(e.path, e);
    const flat = flatName(e);
    if (flat) m.set(flat, e);
  }
  return m;
}

function setPath(o: Input, path: string, v: unknown): void {
  const parts = path.split('.');
  let cur = o;
  for (const p of parts.slice(0, -1)) cur = (cur[p] ??= {}) as Input;
  cur[parts[parts.length - 1]] = v;
}

function getPath(o: Input, path: string): unknown {
  return path.split('.').reduce<unknown>((cur, p) => (cur === undefined || cur === null ? undefined : (cur as Input)[p]), o);
}

const isMapping = (v: unknown): v is Input => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Checks a partial input from a file, a preset or --set (`where` names it): known fields only (nested, dotted or
 * flat names), each value in its range. Errors name the field as given.
 */
export function checkInput(schema: Schema, raw: unknown, where: string): Input {
  if (!isMapping(raw)) throw new UserError(`${where}: expected a mapping of settings, got ${Array.isArray(raw) ? 'a list' : JSON.stringify(raw)}`);
  const known = lookup(schema);
  const out: Input = {};
  const unknown: string[] = [];
  const visit = (obj: Input, prefix: string) => {
    for (const [k, v] of Object.entries(obj)) {
      const name = prefix + k;
      const e = known.get(name);
      if (e) setPath(out, e.path, e.field.check(v, { where, field: name }));
      else if (isMapping(v) && [...known.keys()].some((p) => p.startsWith(`${name}.`))) visit(v, `${name}.`);
      else unknown.push(name);
    }
  };
  visit(raw, '');
  if (unknown.length) {
    const names = entries(schema).map((e) => e.path);
    throw new UserError(`${where}: unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')} (known fields: ${names.join(', ')})`);
  }
  return out;
}

/** Merges checked inputs left to right: a later value replaces an earlier one, or merges with it where the field says so. */
export function mergeInputs(schema: Schema, ...inputs: Input[]): Input {
  const out: Input = {};
  for (const inp of inputs) {
    for (const e of entries(schema)) {
      const v = getPath(inp, e.path);
      if (v === undefined) continue;
      const before = getPath(out, e.path);
      setPath(out, e.path, e.field.merge && before !== undefined ? e.field.merge(before, v) : v);
    }
  }
  return out;
}

/** Every setting: the input's value, else the field's default rule applied to the settings resolved before it. */
export function resolveInput<S extends Schema>(schema: S, input: Input): Infer<S> {
  const out: Input = {};
  const walk = (s: Schema, into: Input, prefix: string) => {
    for (const [k, node] of Object.entries(s)) {
      if (node.node === 'group') {
        into[k] = {};
        walk(node.fields, into[k] as Input, `${prefix}${k}.`);
        continue;
      }
      const given = getPath(input, prefix + k);
      const v = given !== undefined ? given : node.default?.value(out as Resolved);
      if (v !== undefined) into[k] = node.finish ? node.finish(v, out as Resolved) : v;
    }
  };
  walk(schema, out, '');
  return out as Infer<S>;
}

/**
 * A saved record (e.g. an old run's config.json) with flat names moved to their nested places; other keys (values
 * derived from the data, the version) are kept as they are.
 */
export function upgradeFlat(schema: Schema, raw: Input): Input {
  const out: Input = {};
  const flat = new Map(entries(schema).map((e) => [flatName(e), e] as const));
  for (const [k, v] of Object.entries(raw)) {
    const e = flat.get(k);
    if (e && e.path !== k) setPath(out, e.path, v);
    else if (isMapping(v) && isMapping(out[k])) out[k] = { ...(v as Input), ...(out[k] as Input) };
    else out[k] = v;
  }
  return out;
}

/** One `--set field=value` override; `parseValue` reads the text (YAML: numbers, booleans, lists, strings). */
export function parseSetting(schema: Schema, text: string, parseValue: (s: string) => unknown): Input {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UserError(`--set: expected field=value, got '${text}'`);
  const field = text.slice(0, eq).trim();
  return checkInput(schema, { [field]: parseValue(text.slice(eq + 1)) }, `--set ${field}`);
}
