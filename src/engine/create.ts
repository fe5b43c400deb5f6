// Tensor creation: from JavaScript data, constants, ranges, and joining tensors.
import { N } from './native';
import { DType, Device, Shape, Tensor, TypedArray, w } from './tensor';

const CTOR: Record<DType, (n: ArrayLike<number> | number) => TypedArray> = {
  float32: (n) => (typeof n === 'number' ? new Float32Array(n) : Float32Array.from(n)),
  float64: (n) => (typeof n === 'number' ? new Float64Array(n) : Float64Array.from(n)),
  int64: (n) => (typeof n === 'number' ? new BigInt64Array(n) : BigInt64Array.from(Array.from(n), (v) => BigInt(Math.trunc(v)))),
  int32: (n) => (typeof n === 'number' ? new Int32Array(n) : Int32Array.from(n)),
  uint8: (n) => (typeof n === 'number' ? new Uint8Array(n) : Uint8Array.from(n)),
  bool: (n) => (typeof n === 'number' ? new Uint8Array(n) : Uint8Array.from(n, (v) => (v ? 1 : 0))),
};

function dtypeOfArray(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof BigInt64Array) return 'int64';
  if (a instanceof Int32Array) return 'int32';
  return 'uint8';
}

/**
 * A tensor holding a copy of `data`. With a typed array the dtype defaults to the array's; with plain numbers it
 * defaults to float32. The shape defaults to 1-D.
 */
export function tensor(data: TypedArray | ArrayLike<number>, shape?: Shape, dtype?: DType, device?: Device): Tensor {
  const isTyped = ArrayBuffer.isView(data);
  const dt: DType = dtype ?? (isTyped ? dtypeOfArray(data as TypedArray) : 'float32');
  let buf: TypedArray;
  if (isTyped && (dtypeOfArray(data as TypedArray) === dt || (dt === 'bool' && data instanceof Uint8Array))) buf = data as TypedArray;
  else buf = CTOR[dt](data instanceof BigInt64Array ? Array.from(data, Number) : (data as ArrayLike<number>));
  const sh = shape ?? [buf.length];
  const t = w(N.fromBuffer(buf, sh, dt));
  if (device && device !== 'cpu') {
    const moved = t.to(device);
    t.dispose();
    return moved;
  }
  return t;
}

/** A 0-d tensor. */
export function scalar(v: number, dtype: DType = 'float32', device?: Device): Tensor {
  return w(N.full([], v, dtype, device ?? null));
}
export function zeros(shape: Shape, dtype: DType = 'float32', device?: Device): Tensor {
  return w(N.zeros(shape, dtype, device ?? null));
}
export function ones(shape: Shape, dtype: DType = 'float32', device?: Device): Tensor {
  return w(N.ones(shape, dtype, device ?? null));
}
export function full(shape: Shape, value: number, dtype: DType = 'float32', device?: Device): Tensor {
  return w(N.full(shape, value, dtype, device ?? null));
}
export function empty(shape: Shape, dtype: DType = 'float32', device?: Device): Tensor {
  return w(N.empty(shape, dtype, device ?? null));
}
/** [start, end) with step; int64 by default. */
export function arange(start: number, end: number, step = 1, dtype: DType = 'int64', device?: Device): Tensor {
  return w(N.arange(start, end, step, dtype, device ?? null));
}
export function eye(n: number, dtype: DType = 'float32', device?: Device): Tensor {
  return w(N.eye(n, dtype, device ?? null));
}
export function zerosLike(t: Tensor): Tensor {
  return w(N.zerosLike(t.handle));
}
export function onesLike(t: Tensor): Tensor {
  return w(N.onesLike(t.handle));
}
export function fullLike(t: Tensor, v: number): Tensor {
  return w(N.fullLike(t.handle, v));
}
export function cat(ts: Tensor[], dim = 0): Tensor {
  return w(N.cat(ts.map((t) => t.handle), dim));
}
export function stack(ts: Tensor[], dim = 0): Tensor {
  return w(N.stack(ts.map((t) => t.handle), dim));
}
/** Elementwise cond ? a : b. */
export function where(cond: Tensor, a: Tensor, b: Tensor): Tensor {
  return w(N.where(cond.handle, a.handle, b.handle));
}
