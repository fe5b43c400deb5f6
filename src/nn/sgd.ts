// SGD with momentum, dampening, weight decay and Nesterov, reproducing torch.optim.SGD's update exactly:
//   g ← ∇L + wd·θ;  v ← g (first step) or μ·v + (1−dampening)·g;  d ← g + μ·v (Nesterov) or v;  θ ← θ − lr·d.
import { Tensor, keep, noGrad, tidy } from '../engine';

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
}

export class SGD {
  lr: number;
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  /** Momentum buffers, one per parameter (undefined until its first step). */
  readonly buffers: (Tensor | undefined)[];

  constructor(
    readonly params: Tensor[],
    o: SGDOptions,
  ) {
    this.lr = o.lr;
    this.momentum = o.momentum ?? 0;
    this.dampening = o.dampening ?? 0;
    this.weightDecay = o.weightDecay ?? 0;
    this.nesterov = o.nesterov ?? false;
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) throw new Error('SGD: Nesterov needs momentum > 0 and dampening 0');
    this.buffers = params.map(() => undefined);
  }

  /** One update from the parameters' accumulated gradients (parameters without a gradient are skipped). */
  step(): void {
    noGrad(() =>
      this.params.forEach((p, i) =>
        tidy(() => {
          const grad = p.grad;
          if (!grad) return;
          let d = this.weightDecay !== 0 ? grad.add(p, this.weightDecay) : grad;
          if (this.momentum !== 0) {
            let buf = this.buffers[i];
            if (!buf) {
              buf = keep(d.clone());
              this.buffers[i] = buf;
            } else {
              buf.mul_(this.momentum).add_(d, 1 - this.dampening);
            }
            d = this.nesterov ? d.add(buf, this.momentum) : buf;
          }
          p.add_(d, -this.lr);
        }),
      ),
    );
  }

  /** Clears the gradients of every parameter. */
  zeroGrad(): void {
    for (const p of this.params) p.setGrad(undefined);
  }

  /** Momentum buffers keyed by parameter index, as PyTorch's optimizer state ("state.<i>.momentum_buffer"). */
  stateDict(): Map<string, Tensor> {
    const m = new Map<string, Tensor>();
    this.buffers.forEach((b, i) => b && m.set(`state.${i}.momentum_buffer`, b));
    return m;
  }
  loadStateDict(sd: Map<string, Tensor>): void {
    noGrad(() =>
      this.params.forEach((p, i) => {
        const src = sd.get(`state.${i}.momentum_buffer`);
        this.buffers[i]?.dispose();
        this.buffers[i] = src ? keep(src.clone()) : undefined;
      }),
    );
  }
  dispose(): void {
    for (const b of this.buffers) b?.dispose();
  }
}
