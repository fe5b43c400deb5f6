// The kinds of setting a schema declares: each field has a one-line doc, the values it accepts (checked, with a
// one-line error naming the field), how a command-line flag's text is read, and its default rule.
import { UserError } from '../errors';
import { Resolved, Rule, asRule } from './rules';

/** Where a value comes from, for error messages: the source (a file, a preset, "--set", "--eps") and the field as given. */
export interface At {
  where: string;
  field: string;
}

export function fail(at: At, expected: string, got: unknown): never {
  const shown = JSON.stringify(got);
  throw new UserError(`${at.where}: field '${at.field}': expected ${expected}, got ${shown === undefined ? String(got) : shown.slice(0, 80)}`);
}

/** Parses "8/255", "0.031" or "8" into a number; names the flag in the error. */
export function parseNumber(text: string, flag: string): number {
  const m = /^\s*([+-]?\d*\.?\d+(?:e[+-]?\d+)?)\s*(?:\/\s*(\d*\.?\d+(?:e[+-]?\d+)?))?\s*$/i.exec(text);
  if (!m) throw new UserError(`${flag}: expected a number or a fraction like 8/255, got '${text}'`);
  const v = m[2] === undefined ? Number(m[1]) : Number(m[1]) / Number(m[2]);
  if (!Number.isFinite(v)) throw new UserError(`${flag}: '${text}' is not a finite number`);
  return v;
}

export interface Field<T = unknown, Optional extends boolean = boolean> {
  readonly node: 'field';
  doc: string;
  /** The accepted values in words, e.g. "number in [0, 1]". */
  range: string;
  /** Checks (and converts) a value from a file, a preset or --set. */
  check(v: unknown, at: At): T;
  /** Reads a flag's text into a value for `check`. */
  fromText(text: string, flag: string): unknown;
  /** How later inputs combine with earlier ones (default: replace). */
  merge?: (earlier: T, later: T) => T;
  /** Completes the given or default value from the settings resolved before it (e.g. "all" CFA parts by method). */
  finish?: (v: T, resolved: Resolved) => T;
  /** The default; without one (or when it gives undefined) the setting is absent unless given. */
  default?: Rule<T | undefined>;
  optional: Optional;
  /** Command-line flag (without --) that sets this field, and the word for its value in --help. */
  flag?: string;
  arg?: string;
  /** A boolean: as a flag it takes no value. */
  boolean?: true;
  /** Old flat name, still accepted in config files and config.json (e.g. fawaThreshold for fawa.threshold). */
  alias?: string;
}

export interface Group<S extends Schema = Schema> {
  readonly node: 'group';
  doc: string;
  fields: S;
}

export type Schema = { [key: string]: Field<any, boolean> | Group<any> }; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Options every field builder takes besides its range. */
export interface Extra<T> {
  default?: T | Rule<T | undefined>;
  /** The default rule may leave the setting absent (e.g. β for methods without one). */
  optional?: true;
  flag?: string;
  arg?: string;
  alias?: string;
  merge?: (earlier: T, later: T) => T;
  finish?: (v: T, resolved: Resolved) => T;
}

type Made<T, E extends Extra<T>> = Field<T, E extends { optional: true } ? true : E extends { default: unknown } ? false : true>;

function make<T, E extends Extra<T>>(doc: string, range: string, check: Field<T>['check'], fromText: Field<T>['fromText'], e: E): Made<T, E> {
  const d = e.default;
  const rule = d === undefined ? undefined : asRule<T | undefined>(d);
  return { node: 'field', doc, range, check, fromText, default: rule, optional: (d === undefined || e.optional === true) as never, flag: e.flag, arg: e.arg, alias: e.alias, merge: e.merge, finish: e.finish };
}

const asText = (t: string) => t;

export interface NumberRange {
  min?: number;
  max?: number;
  /** min is excluded. */
  open?: boolean;
  integer?: boolean;
  /** Accepts "8/255" in files and --set. */
  fraction?: boolean;
}

function numberRange(r: NumberRange): string {
  const what = r.integer ? 'an integer' : 'a number';
  if (r.min !== undefined && r.max !== undefined) return `${what} in ${r.open ? '(' : '['}${r.min}, ${r.max}]`;
  if (r.min !== undefined) return `${what} ${r.open ? '>' : '≥'} ${r.min}`;
  return what;
}

function checkNumber(v: unknown, r: NumberRange, at: At): number {
  let x: number;
  if (typeof v === 'number') x = v;
  else if (typeof v === 'string' && r.fraction && /^\s*[+-]?\d*\.?\d+(e[+-]?\d+)?\s*\/\s*\d*\.?\d+(e[+-]?\d+)?\s*$/i.test(v)) {
    const [a, b] = v.split('/').map(Number);
    x = a / b;
  } else fail(at, r.fraction ? 'a number or a fraction like "8/255"' : 'a number', v);
  if (!Number.isFinite(x)) fail(at, 'a finite number', v);
  if (r.integer && !Number.isInteger(x)) fail(at, `an integer${r.min !== undefined ? ` ≥ ${r.min}` : ''}`, v);
  if (r.min !== undefined && (r.open ? x <= r.min : x < r.min)) fail(at, `a number ${r.open ? '>' : '≥'} ${r.min}${r.max !== undefined ? ` and ≤ ${r.max}` : ''}`, v);
  if (r.max !== undefined && x > r.max) fail(at, `a number in [${r.min ?? '−∞'}, ${r.max}]`, v);
  return x;
}

/** A number (or integer) in a range. */
export function num<E extends Extra<number>>(doc: string, r: NumberRange, e: E = {} as E): Made<number, E> {
  return make(doc, numberRange(r), (v, at) => checkNumber(v, r, at), parseNumber, e);
}

/** An integer ≥ min (0 by default). */
export function int<E extends Extra<number>>(doc: string, min: number, e: E = {} as E): Made<number, E> {
  return num(doc, { integer: true, min }, e);
}

/** A number in [0, 1]. */
export function frac<E extends Extra<number>>(doc: string, e: E = {} as E): Made<number, E> {
  return num(doc, { min: 0, max: 1 }, e);
}

/** One of a few words. */
export function choice<V extends string, E extends Extra<V>>(doc: string, values: readonly V[], e: E = {} as E): Made<V, E> {
  const check = (v: unknown, at: At) => {
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) fail(at, `one of ${values.join(', ')}`, v);
    return v as V;
  };
  return make(doc, values.join(' | '), check, asText, e);
}

/** A non-empty string, optionally normalised (e.g. a path made absolute). */
export function str<E extends Extra<string>>(doc: string, e: E = {} as E, normalize: (s: string) => string = (s) => s): Made<string, E> {
  const check = (v: unknown, at: At) => {
    if (typeof v !== 'string' || v.length === 0) fail(at, 'a non-empty string', v);
    return normalize(v);
  };
  return make(doc, 'text', check, asText, e);
}

/** true or false; as a flag, present means true. */
export function bool<E extends Extra<boolean>>(doc: string, e: E = {} as E): Made<boolean, E> {
  const check = (v: unknown, at: At) => {
    if (typeof v !== 'boolean') fail(at, 'true or false', v);
    return v;
  };
  return { ...make(doc, 'true | false', check, () => true, e), boolean: true };
}

/** A list of integers ≥ 0 (a flag takes them comma-separated). */
export function integers<E extends Extra<number[]>>(doc: string, e: E = {} as E): Made<number[], E> {
  const check = (v: unknown, at: At) => {
    if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x) && x >= 0)) fail(at, 'a list of integers ≥ 0', v);
    return (v as number[]).slice();
  };
  return make(doc, 'list of integers ≥ 0', check, (t, flag) => t.split(',').map((s) => parseNumber(s, flag)), e);
}

/** A non-empty list of numbers in a range (a flag takes them comma-separated; fractions allowed). */
export function numbers<E extends Extra<number[]>>(doc: string, r: NumberRange, e: E = {} as E): Made<number[], E> {
  const check = (v: unknown, at: At) => {
    const list = Array.isArray(v) ? v : [v];
    if (list.length === 0) fail(at, `a list of ${numberRange(r)}`, v);
    return list.map((x, i) => checkNumber(x, r, { where: at.where, field: list.length > 1 ? `${at.field}[${i}]` : at.field }));
  };
  return make(doc, `list of ${numberRange(r)}`, check, (t, flag) => t.split(',').map((s) => parseNumber(s, flag)), e);
}

/** A field of its own kind (e.g. the CFA switches): its range in words, check, flag reader and merge. */
export function custom<T, E extends Extra<T>>(
  doc: string,
  range: string,
  check: Field<T>['check'],
  fromText: Field<T>['fromText'],
  e: E,
): Made<T, E> {
  return make(doc, range, check, fromText, e);
}

/** Settings used together by one part of the code, e.g. fawa: {decay, threshold, begin}. */
export function group<S extends Schema>(doc: string, fields: S): Group<S> {
  return { node: 'group', doc, fields };
}

type FieldValue<F> = F extends Field<infer T, boolean> ? T : never;

/** The TypeScript type of resolved settings: groups become nested objects; fields without a default are optional. */
export type Infer<S extends Schema> = {
  -readonly [K in keyof S as S[K] extends Field<unknown, true> ? never : K]: S[K] extends Group<infer G> ? Infer<G> : FieldValue<S[K]>;
} & {
  -readonly [K in keyof S as S[K] extends Field<unknown, true> ? K : never]?: FieldValue<S[K]>;
};
