// Layers with PyTorch's parameter names and default initialisation: Conv2d, BatchNorm2d, Linear, ReLU, Flatten, MaxPool2d.
import { F, Tensor, empty, keep, noGrad, ones, scalar, tensor, zeros } from '../engine';
import { Module } from './module';

/** U(−1/√fan_in, 1/√fan_in): PyTorch's kaiming_uniform_(a=√5) for weights and its default bias init. */
function initUniform(t: Tensor, fanIn: number): Tensor {
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  noGrad(() => t.uniform_(-bound, bound));
  return t;
}

export interface Conv2dOptions {
  stride?: number;
  padding?: number;
  dilation?: number;
  groups?: number;
  bias?: boolean;
}

export class Conv2d extends Module {
  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernel: number,
    readonly opts: Conv2dOptions = {},
  ) {
    super();
    const groups = opts.groups ?? 1;
    const fanIn = (inChannels / groups) * kernel * kernel;
    this.param('weight', initUniform(empty([outChannels, inChannels / groups, kernel, kernel]), fanIn));
    if (opts.bias ?? true) this.param('bias', initUniform(empty([outChannels]), fanIn));
  }
  forward(x: Tensor): Tensor {
    return F.conv2d(x, this.params.get('weight')!, this.params.get('bias'), {
      stride: this.opts.stride ?? 1,
      padding: this.opts.padding ?? 0,
      dilation: this.opts.dilation ?? 1,
      groups: this.opts.groups ?? 1,
    });
  }
}

export class Linear extends Module {
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    bias = true,
  ) {
    super();
    this.param('weight', initUniform(empty([outFeatures, inFeatures]), inFeatures));
    if (bias) this.param('bias', initUniform(empty([outFeatures]), inFeatures));
  }
  forward(x: Tensor): Tensor {
    return F.linear(x, this.params.get('weight')!, this.params.get('bias'));
  }
}

/**
 * Batch normalisation over (N,H,W): batch statistics and a running-average update in training mode (momentum 0.1,
 * unbiased variance), running statistics in eval mode. γ=1, β=0, running_mean=0, running_var=1.
 */
export class BatchNorm2d extends Module {
  private batches = 0;
  constructor(
    readonly numFeatures: number,
    readonly momentum = 0.1,
    readonly eps = 1e-5,
  ) {
    super();
    this.param('weight', ones([numFeatures]));
    this.param('bias', zeros([numFeatures]));
    this.buffer('running_mean', zeros([numFeatures]));
    this.buffer('running_var', ones([numFeatures]));
    this.buffer('num_batches_tracked', scalar(0, 'int64'));
  }
  forward(x: Tensor): Tensor {
    if (this.training) {
      this.batches++;
      this.buffers.get('num_batches_tracked')!.fill_(this.batches);
    }
    return F.batchNorm(
      x,
      this.buffers.get('running_mean'),
      this.buffers.get('running_var'),
      this.params.get('weight'),
      this.params.get('bias'),
      this.training,
      this.momentum,
      this.eps,
    );
  }
  protected override afterLoad(): void {
    this.batches = this.buffers.get('num_batches_tracked')!.item();
  }
}

export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return x.relu();
  }
}

export class Flatten extends Module {
  forward(x: Tensor): Tensor {
    return x.flatten(1);
  }
}

export class MaxPool2d extends Module {
  constructor(readonly kernel: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.maxPool2d(x, this.kernel);
  }
}

/** Input normalisation (x − μ)/σ as a wrapper: its constants are not part of the state dict. */
export class Normalized extends Module {
  private mean: Tensor;
  private std: Tensor;
  constructor(
    readonly inner: Module,
    readonly meanValues: number[],
    readonly stdValues: number[],
  ) {
    super();
    const c = meanValues.length;
    this.mean = this.constant(meanValues, c);
    this.std = this.constant(stdValues, c);
  }
  private constant(v: number[], c: number): Tensor {
    return keep(tensor(v, [1, c, 1, 1]));
  }
  forward(x: Tensor): Tensor {
    const n = x.sub(this.mean).div(this.std);
    return this.inner.forward(this.channelsLastInput ? n.channelsLast() : n);
  }
  private channelsLastInput = false;
  /** Channels-last weights and inputs (see Module.channelsLast). */
  override channelsLast(): this {
    this.inner.channelsLast();
    this.channelsLastInput = true;
    return this;
  }
  override train(on = true): this {
    this.training = on;
    this.inner.train(on);
    return this;
  }
  override namedParameters(prefix = '') {
    return this.inner.namedParameters(prefix);
  }
  override namedBuffers(prefix = '') {
    return this.inner.namedBuffers(prefix);
  }
  override stateDict(prefix = '') {
    return this.inner.stateDict(prefix);
  }
  override loadStateDict(sd: Map<string, Tensor>, source?: string): void {
    this.inner.loadStateDict(sd, source);
  }
  override to(device: string): this {
    this.inner.to(device);
    if (this.mean.device !== device) {
      const [m, s] = [this.mean.to(device), this.std.to(device)];
      this.mean.dispose();
      this.std.dispose();
      this.mean = m;
      this.std = s;
    }
    return this;
  }
  override dispose(): void {
    this.inner.dispose();
    this.mean.dispose();
    this.std.dispose();
  }
}
