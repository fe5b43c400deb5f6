// Model plug-ins: a user's CommonJS file whose default export (or `createModel` export) is a function
// ({numClasses, inChannels, inputSize}, {engine, nn}) => Module, used wherever an architecture name is accepted
// (`cfa train --arch ./my-net.js`, `cfa eval --arch ./my-net.js`). The second argument holds this library's tensor
// ops and layers, so a plug-in builds its network from the same classes without requiring the package.
import * as fs from 'fs';
import * as path from 'path';
import * as engine from '../../engine';
import { UserError } from '../../errors';
import * as layers from '../layers';
import * as modules from '../module';
import { Module } from '../module';

export interface ModelPluginSpec {
  numClasses: number;
  inChannels: number;
  inputSize: number;
}

/** What a plug-in receives besides the spec: the tensor engine and the layer classes. */
export const PLUGIN_LIBRARY = { engine, nn: { ...modules, ...layers } };

export type ModelFactory = (spec: ModelPluginSpec, cfa: typeof PLUGIN_LIBRARY) => Module;

/** Loads a plug-in module (CommonJS); errors name the file and what was expected. */
export function loadPlugin(file: string, what: string): Record<string, unknown> | ((...a: unknown[]) => unknown) {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) throw new UserError(`${what} ${file}: file not found`);
  try {
    return require(abs) as Record<string, unknown>;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_REQUIRE_ESM') throw new UserError(`${what} ${file}: is an ES module; write it as CommonJS (module.exports = …)`);
    throw new UserError(`${what} ${file}: cannot load (${err.message.split('\n')[0]})`);
  }
}

/** A plug-in's exported function: the module itself, its default export, or the export named `name`. */
export function pluginFunction(mod: ReturnType<typeof loadPlugin>, name: string): ((...a: unknown[]) => unknown) | undefined {
  if (typeof mod === 'function') return mod;
  const f = mod.default ?? mod[name];
  return typeof f === 'function' ? (f as (...a: unknown[]) => unknown) : undefined;
}

/** Builds the network of a model plug-in file, checking that it returns a Module. */
export function createPluginNetwork(file: string, spec: ModelPluginSpec): Module {
  const f = pluginFunction(loadPlugin(file, '--arch'), 'createModel');
  if (!f) throw new UserError(`--arch ${file}: exports no function (expected module.exports = ({numClasses, inChannels, inputSize}) => Module, or an export named createModel)`);
  const m = f({ ...spec }, PLUGIN_LIBRARY);
  if (!(m instanceof Module)) {
    const got = m === null || typeof m !== 'object' ? String(m) : `an object of class ${(m as object).constructor?.name ?? '?'}`;
    throw new UserError(`--arch ${file}: the factory returned ${got}, expected a Module (build it from the layers in the factory's second argument)`);
  }
  return m;
}
