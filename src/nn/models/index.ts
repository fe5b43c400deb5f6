// Model registry: architecture names used by the CLI and configs.
import { VectorIsa, kernelIsa } from '../../engine';
import { UserError } from '../../errors';
import { Normalized } from '../layers';
import { Module } from '../module';
import { isModelPlugin } from './names';
import { createPluginNetwork } from './plugin';
import { PreActResNet18 } from './preact-resnet18';
import { ResNet18 } from './resnet18';
import { SmallCNN } from './small-cnn';
import { WideResNet } from './wide-resnet';

import { ARCHS } from './names';

export interface ModelSpec {
  arch: string;
  numClasses: number;
  inChannels: number;
  inputSize: number;
}

/** Builds the bare network (its state dict uses PyTorch's key names), built in or from a plug-in file. */
export function createNetwork(s: ModelSpec): Module {
  switch (s.arch) {
    case 'prn18':
    case 'preactresnet18':
      return new PreActResNet18({ numClasses: s.numClasses, inChannels: s.inChannels, pool: s.inputSize === 32 ? 'fixed4' : 'global' });
    case 'prn18-frl':
      return new PreActResNet18({ numClasses: s.numClasses, inChannels: s.inChannels, pool: s.inputSize === 32 ? 'fixed4' : 'global', finalBn: false });
    case 'resnet18':
      return new ResNet18({ numClasses: s.numClasses, inChannels: s.inChannels });
    case 'wrn34-10':
      return new WideResNet({ depth: 34, widen: 10, numClasses: s.numClasses, inChannels: s.inChannels });
    case 'smallcnn':
      return new SmallCNN({ numClasses: s.numClasses, inChannels: s.inChannels, inputSize: s.inputSize });
    default:
      if (isModelPlugin(s.arch)) return createPluginNetwork(s.arch, { numClasses: s.numClasses, inChannels: s.inChannels, inputSize: s.inputSize });
      throw new UserError(`--arch: unknown architecture '${s.arch}' (expected one of ${ARCHS.join(', ')} or a model plug-in file .js)`);
  }
}

/** The BatchNorm ResNets, whose faster layout depends on the host's kernels (see prefersChannelsLast). */
const BATCHNORM_RESNETS = ['prn18', 'preactresnet18', 'prn18-frl', 'resnet18', 'wrn34-10'];

/**
 * Whether `arch` runs faster channels-last on CPU kernels of this ISA. Forward+backward passes timed alternately in
 * one process (README, "Layout per host"): SmallCNN is faster channels-last on AVX2 and AVX-512 kernels alike;
 * PreActResNet-18, ResNet-18 and WRN-34-10 are faster channels-last on AVX-512 kernels and in NCHW on AVX2 kernels.
 * Kernels not measured (SSE, AVX, other CPUs) keep channels-last.
 */
export function prefersChannelsLast(arch: string, isa: VectorIsa = kernelIsa()): boolean {
  return !(BATCHNORM_RESNETS.includes(arch) && isa === 'avx2');
}

/**
 * The network behind input normalisation: it takes [0,1] images; μ/σ are not in the state dict. Weights and inputs
 * are stored channels-last when `channelsLast` says so, by default when the architecture runs faster that way on this
 * host (prefersChannelsLast); the values computed are the same up to float rounding.
 */
export function createModel(s: ModelSpec & { mean: number[]; std: number[]; channelsLast?: boolean }): Module {
  const m = new Normalized(createNetwork(s), s.mean, s.std);
  return (s.channelsLast ?? prefersChannelsLast(s.arch)) ? m.channelsLast() : m;
}

export { PreActResNet18, ResNet18, SmallCNN, WideResNet };
export { ARCHS, isModelPlugin } from './names';
export type { Arch } from './names';
export { PLUGIN_LIBRARY, loadPlugin, pluginFunction } from './plugin';
export type { ModelFactory, ModelPluginSpec } from './plugin';
