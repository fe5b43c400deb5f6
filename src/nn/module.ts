// Module: named parameters, buffers and child modules, train/eval mode, and PyTorch-compatible state dicts.
import { Tensor, keep, noGrad, tidy } from '../engine';
import { UserError } from '../errors';

export type StateDict = Map<string, Tensor>;

/**
 * A network part. Subclasses write `forward` as the equations read: every call of it runs in its own scope, so the
 * tensors it makes are freed when it returns, except its result (autograd keeps what backward needs alive through
 * the graph, not through these tensors).
 */
export abstract class Module {
  training = true;
  protected readonly params = new Map<string, Tensor>();
  protected readonly buffers = new Map<string, Tensor>();
  protected readonly children = new Map<string, Module>();

  constructor() {
    const body = (this as Pick<Module, 'forward'>).forward;
    this.forward = (x) => tidy(() => body.call(this, x));
  }

  abstract forward(x: Tensor): Tensor;

  /** Registers a trainable leaf tensor under `name` (it outlives every tidy scope). */
  protected param(name: string, t: Tensor): Tensor {
    keep(t).requiresGrad_(true);
    this.params.set(name, t);
    return t;
  }
  protected buffer(name: string, t: Tensor): Tensor {
    this.buffers.set(name, keep(t));
    return t;
  }
  protected child<M extends Module>(name: string, m: M): M {
    this.children.set(name, m);
    return m;
  }

  /** Sets training mode on this module and every descendant. */
  train(on = true): this {
    this.training = on;
    for (const c of this.children.values()) c.train(on);
    return this;
  }
  eval(): this {
    return this.train(false);
  }

  /** Parameters with PyTorch's dotted names, in registration order (own first, then children). */
  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, t] of this.params) out.push([prefix + n, t]);
    for (const [n, c] of this.children) out.push(...c.namedParameters(`${prefix}${n}.`));
    return out;
  }
  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }
  namedBuffers(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, t] of this.buffers) out.push([prefix + n, t]);
    for (const [n, c] of this.children) out.push(...c.namedBuffers(`${prefix}${n}.`));
    return out;
  }

  /** PyTorch's state_dict order: each module's parameters, then its buffers, then its children. Shares storage. */
  stateDict(prefix = ''): StateDict {
    const out: StateDict = new Map();
    for (const [n, t] of this.params) out.set(prefix + n, t);
    for (const [n, t] of this.buffers) out.set(prefix + n, t);
    for (const [n, c] of this.children) for (const [k, v] of c.stateDict(`${prefix}${n}.`)) out.set(k, v);
    return out;
  }

  /**
   * Copies values into this module's tensors (in place, keeping identity and requiresGrad). Strict: every key must
   * match in name, shape and dtype; `source` names the origin in errors.
   */
  loadStateDict(sd: StateDict, source = 'state dict'): void {
    const own = this.stateDict();
    const missing = [...own.keys()].filter((k) => !sd.has(k));
    const unexpected = [...sd.keys()].filter((k) => !own.has(k));
    if (missing.length || unexpected.length) {
      const parts = [];
      if (missing.length) parts.push(`missing keys: ${listKeys(missing)}`);
      if (unexpected.length) parts.push(`unexpected keys: ${listKeys(unexpected)}`);
      throw new UserError(`${source}: does not match the model (${parts.join('; ')})`);
    }
    for (const [k, t] of own) {
      const src = sd.get(k)!;
      const a = t.shape.join('x');
      const b = src.shape.join('x');
      if (a !== b) throw new UserError(`${source}: '${k}' has shape [${b}], the model expects [${a}]`);
      if (src.dtype !== t.dtype) throw new UserError(`${source}: '${k}' has dtype ${src.dtype}, the model expects ${t.dtype}`);
    }
    noGrad(() => {
      for (const [k, t] of own) t.copy_(sd.get(k)!);
    });
    this.afterLoad();
  }

  /** Hook for modules that mirror tensor state in JavaScript (BatchNorm's batch counter). */
  protected afterLoad(): void {
    for (const c of this.children.values()) c.afterLoad();
  }

  /** Moves every parameter and buffer to `device` (parameters stay trainable leaves). */
  to(device: string): this {
    noGrad(() => {
      for (const [n, t] of this.params) {
        if (t.device === device) continue;
        const moved = t.to(device);
        t.dispose();
        this.params.set(n, keep(moved).requiresGrad_(true));
      }
      for (const [n, t] of this.buffers) {
        if (t.device === device) continue;
        const moved = t.to(device);
        t.dispose();
        this.buffers.set(n, keep(moved));
      }
    });
    for (const c of this.children.values()) c.to(device);
    this.afterMove();
    return this;
  }
  /** Casts every floating-point parameter and buffer to float64, as PyTorch's `module.double()`. */
  double(): this {
    return this.castFloats('float64');
  }
  /** Casts every floating-point parameter and buffer to float32, as PyTorch's `module.float()`. */
  float(): this {
    return this.castFloats('float32');
  }
  private castFloats(dtype: 'float32' | 'float64'): this {
    const floating = (t: Tensor) => t.dtype === 'float32' || t.dtype === 'float64';
    noGrad(() => {
      for (const [n, t] of this.params) {
        if (!floating(t) || t.dtype === dtype) continue;
        const cast = t.to(t.device, dtype);
        t.dispose();
        this.params.set(n, keep(cast).requiresGrad_(true));
      }
      for (const [n, t] of this.buffers) {
        if (!floating(t) || t.dtype === dtype) continue;
        const cast = t.to(t.device, dtype);
        t.dispose();
        this.buffers.set(n, keep(cast));
      }
    });
    for (const c of this.children.values()) c.castFloats(dtype);
    this.afterMove();
    return this;
  }

  /**
   * Stores every 4-D parameter and buffer channels-last (NHWC), which oneDNN's CPU convolutions run faster on (about
   * 1.8× for SmallCNN, 1.1× for PreActResNet-18 here). Values, names and checkpoints are unchanged. Call it before
   * creating the optimizer: parameters are replaced by new leaf tensors.
   */
  channelsLast(): this {
    noGrad(() => {
      for (const [n, t] of this.params) {
        if (t.rank !== 4 || t.isChannelsLast) continue;
        const moved = t.channelsLast();
        t.dispose();
        this.params.set(n, keep(moved).requiresGrad_(true));
      }
    });
    for (const c of this.children.values()) c.channelsLast();
    return this;
  }

  /** Hook for modules that cache references to their tensors. */
  protected afterMove(): void {}

  /** Clears every parameter's accumulated gradient. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.setGrad(undefined);
  }

  /** Frees every parameter and buffer. */
  dispose(): void {
    for (const t of this.params.values()) t.dispose();
    for (const t of this.buffers.values()) t.dispose();
    for (const c of this.children.values()) c.dispose();
  }

  /** Number of trainable scalars. */
  numParameters(): number {
    return this.parameters().reduce((s, p) => s + p.numel, 0);
  }
}

function listKeys(keys: string[]): string {
  return keys.length > 6 ? `${keys.slice(0, 6).join(', ')} … (${keys.length} in all)` : keys.join(', ');
}

/**
 * Applies modules in order and frees each intermediate output as soon as the next one exists (autograd keeps what
 * backward needs through the graph), so a deep stack holds one activation at a time without gradients.
 */
export function chain(x: Tensor, modules: readonly Module[]): Tensor {
  return modules.reduce((h, m) => {
    const next = m.forward(h);
    if (h !== x) h.dispose();
    return next;
  }, x);
}

/** Applies children in order. */
export class Sequential extends Module {
  private readonly order: Module[] = [];
  constructor(...modules: Module[]) {
    super();
    modules.forEach((m, i) => this.order.push(this.child(String(i), m)));
  }
  forward(x: Tensor): Tensor {
    return chain(x, this.order);
  }
}
