// Sizing the short experiments to the host: predicted run length, the sizes chosen for a budget, and the ETA line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUDGET_FLOOR, BudgetShape, chooseSizes, formatDuration, measureSecondsPerImage, predictSeconds } from '../../src/training/budget';
import { progress } from '../../src/training/progress';

const shape: BudgetShape = {
  arch: 'smallcnn',
  numClasses: 10,
  inChannels: 1,
  inputSize: 28,
  batchSize: 64,
  steps: 10,
  perClass: 500,
  validPerClass: 50,
  testPerClass: 100,
  epochs: 8,
  runs: [{ validatedModels: 1 }, { validatedModels: 2 }],
};

test('predicted seconds: training, validation of each model and the test pass, image by image', () => {
  // AT: 8·(5000 + 0.9·1·500) = 43,600; AT+CFA: 8·(5000 + 0.9·2·500) = 47,200; tests 2·0.9·1000 = 1,800 → 92,600 images
  assert.ok(Math.abs(predictSeconds(shape, 500, 8, 0.001) - 92.6) < 1e-9);
  assert.ok(Math.abs(predictSeconds(shape, 200, 5, 0.002) - 2 * (5 * (2000 + 450) + 5 * (2000 + 900) + 1800) / 1000) < 1e-9);
});

test('a fast host keeps the preset; a slower one gets fewer images per class, then fewer epochs', () => {
  const fast = chooseSizes(shape, 300, 0.002, [6, 7]);
  assert.deepEqual([fast.perClass, fast.epochs, fast.reduced], [500, 8, false]);
  assert.deepEqual(fast.lrMilestones, [6, 7]);

  // 5 ms per image: the two runs take 0.8·perClass + 63 s, so 500/class needs 463 s and 296/class fits 300 s: 250/class
  const slow = chooseSizes(shape, 300, 0.005, [6, 7]);
  assert.equal(slow.epochs, 8);
  assert.equal(slow.perClass % 50, 0);
  assert.ok(slow.predictedSeconds <= 300, `${slow.predictedSeconds}`);
  assert.ok(predictSeconds(shape, slow.perClass + 50, 8, 0.005) > 300, 'the next size up would not fit');
  assert.equal(slow.perClass, 250);
  assert.ok(slow.reduced);

  // 7 ms per image: 200/class takes 0.007·(5350·epochs + 1800) s, 312 s over 8 epochs: 7 epochs, the decays move too
  const slower = chooseSizes(shape, 300, 0.007, [6, 7]);
  assert.equal(slower.perClass, BUDGET_FLOOR.perClass);
  assert.equal(slower.epochs, 7);
  assert.deepEqual(slower.lrMilestones, [5, 6]);
  assert.ok(slower.predictedSeconds <= 300);

  // far too slow: the floor, with its honest prediction
  const crawl = chooseSizes(shape, 300, 0.1, [6, 7]);
  assert.deepEqual([crawl.perClass, crawl.epochs], [BUDGET_FLOOR.perClass, BUDGET_FLOOR.epochs]);
  assert.deepEqual(crawl.lrMilestones, [3, 4]);
  assert.ok(Math.abs(crawl.predictedSeconds - predictSeconds(shape, 200, 5, 0.1)) < 1e-9);
});

test('measuring a training step gives a positive time per image', () => {
  const s = measureSecondsPerImage({ ...shape, batchSize: 8, steps: 1 }, 1);
  assert.ok(Number.isFinite(s) && s > 0 && s < 1, `${s}`);
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
