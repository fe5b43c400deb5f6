// Shared command-line parsing: flags common to `cfa train` and `cfa eval`, fractions such as 8/255.
import { parseArgs, ParseArgsConfig } from 'util';
import { UserError } from '../errors';

/** Parses "8/255", "0.031" or "8" into a number; names the flag in the error. */
export function parseNumber(text: string, flag: string): number {
  const m = /^\s*([+-]?\d*\.?\d+(?:e[+-]?\d+)?)\s*(?:\/\s*(\d*\.?\d+(?:e[+-]?\d+)?))?\s*$/i.exec(text);
  if (!m) throw new UserError(`${flag}: expected a number or a fraction like 8/255, got '${text}'`);
  const v = m[2] === undefined ? Number(m[1]) : Number(m[1]) / Number(m[2]);
  if (!Number.isFinite(v)) throw new UserError(`${flag}: '${text}' is not a finite number`);
  return v;
}

export function parseInteger(text: string, flag: string, min = 0): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < min) throw new UserError(`${flag}: expected an integer ≥ ${min}, got '${text}'`);
  return v;
}

/** Options shared by train and eval. */
export const commonOptions = {
  data: { type: 'string' },
  'data-dir': { type: 'string' },
  arch: { type: 'string' },
  eps: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  device: { type: 'string' },
  threads: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** util.parseArgs with strict checking; unknown flags become a UserError naming the flag. */
export interface Flags {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}
export function parseFlags(argv: string[], options: NonNullable<ParseArgsConfig['options']>, allowPositionals = false): Flags {
  try {
    const r = parseArgs({ args: argv, options, allowPositionals, strict: true });
    return { values: r.values as Flags['values'], positionals: r.positionals };
  } catch (e) {
    throw new UserError((e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
}
