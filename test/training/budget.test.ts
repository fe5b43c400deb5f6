// Sizing the short experiments to the host: predicted run length, the sizes chosen for a budget, and the ETA line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUDGET_FLOOR, chooseSizes, formatDuration, measureSecondsPerImage, steadyStepSeconds } from '../../src/training/budget';
import { BudgetShape, evalShare, predictRuns, predictSeconds, secondsAfterRun, validationsPerEpoch } from '../../src/training/cost-model';
import { mergeInputs, resolveConfig } from '../../src/training/defaults';
import { presetInputs } from '../../src/training/presets';
import { ConfigInput } from '../../src/training/config';
import { progress } from '../../src/training/progress';

const shape: BudgetShape = {
  arch: 'smallcnn',
  numClasses: 10,
  inChannels: 1,
  inputSize: 28,
  batchSize: 64,
  steps: 3,
  evalSteps: 10,
  perClass: 500,
  validPerClass: 50,
  testPerClass: 100,
  epochs: 20,
  runs: [{ validatedModels: 1 }, { validatedModels: 2 }],
};

test('an evaluated image costs 0.9 of a training image at equal steps, scaled by the passes otherwise', () => {
  assert.equal(evalShare({ steps: 10, evalSteps: 10 }), 0.9);
  // PGD-3 training (3 attack passes + 1 update) against PGD-10 validation (10 attack passes + 1 forward)
  assert.ok(Math.abs(evalShare({ steps: 3, evalSteps: 10 }) - (0.9 * 11) / 4) < 1e-12);
});

test('predicted seconds: training, validation of each model and the test pass, image by image', () => {
  // share 2.475: AT 20·(5000 + 2.475·500) = 124,750; AT+CFA 20·(5000 + 2.475·1000) = 149,500; tests 2·2.475·1000 = 4,950
  assert.ok(Math.abs(predictSeconds(shape, 500, 20, 0.001) - 279.2) < 1e-9);
  assert.ok(Math.abs(predictSeconds(shape, 200, 5, 0.002) - 2 * (5 * (2000 + 1237.5) + 5 * (2000 + 2475) + 4950) / 1000) < 1e-9);
  assert.ok(Math.abs(predictSeconds({ ...shape, steps: 10 }, 500, 8, 0.001) - 92.6) < 1e-9, 'equal steps: 8·(5000 + 450) + 8·(5000 + 900) + 1800');
});

test("models validated per epoch: the run's own, EMA's over its window, FAWA's over half of its window", () => {
  const at = (cfa: ConfigInput['cfa'], more: ConfigInput = {}) => resolveConfig(mergeInputs(...presetInputs(['quick-fmnist']), { method: 'at', cfa }, more), 'test');
  const plain = at({ ccm: false, ccr: false, fawa: false, ema: false });
  assert.equal(validationsPerEpoch(plain), 1);
  // the paper profile folds in from epoch 5 of 20 (ofEpochs 0.25): a window of 15/20
  const cfa = at({ ccm: true, fawa: true, ema: false });
  assert.equal(cfa.fawa.begin, 5);
  assert.equal(validationsPerEpoch(cfa), 1 + 0.5 * 0.75);
  assert.equal(validationsPerEpoch(at({ fawa: true, ema: true })), 1 + 0.75 + 0.375);
  assert.equal(validationsPerEpoch(at({ fawa: true }, { fawa: { begin: 0 } })), 1.5);
  assert.equal(validationsPerEpoch(at({ fawa: true }, { fawa: { begin: 19 } })), 1 + 0.5 / 20, 'only the last epoch in the window');
});

test('the time left after a run: its test pass and the later runs, at the speed the run is measured at', () => {
  // one epoch of run 0 is 5000 + 2.475·500 = 6237.5 image units; measured at 6.2375 s, a unit is 1 ms
  assert.equal(predictRuns(shape, 500, 1, 1)[0].epochs, 6237.5);
  // then: run 0's test 2.475 s, run 1's 20 epochs 20·(5000 + 2475)·1 ms = 149.5 s, its test 2.475 s
  assert.ok(Math.abs(secondsAfterRun(shape, 0, 6.2375) - 154.45) < 1e-9);
  // twice as slow a host: twice the time left
  assert.ok(Math.abs(secondsAfterRun(shape, 0, 12.475) - 308.9) < 1e-9);
  // the last run: only its own test pass, one epoch of it (7475 units) measured at 7.475 s
  assert.ok(Math.abs(secondsAfterRun(shape, 1, 7.475) - 2.475) < 1e-9);
  // TRADES at 1.5×: an epoch of run 0 is 7500 + 1237.5 units; run 1 then takes 20·(7500 + 2475) units
  const trades: BudgetShape = { ...shape, runs: [{ validatedModels: 1, trainCost: 1.5 }, { validatedModels: 2, trainCost: 1.5 }] };
  assert.ok(Math.abs(secondsAfterRun(trades, 0, 8.7375) - (2.475 + 199.5 + 2.475)) < 1e-9);
  const sum = predictRuns(shape, 300, 12, 0.002).reduce((a, r) => a + r.epochs + r.test, 0);
  assert.ok(Math.abs(sum - predictSeconds(shape, 300, 12, 0.002)) < 1e-9, 'the runs add up to the whole prediction');
});

test('a run whose training images cost more (TRADES) counts its training part at that cost, its validation and test at PGD cost', () => {
  // TRADES at 1.5×: 20·(1.5·5000 + 2.475·500) = 174,750 and 20·(1.5·5000 + 2.475·1000) = 199,500, tests 4,950
  const trades: BudgetShape = { ...shape, runs: [{ validatedModels: 1, trainCost: 1.5 }, { validatedModels: 2, trainCost: 1.5 }] };
  assert.ok(Math.abs(predictSeconds(trades, 500, 20, 0.001) - 379.2) < 1e-9);
  // the same budget on the same host gives TRADES fewer images per class than AT
  assert.ok(chooseSizes(trades, 300, 0.001).perClass < chooseSizes(shape, 300, 0.001).perClass);
});

test('a fast host keeps the preset; a slower one gets fewer images per class, then fewer epochs', () => {
  const fast = chooseSizes(shape, 300, 0.001, [16, 18]);
  assert.deepEqual([fast.perClass, fast.epochs, fast.reduced], [500, 20, false]);
  assert.deepEqual(fast.lrMilestones, [16, 18]);

  // 1.5 ms per image: the two runs take 0.6·perClass + 118.8 s, so 500/class needs 418.8 s and 302/class fits 300 s: 300/class
  const slow = chooseSizes(shape, 300, 0.0015, [16, 18]);
  assert.equal(slow.epochs, 20);
  assert.equal(slow.perClass % 50, 0);
  assert.ok(slow.predictedSeconds <= 300, `${slow.predictedSeconds}`);
  assert.ok(predictSeconds(shape, slow.perClass + 50, 20, 0.0015) > 300, 'the next size up would not fit');
  assert.equal(slow.perClass, 300);
  assert.ok(slow.reduced);

  // 2.5 ms per image: 200/class takes 0.0025·(7712.5·epochs + 4950) s, 398 s over 20 epochs: 14 epochs, the decays move too
  const slower = chooseSizes(shape, 300, 0.0025, [16, 18]);
  assert.equal(slower.perClass, BUDGET_FLOOR.perClass);
  assert.equal(slower.epochs, 14);
  assert.deepEqual(slower.lrMilestones, [10, 12]);
  assert.ok(slower.predictedSeconds <= 300);

  // far too slow: the floor, with its honest prediction
  const crawl = chooseSizes(shape, 300, 0.1, [16, 18]);
  assert.deepEqual([crawl.perClass, crawl.epochs], [BUDGET_FLOOR.perClass, BUDGET_FLOOR.epochs]);
  assert.deepEqual(crawl.lrMilestones, [8, 10]);
  assert.ok(Math.abs(crawl.predictedSeconds - predictSeconds(shape, 200, 12, 0.1)) < 1e-9);
});

test('the steady step time is the fastest window median: a slow moment moves one window, not the estimate', () => {
  // a slow first second (170 ms steps) before the host's usual 100-115 ms: the second window's median, 0.105
  const times = [0.17, 0.16, 0.18, 0.17, 0.165, 0.1, 0.11, 0.105, 0.115, 0.1, 0.112, 0.108, 0.2, 0.107, 0.109];
  assert.equal(steadyStepSeconds(times, 5), 0.105);
  // one window: its median; an even window: the mean of its two middle times; a trailing partial window is ignored
  assert.equal(steadyStepSeconds([0.3, 0.1, 0.2], 3), 0.2);
  assert.equal(steadyStepSeconds([0.4, 0.1, 0.2, 0.3, 9], 4), 0.25);
  // slow throughout: every window is slow, and so is the estimate
  assert.equal(steadyStepSeconds([0.2, 0.21, 0.19, 0.2, 0.22, 0.2], 3), 0.2);
  assert.throws(() => steadyStepSeconds([0.1], 2), /fewer than one window/);
});

test('measuring a training step gives a positive time per image, for AT and for TRADES', () => {
  for (const method of ['at', 'trades'] as const) {
    const s = measureSecondsPerImage({ ...shape, batchSize: 8, steps: 1 }, method, { windows: 2, window: 1 });
    assert.ok(Number.isFinite(s) && s > 0 && s < 1, `${method}: ${s}`);
  }
});

test('durations and the progress line ETA', () => {
  assert.equal(formatDuration(42.4), '42 s');
  assert.equal(formatDuration(290), '4 min 50 s');
  assert.equal(formatDuration(300), '5 min');
  let out = '';
  const stream = { isTTY: false, write: (s: string) => ((out += s), true) } as unknown as NodeJS.WriteStream;
  let askedWith = -1;
  const bar = progress({ label: 'epoch 1/3', total: 4, stream, remainingAfter: (spb) => ((askedWith = spb), 3725) });
  bar.update(4, { loss: 1, robust: 0.5 });
  bar.finish();
  assert.ok(askedWith > 0, 'the remaining work is asked for at the current seconds per batch');
  assert.match(out, /epoch 1\/3 4\/4 .* ETA 1:02:0[5-6]\n$/);
});
