// Finite-difference checks of libtorch's gradients through composite functions used by the attacks and losses.
import { test } from 'node:test';
import { F, Tensor, grad, tensor, tidy, randn, manualSeed } from '../../src/engine';
import { assertClose } from '../helpers/assert-close';

function gradcheck(name: string, f: (x: Tensor) => Tensor, shape: number[]) {
  test(`finite differences: ${name}`, () =>
    tidy(() => {
      manualSeed(7);
      const x0 = randn(shape, 'float64');
      const xs = x0.toArray();
      const x = tensor(xs, shape, 'float64').requiresGrad_(true);
      const analytic = grad(f(x), x)[0].toArray();
      const h = 1e-6;
      const numeric = xs.map((_, i) =>
        tidy(() => {
          const up = xs.slice();
          const dn = xs.slice();
          up[i] += h;
          dn[i] -= h;
          return (f(tensor(up, shape, 'float64')).item() - f(tensor(dn, shape, 'float64')).item()) / (2 * h);
        }),
      );
      assertClose(analytic, numeric, 1e-6, 1e-5, name);
    }));
}

gradcheck('cross-entropy of logits', (x) => F.crossEntropy(x, tensor([1, 0, 3], [3], 'int64')), [3, 4]);
gradcheck('KL(softmax(a) ‖ softmax(x)) batchmean', (x) => F.klDiv(F.logSoftmax(x, 1), F.softmax(tensor([0.1, 0.5, -0.3, 1, 2, -1], [2, 3], 'float64'), 1), 'batchmean'), [2, 3]);
gradcheck('logsumexp ∘ tanh', (x) => x.tanh().logsumexp([0, 1]), [2, 3]);
gradcheck('conv2d + batch norm (train) + mean square', (x) => {
  const w = tensor([0.2, -0.1, 0.4, 0.3, 0.1, -0.5, 0.2, 0.7, -0.3, 0.05, 0.6, -0.2, 0.1, 0.3, -0.4, 0.2, 0.8, -0.6], [2, 1, 3, 3], 'float64');
  const h = F.conv2d(x, w, null, { padding: 1 });
  return F.batchNorm(h, undefined, undefined, undefined, undefined, true).square().mean();
}, [2, 1, 4, 4]);
gradcheck('reflect pad, avg pool, p-norm', (x) => F.avgPool2d(F.pad(x, [1, 1, 1, 1], 'reflect'), 2).norm(2), [1, 1, 4, 4]);
