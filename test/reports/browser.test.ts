// The HTML pages of `cfa report` and `cfa toy` open in headless Chromium without console errors, with every figure
// present and drawn, and a non-blank screenshot. A control page proves that console errors are caught.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { openPage } from './chromium';
import { colourCount, decodePng, inkFraction } from './png';
import { EXPECTED_FIGURES, makeRuns } from './synthetic-runs';
import { tempDir } from '../helpers/temp-dir';

const FIGURES = `JSON.stringify([...document.querySelectorAll('figure.cfa-figure')].map((f) => {
  const svg = f.querySelector('svg');
  const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
  return { id: f.id, width: box.width, height: box.height, marks: svg ? svg.querySelectorAll('path, rect, text').length : 0 };
}))`;

interface Shown {
  id: string;
  width: number;
  height: number;
  marks: number;
}

test('control: console errors, exceptions and failed loads are reported', async () => {
  const dir = tempDir('cfa-browser-control-');
  const page = path.join(dir, 'bad.html');
  fs.writeFileSync(page, '<!DOCTYPE html><html><body><p>x</p><img src="missing.png"><script>console.error("boom"); null.f();</script></body></html>');
  const r = await openPage(`file://${page}`, 'document.title');
  assert.ok(r.errors.some((e) => e.includes('console.error: boom')), r.errors.join('\n'));
  assert.ok(r.errors.some((e) => e.startsWith('exception:')), r.errors.join('\n'));
  assert.ok(r.errors.some((e) => e.includes('missing.png')), r.errors.join('\n'));
});

test('the cfa report page shows every figure with no console error and a non-blank screenshot', async () => {
  const base = tempDir('cfa-browser-report-');
  const out = path.join(base, 'out');
  assert.equal(await main(['report', ...makeRuns(base), '--out', out, '--window', '5-8', '--no-png']), 0);
  const r = await openPage(`file://${path.join(out, 'report.html')}`, FIGURES);
  assert.deepEqual(r.errors, []);
  const shown = JSON.parse(r.value as string) as Shown[];
  assert.deepEqual(shown.map((s) => s.id.replace(/^fig-/, '')).sort(), [...EXPECTED_FIGURES].sort());
  for (const s of shown) assert.ok(s.width > 300 && s.height > 150 && s.marks > 20, JSON.stringify(s));
  const img = decodePng(r.screenshot);
  assert.equal(img.width, 1200);
  assert.ok(inkFraction(img) > 0.03 && colourCount(img) > 100, `ink ${inkFraction(img)}, colours ${colourCount(img)}`);
});

test('the cfa toy page shows its three figures with no console error', async () => {
  const out = tempDir('cfa-browser-toy-');
  assert.equal(await main(['toy', '--out', out, '--train-eps', '0,0.2', '--mc-points', '2000', '--no-png']), 0);
  const r = await openPage(`file://${path.join(out, 'toy.html')}`, FIGURES);
  assert.deepEqual(r.errors, []);
  const shown = JSON.parse(r.value as string) as Shown[];
  assert.deepEqual(shown.map((s) => s.id), ['fig-toy-samples', 'fig-toy-accuracy', 'fig-toy-adversarial-training']);
  for (const s of shown) assert.ok(s.width > 300 && s.marks > 10, JSON.stringify(s));
  assert.ok(inkFraction(decodePng(r.screenshot)) > 0.03);
});
