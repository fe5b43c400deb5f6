// Attack plug-ins for `cfa eval --attack ./my-attack.js`: a CommonJS file exporting either a function
// (model, x, y, {eps, norm, steps, stepSize, restarts, seed}, cfa) => xAdv, or an object {name, defaults, run} with
// such a `run` (also as the default export). `defaults` fill the settings the command line leaves open; the last
// argument holds this library (engine, nn, attacks), so a plug-in needs no require. Model plug-ins (`--arch FILE`)
// are loaded by src/nn/models/plugin.ts.
import * as path from 'path';
import * as attacks from '../attacks';
import { UserError } from '../errors';
import { UserAttack } from '../evaluation/evaluate';
import { PLUGIN_LIBRARY, loadPlugin, pluginFunction } from '../nn';

/** What an attack plug-in receives as its last argument. */
export const ATTACK_LIBRARY = { ...PLUGIN_LIBRARY, attacks };

/** Whether --attack names a plug-in file rather than a built-in attack. */
export function isAttackPlugin(attack: string): boolean {
  return /\.(c?js)$/i.test(attack);
}

/** Loads an attack plug-in; errors name the file and what was expected. */
export function loadAttackPlugin(file: string): UserAttack {
  const mod = loadPlugin(file, '--attack');
  const spec = (typeof mod === 'function' ? {} : (mod.default ?? mod)) as Record<string, unknown>;
  const run = pluginFunction(mod, 'run') ?? (typeof spec.run === 'function' ? (spec.run as (...a: unknown[]) => unknown) : undefined);
  if (!run) throw new UserError(`--attack ${file}: exports no attack (expected a function (model, x, y, {eps, ...}) => xAdv, or {name, defaults, run})`);
  const defaults = spec.defaults ?? {};
  if (defaults === null || typeof defaults !== 'object') throw new UserError(`--attack ${file}: 'defaults' must be an object of settings, got ${JSON.stringify(defaults)}`);
  const name = typeof spec.name === 'string' && spec.name ? spec.name : path.basename(file).replace(/\.c?js$/i, '');
  return {
    name,
    run(model, x, y, o) {
      const given = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
      return run(model, x, y, { ...defaults, ...given }, ATTACK_LIBRARY) as ReturnType<UserAttack['run']>;
    },
  };
}
