// `cfa train` rejects bad configurations before any work: non-zero exit, the field named, no stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../helpers/temp-dir';

const CFA = path.join(__dirname, '../../../bin/cfa.js');

function cfa(args: string[]): { status: number | null; stderr: string; stdout: string } {
  const r = spawnSync(process.execPath, [CFA, 'train', ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

function rejected(args: string[], pattern: RegExp): void {
  const r = cfa(args);
  assert.notEqual(r.status, 0, `${args.join(' ')} should fail`);
  assert.match(r.stderr, pattern, `${args.join(' ')}: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

test('flags: negative ε, unknown method, CCR with AT, thresholds outside [0,1], unknown flags', () => {
  rejected(['--eps=-0.1'], /'eps'.*≥ 0/);
  rejected(['--method', 'sgd'], /'method'.*one of at, trades, fat, frl, mart/);
  rejected(['--method', 'at', '--cfa', 'ccm,ccr'], /'cfa\.ccr'.*TRADES-family.*'at'/);
  rejected(['--set', 'fawaThreshold=1.2'], /fawaThreshold.*\[0, 1\]/);
  rejected(['--set', 'emaDecay=2'], /emaDecay/);
  rejected(['--epochs', 'ten'], /--epochs: expected a number/);
  rejected(['--bogus'], /Unknown option '--bogus'/);
  rejected(['--preset', 'paper-cifar11'], /unknown preset 'paper-cifar11'/);
});

test('config files: unknown fields, wrong types and YAML syntax errors name the file and the field', () => {
  const dir = tempDir('cfa-train-config-');
  try {
    const yaml = path.join(dir, 'run.yaml');
    fs.writeFileSync(yaml, 'method: trades\ncfa: ccm,ccr\nbeta: 6\nlearning_rate: 0.1\n');
    rejected(['--config', yaml], /run\.yaml: unknown field 'learning_rate'/);
    fs.writeFileSync(yaml, 'method: trades\nfawaThreshold: high\n');
    rejected(['--config', yaml], /run\.yaml: field 'fawaThreshold': expected a number/);
    fs.writeFileSync(yaml, 'method: [trades\n');
    rejected(['--config', yaml], /run\.yaml: not valid YAML/);
    const json = path.join(dir, 'run.json');
    fs.writeFileSync(json, JSON.stringify({ method: 'fat', cfa: { ccm: true, ccr: true } }));
    rejected(['--config', json], /'cfa\.ccr'.*'fat'/);
    rejected(['--config', path.join(dir, 'missing.yaml')], /missing\.yaml: cannot read \(file not found\)/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('--resume: a folder without a run, and settings that cannot change', () => {
  const dir = tempDir('cfa-train-resume-');
  try {
    rejected(['--resume', dir], /not a run directory|config\.json/);
    rejected(['--resume', dir, '--eps', '0.2'], /--eps cannot be changed/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('--help documents both default profiles and the presets', () => {
  const r = cfa(['--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /official code/);
  assert.match(r.stdout, /0\.88 \/ 0\.24/);
  assert.match(r.stdout, /paper-cifar10-trades-cfa/);
  assert.match(r.stdout, /quick-fmnist/);
});
