// Named presets: partial configurations applied before a config file and flags (`--preset a,b` applies a then b).
import { UserError } from '../errors';
import { ConfigInput, checkInput } from './config';

interface Preset {
  doc: string;
  config: ConfigInput;
}

const cifar = { dataset: 'cifar10', arch: 'prn18', epochs: 200 };
/**
 * How Table 1's AT and FAT rows were made: the paper does not name the BatchNorm mode of the training attack, and its
 * numbers come from the official code, which attacks in train mode (docs/methods.md#batchnorm-mode).
 */
const table1Attack = { attackMode: 'train' };

/** The paper's CIFAR-10 runs (§5.1; PRN-18, 200 epochs, ε 8/255), the official-code profile, and quick CPU runs. */
export const PRESETS: Record<string, Preset> = {
  'paper-cifar10-at': { doc: 'AT baseline with its EMA model (Table 1 rows AT, AT+EMA; training attack in train mode, as the table was made)', config: { ...cifar, ...table1Attack, method: 'at', cfa: { ema: true } } },
  'paper-cifar10-at-cfa': { doc: 'AT+CFA: CCM (λ₁ 0.5) and FAWA (Table 1 row AT+CFA; training attack in train mode)', config: { ...cifar, ...table1Attack, method: 'at', cfa: { ccm: true, fawa: true } } },
  'paper-cifar10-trades': { doc: 'TRADES baseline (β 6) with its EMA model', config: { ...cifar, method: 'trades', cfa: { ema: true } } },
  'paper-cifar10-trades-cfa': { doc: 'TRADES+CFA: CCM (λ₁ 0.3), CCR (λ₂ 0.5) and FAWA', config: { ...cifar, method: 'trades', cfa: { ccm: true, ccr: true, fawa: true } } },
  'paper-cifar10-fat': { doc: 'FAT baseline (τ 3, CFA semantics) with its EMA model (Table 1 rows FAT, FAT+EMA; training attack in train mode)', config: { ...cifar, ...table1Attack, method: 'fat', cfa: { ema: true } } },
  'paper-cifar10-fat-cfa': { doc: 'FAT+CFA: CCM (λ₁ 0.7) and FAWA (Table 1 row FAT+CFA; training attack in train mode)', config: { ...cifar, ...table1Attack, method: 'fat', cfa: { ccm: true, fawa: true } } },
  'fat-original': {
    doc: 'the original FAT attack: early stopping docs/methods.md#fat with ω 0.001 noise, dynamic τ (0, 1 from epoch 51, 2 from epoch 91), ε 0.031, α 0.007, attack in eval mode, zero padding',
    config: { method: 'fat', fat: { semantics: 'original', tau: 0, tauMilestones: [50, 90] }, eps: 0.031, stepSize: 0.007, attackMode: 'eval', padMode: 'zero' },
  },
  'paper-cifar10-frl': {
    doc:
      "FRL reweight+remargin fine-tuning with EMA as its authors ran it (docs/methods.md#frl): FRL's PRN-18 without the final BatchNorm on raw pixels, " +
      'multipliers from PGD-20 on the last 300 training images of each class, 40 epochs, lr 1e-3, zero padding; give the hot start with --init',
    config: {
      ...cifar,
      method: 'frl',
      frl: { variant: 'reweight-remargin' },
      arch: 'prn18-frl',
      normalize: 'none',
      validRule: 'last',
      validPerClass: 300,
      evalSteps: 20,
      epochs: 40,
      lr: 0.001,
      lrSchedule: 'constant',
      padMode: 'zero',
      cfa: { ema: true },
    },
  },
  official: { doc: "the official CFA code's defaults (λ₁ 0.5, decay 0.88, threshold 0.24, EMA from epoch 0, FAWA from first acceptance, AT/FAT attack in train mode)", config: { profile: 'official' } },
  'quick-fmnist': {
    doc:
      'a few minutes on 2 CPU cores: SmallCNN, Fashion-MNIST 500 images/class (+50/class validation, 100/class test), ε 0.1, ' +
      'trained against PGD-3 (step 0.04) so that 20 epochs fit, validated and tested with PGD-10 (step ε/4); lr 0.03 (SmallCNN has no BatchNorm: 0.1 diverges, 0.05 swings from class to class), ' +
      '÷10 before the 17th and again before the 19th epoch; sized down to about 5 minutes on slower hosts (cfa train --budget); ' +
      "FAWA judges the worst-20% classes' robust accuracy against the paper's 0.2, as the paper does for Tiny-ImageNet (at this size the hardest class, Shirt, sits near 0% on 50 validation images in most epochs, so the worst-class rule would accept almost no epoch)",
    config: {
      dataset: 'fashion-mnist',
      arch: 'smallcnn',
      eps: 0.1,
      stepSize: 0.04,
      steps: 3,
      evalSteps: 10,
      evalStepSize: 0.025,
      perClass: 500,
      validPerClass: 50,
      testPerClass: 100,
      epochs: 20,
      batchSize: 64,
      lr: 0.03,
      lrMilestones: [16, 18],
      fawa: { metric: 'worst20' },
    },
  },
};

/** The checked partial configurations of presets, in order; an unknown name is a UserError listing the known ones. */
export function presetInputs(names: readonly string[]): ConfigInput[] {
  return names.map((n) => {
    const p = PRESETS[n];
    if (!p) throw new UserError(`--preset: unknown preset '${n}' (known: ${Object.keys(PRESETS).join(', ')})`);
    return checkInput(p.config, `preset ${n}`);
  });
}
