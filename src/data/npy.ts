// NumPy .npy arrays (format versions 1.0, 2.0 and 3.0): little-endian or byte-sized dtypes in C order.
import { UserError } from '../errors';

export type NpyDtype = 'u1' | 'i1' | 'i2' | 'u2' | 'i4' | 'u4' | 'i8' | 'f4' | 'f8';

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  /** The element bytes (C order, little-endian). */
  data: Buffer;
}

const ITEM: Record<NpyDtype, number> = { u1: 1, i1: 1, i2: 2, u2: 2, i4: 4, u4: 4, i8: 8, f4: 4, f8: 8 };

/** Parses one .npy file (`file` names it in errors). */
export function parseNpy(buf: Buffer, file: string): NpyArray {
  const bad = (what: string): never => {
    throw new UserError(`${file}: ${what}`);
  };
  if (buf.length < 10 || buf.toString('latin1', 0, 6) !== '\x93NUMPY') bad('not a .npy file (expected the magic \\x93NUMPY)');
  const major = buf[6];
  if (major < 1 || major > 3) bad(`.npy format version ${major}.${buf[7]}; expected 1.0, 2.0 or 3.0`);
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.length >= 12 ? buf.readUInt32LE(8) : bad('truncated .npy header');
  const start = (major === 1 ? 10 : 12) + headerLen;
  if (start > buf.length) bad(`truncated .npy header (expected ${headerLen} header bytes)`);
  const header = buf.toString(major === 3 ? 'utf8' : 'latin1', major === 1 ? 10 : 12, start);
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) bad(`malformed .npy header '${header.trim().slice(0, 80)}'; expected descr, fortran_order and shape`);
  if (fortran === 'True') bad('array is in Fortran order; expected C order (save it with numpy.ascontiguousarray)');
  const m = /^([<|=]?)([uif][1248])$/.exec(descr as string);
  if (!m || !(m[2] in ITEM) || (m[1] === '|' && ITEM[m[2] as NpyDtype] > 1)) {
    bad(`dtype '${descr}'; expected a little-endian integer or float type (e.g. |u1, <f4, <i8)`);
  }
  const dtype = (m as RegExpExecArray)[2] as NpyDtype;
  const dims = (shapeText as string).split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (!dims.every((d) => /^\d+L?$/.test(d))) bad(`shape (${shapeText}) in the header; expected non-negative integers`);
  const shape = dims.map((d) => parseInt(d, 10));
  const bytes = shape.reduce((a, b) => a * b, 1) * ITEM[dtype];
  if (buf.length - start !== bytes) bad(`holds ${buf.length - start} bytes of data; shape (${shape.join(', ')}) of ${descr} needs ${bytes}`);
  return { dtype, shape, data: buf.subarray(start) };
}

/** Element i of an integer array as a number (int64 values beyond ±2^53 are not exact, but never valid labels). */
export function intAt(a: NpyArray, i: number): number {
  const d = a.data;
  switch (a.dtype) {
    case 'u1':
      return d[i];
    case 'i1':
      return d.readInt8(i);
    case 'i2':
      return d.readInt16LE(2 * i);
    case 'u2':
      return d.readUInt16LE(2 * i);
    case 'i4':
      return d.readInt32LE(4 * i);
    case 'u4':
      return d.readUInt32LE(4 * i);
    case 'i8':
      return Number(d.readBigInt64LE(8 * i));
    default:
      return NaN;
  }
}
