// Command-line flags from a settings schema: the parseArgs options, the flags' values read and checked by their
// fields (errors name the flag), used by `cfa train` and `cfa eval` alike.
import { ParseArgsConfig } from 'util';
import { Input, Schema, checkInput, entries, mergeInputs } from '../schema';

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs options of the schema's flags (booleans take no value). */
export function schemaOptions(schema: Schema): Options {
  const out: Options = {};
  for (const e of entries(schema)) {
    if (!e.field.flag) continue;
    out[e.field.flag] = { type: e.field.boolean ? 'boolean' : 'string' };
  }
  return out;
}

/** The partial input given by flags: each flag's text read by its field, then checked like a config-file field. */
export function flagInputs(schema: Schema, values: Record<string, unknown>): Input {
  const inputs = entries(schema)
    .filter((e) => e.field.flag && values[e.field.flag] !== undefined)
    .map((e) => {
      const flag = `--${e.field.flag}`;
      const v = values[e.field.flag!];
      return checkInput(schema, { [e.path]: typeof v === 'string' ? e.field.fromText(v, flag) : v }, flag);
    });
  return mergeInputs(schema, ...inputs);
}
