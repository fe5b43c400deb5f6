// Square Attack: the p schedule and square sides of docs/methods.md#square, and the attack's ball, box and success.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, dispose, liveTensors, manualSeed, noGrad, rand, tensor, tidy } from '../../src/engine';
import { square, squareP, squareSide } from '../../src/attacks/square';
import { ConstantNet, quadrantProblem } from './tiny-models';

test('p schedule halves at 10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000 and CIFAR squares go 29→20→14→10→7→5→4→3', () => {
  const its = [0, 10, 11, 50, 51, 200, 201, 500, 501, 1000, 1001, 2000, 2001, 4000, 4001, 6000, 6001, 8000, 8001, 9999];
  const div = [1, 1, 2, 2, 4, 4, 8, 8, 16, 16, 32, 32, 64, 64, 128, 128, 256, 256, 512, 512];
  its.forEach((it, i) => assert.equal(squareP(it, 0.8), 0.8 / div[i], `iteration ${it}`));
  const sides = [0, 11, 51, 201, 501, 1001, 2001, 4001].map((it) => squareSide(squareP(it), 32, 32, 'Linf'));
  assert.deepEqual(sides, [29, 20, 14, 10, 7, 5, 4, 3]);
  // L2 sides are odd and at least 3.
  assert.deepEqual([0, 11, 51, 201, 501, 4001].map((it) => squareSide(squareP(it), 32, 32, 'L2')), [29, 21, 15, 11, 7, 3]);
});

for (const norm of ['Linf', 'L2'] as const) {
  test(`Square (${norm}) stays in the ball and box, fools a linear model, and leaves unattackable points alone`, () => {
    manualSeed(9);
    const { x, y, model } = quadrantProblem(12);
    const base = liveTensors();
    const eps = norm === 'Linf' ? 0.45 : 3;
    tidy(() => {
      const adv = square(model, x, y, { eps, norm, nQueries: 300 });
      const r = adv.sub(x).flatten(1).norm(norm === 'Linf' ? Infinity : 2, 1).amax().item();
      assert.ok(r <= eps * (1 + 1e-5), `radius ${r}`);
      assert.ok(adv.amin().item() >= 0 && adv.amax().item() <= 1);
      const wrong = noGrad(() => model.forward(adv).argmax(1).ne(y).sum().item());
      assert.ok(wrong >= 10, `Square fooled only ${wrong}/12`);
      // Deterministic under its seed.
      assert.deepEqual(square(model, x, y, { eps, norm, nQueries: 300 }).toArray(), adv.toArray());
    });
    const constant = new ConstantNet(4, 1);
    tidy(() => {
      const xs = rand([3, 1, 8, 8]);
      const ys = tensor([1, 1, 1], [3], 'int64');
      assert.deepEqual(square(constant, xs, ys, { eps, norm, nQueries: 50 }).toArray(), xs.toArray());
    });
    constant.dispose();
    assert.equal(liveTensors(), base);
    dispose([x, y] as Tensor[]);
    model.dispose();
  });
}
