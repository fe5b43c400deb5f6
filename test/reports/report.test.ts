// `cfa report` end to end on synthetic run directories: every figure as SVG and a non-blank PNG, every table as
// CSV/JSON with the logged or evaluated numbers, one self-contained HTML page; bad input gives a one-line error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { colourCount, decodePng, inkFraction } from './png';
import { EXPECTED_FIGURES, makeRuns, writeSyntheticRun } from './synthetic-runs';
import { tempDir } from '../helpers/temp-dir';

const ROOT = path.join(__dirname, '..', '..', '..');

test('cfa report writes the HTML page, an SVG and a non-blank PNG per figure, CSV and JSON per table', async () => {
  const base = tempDir('cfa-report-e2e-');
  const dirs = makeRuns(base);
  const out = path.join(base, 'out');
  assert.equal(await main(['report', ...dirs, '--out', out, '--window', '5-8']), 0);
  const figures = fs.readdirSync(path.join(out, 'figures')).sort();
  assert.deepEqual(figures, EXPECTED_FIGURES.flatMap((f) => [`${f}.png`, `${f}.svg`]).sort());
  for (const f of EXPECTED_FIGURES) {
    const svg = fs.readFileSync(path.join(out, 'figures', `${f}.svg`), 'utf8');
    assert.match(svg, /^<svg [^>]*width="\d+"/);
    assert.ok(svg.includes('<text'), `${f}: no text in the SVG`);
    const img = decodePng(fs.readFileSync(path.join(out, 'figures', `${f}.png`)));
    assert.ok(img.width > 400 && img.height > 200, `${f}: ${img.width}×${img.height}`);
    assert.ok(inkFraction(img) > 0.02, `${f}: nearly blank (${inkFraction(img)})`);
    assert.ok(colourCount(img) > 50, `${f}: only ${colourCount(img)} colours (text not rendered?)`);
  }
  const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
  for (const f of EXPECTED_FIGURES) assert.ok(html.includes(`<figure class="cfa-figure" id="fig-${f}">`), f);
  assert.ok(!/<script|<link|<img|src="|href="http|url\(http/i.test(html), 'the page must not load anything');
  assert.ok(html.includes('AutoAttack (Linf, ε=8/255) on the test split (n=10000)'));
  assert.ok(html.includes('PGD-10 (L∞, ε=8/255, step 2/255, eval mode) logged by cfa train on the test split (n=10000)'));

  const tables = fs.readdirSync(path.join(out, 'tables')).sort();
  for (const t of ['comparison', 'fairness', 'runs', 'evaluations', 'classwise-best', 'classwise-last', 'classwise-epochs-5-8']) {
    assert.ok(tables.includes(`${t}.csv`) && tables.includes(`${t}.json`), t);
  }
  const csv = fs.readFileSync(path.join(out, 'tables', 'comparison.csv'), 'utf8').trim().split('\n');
  const header = csv[0].split(',');
  const at = csv.find((l) => l.startsWith('AT,') && l.includes(',last,'))!.split(',');
  const log = fs.readFileSync(path.join(dirs[2], 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(Number(at[header.indexOf('robust_avg_mean')]), log[log.length - 1].valid.model.robust);
  assert.equal(Number(at[header.indexOf('clean_worst_mean')]), log[log.length - 1].valid.model.worstClean);
  const json = JSON.parse(fs.readFileSync(path.join(out, 'tables', 'comparison.json'), 'utf8'));
  assert.equal(json.rows.length, (csv.length - 1));
  const cfaBest = json.rows.find((r: Record<string, unknown>) => r.model === 'AT+CFA' && r.checkpoint === 'best');
  const evals = dirs.slice(0, 2).map((d) => JSON.parse(fs.readFileSync(path.join(d, 'eval-aa-fawa-best.json'), 'utf8')));
  assert.ok(Math.abs(cfaBest.robust_avg_mean - (evals[0].robustAccuracy + evals[1].robustAccuracy) / 2) < 1e-15);
  assert.equal(cfaBest.evaluation, 'AutoAttack (Linf, ε=8/255) on the test split (n=10000)');
});

test('--no-png writes SVG only; --models filters the class-wise figures', async () => {
  const base = tempDir('cfa-report-svg-');
  const dirs = makeRuns(base).slice(0, 3);
  const out = path.join(base, 'out');
  assert.equal(await main(['report', ...dirs, '--out', out, '--no-png', '--models', 'fawa,ema']), 0);
  assert.ok(fs.readdirSync(path.join(out, 'figures')).every((f) => f.endsWith('.svg')));
  const rows = JSON.parse(fs.readFileSync(path.join(out, 'tables', 'classwise-best.json'), 'utf8')).rows;
  assert.deepEqual([...new Set(rows.map((r: { series: string }) => r.series))], ['AT+CCM+EMA', 'AT+CFA', 'AT+EMA']);
});

test('bad input: the command prints one line naming the file and line, and exits 2', () => {
  const base = tempDir('cfa-report-bad-');
  const [dir] = makeRuns(base);
  const file = path.join(dir, 'log.jsonl');
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  lines[4] = '{"epoch": 4, oops';
  fs.writeFileSync(file, lines.join('\n'));
  const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'bin', 'cfa.js'), 'report', ...args], { encoding: 'utf8' });
  let r = cli(dir, '--out', path.join(base, 'o'));
  assert.equal(r.status, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, new RegExp(`log\\.jsonl:5: not valid JSON`));
  r = cli(path.join(base, 'empty-dir-that-is-missing'));
  assert.equal(r.status, 2);
  assert.match(r.stderr, /not a directory/);
  r = cli(dir, '--window', '9-3');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--window: expected A ≤ B/);
  r = cli();
  assert.equal(r.status, 2);
  assert.match(r.stderr, /give at least one run directory/);
});

test('more than 20 classes: class-wise accuracy as points per class index, ε_k as a heat map', async () => {
  const base = tempDir('cfa-report-many-');
  const dir = path.join(base, 'run');
  writeSyntheticRun(dir, { classes: 30, epochs: 8, ccm: true });
  const out = path.join(base, 'out');
  assert.equal(await main(['report', dir, '--out', out]), 0);
  const rows = JSON.parse(fs.readFileSync(path.join(out, 'tables', 'classwise-last.json'), 'utf8')).rows;
  assert.equal(rows.length, 2 * 30);
  const heat = decodePng(fs.readFileSync(path.join(out, 'figures', 'calibration-at-ccm.png')));
  assert.ok(colourCount(heat) > 50 && inkFraction(heat) > 0.1);
  const svg = fs.readFileSync(path.join(out, 'figures', 'classwise-last.svg'), 'utf8');
  assert.ok(svg.includes('class index'));
});
