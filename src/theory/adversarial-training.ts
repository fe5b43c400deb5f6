// Adversarial training of the toy model's linear classifier with the engine: a two-parameter model
// z = w₁·x₁ + w₂·Σ_{i≥2} x_i (the tied weights of docs/methods.md#toy-model), logistic loss, SGD on PGD examples that perturb only the
// non-robust coordinates within an ℓ∞ ball of radius ε. Theorem 2 predicts that the learned ratio w = w₁/w₂ grows
// with ε.
import { ToyOptions, sampleToy } from '../data/toy';
import { Tensor, grad, manualSeed, noGrad, randperm, tensor, tidy, uniform } from '../engine';

export interface AdvTrainOptions {
  /** ℓ∞ radius on the non-robust features. */
  eps: number;
  /** Training points (default 8000). */
  n?: number;
  /** Passes over the data (default 5). */
  epochs?: number;
  /** Minibatch size (default 200). */
  batch?: number;
  /** SGD learning rate (default 0.5). */
  lr?: number;
  /** PGD iterations (default 10) and step size (default 2.5·ε/steps). */
  pgdSteps?: number;
  pgdStepSize?: number;
  /** Seeds the data and libtorch's generator (PGD random start, shuffling); default 0. */
  seed?: number;
}

/** Defaults of the optional settings. */
export const ADV_TRAIN_DEFAULTS = { n: 8000, epochs: 5, batch: 200, lr: 0.5, pgdSteps: 10, seed: 0 };

/** One sentence saying how the model was trained (for captions). */
export function describeAdvTraining(opts: Omit<AdvTrainOptions, 'eps'> = {}): string {
  const o = { ...ADV_TRAIN_DEFAULTS, ...opts };
  const step = opts.pgdStepSize === undefined ? `2.5ε/${o.pgdSteps}` : String(opts.pgdStepSize);
  return (
    `${o.n} points (seed ${o.seed}); model z = w₁x₁ + w₂·Σ_{i≥2} x_i from w = (0.1, 0.1); logistic loss; SGD (lr ${o.lr}, batch ${o.batch}, ${o.epochs} epochs) ` +
    `on PGD examples (${o.pgdSteps} steps of ${step} from a uniform random start; ℓ∞ ball of radius ε on x₂..x_{d+1} only).`
  );
}

export interface AdvTrainResult {
  eps: number;
  w1: number;
  w2: number;
  /** w = w₁/w₂ (Infinity when w₂ ≤ 0: the non-robust features are ignored or used against the label). */
  w: number;
  /** Accuracy on the training points under the final PGD attack, per class (+1 first). */
  robustTrain: [number, number];
}

/** Logistic loss log(1 + e^{−m}) averaged over the batch, computed stably. */
function logisticLoss(margin: Tensor): Tensor {
  return margin.neg().relu().add(margin.abs().neg().exp().add(1).log()).mean();
}

function margins(w: Tensor, x1: Tensor, xr: Tensor, y: Tensor): Tensor {
  const z = x1.mul(w.select(0, 0)).add(xr.sum(1).mul(w.select(0, 1)));
  return z.mul(y);
}

/** PGD on the non-robust coordinates: random start in the ε-box, k signed-gradient steps, projection onto the box. */
function pgd(w: Tensor, x1: Tensor, xr: Tensor, y: Tensor, eps: number, steps: number, step: number): Tensor {
  return tidy(() => {
    let delta = uniform(xr.shape, -eps, eps, 'float64');
    const wd = w.detach();
    for (let k = 0; k < steps; k++) {
      const next = tidy(() => {
        const d = delta.detach().requiresGrad_();
        const loss = logisticLoss(margins(wd, x1, xr.add(d), y));
        const [g] = grad(loss, d);
        return d.detach().add(g.sign().mul(step)).clamp(-eps, eps);
      });
      delta.dispose();
      delta = next;
    }
    return xr.add(delta);
  });
}

/** Trains the two weights from w = (0.1, 0.1) and returns them with the ratio w₁/w₂. */
export function trainLinearAdversarial(toy: ToyOptions, opts: AdvTrainOptions): AdvTrainResult {
  const { n, epochs, batch, lr, pgdSteps: steps, seed } = { ...ADV_TRAIN_DEFAULTS, ...opts };
  const step = opts.pgdStepSize ?? (2.5 * opts.eps) / steps;
  manualSeed(seed);
  const s = sampleToy(n, toy, seed);
  return tidy(() => {
    const all = tensor(s.x, [s.n, s.dim], 'float64');
    const x1 = all.select(1, 0).contiguous();
    const xr = all.narrow(1, 1, toy.d).contiguous();
    const y = tensor(Float64Array.from(s.y), [s.n], 'float64');
    const w = tensor([0.1, 0.1], [2], 'float64').requiresGrad_();
    for (let e = 0; e < epochs; e++) {
      const order = randperm(n);
      for (let i = 0; i < n; i += batch) {
        tidy(() => {
          const idx = order.narrow(0, i, Math.min(batch, n - i));
          const bx1 = x1.indexSelect(0, idx);
          const bxr = xr.indexSelect(0, idx);
          const by = y.indexSelect(0, idx);
          const adv = pgd(w, bx1, bxr, by, opts.eps, steps, step);
          const [g] = grad(logisticLoss(margins(w, bx1, adv, by)), w);
          noGrad(() => w.add_(g, -lr));
        });
      }
      order.dispose();
    }
    const adv = pgd(w, x1, xr, y, opts.eps, steps, step);
    const correct = noGrad(() => margins(w, x1, adv, y).gt(0).toArray());
    const [w1, w2] = w.detach().toArray();
    const acc = (cls: number) => {
      let c = 0, m = 0;
      s.y.forEach((v, i) => {
        if (v !== cls) return;
        m++;
        c += correct[i];
      });
      return c / m;
    };
    const result: AdvTrainResult = { eps: opts.eps, w1, w2, w: w2 > 0 ? w1 / w2 : Infinity, robustTrain: [acc(1), acc(-1)] };
    return result;
  });
}
