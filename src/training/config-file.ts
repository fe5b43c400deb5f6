// Reading a JSON or YAML configuration file into a checked partial configuration.
import * as fs from 'fs';
import * as YAML from 'yaml';
import { UserError } from '../errors';
import { ConfigInput, checkInput } from './config';

/** Parses a YAML (or JSON, which YAML includes) scalar, list or mapping; used for files and `--set` values. */
export function parseYamlText(text: string, where: string): unknown {
  try {
    return YAML.parse(text);
  } catch (e) {
    throw new UserError(`${where}: not valid YAML/JSON (${(e as Error).message.split('\n')[0]})`);
  }
}

/** Reads `file` (.json parsed as JSON, anything else as YAML) and checks every field; errors name the file and field. */
export function readConfigFile(file: string): ConfigInput {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`--config ${file}: cannot read (${code === 'ENOENT' ? 'file not found' : code ?? (e as Error).message})`);
  }
  let raw: unknown;
  if (file.toLowerCase().endsWith('.json')) {
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new UserError(`${file}: not valid JSON (${(e as Error).message})`);
    }
  } else raw = parseYamlText(text, file);
  return checkInput(raw ?? {}, file);
}
