// Tensor.sort is stable (native/sort.cc): float32 CPU rows take a radix sort, everything else libtorch's stable sort.
// Both against the definition (a stable sort in JavaScript under at::sort's order: NaN above +inf, −0 tied with +0).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DType, Tensor, enableGrad, grad, manualSeed, rand, tensor, tidy } from '../../src/engine';

/** Row values with ties, signed zeros, infinities and NaN among random ones (mulberry32, fixed seed). */
function awkwardValues(count: number, seed: number): number[] {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const special = [0, -0, Infinity, -Infinity, NaN, 1, -1, 0.5];
  return Array.from({ length: count }, () => {
    const u = next();
    if (u < 0.3) return special[Math.floor(next() * special.length)];
    if (u < 0.5) return Math.round(next() * 8) / 4 - 1; // few distinct values: long runs of ties
    return next() * 2e6 - 1e6;
  });
}

/** Stable order of a row under at::sort's comparator. */
function stableOrder(row: number[], descending: boolean): number[] {
  const rank = (v: number) => (Number.isNaN(v) ? Infinity : v);
  const before = (a: number, b: number) => {
    const [ra, rb] = [rank(row[a]), rank(row[b])];
    const [nanA, nanB] = [Number.isNaN(row[a]), Number.isNaN(row[b])];
    if (nanA !== nanB) return descending ? (nanA ? -1 : 1) : nanA ? 1 : -1;
    if (ra === rb) return a - b;
    return (descending ? ra > rb : ra < rb) ? -1 : 1;
  };
  return row.map((_, i) => i).sort(before);
}

/** Checks sort(dim) of x against the definition, row by row along dim. */
function checkSort(x: Tensor, dim: number, descending: boolean, label: string): void {
  tidy(() => {
    const [values, indices] = x.sort(dim, descending);
    assert.deepEqual(values.shape, x.shape, `${label}: values shape`);
    assert.deepEqual(indices.shape, x.shape, `${label}: indices shape`);
    assert.equal(indices.dtype, 'int64', `${label}: indices dtype`);
    const d = dim < 0 ? dim + x.shape.length : dim;
    const perm = [...x.shape.keys()].filter((k) => k !== d).concat(d);
    const moved = (t: Tensor) => t.permute(perm).contiguous();
    const n = x.shape[d];
    const xs = moved(x).toArray();
    const vs = moved(values).toArray();
    const is = moved(indices).toArray();
    const expectedX = Float32Array.from(xs);
    for (let r = 0; r < xs.length / n; r++) {
      const row = xs.slice(r * n, (r + 1) * n);
      const order = stableOrder(row, descending);
      assert.deepEqual(is.slice(r * n, (r + 1) * n), order, `${label}: indices of row ${r}`);
      // Values are the input's own (signed zeros and NaN included), in that order.
      const got = Float32Array.from(vs.slice(r * n, (r + 1) * n));
      const want = Float32Array.from(order.map((j) => expectedX[r * n + j]));
      assert.deepEqual(new Uint32Array(got.buffer), new Uint32Array(want.buffer), `${label}: values of row ${r}`);
    }
  });
}

const CASES: { shape: number[]; dim: number; what: string }[] = [
  { shape: [9, 784], dim: 1, what: 'radix rows (FAB projection size)' },
  { shape: [6, 300], dim: -1, what: 'negative dim' },
  { shape: [40, 10], dim: 1, what: 'short rows (logits)' },
  { shape: [65], dim: 0, what: 'one row just above the short limit' },
  { shape: [3, 200, 4], dim: 1, what: 'a middle dimension' },
  { shape: [150, 3], dim: 0, what: 'the first dimension' },
  { shape: [1, 1], dim: 1, what: 'one element' },
];

for (const dtype of ['float32', 'float64'] as DType[])
  for (const c of CASES)
    for (const descending of [false, true])
      test(`sort ${dtype} ${JSON.stringify(c.shape)} dim ${c.dim} ${descending ? 'descending' : 'ascending'}: ${c.what}`, () =>
        tidy(() => {
          const count = c.shape.reduce((a, b) => a * b, 1);
          const x = tensor(awkwardValues(count, count + c.dim), c.shape, dtype);
          checkSort(x, c.dim, descending, `${dtype} ${c.what}`);
        }));

test('sort of a non-contiguous view sorts the viewed values', () =>
  tidy(() => {
    const base = tensor(awkwardValues(300 * 5, 7), [300, 5]);
    checkSort(base.transpose(0, 1), 1, false, 'transposed');
    checkSort(base.transpose(0, 1), 1, true, 'transposed, descending');
  }));

test('under autograd (libtorch stable sort) the order is the same as the fast path, and values carry gradients', () =>
  tidy(() => {
    manualSeed(3);
    const x = rand([5, 400]).mul(8).floor().div(8); // many ties
    const [v0, i0] = x.sort(1, true);
    const c = rand([5, 400]);
    const [gx] = enableGrad(() => {
      const xg = x.clone().requiresGrad_(true);
      const [v1, i1] = xg.sort(1, true);
      assert.deepEqual(i1.toArray(), i0.toArray());
      assert.deepEqual(v1.detach().toArray(), v0.toArray());
      return grad(v1.mul(c).sum(), xg);
    });
    // d/dx_j Σ_k c_k·v_k = c at the position j was sorted to.
    const expected = new Array<number>(5 * 400).fill(0);
    const idx = i0.toArray();
    const cs = c.toArray();
    idx.forEach((j, p) => (expected[Math.floor(p / 400) * 400 + j] = cs[p]));
    assert.deepEqual(gx.toArray(), expected);
  }));
