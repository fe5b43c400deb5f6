// The attack driver: seeding, restarts on the still-robust subset, target ranks, and an attack added through it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liveTensors, manualSeed, rand, tensor, tidy } from '../../src/engine';
import { Attack, DRIVER_DEFAULTS, DriverSettings, perturb, predict, variant } from '../../src/attacks/driver';
import { ATTACKS, ATTACK_NAMES } from '../../src/attacks/registry';
import { LinearNet } from './tiny-models';
import { assertClose } from '../helpers/assert-close';

interface Call {
  n: number;
  restart: number;
  target?: number[];
  draw: number;
}

/** A made-up attack: lowers the true-class logit of the identity model by ε·(restart+1); records every run. */
function probe(calls: Call[]): Attack {
  return {
    defaults: DRIVER_DEFAULTS,
    run(model, x, y, o: DriverSettings, { restart, target }) {
      calls.push({ n: x.shape[0], restart, target: target?.toArray(), draw: rand([1]).item() });
      const adv = x.sub(y.oneHot(3).float().mul(o.eps * (restart + 1)));
      return { adv, fooled: predict(model, adv).ne(y) };
    },
  };
}

// Logits = x. Point 1 is misclassified from the start; no two logits of a point tie.
const X = [
  [1, 0.5, 0],
  [0, 1, 0.4],
  [0, 0.3, 1],
  [0.2, 0.9, 0.1],
];
const Y = [0, 0, 2, 1];
const identity = () => new LinearNet([[1, 0, 0], [0, 1, 0], [0, 0, 1]], [0, 0, 0]);

test('restarts attack only the points still classified correctly and keep the first example that fools each', () => {
  const model = identity();
  const base = liveTensors();
  const calls: Call[] = [];
  const out = tidy(() => perturb(probe(calls), model, tensor(X.flat(), [4, 3]), tensor(Y, [4], 'int64'), { eps: 0.3, restarts: 4, seed: 7 }).toArray());
  // Restart 0 fools nobody; 1 fools point 0 (0.4 < 0.5); 2 fools points 2 and 3; restart 3 has nothing left to attack.
  assert.deepEqual(calls.map((c) => [c.n, c.restart]), [[3, 0], [3, 1], [2, 2]]);
  assertClose(out, [0.4, 0.5, 0, 0, 1, 0.4, 0, 0.3, 0.1, 0.2, 0, 0.1], 1e-6, 0, 'rows');
  manualSeed(7);
  assert.equal(calls[0].draw, tidy(() => rand([1]).item()), 'the generator is seeded before the first run');
  assert.equal(liveTensors(), base);
  model.dispose();
});

test('a targeted attack runs once per target rank 2 … min(nTargetClasses, K−1)+1 with the clean logits ranked', () => {
  const model = identity();
  const calls: Call[] = [];
  tidy(() => perturb(variant(probe(calls), { targeted: true }), model, tensor(X.flat(), [4, 3]), tensor(Y, [4], 'int64'), { eps: 0.3 }));
  assert.deepEqual(calls.map((c) => c.target), [[1, 1, 0], [2, 0, 2]]);
  model.dispose();
});

test('the registry names every AutoAttack stage, each with its defaults written once', () => {
  assert.deepEqual(ATTACK_NAMES, ['apgd-ce', 'apgd-dlr', 'apgd-t', 'fab', 'fab-t', 'square']);
  const d = (n: keyof typeof ATTACKS) => ATTACKS[n].defaults as Record<string, unknown>;
  assert.deepEqual([d('apgd-ce').nIter, d('apgd-ce').loss, d('apgd-dlr').loss, d('apgd-t').targeted, d('apgd-t').nTargetClasses], [100, 'ce', 'dlr', true, 9]);
  assert.deepEqual([d('fab').targeted, d('fab-t').targeted, d('fab-t').nIter, d('square').nQueries], [false, true, 100, 5000]);
  assert.deepEqual(ATTACK_NAMES.map((n) => ATTACKS[n].minClasses), [undefined, 3, 4, undefined, undefined, undefined]);
});

