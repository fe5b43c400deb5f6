// Model and attack plug-in files: what they may export, and the one-line errors for files that do not fit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { dispose, tensor } from '../../src/engine';
import { UserError } from '../../src/errors';
import { Linear, Module, Sequential, createNetwork } from '../../src/nn';
import { loadAttackPlugin } from '../../src/cli/plugins';
import { tempDir } from '../helpers/temp-dir';

const dir = tempDir('cfa-plugins-');
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};
const spec = { numClasses: 3, inChannels: 1, inputSize: 2 };
const userError = (pattern: RegExp) => (e: unknown) => e instanceof UserError && pattern.test(e.message) && !e.message.includes('\n');

test('a model plug-in may export the factory itself, as default, or as createModel; it gets the spec and the layers', () => {
  const direct = write('direct.js', "module.exports = ({ numClasses, inChannels, inputSize }, { nn }) => new nn.Sequential(new nn.Flatten(), new nn.Linear(inChannels * inputSize * inputSize, numClasses));");
  const named = write('named.js', 'exports.createModel = (s, { nn }) => new nn.Linear(4, s.numClasses);');
  const dflt = write('default.js', 'exports.default = (s, { nn }) => new nn.Linear(4, s.numClasses + 1);');
  const a = createNetwork({ arch: direct, ...spec });
  assert.ok(a instanceof Sequential);
  assert.deepEqual(a.stateDict().get('1.weight')!.shape, [3, 4]);
  const b = createNetwork({ arch: named, ...spec });
  const c = createNetwork({ arch: dflt, ...spec });
  assert.ok(b instanceof Linear && c instanceof Module);
  assert.deepEqual([b.stateDict().get('weight')!.shape, c.stateDict().get('weight')!.shape], [[3, 4], [4, 4]]);
  [a, b, c].forEach((m) => m.dispose());
});

test('model plug-ins that do not fit: missing file, nothing callable, not a Module, a load error', () => {
  assert.throws(() => createNetwork({ arch: path.join(dir, 'missing.js'), ...spec }), userError(/--arch .*missing\.js: file not found/));
  const none = write('none.js', 'exports.size = 3;');
  assert.throws(() => createNetwork({ arch: none, ...spec }), userError(/none\.js: exports no function/));
  const wrong = write('wrong.js', 'module.exports = () => ({ forward: (x) => x });');
  assert.throws(() => createNetwork({ arch: wrong, ...spec }), userError(/wrong\.js: the factory returned an object of class Object, expected a Module/));
  const broken = write('broken.js', 'module.exports = (;');
  assert.throws(() => createNetwork({ arch: broken, ...spec }), userError(/broken\.js: cannot load/));
});

test('an attack plug-in: {name, defaults, run} or a function; command-line settings override its defaults', () => {
  const seen: unknown[] = [];
  (globalThis as Record<string, unknown>).cfaPluginTestSeen = seen;
  const obj = write('obj.js', "module.exports = { name: 'shift', defaults: { steps: 7, eps: 0.5 }, run: (model, x, y, o, lib) => { globalThis.cfaPluginTestSeen.push({ ...o, lib: Object.keys(lib).sort() }); return x.add(o.eps); } };");
  const fn = write('fn.js', 'module.exports = (model, x) => x.mul(1);');
  const a = loadAttackPlugin(obj);
  const b = loadAttackPlugin(fn);
  assert.deepEqual([a.name, b.name], ['shift', 'fn']);
  const x = tensor([0.25, 0.5], [1, 2]);
  const y = tensor([0], [1], 'int64');
  const model = new Linear(2, 2);
  const out = a.run(model, x, y, { eps: 0.125, norm: 'Linf', steps: undefined, seed: 0 });
  assert.deepEqual(out.toArray(), [0.375, 0.625]);
  assert.deepEqual(seen, [{ eps: 0.125, norm: 'Linf', steps: 7, seed: 0, lib: ['attacks', 'engine', 'nn'] }]);
  dispose([x, y, out]);
  model.dispose();
  assert.throws(() => loadAttackPlugin(write('empty.js', 'exports.x = 1;')), userError(/empty\.js: exports no attack/));
  assert.throws(() => loadAttackPlugin(path.join(dir, 'nope.js')), userError(/--attack .*nope\.js: file not found/));
});

