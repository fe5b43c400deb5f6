// Shared command-line parsing: strict flags, numbers and fractions such as 8/255 (settings' flags: ./options.ts).
import { parseArgs, ParseArgsConfig } from 'util';
import { UserError } from '../errors';

export { parseNumber } from '../schema';

export function parseInteger(text: string, flag: string, min = 0): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < min) throw new UserError(`${flag}: expected an integer ≥ ${min}, got '${text}'`);
  return v;
}

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
