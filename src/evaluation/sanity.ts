// Sanity flags in the spirit of AutoAttack's checks: outputs that look like probabilities, randomised outputs, zero
// input gradients, the black-box Square attack finding points the white-box attacks missed, and robust accuracy
// that rises with ε. Each flag is one line starting with its id.
import { F, Tensor, enableGrad, grad, noGrad, tidy } from '../engine';
import { Module } from '../nn';
import { DRIVER_DEFAULTS } from '../attacks/driver';

/** Flags 'probabilities' when every row lies in [0,1] and sums to 1 (±1e-5): attacks need logits. */
export function checkProbabilities(model: Module, x: Tensor): string | undefined {
  const looks = noGrad(() =>
    tidy(() => {
      const z = model.forward(x);
      return z.amax().item() < 1 + 1e-5 && z.amin().item() > -1e-5 && z.sum(1).sub(1).abs().amax().item() < 1e-5;
    }),
  );
  return looks ? 'probabilities: the model outputs rows in [0,1] that sum to 1; attacks and the DLR loss expect logits' : undefined;
}

/** Flags 'randomized' when repeated forward passes of the same inputs differ (relative L2 distance > 1e-4). */
export function checkRandomized(model: Module, x: Tensor, repeats = 5): string | undefined {
  const differs = noGrad(() =>
    tidy(() => {
      const outs = Array.from({ length: repeats }, () => {
        const z = model.forward(x);
        return z.div(z.norm(2, 1, true).add(1e-10));
      });
      return outs.some((o) => o.sub(outs[0]).norm(2, 1).amax().item() > 1e-4);
    }),
  );
  return differs ? 'randomized: repeated forward passes give different outputs; use --version rand (EOT) for randomised defences' : undefined;
}

/** Flags 'zero-gradients' when some points have an all-zero input gradient of the cross-entropy. */
export function checkZeroGradients(model: Module, x: Tensor, y: Tensor): string | undefined {
  const zero = tidy(() =>
    enableGrad(() => {
      const xa = x.detach().requiresGrad_(true);
      const [g] = grad(F.crossEntropy(model.forward(xa), y, 'sum'), xa);
      return g.flatten(1).abs().sum(1).eq(0).sum().item();
    }),
  );
  return zero > 0 ? `zero-gradients: ${zero} of ${x.shape[0]} checked points have a zero input gradient; gradient-based attacks cannot move them, so robustness may be overestimated` : undefined;
}

/** Flags 'n-classes' when targeted DLR attacks cannot run as specified (K < 4, or fewer targets than the default 9). */
export function checkNumClasses(numClasses: number, attacks: string[]): string | undefined {
  const targeted = attacks.some((a) => a === 'apgd-t' || a === 'fab-t');
  if (attacks.some((a) => a.startsWith('apgd-dlr') || a === 'apgd-t') && numClasses < 4) {
    return `n-classes: the DLR losses need at least ${numClasses <= 2 ? 3 : 4} classes, the model has ${numClasses}`;
  }
  const wanted = DRIVER_DEFAULTS.nTargetClasses;
  if (targeted && numClasses - 1 < wanted) return `n-classes: only ${numClasses - 1} target classes exist, targeted attacks use ${numClasses - 1} instead of ${wanted}`;
  return undefined;
}

/**
 * Flags 'square' when Square (black-box) lowered the running robust accuracy by more than 0.2 percentage points
 * after the white-box attacks that ran before it.
 */
export function checkSquare(perAttack: { attack: string; robustAccuracy: number }[], cleanAccuracy: number): string | undefined {
  const i = perAttack.findIndex((p) => p.attack === 'square');
  if (i < 0 || perAttack.length < 2) return undefined;
  const before = Math.min(cleanAccuracy, ...perAttack.slice(0, i).map((p) => p.robustAccuracy));
  const drop = before - perAttack[i].robustAccuracy;
  return drop > 0.002
    ? `square: the black-box Square attack lowered robust accuracy by ${(100 * drop).toFixed(2)} points after the white-box attacks; gradients may be masked, try more iterations or an adaptive attack`
    : undefined;
}

/** Flags 'eps-monotonic' when a larger ε gives a higher robust accuracy on the same points. */
export function checkEpsMonotone(results: { eps: number; robustAccuracy: number }[]): string | undefined {
  const sorted = [...results].sort((a, b) => a.eps - b.eps);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].robustAccuracy > sorted[i - 1].robustAccuracy) {
      return `eps-monotonic: robust accuracy rises from ${(100 * sorted[i - 1].robustAccuracy).toFixed(2)}% at ε=${sorted[i - 1].eps.toPrecision(4)} to ${(100 * sorted[i].robustAccuracy).toFixed(2)}% at ε=${sorted[i].eps.toPrecision(4)}; the attack is not converging`;
    }
  }
  return undefined;
}
