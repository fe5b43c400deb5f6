// `cfa toy` from the command line: --check passes and says so, the full run prints every table and writes Fig. 1(a),
// 1(b) and the adversarial-training figure as SVG + non-blank PNG with an HTML page; bad options exit 2 with one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { colourCount, decodePng, inkFraction } from '../reports/png';
import { tempDir } from '../helpers/temp-dir';

const CFA = path.join(__dirname, '..', '..', '..', 'bin', 'cfa.js');
const cfa = (...args: string[]) => spawnSync(process.execPath, [CFA, 'toy', ...args], { encoding: 'utf8' });

test('cfa toy --check: every claim holds, Monte-Carlo agrees, exit 0', () => {
  const r = cfa('--check', '--mc-points', '5000');
  assert.equal(r.status, 0, r.stderr);
  assert.equal((r.stdout.match(/^holds {2}Theorem/gm) ?? []).length, 7);
  assert.match(r.stdout, /all 7 claims hold where their conditions hold; Monte-Carlo agrees/);
});

test('cfa toy writes the tables, the three figures (SVG, PNG) and toy.html', () => {
  const out = tempDir('cfa-toy-');
  const r = cfa('--out', out, '--train-eps', '0,0.2', '--mc-points', '2000', '--d', '2', '--sigma2', '1');
  assert.equal(r.status, 0, r.stderr);
  for (const title of ['Optimal w of f_w', 'Class-wise accuracy of f_w', 'Monte-Carlo cross-check', 'Theorems 1-4', 'Adversarial training of the linear model']) {
    assert.ok(r.stdout.includes(title), title);
  }
  // w*₊₁ = σ²·ln(p/(1−p))/(2η) with σ² = 1 and the defaults p₊₁ = 0.9, η = 0.4; the robust optima at ε = 2η are infinite.
  const optima = JSON.parse(fs.readFileSync(path.join(out, 'tables', 'toy-optimal-w.json'), 'utf8')).rows;
  assert.equal(optima[0].value, Number((Math.log(9) / 0.8).toPrecision(6)));
  assert.equal(optima[5].value, 'infinite');
  for (const f of ['toy-samples', 'toy-accuracy', 'toy-adversarial-training']) {
    assert.match(fs.readFileSync(path.join(out, 'figures', `${f}.svg`), 'utf8'), /^<svg /);
    const img = decodePng(fs.readFileSync(path.join(out, 'figures', `${f}.png`)));
    assert.ok(inkFraction(img) > 0.02 && colourCount(img) > 50, f);
  }
  for (const t of ['toy-optimal-w', 'toy-accuracy', 'toy-monte-carlo', 'toy-theorems', 'toy-adversarial-training']) {
    assert.ok(fs.existsSync(path.join(out, 'tables', `${t}.csv`)) && fs.existsSync(path.join(out, 'tables', `${t}.json`)), t);
  }
  const adv = JSON.parse(fs.readFileSync(path.join(out, 'tables', 'toy-adversarial-training.json'), 'utf8')).rows;
  assert.deepEqual(adv.map((x: { eps: number }) => x.eps), [0, 0.2]);
  assert.ok(adv[1].w > adv[0].w, 'learned w grows with ε');
  assert.ok(fs.readFileSync(path.join(out, 'toy.html'), 'utf8').includes('id="fig-toy-accuracy"'));
});

test('bad options exit 2 with a one-line message', () => {
  for (const [args, re] of [
    [['--p-pos', '0.6', '--p-neg', '0.7'], /the theory needs 1\/2 ≤ p₋₁ < p₊₁ < 1/],
    [['--d', '0'], /--d: expected an integer ≥ 1/],
    [['--eta', 'x'], /--eta: expected a number/],
    [['--bogus'], /Unknown option '--bogus'/],
  ] as [string[], RegExp][]) {
    const r = cfa(...args);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  }
});
