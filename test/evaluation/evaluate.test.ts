// evaluateRobustness and buildEvalResult: PGD and AutoAttack paths, restored mode, class-count handling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, dispose, liveTensors, manualSeed, noGrad, tidy } from '../../src/engine';
import { pgd } from '../../src/attacks/pgd';
import { buildEvalResult, evaluateRobustness } from '../../src/evaluation/evaluate';
import { UserError } from '../../src/errors';
import { LinearNet, quadrantProblem } from '../attacks/tiny-models';

test('PGD evaluation (seeded) equals PGD run by hand, and the EvalResult counts agree with the predictions', () => {
  manualSeed(5);
  const { x, y, model } = quadrantProblem(16);
  model.train();
  const base = liveTensors();
  tidy(() => {
    const core = evaluateRobustness(model, x, y, 4, { attack: 'pgd', norm: 'Linf', eps: 0.28, steps: 10, seed: 0, batchSize: 16 });
    assert.equal(model.training, true, 'the mode is restored');
    manualSeed(0);
    model.eval();
    const byHand = noGrad(() => model.forward(pgd(model, x, y, { eps: 0.28, stepSize: 0.07, steps: 10 })).argmax(1)).toArray();
    model.train();
    const robustByHand = byHand.filter((p, i) => p === y.toArray()[i]).length;
    const r = buildEvalResult({ model: 'm', arch: 'linear', dataset: 'quadrants', classNames: ['a', 'b', 'c', 'd'], threatModel: 'Linf', eps: 0.28, n: 16, seed: 0 }, y.toArray(), core);
    assert.equal(r.attack, 'pgd-10');
    assert.equal(r.cleanAccuracy, 1);
    assert.equal(r.robustAccuracy * 16, robustByHand);
    assert.ok(robustByHand > 0 && robustByHand < 16, `a partial result is needed (${robustByHand})`);
    assert.deepEqual(r.nPerClass, [4, 4, 4, 4]);
    assert.equal(r.robustAccuracy, core.advPred.filter((p, i) => p === y.toArray()[i]).length / 16);
    assert.equal(r.flags.length, 0, r.flags.join('; '));
  });
  assert.equal(liveTensors(), base);
  dispose([x, y] as Tensor[]);
  model.dispose();
});

test('with 2 classes AutoAttack leaves out APGD-T (flagged), and asking for APGD-T alone is a UserError', () => {
  const model = new LinearNet(
    [
      [1, -1, 0.5, 0],
      [-1, 1, -0.5, 0.2],
    ],
    [0, 0],
  );
  tidy(() => {
    manualSeed(1);
    const { x } = quadrantProblem(8, 4);
    const flat = x.flatten(1).slice(1, 0, 4).reshape([8, 1, 2, 2]);
    const y = noGrad(() => model.forward(flat).argmax(1));
    const core = evaluateRobustness(model, flat, y, 2, { attack: 'aa', norm: 'Linf', eps: 0.05, nIter: 5, nQueries: 20, batchSize: 8 });
    assert.ok(core.flags.some((f) => f.startsWith('skipped: apgd-t')), core.flags.join('; '));
    assert.deepEqual(core.perAttack?.map((p) => p.attack), ['apgd-ce', 'fab-t', 'square']);
    assert.throws(() => evaluateRobustness(model, flat, y, 2, { attack: 'apgd-t', norm: 'Linf', eps: 0.05 }), UserError);
  });
  model.dispose();
});
