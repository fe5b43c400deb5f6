// AutoAttack ensemble: a model that ignores its input stays robust, an undefended model falls, AA ≤ PGD, versions,
// and an interrupted run resumed from its state file ends exactly like an uninterrupted one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { Tensor, dispose, liveTensors, manualSeed, noGrad, rand, tensor, tidy } from '../../src/engine';
import { aaPlan, autoAttack } from '../../src/attacks/autoattack';
import { pgd } from '../../src/attacks/pgd';
import { UserError } from '../../src/errors';
import { ConstantNet, TinyConvNet, quadrantProblem } from './tiny-models';
import { tempDir } from '../helpers/temp-dir';

const FAST = { nIter: 10, nQueries: 60 };

test('AA leaves a model whose logits ignore the input at its clean accuracy', () => {
  const model = new ConstantNet(10, 3);
  const base = liveTensors();
  tidy(() => {
    const x = rand([10, 3, 6, 6]);
    const y = tensor([3, 3, 3, 3, 3, 3, 3, 3, 1, 2], [10], 'int64');
    const r = autoAttack(model, x, y, { norm: 'Linf', eps: 0.3, ...FAST, batchSize: 4 });
    assert.deepEqual(r.robust, [true, true, true, true, true, true, true, true, false, false]);
    assert.deepEqual(r.perAttack.map((p) => [p.attack, p.robustAccuracy]), [
      ['apgd-ce', 0.8],
      ['apgd-t', 0.8],
      ['fab-t', 0.8],
      ['square', 0.8],
    ]);
    assert.deepEqual(r.xAdv.toArray(), x.toArray());
    assert.deepEqual(r.advPred, [3, 3, 3, 3, 3, 3, 3, 3, 3, 3]);
    assert.equal(r.complete, true);
  });
  assert.equal(liveTensors(), base);
  model.dispose();
});

for (const norm of ['Linf', 'L2'] as const) {
  test(`AA (${norm}) drives an undefended linear model to 0 and is never above PGD on the same points`, () => {
    manualSeed(17);
    const { x, y, model } = quadrantProblem(24);
    const base = liveTensors();
    tidy(() => {
      const clean = noGrad(() => model.forward(x).argmax(1).eq(y).float().mean().item());
      assert.equal(clean, 1);
      const large = norm === 'Linf' ? 0.4 : 2.5;
      const r = autoAttack(model, x, y, { norm, eps: large, ...FAST, batchSize: 10 });
      assert.ok(r.robust.filter(Boolean).length === 0, `robust after AA: ${r.robust.filter(Boolean).length}/24`);
      const dev = r.xAdv.sub(x).flatten(1).norm(norm === 'Linf' ? Infinity : 2, 1).amax().item();
      assert.ok(dev <= large * (1 + 1e-5));
      // A budget where PGD leaves part of the points robust.
      const mid = norm === 'Linf' ? 0.28 : 1.6;
      const p = pgd(model, x, y, { eps: mid, stepSize: mid / 4, steps: 10, norm });
      const pgdRobust = noGrad(() => model.forward(p).argmax(1).eq(y).sum().item());
      const aa = autoAttack(model, x, y, { norm, eps: mid, ...FAST, batchSize: 10 });
      const aaRobust = aa.robust.filter(Boolean).length;
      assert.ok(pgdRobust > 0, 'the comparison needs points that PGD does not break');
      assert.ok(aaRobust <= pgdRobust, `AA robust ${aaRobust} > PGD robust ${pgdRobust}`);
      aa.advPred.forEach((pr, i) => assert.equal(pr === y.toArray()[i], aa.robust[i]));
      for (const t of [r.xAdv, aa.xAdv]) t.dispose();
    });
    assert.equal(liveTensors(), base);
    dispose([x, y] as Tensor[]);
    model.dispose();
  });
}

test('versions plus (APGD-DLR, untargeted FAB, 5 restarts) and rand (EOT) run and break an undefended model', () => {
  manualSeed(29);
  const { x, y, model } = quadrantProblem(8);
  tidy(() => {
    for (const version of ['plus', 'rand'] as const) {
      const r = autoAttack(model, x, y, { norm: 'Linf', eps: 0.4, version, nIter: 6, nQueries: 20, batchSize: 8 });
      assert.equal(r.robust.filter(Boolean).length, 0, version);
      assert.equal(r.perAttack[0].attack, 'apgd-ce');
      r.xAdv.dispose();
    }
    // A budget where the first attack leaves points: every attack of the plus list then runs.
    const r = autoAttack(model, x, y, { norm: 'Linf', eps: 0.22, version: 'plus', nIter: 4, nQueries: 10, batchSize: 8 });
    assert.ok(r.perAttack.length >= 2, r.perAttack.map((p) => p.attack).join(','));
    r.xAdv.dispose();
  });
  dispose([x, y] as Tensor[]);
  model.dispose();
});

test('versions: standard, plus and rand attack lists; custom needs a list', () => {
  assert.deepEqual(aaPlan('standard').map((c) => c.attack), ['apgd-ce', 'apgd-t', 'fab-t', 'square']);
  assert.deepEqual(aaPlan('plus').map((c) => `${c.attack}:${c.restarts}`), ['apgd-ce:5', 'apgd-dlr:5', 'fab:5', 'square:1', 'apgd-t:1', 'fab-t:1']);
  assert.deepEqual(aaPlan('rand').map((c) => `${c.attack}:${c.eotIter}`), ['apgd-ce:20', 'apgd-dlr:20']);
  assert.deepEqual(aaPlan('custom', ['square', 'apgd-ce']).map((c) => c.attack), ['square', 'apgd-ce']);
  assert.throws(() => aaPlan('custom', []), UserError);
});

test('an AA run interrupted after k batches and resumed from its state file equals an uninterrupted run', () => {
  manualSeed(23);
  const model = new TinyConvNet(1, 6, 5).eval();
  const dir = tempDir('cfa-aa-');
  const state = path.join(dir, 'aa-state.safetensors');
  const base = liveTensors();
  tidy(() => {
    const x = rand([20, 1, 6, 6]);
    // Labels = clean predictions: every point is attacked, in 4 batches per attack (6, 6, 6, 2).
    const y = noGrad(() => model.forward(x).argmax(1));
    const o = { norm: 'Linf' as const, eps: 0.04, nIter: 8, nQueries: 40, batchSize: 6, identity: 'tiny' };
    const full = autoAttack(model, x, y, o);
    for (const k of [2, 6]) {
      fs.rmSync(state, { force: true });
      const part = autoAttack(model, x, y, { ...o, statePath: state, stopAfterBatches: k });
      assert.equal(part.complete, false);
      assert.ok(fs.existsSync(state));
      rand([7]); // disturb the generator: resuming must not depend on it
      const resumed = autoAttack(model, x, y, { ...o, statePath: state });
      assert.equal(resumed.complete, true);
      assert.deepEqual(resumed.robust, full.robust);
      assert.deepEqual(resumed.advPred, full.advPred);
      assert.deepEqual(resumed.xAdv.toArray(), full.xAdv.toArray());
      assert.deepEqual(resumed.perAttack.map((p) => p.robustAccuracy), full.perAttack.map((p) => p.robustAccuracy));
      // A finished state resumes to the same answer without attacking again.
      const again = autoAttack(model, x, y, { ...o, statePath: state, stopAfterBatches: 0 });
      assert.equal(again.complete, true);
      assert.deepEqual(again.robust, full.robust);
    }
    const broken = full.robust.filter((r) => !r).length;
    assert.ok(broken > 0 && broken < 20, `the run must break some points but not all (${broken})`);
    assert.throws(() => autoAttack(model, x, y, { ...o, eps: 0.05, statePath: state }), (e: Error) => e instanceof UserError && /'eps'/.test(e.message));
  });
  assert.equal(liveTensors(), base);
  fs.rmSync(dir, { recursive: true, force: true });
  model.dispose();
});
