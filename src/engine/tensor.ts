// The Tensor type: a typed, documented view of the native op table. Every method returns a new tensor unless its
// name ends in `_` (in place). Gradients come from libtorch's autograd.
import { Handle, N } from './native';
import { track } from './scope';

export type DType = 'float32' | 'float64' | 'int64' | 'int32' | 'uint8' | 'bool';
/** 'cpu', 'cuda' or 'cuda:N'. */
export type Device = string;
export type Shape = readonly number[];
export type TypedArray = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array;
export type Reduction = 'mean' | 'sum' | 'none';

const ARRAY_OF: Record<DType, (buf: ArrayBuffer) => TypedArray> = {
  float32: (b) => new Float32Array(b),
  float64: (b) => new Float64Array(b),
  int64: (b) => new BigInt64Array(b),
  int32: (b) => new Int32Array(b),
  uint8: (b) => new Uint8Array(b),
  bool: (b) => new Uint8Array(b),
};

// Safety net for tensors nobody disposes: once the wrapper is garbage, its native tensor is released.
const collected = new FinalizationRegistry<Handle>((h) => N.dispose(h));

export class Tensor {
  private h: Handle | undefined;

  /** Wraps a native handle; normally only the engine calls this. */
  constructor(handle: Handle) {
    this.h = handle;
    collected.register(this, handle, this);
    track(this);
  }

  /** The native handle (throws after dispose). */
  get handle(): Handle {
    if (this.h === undefined) throw new Error('tensor used after dispose()');
    return this.h;
  }

  get disposed(): boolean {
    return this.h === undefined;
  }

  /** Tells the addon that no scope will free this tensor, so its memory counts for garbage collection. */
  escaped(): void {
    if (this.h !== undefined) N.escaped(this.h);
  }

  /** Frees the native memory now. Safe to call twice. */
  dispose(): void {
    if (this.h === undefined) return;
    collected.unregister(this);
    N.dispose(this.h);
    this.h = undefined;
  }
  /** `using t = …` frees the tensor when the enclosing block ends. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  // ---- introspection
  get shape(): number[] {
    return N.shape(this.handle);
  }
  get dtype(): DType {
    return N.dtype(this.handle);
  }
  get device(): Device {
    return N.device(this.handle);
  }
  get numel(): number {
    return N.numel(this.handle);
  }
  get rank(): number {
    return this.shape.length;
  }
  get requiresGrad(): boolean {
    return N.requiresGrad(this.handle);
  }
  /** The value of a one-element tensor. */
  item(): number {
    return N.item(this.handle);
  }
  /** A copy of the data in a typed array matching the dtype (bool → Uint8Array, int64 → BigInt64Array). */
  data(): TypedArray {
    return ARRAY_OF[this.dtype](N.toBuffer(this.handle));
  }
  /** The data as plain numbers (int64 converted with Number()). */
  toArray(): number[] {
    const d = this.data();
    return d instanceof BigInt64Array ? Array.from(d, Number) : Array.from(d as ArrayLike<number>);
  }
  toString(): string {
    return `Tensor(${this.dtype}, [${this.shape.join(', ')}], ${this.device})`;
  }

  // ---- conversion and autograd state
  to(device?: Device, dtype?: DType): Tensor {
    return w(N.to(this.handle, device ?? null, dtype ?? null));
  }
  float(): Tensor {
    return this.to(undefined, 'float32');
  }
  double(): Tensor {
    return this.to(undefined, 'float64');
  }
  long(): Tensor {
    return this.to(undefined, 'int64');
  }
  contiguous(): Tensor {
    return w(N.contiguous(this.handle));
  }
  /** The same values stored channels-last (NHWC) when 4-D: oneDNN's fast layout for convolutions on the CPU. */
  channelsLast(): Tensor {
    return w(N.channelsLast(this.handle));
  }
  get isChannelsLast(): boolean {
    return N.isChannelsLast(this.handle);
  }
  clone(): Tensor {
    return w(N.clone(this.handle));
  }
  /** Same data, cut from the autograd graph. */
  detach(): Tensor {
    return w(N.detach(this.handle));
  }
  /** Marks this tensor as a leaf that accumulates gradients (in place; returns this). */
  requiresGrad_(on = true): Tensor {
    N.setRequiresGrad(this.handle, on);
    return this;
  }
  /** The accumulated gradient, or undefined. Each call returns a new handle to it. */
  get grad(): Tensor | undefined {
    const g = N.grad(this.handle);
    return g === undefined ? undefined : w(g);
  }
  /** Sets (or clears, with undefined) the accumulated gradient. */
  setGrad(g: Tensor | undefined): void {
    N.setGrad(this.handle, g === undefined ? undefined : g.handle);
  }
  /** Backpropagates from this tensor (a scalar unless gradOutput is given) into leaves' .grad. */
  backward(gradOutput?: Tensor, retainGraph?: boolean): void {
    N.backward(this.handle, gradOutput?.handle, retainGraph, false);
  }

  // ---- elementwise
  add(o: Tensor | number, alpha?: number): Tensor {
    return typeof o === 'number' ? w(N.addScalar(this.handle, o * (alpha ?? 1))) : w(N.add(this.handle, o.handle, alpha));
  }
  sub(o: Tensor | number, alpha?: number): Tensor {
    return typeof o === 'number' ? w(N.addScalar(this.handle, -o * (alpha ?? 1))) : w(N.sub(this.handle, o.handle, alpha));
  }
  /** s − this. */
  rsub(s: number): Tensor {
    return w(N.rsubScalar(this.handle, s));
  }
  mul(o: Tensor | number): Tensor {
    return typeof o === 'number' ? w(N.mulScalar(this.handle, o)) : w(N.mul(this.handle, o.handle));
  }
  div(o: Tensor | number): Tensor {
    return typeof o === 'number' ? w(N.divScalar(this.handle, o)) : w(N.div(this.handle, o.handle));
  }
  pow(o: Tensor | number): Tensor {
    return typeof o === 'number' ? w(N.powScalar(this.handle, o)) : w(N.pow(this.handle, o.handle));
  }
  minimum(o: Tensor): Tensor {
    return w(N.minimum(this.handle, o.handle));
  }
  maximum(o: Tensor): Tensor {
    return w(N.maximum(this.handle, o.handle));
  }
  eq(o: Tensor | number): Tensor {
    return cmp('eq', this, o);
  }
  ne(o: Tensor | number): Tensor {
    return cmp('ne', this, o);
  }
  lt(o: Tensor | number): Tensor {
    return cmp('lt', this, o);
  }
  le(o: Tensor | number): Tensor {
    return cmp('le', this, o);
  }
  gt(o: Tensor | number): Tensor {
    return cmp('gt', this, o);
  }
  ge(o: Tensor | number): Tensor {
    return cmp('ge', this, o);
  }
  logicalAnd(o: Tensor): Tensor {
    return w(N.logicalAnd(this.handle, o.handle));
  }
  logicalOr(o: Tensor): Tensor {
    return w(N.logicalOr(this.handle, o.handle));
  }
  logicalNot(): Tensor {
    return w(N.logicalNot(this.handle));
  }
  /** Clamps to [min, max]; bounds are scalars or broadcastable tensors, either may be omitted. */
  clamp(min?: number | Tensor | null, max?: number | Tensor | null): Tensor {
    if (min instanceof Tensor || max instanceof Tensor) {
      return w(N.clampTensor(this.handle, asHandle(min), asHandle(max)));
    }
    return w(N.clamp(this.handle, min ?? null, max ?? null));
  }
  neg(): Tensor {
    return w(N.neg(this.handle));
  }
  /** sign with sign(0) = 0. */
  sign(): Tensor {
    return w(N.sign(this.handle));
  }
  abs(): Tensor {
    return w(N.abs(this.handle));
  }
  exp(): Tensor {
    return w(N.exp(this.handle));
  }
  log(): Tensor {
    return w(N.log(this.handle));
  }
  log1p(): Tensor {
    return w(N.log1p(this.handle));
  }
  sqrt(): Tensor {
    return w(N.sqrt(this.handle));
  }
  square(): Tensor {
    return w(N.square(this.handle));
  }
  reciprocal(): Tensor {
    return w(N.reciprocal(this.handle));
  }
  floor(): Tensor {
    return w(N.floor(this.handle));
  }
  round(): Tensor {
    return w(N.round(this.handle));
  }
  relu(): Tensor {
    return w(N.relu(this.handle));
  }
  sigmoid(): Tensor {
    return w(N.sigmoid(this.handle));
  }
  tanh(): Tensor {
    return w(N.tanh(this.handle));
  }
  erf(): Tensor {
    return w(N.erf(this.handle));
  }
  isfinite(): Tensor {
    return w(N.isfinite(this.handle));
  }
  isnan(): Tensor {
    return w(N.isnan(this.handle));
  }

  // ---- reductions (dims may be a number or a list; omitted = all)
  sum(dims?: number | number[], keepdim = false, dtype?: DType): Tensor {
    return w(N.sum(this.handle, dims ?? null, keepdim, dtype ?? null));
  }
  mean(dims?: number | number[], keepdim = false): Tensor {
    return w(N.mean(this.handle, dims ?? null, keepdim));
  }
  /** Maximum values over dims (all dims when omitted). */
  amax(dims?: number | number[], keepdim = false): Tensor {
    return w(N.amax(this.handle, dims ?? null, keepdim));
  }
  amin(dims?: number | number[], keepdim = false): Tensor {
    return w(N.amin(this.handle, dims ?? null, keepdim));
  }
  /** [values, indices] of the maximum along dim. */
  max(dim: number, keepdim = false): [Tensor, Tensor] {
    const [v, i] = N.maxDim(this.handle, dim, keepdim);
    return [w(v), w(i)];
  }
  min(dim: number, keepdim = false): [Tensor, Tensor] {
    const [v, i] = N.minDim(this.handle, dim, keepdim);
    return [w(v), w(i)];
  }
  /** Index of the first maximum along dim (over the flattened tensor when dim is omitted). */
  argmax(dim?: number, keepdim = false): Tensor {
    return w(N.argmax(this.handle, dim ?? null, keepdim));
  }
  argmin(dim?: number, keepdim = false): Tensor {
    return w(N.argmin(this.handle, dim ?? null, keepdim));
  }
  all(dim?: number, keepdim = false): Tensor {
    return w(N.all(this.handle, dim ?? null, keepdim));
  }
  any(dim?: number, keepdim = false): Tensor {
    return w(N.any(this.handle, dim ?? null, keepdim));
  }
  /** Vector p-norm over dims (p = Infinity for L∞). */
  norm(p: number, dims?: number | number[], keepdim = false): Tensor {
    return w(N.norm(this.handle, p, dims ?? null, keepdim));
  }
  logsumexp(dims: number | number[], keepdim = false): Tensor {
    return w(N.logsumexp(this.handle, dims, keepdim));
  }
  var(dims: number | number[], unbiased = true, keepdim = false): Tensor {
    return w(N.var(this.handle, dims, unbiased, keepdim));
  }
  cumsum(dim: number): Tensor {
    return w(N.cumsum(this.handle, dim));
  }
  /** [values, indices] sorted along dim, stably: ties keep their order (NaN sorts above +inf, −0 ties with +0). */
  sort(dim = -1, descending = false): [Tensor, Tensor] {
    const [v, i] = N.sort(this.handle, dim, descending);
    return [w(v), w(i)];
  }
  topk(k: number, dim = -1, largest = true): [Tensor, Tensor] {
    const [v, i] = N.topk(this.handle, k, dim, largest);
    return [w(v), w(i)];
  }

  // ---- shape and indexing
  reshape(shape: Shape): Tensor {
    return w(N.reshape(this.handle, shape));
  }
  view(shape: Shape): Tensor {
    return w(N.view(this.handle, shape));
  }
  permute(dims: Shape): Tensor {
    return w(N.permute(this.handle, dims));
  }
  transpose(d0: number, d1: number): Tensor {
    return w(N.transpose(this.handle, d0, d1));
  }
  flatten(start = 0, end = -1): Tensor {
    return w(N.flatten(this.handle, start, end));
  }
  squeeze(dim?: number): Tensor {
    return w(N.squeeze(this.handle, dim ?? null));
  }
  unsqueeze(dim: number): Tensor {
    return w(N.unsqueeze(this.handle, dim));
  }
  expand(shape: Shape): Tensor {
    return w(N.expand(this.handle, shape));
  }
  repeat(reps: Shape): Tensor {
    return w(N.repeat(this.handle, reps));
  }
  flip(dims: number | number[]): Tensor {
    return w(N.flip(this.handle, dims));
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return w(N.narrow(this.handle, dim, start, length));
  }
  /** Python's t[start:end:step] along dim (negative and omitted bounds allowed). */
  slice(dim: number, start?: number, end?: number, step = 1): Tensor {
    return w(N.slice(this.handle, dim, start ?? null, end ?? null, step));
  }
  select(dim: number, index: number): Tensor {
    return w(N.select(this.handle, dim, index));
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return w(N.indexSelect(this.handle, dim, index.handle));
  }
  gather(dim: number, index: Tensor): Tensor {
    return w(N.gather(this.handle, dim, index.handle));
  }
  scatter(dim: number, index: Tensor, src: Tensor): Tensor {
    return w(N.scatter(this.handle, dim, index.handle, src.handle));
  }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return w(N.scatterAdd(this.handle, dim, index.handle, src.handle));
  }
  maskedSelect(mask: Tensor): Tensor {
    return w(N.maskedSelect(this.handle, mask.handle));
  }
  maskedFill(mask: Tensor, value: number): Tensor {
    return w(N.maskedFill(this.handle, mask.handle, value));
  }
  /** Advanced indexing t[i0, i1, …] with int64 or bool index tensors (undefined = full slice). */
  index(indices: (Tensor | undefined)[]): Tensor {
    return w(N.index(this.handle, indices.map((t) => t?.handle)));
  }
  /** Out-of-place t[indices] = values (or += with accumulate). */
  indexPut(indices: (Tensor | undefined)[], values: Tensor, accumulate = false): Tensor {
    return w(N.indexPut(this.handle, indices.map((t) => t?.handle), values.handle, accumulate));
  }
  /** Boolean-mask rows: t[mask] for a bool tensor over the leading dims. */
  booleanMask(mask: Tensor): Tensor {
    return this.index([mask]);
  }
  oneHot(numClasses: number): Tensor {
    return w(N.oneHot(this.handle, numClasses));
  }
  nonzero(): Tensor {
    return w(N.nonzero(this.handle));
  }
  matmul(o: Tensor): Tensor {
    return w(N.matmul(this.handle, o.handle));
  }

  // ---- in place (use under noGrad for parameters and buffers)
  copy_(src: Tensor): this {
    N.copy_(this.handle, src.handle);
    return this;
  }
  add_(o: Tensor, alpha?: number): this {
    N.add_(this.handle, o.handle, alpha);
    return this;
  }
  mul_(o: Tensor | number): this {
    if (typeof o === 'number') N.mulScalar_(this.handle, o);
    else N.mul_(this.handle, o.handle);
    return this;
  }
  addcmul_(a: Tensor, b: Tensor, value: number): this {
    N.addcmul_(this.handle, a.handle, b.handle, value);
    return this;
  }
  zero_(): this {
    N.zero_(this.handle);
    return this;
  }
  fill_(v: number): this {
    N.fill_(this.handle, v);
    return this;
  }
  uniform_(lo: number, hi: number): this {
    N.uniform_(this.handle, lo, hi);
    return this;
  }
  normal_(mean = 0, std = 1): this {
    N.normal_(this.handle, mean, std);
    return this;
  }
  indexPut_(indices: (Tensor | undefined)[], values: Tensor, accumulate = false): this {
    N.indexPut_(this.handle, indices.map((t) => t?.handle), values.handle, accumulate);
    return this;
  }
}

/** Wraps a native handle as a tracked Tensor. */
export function w(h: Handle): Tensor {
  return new Tensor(h);
}

function asHandle(v: number | Tensor | null | undefined): Handle | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Tensor) return v.handle;
  throw new Error('clamp: mix of scalar and tensor bounds; pass both as tensors');
}

function cmp(op: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge', a: Tensor, b: Tensor | number): Tensor {
  return typeof b === 'number' ? w(N[`${op}Scalar`](a.handle, b)) : w(N[op](a.handle, b.handle));
}
