// Tiny models with known weights for the attack tests.
import { F, Tensor, keep, noGrad, rand, tensor, tidy } from '../../src/engine';
import { Conv2d, Linear, Module } from '../../src/nn';

/** f(x) = W·flatten(x) + b with given W [K,D] and b [K]. */
export class LinearNet extends Module {
  readonly fc: Linear;
  constructor(w: number[][], b: number[]) {
    super();
    this.fc = this.child('fc', new Linear(w[0].length, w.length));
    const sd = new Map([
      ['fc.weight', tensor(w.flat(), [w.length, w[0].length])],
      ['fc.bias', tensor(b, [b.length])],
    ]);
    this.loadStateDict(sd);
    for (const t of sd.values()) t.dispose();
  }
  forward(x: Tensor): Tensor {
    return tidy(() => this.fc.forward(x.flatten(1)));
  }
}

/** A small randomly initialised conv net: conv(3×3, C→4) → ReLU → flatten → linear → K. */
export class TinyConvNet extends Module {
  readonly conv: Conv2d;
  readonly fc: Linear;
  constructor(c: number, side: number, k: number) {
    super();
    this.conv = this.child('conv', new Conv2d(c, 4, 3, { padding: 1 }));
    this.fc = this.child('fc', new Linear(4 * side * side, k));
  }
  forward(x: Tensor): Tensor {
    return tidy(() => this.fc.forward(this.conv.forward(x).relu().flatten(1)));
  }
}

/** Logits that ignore the input: a constant row per sample (K classes, class `label` wins). */
export class ConstantNet extends Module {
  private readonly row: Tensor;
  constructor(k: number, label: number) {
    super();
    const v = Array.from({ length: k }, (_, i) => (i === label ? 5 : 0));
    this.row = keep(tensor(v, [1, k]));
  }
  forward(x: Tensor): Tensor {
    // x·0 keeps the output connected to the input so that gradients exist (and are zero).
    return tidy(() => x.flatten(1).sum(1, true).mul(0).add(this.row));
  }
  override dispose(): void {
    this.row.dispose();
  }
}

/** Softmax probabilities instead of logits (for the sanity flags). */
export class ProbabilityNet extends Module {
  constructor(readonly inner: Module) {
    super();
    this.child('inner', inner);
  }
  forward(x: Tensor): Tensor {
    return tidy(() => F.softmax(this.inner.forward(x), 1));
  }
}

/** Copies fresh values into a parameter without recording gradients. */
export function setParam(t: Tensor, values: number[]): void {
  noGrad(() => tidy(() => void t.copy_(tensor(values, t.shape))));
}

/**
 * A separable synthetic problem: K classes on 1×8×8 images, class k brightens quadrant k (0.8 on 0.2, uniform noise
 * ±0.1). Returns n points (class i mod K) and a matched-filter linear model w_k = template_k − mean template, which
 * classifies them all correctly.
 */
export function quadrantProblem(n: number, k = 4): { x: Tensor; y: Tensor; model: LinearNet } {
  const side = 8;
  const templates = Array.from({ length: k }, (_, c) =>
    Array.from({ length: side * side }, (_, p) => {
      const r = Math.floor(p / side) >= side / 2 ? 1 : 0;
      const q = p % side >= side / 2 ? 1 : 0;
      return r * 2 + q === c % 4 ? 0.8 : 0.2;
    }),
  );
  const mean = templates[0].map((_, p) => templates.reduce((a, t) => a + t[p], 0) / k);
  const model = new LinearNet(
    templates.map((t) => t.map((v, p) => 4 * (v - mean[p]))),
    new Array(k).fill(0),
  );
  const labels = Array.from({ length: n }, (_, i) => i % k);
  const x = tidy(() => {
    const base = tensor(labels.flatMap((c) => templates[c]), [n, 1, side, side]);
    return base.add(rand([n, 1, side, side]).mul(0.2).sub(0.1)).clamp(0, 1);
  });
  return { x, y: tensor(labels, [n], 'int64'), model };
}
