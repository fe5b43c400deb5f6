// Grid expansion: counts, names and every resolved setting of a small grid and of paper-table1; bad grid files give
// one-line errors naming the file and the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { UserError } from '../../src/errors';
import { expandGrid, readGridFile } from '../../src/sweep/grid';
import { NAMED_GRIDS, namedGrid } from '../../src/sweep/named-grids';
import { tempDir } from '../helpers/temp-dir';

const CFA = path.join(__dirname, '../../../bin/cfa.js');
const V = '0.0.0-test';

test('a small grid: methods × axes × seeds, names, and each entry resolved like cfa train', () => {
  const g = expandGrid(
    {
      base: { preset: 'quick-fmnist', epochs: 4, nproc: 1 },
      methods: {
        at: { method: 'at', cfa: 'ema' },
        'trades-cfa': { method: 'trades', cfa: 'ccm,ccr,fawa', axes: { lambda2: [0.4, 0.6] }, nproc: 2 },
      },
      axes: { eps: ['4/255', 0.1] },
      seeds: [3, 7],
    },
    'g.yaml',
    V,
  );
  assert.deepEqual(
    g.entries.map((e) => e.name),
    ['at-eps=4_255-seed3', 'at-eps=4_255-seed7', 'at-eps=0.1-seed3', 'at-eps=0.1-seed7', 'trades-cfa-lambda2=0.4-seed3', 'trades-cfa-lambda2=0.4-seed7', 'trades-cfa-lambda2=0.6-seed3', 'trades-cfa-lambda2=0.6-seed7'],
  );
  assert.deepEqual(g.entries.map((e) => e.index), [0, 1, 2, 3, 4, 5, 6, 7]);
  for (const e of g.entries) {
    const c = e.config;
    // From the preset, then base.
    assert.equal(c.dataset, 'fashion-mnist');
    assert.equal(c.arch, 'smallcnn');
    assert.equal(c.perClass, 500);
    assert.equal(c.epochs, 4, 'base overrides the preset');
    assert.equal(c.preset, 'quick-fmnist');
    assert.equal(c.version, V);
    assert.equal(c.seed, e.seed);
    assert.deepEqual(c.lrMilestones, [16, 18], 'the preset\'s milestones');
    if (e.method === 'at') {
      assert.equal(c.method, 'at');
      assert.deepEqual(c.cfa, { ccm: false, ccr: false, fawa: false, ema: true });
      assert.equal(c.eps, e.name.includes('4_255') ? 4 / 255 : 0.1);
      assert.equal(c.stepSize, 0.04, 'the preset\'s explicit α is kept');
      assert.equal(c.calibration.lambda1, 0.5);
      assert.equal(e.nproc, 1);
      assert.deepEqual(e.axes, [['eps', e.name.includes('4_255') ? '4/255' : '0.1']]);
    } else {
      assert.equal(c.method, 'trades');
      assert.deepEqual(c.cfa, { ccm: true, ccr: true, fawa: true, ema: false });
      assert.equal(c.eps, 0.1, 'the method\'s own axes replace the top-level ones: the preset\'s ε');
      assert.equal(c.calibration.lambda2, e.name.includes('0.4') ? 0.4 : 0.6);
      assert.equal(c.calibration.lambda1, 0.3);
      assert.equal(c.beta, 6);
      assert.equal(e.nproc, 2);
    }
    assert.equal(e.after, undefined);
  }
  assert.deepEqual(g.entries.map((e) => e.seed), [3, 7, 3, 7, 3, 7, 3, 7]);
});

test('seeds as a count, no axes, {out} and {seed} in strings, after', () => {
  const g = expandGrid(
    { base: { dataset: 'fashion-mnist', epochs: 2 }, methods: { a: 'quick-fmnist', b: { init: '{out}/a-seed{seed}/checkpoints/model-best.safetensors', after: 'a' } }, seeds: 3 },
    'g.yaml',
    V,
    '/sweeps/x',
  );
  assert.deepEqual(g.entries.map((e) => e.name), ['a-seed0', 'a-seed1', 'a-seed2', 'b-seed0', 'b-seed1', 'b-seed2']);
  assert.deepEqual(g.entries.map((e) => e.after), [undefined, undefined, undefined, 0, 1, 2]);
  assert.equal(g.entries[4].config.init, '/sweeps/x/a-seed1/checkpoints/model-best.safetensors');
  assert.equal(g.entries[0].config.perClass, 500, 'a method given as a preset name');
  assert.equal(g.entries[0].config.epochs, 2, 'presets apply first, then base settings');
});

test('paper-table1: 8 runs × 5 seeds give the 11 rows; every entry resolved as its preset says', () => {
  const g = namedGrid('paper-table1', V, '/s')!;
  assert.equal(g.entries.length, 40);
  const methods = ['at', 'at-cfa', 'trades', 'trades-cfa', 'fat', 'fat-cfa', 'frl-start', 'frl'];
  assert.deepEqual(g.entries.map((e) => e.name), methods.flatMap((m) => [0, 1, 2, 3, 4].map((s) => `${m}-seed${s}`)));
  const expected: Record<string, { method: string; cfa: string; lambda1: number; epochs: number; beta?: number; lr: number; preset: string }> = {
    at: { method: 'at', cfa: 'ema', lambda1: 0.5, epochs: 200, lr: 0.1, preset: 'paper-cifar10-at' },
    'at-cfa': { method: 'at', cfa: 'ccm,fawa', lambda1: 0.5, epochs: 200, lr: 0.1, preset: 'paper-cifar10-at-cfa' },
    trades: { method: 'trades', cfa: 'ema', lambda1: 0.3, epochs: 200, beta: 6, lr: 0.1, preset: 'paper-cifar10-trades' },
    'trades-cfa': { method: 'trades', cfa: 'ccm,ccr,fawa', lambda1: 0.3, epochs: 200, beta: 6, lr: 0.1, preset: 'paper-cifar10-trades-cfa' },
    fat: { method: 'fat', cfa: 'ema', lambda1: 0.7, epochs: 200, lr: 0.1, preset: 'paper-cifar10-fat' },
    'fat-cfa': { method: 'fat', cfa: 'ccm,fawa', lambda1: 0.7, epochs: 200, lr: 0.1, preset: 'paper-cifar10-fat-cfa' },
    'frl-start': { method: 'trades', cfa: 'ema', lambda1: 0.3, epochs: 200, beta: 6, lr: 0.1, preset: 'paper-cifar10-trades' },
    frl: { method: 'frl', cfa: 'ema', lambda1: 0.3, epochs: 40, beta: 1.5, lr: 0.001, preset: 'paper-cifar10-frl' },
  };
  for (const e of g.entries) {
    const x = expected[e.method];
    const c = e.config;
    assert.equal(c.dataset, 'cifar10', e.name);
    assert.equal(c.arch, e.method.startsWith('frl') ? 'prn18-frl' : 'prn18', e.name);
    assert.deepEqual(c.normalize, e.method.startsWith('frl') ? 'none' : 'dataset', e.name);
    assert.equal(c.eps, 8 / 255, e.name);
    assert.equal(c.stepSize, 2 / 255, e.name);
    assert.equal(c.steps, 10, e.name);
    assert.equal(c.method, x.method, e.name);
    assert.equal((['ccm', 'ccr', 'fawa', 'ema'] as const).filter((p) => c.cfa[p]).join(','), x.cfa, e.name);
    assert.equal(c.calibration.lambda1, x.lambda1, e.name);
    assert.equal(c.calibration.lambda2, 0.5, e.name);
    assert.equal(c.epochs, x.epochs, e.name);
    assert.equal(c.beta, x.beta, e.name);
    assert.equal(c.lr, x.lr, e.name);
    assert.equal(c.preset, x.preset, e.name);
    assert.equal(c.seed, e.seed, e.name);
    assert.equal(c.profile, 'paper', e.name);
    assert.equal(c.fawa.threshold, 0.2, e.name);
    assert.equal(c.ema.decay, 0.85, e.name);
    if (e.method === 'frl') {
      assert.equal(c.init, `/s/frl-start-seed${e.seed}/checkpoints/model-best.safetensors`);
      assert.equal(g.entries[e.after!].name, `frl-start-seed${e.seed}`);
    } else assert.equal(e.after, undefined);
  }
});

test('the paper\'s figure grids hold the paper\'s values', () => {
  const values = (name: string, f: (e: ReturnType<typeof namedGrid> & object) => unknown) => f(namedGrid(name, V)!);
  assert.deepEqual(values('paper-fig2', (g) => g.entries.map((e) => Math.round(e.config.eps * 255))), [2, 4, 6, 8, 10, 12, 14, 16]);
  assert.deepEqual(values('paper-fig3', (g) => g.entries.map((e) => e.config.beta)), [1, 2, 3, 4, 5, 6, 7, 8]);
  const f5 = namedGrid('paper-fig5a', V)!;
  assert.deepEqual(f5.entries.map((e) => [e.config.cfa.ccm, e.config.calibration.lambda1]), [[false, 0.5], [true, 0.3], [true, 0.4], [true, 0.5], [true, 0.6], [true, 0.7]]);
  const f7 = namedGrid('paper-fig7', V)!;
  assert.deepEqual(f7.entries.map((e) => [e.config.method, e.config.cfa.ccm && e.config.cfa.ccr, e.config.calibration.lambda1, e.config.calibration.lambda2]), [['trades', false, 0.3, 0.5], ...[0.3, 0.4, 0.5, 0.6, 0.7].map((l) => ['trades', true, 0.3, l])]);
  for (const name of Object.keys(NAMED_GRIDS)) for (const e of namedGrid(name, V)!.entries) assert.equal(e.config.epochs, e.method === 'frl' ? 40 : 200);
});

function gridError(text: string): string {
  const dir = tempDir('cfa-grid-');
  const file = path.join(dir, 'bad.yaml');
  fs.writeFileSync(file, text);
  try {
    readGridFile(file, V);
  } catch (e) {
    assert.ok(e instanceof UserError, `a UserError, got ${(e as Error).stack}`);
    assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
    assert.ok(e.message.startsWith(file), `names the file: ${e.message}`);
    return e.message.slice(file.length);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.fail(`no error for:\n${text}`);
}

test('bad grid files: one line naming the file and the field', () => {
  const m = 'methods: { at: { method: at } }\n';
  assert.match(gridError('methods: [at]\n'), /field 'methods': expected a mapping/);
  assert.match(gridError(`${m}seedz: 3\n`), /unknown field 'seedz'/);
  assert.match(gridError('methods: { at: { lambda1: abc } }\n'), /: methods\.at: field 'lambda1': expected a number/);
  assert.match(gridError('methods: { at: { lamda1: 0.3 } }\n'), /: methods\.at: unknown field 'lamda1'/);
  assert.match(gridError(`${m}axes: { eps: 8/255 }\n`), /: axes\.eps: expected a non-empty list/);
  assert.match(gridError(`${m}axes: { eps: [2, 300] }\n`), /: methods\.at: axes: field 'eps': expected a number in \[0, 1\]/);
  assert.match(gridError(`${m}seeds: [0, 0]\n`), /field 'seeds': expected a count ≥ 1 or a list of distinct integers/);
  assert.match(gridError('methods: { at: { after: pgd } }\n'), /methods\.at: field 'after': unknown method 'pgd'/);
  assert.match(gridError('methods: { a: { after: b }, b: { after: a } }\n'), /field 'after': the chain a → b → a is a cycle/);
  assert.match(gridError('methods: { at: { nproc: 0 } }\n'), /methods\.at: field 'nproc': expected an integer ≥ 1/);
  assert.match(gridError('methods: { at: { seed: 1 } }\n'), /methods\.at: field 'seed': seeds are given by the grid's top-level 'seeds'/);
  assert.match(gridError('methods: { "a b": {} }\n'), /methods\.a b: a method name must be letters/);
  assert.match(gridError('methods: { at: { method: at, cfa: ccr } }\n'), /: entry at-seed0: config field 'cfa\.ccr': CCR calibrates/);
  assert.match(gridError('methods: { at: { preset: nope } }\n'), /: entry at-seed0: --preset: unknown preset 'nope'/);
  assert.match(gridError('methods: { at: {\n'), /: not valid YAML\/JSON/);
  assert.match(gridError(`base: { axes: { eps: [1] } }\n${m}`), /: base: field 'axes' belongs at the top level or in a method/);
});

test('cfa sweep: a bad grid or a missing file is one line on stderr and exit code 2; --list numbers the entries', () => {
  const r = spawnSync(process.execPath, [CFA, 'sweep', '/nonexistent/grid.yaml', '--list'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.equal(r.stderr, "cfa sweep: /nonexistent/grid.yaml: cannot read the grid file (file not found)\n");
  const l = spawnSync(process.execPath, [CFA, 'sweep', 'paper-fig3', '--list'], { encoding: 'utf8' });
  assert.equal(l.status, 0, l.stderr);
  const lines = l.stdout.trim().split('\n');
  assert.equal(lines.length, 8);
  assert.match(lines[0], /^0 {2}trades-beta=1-seed0 {2}trades, cifar10, prn18, eps 8\/255, 200 epochs, seed 0, beta 1$/);
  assert.match(lines[7], /^7 {2}trades-beta=8-seed0 /);
  const h = spawnSync(process.execPath, [CFA, 'sweep', '--help'], { encoding: 'utf8' });
  for (const w of ['methods:', 'axes:', 'seeds:', '--emit slurm|k8s', '--jobs J', '--index I', 'paper-table1', 'SLURM_ARRAY_TASK_ID', 'JOB_COMPLETION_INDEX']) assert.ok(h.stdout.includes(w), w);
});

test('the Fashion-MNIST comparison grid (docs/results): 4 methods × 3 seeds, EMA with each baseline, FAWA with each CFA run', () => {
  const g = readGridFile(path.join(__dirname, '../../../docs/results/fashion-mnist.yaml'), V);
  assert.deepEqual(
    g.entries.map((e) => e.name),
    ['at', 'at-cfa', 'trades', 'trades-cfa'].flatMap((m) => [0, 1, 2].map((s) => `${m}-seed${s}`)),
  );
  for (const e of g.entries) {
    const c = e.config;
    assert.deepEqual([c.dataset, c.arch, c.eps, c.perClass, c.epochs, c.steps, c.evalSteps], ['fashion-mnist', 'smallcnn', 0.1, 300, 20, 3, 10]);
    const cfa = e.method.endsWith('-cfa');
    assert.deepEqual(c.cfa, { ccm: cfa, ccr: e.method === 'trades-cfa', fawa: cfa, ema: !cfa });
  }
});
