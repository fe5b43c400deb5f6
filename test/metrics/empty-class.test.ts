// One rule for a class without points, the same in training, evaluation and reports: NaN in memory, null in JSON,
// left out of the worst class, the worst-20% mean, the variance and the standard deviation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classCounter, countLabels, splitAccuracy } from '../../src/training/class-accuracy';
import { classwiseMetrics, classwiseStd, populationVariance, worstClass, worstFractionMean } from '../../src/metrics';
import { parseLog } from '../../src/reports/run-loader';
import { aggregate } from '../../src/reports/measures';

// Labels of classes 0 and 2 only (class 1 has no points); clean: 2 of 3 and 1 of 2 right; robust: 1 of 3 and 1 of 2.
const labels = [0, 0, 0, 2, 2];
const cleanPred = [0, 0, 1, 2, 0];
const robustPred = [0, 1, 1, 2, 1];

test('training counters and evaluation metrics give NaN for the empty class and leave it out of every summary', () => {
  const clean = classCounter(3);
  const robust = classCounter(3);
  countLabels(clean, cleanPred, labels);
  countLabels(robust, robustPred, labels);
  const s = splitAccuracy(clean, robust);
  assert.ok(Number.isNaN(s.cleanPerClass[1]) && Number.isNaN(s.robustPerClass[1]));
  assert.deepEqual([s.cleanPerClass[0], s.cleanPerClass[2], s.robustPerClass[0], s.robustPerClass[2]], [2 / 3, 1 / 2, 1 / 3, 1 / 2]);
  assert.deepEqual([s.clean, s.robust, s.worstClean, s.worstRobust], [3 / 5, 2 / 5, 1 / 2, 1 / 3]);
  const m = classwiseMetrics(labels, cleanPred, robustPred, 3);
  assert.deepEqual([m.worstClassClean, m.worstClassRobust, m.worst20Robust], [s.worstClean, s.worstRobust, 1 / 3]);
  // Two classes with points: mean 5/12, variance ((1/3 − 5/12)² + (1/2 − 5/12)²)/2 = 1/144.
  assert.ok(Math.abs(m.classwiseVariance - 1 / 144) < 1e-15 && Math.abs(m.classwiseStd - 1 / 12) < 1e-15);
  assert.deepEqual(JSON.parse(JSON.stringify(s.robustPerClass)), [1 / 3, null, 1 / 2]);
  assert.ok(Number.isNaN(worstClass([NaN, NaN])) && Number.isNaN(populationVariance([])));
});

test('reports read null per-class accuracies back as NaN and summarise the classes with points', () => {
  const clean = classCounter(3);
  const robust = classCounter(3);
  countLabels(clean, cleanPred, labels);
  countLabels(robust, robustPred, labels);
  const s = splitAccuracy(clean, robust);
  const record = {
    epoch: 0, lr: 0.1, seconds: 1, epsPerClass: [0.1, 0.1, 0.1],
    train: { loss: 1, robust: s.robust, robustPerClass: s.robustPerClass, clean: s.clean, cleanPerClass: s.cleanPerClass },
    valid: { model: s }, fawaUpdated: false, emaUpdated: false, selection: { model: s.robust + s.worstRobust }, newBest: { model: true, ema: false, fawa: false },
  };
  const [back] = parseLog(JSON.stringify(record), 'log.jsonl', 3);
  assert.ok(Number.isNaN(back.valid.model.robustPerClass[1]) && Number.isNaN(back.train.cleanPerClass[1]));
  const measure = { clean: s.clean, robust: s.robust, worstClean: s.worstClean, worstRobust: s.worstRobust, cleanPerClass: back.valid.model.cleanPerClass, robustPerClass: back.valid.model.robustPerClass, source: 'log', detail: 'run' };
  const a = aggregate([measure]);
  assert.equal(a.worst20Robust.mean, worstFractionMean(s.robustPerClass));
  assert.equal(a.classStdRobust.mean, classwiseStd(s.robustPerClass));
  assert.ok(Math.abs(a.classStdRobust.mean - 1 / 12) < 1e-15);
});
