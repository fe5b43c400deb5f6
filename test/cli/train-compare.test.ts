// `cfa train --compare` (what `cfa train` runs without arguments), shrunk: AT and AT+CFA side by side per class, on
// the §2 toy images when Fashion-MNIST is not where it was pointed to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../helpers/temp-dir';

const CFA = path.join(__dirname, '../../../bin/cfa.js');

test('AT vs AT+CFA comparison prints per-class validation and test tables and keeps both runs', () => {
  const dir = tempDir('cfa-compare-');
  try {
    const out = path.join(dir, 'runs');
    const r = spawnSync(process.execPath, [CFA, 'train', '--compare', '--data-dir', path.join(dir, 'empty'), '--epochs', '2', '--per-class', '40', '--set', 'validPerClass=20',
      '--set', 'testPerClass=30', '--steps', '2', '--set', 'evalSteps=2', '--set', 'fawaThreshold=0', '--set', 'fawaBegin=0', '--threads', '2', '--quiet', '--out', out], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Fashion-MNIST was not found; using the toy images/);
    assert.match(r.stdout, /Validation accuracy \(%\), 40 images/);
    assert.match(r.stdout, /Test accuracy \(%\), 60 images/);
    assert.match(r.stdout, /class\s+AT clean\s+AT robust\s+AT\+CFA clean\s+AT\+CFA robust/);
    for (const row of ['-1 (hard)', '+1 (easy)', 'average', 'worst class']) assert.match(r.stdout, new RegExp(`${row.replace(/[()+]/g, '\\$&')}(\\s+\\d+\\.\\d){4}`), row);
    assert.match(r.stdout, /AT\+CFA = fawa checkpoint of epoch \d/);
    assert.match(r.stdout, /Worst class \(test, robust\): AT \d+\.\d% \(.+\) vs AT\+CFA \d+\.\d%/);
    for (const sub of ['at', 'at-cfa']) assert.ok(fs.existsSync(path.join(out, sub, 'checkpoints', 'model-best.safetensors')), sub);
    const cfa = JSON.parse(fs.readFileSync(path.join(out, 'at-cfa', 'config.json'), 'utf8'));
    assert.deepEqual(cfa.cfa, { ccm: true, ccr: false, fawa: true, ema: false });
    assert.equal(cfa.dataset, 'toy');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('--compare --method trades runs TRADES against TRADES+CFA (with CCR); a method CFA does not pair with is refused', () => {
  const dir = tempDir('cfa-compare-trades-');
  const out = path.join(dir, 'runs');
  const r = spawnSync(process.execPath, [CFA, 'train', '--compare', '--method', 'trades', '--data-dir', path.join(dir, 'empty'), '--epochs', '2', '--per-class', '40', '--set', 'validPerClass=20',
    '--set', 'testPerClass=30', '--steps', '2', '--set', 'evalSteps=2', '--set', 'fawaThreshold=0', '--set', 'fawaBegin=0', '--threads', '2', '--quiet', '--out', out], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /class\s+TRADES clean\s+TRADES robust\s+TRADES\+CFA clean\s+TRADES\+CFA robust/);
  assert.match(r.stdout, /TRADES\+CFA = fawa checkpoint of epoch \d/);
  assert.match(r.stdout, /Worst class \(test, robust\): TRADES \d+\.\d% \(.+\) vs TRADES\+CFA \d+\.\d%/);
  assert.ok(r.stdout.includes(`Inspect them with: cfa report ${path.join(out, 'trades')} ${path.join(out, 'trades-cfa')}`), r.stdout);
  for (const [sub, cfa] of [['trades', { ccm: false, ccr: false, fawa: false, ema: false }], ['trades-cfa', { ccm: true, ccr: true, fawa: true, ema: false }]] as const) {
    const cfg = JSON.parse(fs.readFileSync(path.join(out, sub, 'config.json'), 'utf8'));
    assert.equal(cfg.method, 'trades', sub);
    assert.deepEqual(cfg.cfa, cfa, sub);
  }
  const bad = spawnSync(process.execPath, [CFA, 'train', '--compare', '--method', 'frl', '--data-dir', path.join(dir, 'empty'), '--out', path.join(dir, 'frl')], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--method: the comparison runs at, trades, fat against their CFA runs, not 'frl'/);
  assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
});
