// Module.forward runs in its own scope: a model written without tidy or dispose frees every intermediate tensor,
// keeps only its result, and still backpropagates through what autograd saved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F, Tensor, liveTensors, manualSeed, rand, randint, tidy } from '../../src/engine';
import { Linear, Module, SGD, chain } from '../../src/nn';

/** A user's model as one would write it in PyTorch: no scopes, no dispose. */
class UserNet extends Module {
  private readonly fc1 = this.child('fc1', new Linear(6, 16));
  private readonly fc2 = this.child('fc2', new Linear(16, 16));
  private readonly head = this.child('head', new Linear(16, 4));
  forward(x: Tensor): Tensor {
    const h = this.fc1.forward(x.flatten(1)).relu();
    const r = h.add(this.fc2.forward(h).tanh().mul(0.5));
    return this.head.forward(r.square().add(r));
  }
}

/** The same function written with functional ops on the same weights, all in one scope. */
function byHand(m: UserNet, x: Tensor): Tensor {
  const [w1, b1, w2, b2, w3, b3] = m.parameters();
  const h = F.linear(x.flatten(1), w1, b1).relu();
  const r = h.add(F.linear(h, w2, b2).tanh().mul(0.5));
  return F.linear(r.square().add(r), w3, b3);
}

test('a forward call leaves exactly one new tensor, its result, also when modules nest', () => {
  manualSeed(1);
  const m = new UserNet();
  const outer = new (class extends Module {
    private readonly parts = [this.child('0', new UserNet()), this.child('1', new Linear(4, 6)), this.child('2', new UserNet())];
    forward(x: Tensor): Tensor {
      return F.softmax(chain(x, this.parts), 1);
    }
  })();
  const x = rand([5, 6]);
  for (const net of [m, outer]) {
    const before = liveTensors();
    const out = net.forward(x);
    assert.equal(liveTensors(), before + 1);
    assert.deepEqual(out.shape, [5, 4]);
    out.dispose();
    assert.equal(liveTensors(), before);
  }
  x.dispose();
  m.dispose();
  outer.dispose();
});

test('gradients after the forward scope closed equal those of the same expression computed in one scope', () => {
  manualSeed(2);
  const m = new UserNet();
  const x = rand([8, 6]);
  const y = randint(0, 4, [8]);
  const grads = (f: () => Tensor) => {
    m.zeroGrad();
    tidy(() => F.crossEntropy(f(), y).backward());
    return m.parameters().map((p) => p.grad!.toArray());
  };
  const scoped = grads(() => m.forward(x));
  const manual = grads(() => byHand(m, x));
  assert.ok(scoped.flat().some((v) => v !== 0), 'gradients are not all zero');
  assert.deepEqual(scoped, manual);
  m.zeroGrad();
  for (const t of [x, y]) t.dispose();
  m.dispose();
});

test('500 forward/backward/SGD steps of a user model without dispose calls leak no tensor', () => {
  manualSeed(3);
  const m = new UserNet();
  const opt = new SGD(m.parameters(), { lr: 0.05, momentum: 0.9 });
  const x = rand([32, 6]);
  const y = randint(0, 4, [32]);
  const step = () => {
    opt.zeroGrad();
    const loss = tidy(() => {
      const l = F.crossEntropy(m.forward(x), y);
      l.backward();
      return l.item();
    });
    opt.step();
    return loss;
  };
  const first = step();
  const live = liveTensors();
  let last = first;
  for (let i = 0; i < 500; i++) last = step();
  assert.equal(liveTensors(), live, 'no tensor leaked');
  assert.ok(last < first * 0.9, `the steps trained the model (loss ${first} → ${last})`);
  for (const t of [x, y]) t.dispose();
  opt.dispose();
  m.dispose();
});
