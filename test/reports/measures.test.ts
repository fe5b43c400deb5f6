// Grouping by seed, labels, best/last measures from logs and eval files, and mean ± std, on constructed runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { comparisonTable, modelRows } from '../../src/reports/comparison-table';
import { formatEps } from '../../src/reports/describe';
import { aggregate, bestIndex, checkpointMeasures, evalCheckpoint, stat, windowMeasure } from '../../src/reports/measures';
import { classwiseStd as classStd, worstFractionMean as worst20 } from '../../src/metrics';
import { groupRuns, modelLabel } from '../../src/reports/run-groups';
import { loadRun, LoadedRun } from '../../src/reports/run-loader';
import { writeSyntheticRun } from './synthetic-runs';
import { tempDir } from '../helpers/temp-dir';

function run(name: string, o: Parameters<typeof writeSyntheticRun>[1]): LoadedRun {
  const dir = path.join(tempDir('cfa-measures-'), name);
  writeSyntheticRun(dir, o);
  return loadRun(dir);
}

test('stat, worst-20% and class-wise std', () => {
  assert.deepEqual(stat([0.5]), { mean: 0.5 });
  const s = stat([0.1, 0.2, 0.6]);
  assert.ok(Math.abs(s.mean - 0.3) < 1e-15);
  assert.ok(Math.abs(s.std! - Math.sqrt(((0.2 ** 2) + (0.1 ** 2) + (0.3 ** 2)) / 2)) < 1e-15);
  assert.equal(worst20([0.9, 0.1, 0.5, 0.3, 0.8, 0.7, 0.6, 0.2, 0.4, 1]), 0.15000000000000002);
  assert.ok(Math.abs(classStd([0, 1]) - 0.5) < 1e-15);
  assert.equal(formatEps(8 / 255), '8/255');
  assert.equal(formatEps(0.1), '0.1');
  assert.equal(formatEps(0.0123), '0.0123');
});

test('runs differing only by seed form one group; other settings split groups and appear in labels', () => {
  const a0 = run('a0', { seed: 0, epochs: 3 });
  const a1 = run('a1', { seed: 1, epochs: 3 });
  const b = run('b', { seed: 0, epochs: 3, eps: 12 / 255 });
  const c = run('c', { seed: 0, epochs: 3, ccm: true, fawa: true, ema: true });
  const groups = groupRuns([a0, b, a1, c]);
  assert.deepEqual(groups.map((g) => g.runs.map((r) => r.name)), [['a0', 'a1'], ['b'], ['c']]);
  assert.deepEqual(groups.map((g) => g.label), ['AT (eps=8/255, stepSize=2/255)', 'AT (eps=12/255, stepSize=3/255)', 'AT+CCM']);
  assert.equal(modelLabel(c.config, 'fawa'), 'AT+CFA');
  assert.equal(modelLabel(c.config, 'ema'), 'AT+CCM+EMA');
  const trades = run('t', { method: 'trades', ccm: true, fawa: true, epochs: 2 });
  assert.equal(modelLabel(trades.config, 'fawa'), 'TRADES+CCM+FAWA');
});

test('best = last epoch flagged newBest; logged measures are labelled with attack, ε, split and points', () => {
  const r = run('r', { epochs: 12 });
  const flagged = r.epochs.map((e, i) => (e.newBest.model ? i : -1)).filter((i) => i >= 0);
  assert.equal(bestIndex(r, 'model'), flagged[flagged.length - 1]);
  const sel = r.epochs.map((e) => e.selection.model);
  assert.equal(sel[bestIndex(r, 'model')!], Math.max(...sel));
  const [m] = checkpointMeasures({ label: 'AT', runs: [r], suffix: '' }, 'model', 'best')!;
  const rec = r.epochs[bestIndex(r, 'model')!];
  assert.equal(m.robust, rec.valid.model.robust);
  assert.equal(m.worstRobust, rec.valid.model.worstRobust);
  assert.equal(m.source, 'PGD-10 (L∞, ε=8/255, step 2/255, eval mode) logged by cfa train on the valid split (n=1000)');
  assert.equal(m.detail, `r: epoch ${rec.epoch + 1} (best, selected on valid)`);
  const w = windowMeasure(r, 'model', 3, 4)!;
  assert.ok(Math.abs(w.robust - (r.epochs[2].valid.model.robust + r.epochs[3].valid.model.robust) / 2) < 1e-15);
  assert.equal(w.worstRobust, Math.min(...w.robustPerClass));
  assert.equal(windowMeasure(r, 'model', 50, 60), undefined);
});

test('eval files are used when every seed has one for the checkpoint; mean ± std over seeds', () => {
  const ev = [{ model: 'checkpoints/fawa-best.safetensors', attack: 'AutoAttack', file: 'eval-aa-fawa-best.json' }];
  const r0 = run('s0', { seed: 0, epochs: 8, ccm: true, fawa: true, evals: ev });
  const r1 = run('s1', { seed: 1, epochs: 8, ccm: true, fawa: true, evals: ev });
  assert.deepEqual(evalCheckpoint(r0.evals[0]), { kind: 'fawa', checkpoint: 'best' });
  const [g] = groupRuns([r0, r1]);
  const ms = checkpointMeasures(g, 'fawa', 'best')!;
  assert.equal(ms[0].source, 'AutoAttack (Linf, ε=8/255) on the test split (n=10000)');
  const agg = aggregate(ms);
  const robust = [r0, r1].map((r) => r.evals[0].result.robustAccuracy);
  assert.ok(Math.abs(agg.robust.mean - (robust[0] + robust[1]) / 2) < 1e-15);
  assert.ok(Math.abs(agg.robust.std! - Math.abs(robust[0] - robust[1]) / Math.SQRT2) < 1e-12);
  // Last has no eval file: the logged numbers are used instead.
  assert.match(checkpointMeasures(g, 'fawa', 'last')![0].source, /logged by cfa train on the valid split/);
  // One seed without the file: the group falls back to the log for best too.
  const r2 = run('s2', { seed: 2, epochs: 8, ccm: true, fawa: true });
  const [g3] = groupRuns([r0, r1, r2]);
  assert.match(checkpointMeasures(g3, 'fawa', 'best')![0].source, /logged by cfa train/);

  const rows = modelRows([g]);
  assert.deepEqual(rows.map((x) => x.label), ['AT+CCM', 'AT+CFA']);
  const t = comparisonTable(rows);
  const best = t.rows.find((x) => x.model === 'AT+CFA' && x.checkpoint === 'best')!;
  assert.equal(best.robust_avg_mean, agg.robust.mean);
  assert.equal(best.robust_worst_mean, agg.worstRobust.mean);
  assert.equal(best.seeds, '0 1');
  const shown = t.display!.rows.find((x) => x[0] === 'AT+CFA')!;
  assert.equal(shown[3], `${(100 * agg.robust.mean).toFixed(1)} ± ${(100 * agg.robust.std!).toFixed(1)} / ${(100 * agg.worstRobust.mean).toFixed(1)} ± ${(100 * agg.worstRobust.std!).toFixed(1)} [2]`);
  assert.match(t.caption, /\[2\] AutoAttack \(Linf, ε=8\/255\) on the test split \(n=10000\)/);
});

test('AutoAttack (cfa eval names it aa-standard) is preferred over PGD for the same checkpoint', () => {
  const ev = [
    { model: '/x/checkpoints/model-last.safetensors', attack: 'pgd-20', file: 'eval-model-last-pgd-20-Linf-8_255.json' },
    { model: '/x/checkpoints/model-last.safetensors', attack: 'aa-standard', file: 'eval-model-last-aa-Linf-8_255.json' },
  ];
  const r = run('aa', { epochs: 4, evals: ev });
  const [g] = groupRuns([r]);
  assert.equal(checkpointMeasures(g, 'model', 'last')![0].source, 'aa-standard (Linf, ε=8/255) on the test split (n=10000)');
  assert.match(checkpointMeasures(g, 'model', 'best')![0].source, /logged by cfa train/);
});
