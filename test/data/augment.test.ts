// Crop with padding and flip on uint8 images (docs/methods.md#augmentation), checked against an explicit pad-then-crop reference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { padIndex } from '../../src/data';
import { EpochPlan, fillBatch, PadMode } from '../../src/data/augment';
import { epochPlan } from '../../src/data/epoch-plan';

test('reflect padding of [1,2,3,4] by 2 is [3,2,1,2,3,4,3,2]; zero padding gives zeros', () => {
  const v = [1, 2, 3, 4];
  const pad = (mode: PadMode): number[] => [-2, -1, 0, 1, 2, 3, 4, 5].map((p) => padIndex(p, 4, mode)).map((i) => (i < 0 ? 0 : v[i]));
  assert.deepEqual(pad('reflect'), [3, 2, 1, 2, 3, 4, 3, 2]);
  assert.deepEqual(pad('zero'), [0, 0, 1, 2, 3, 4, 0, 0]);
});

/** Reference: build the padded C×(H+2p)×(W+2p) image explicitly, crop at (top, left), then reverse W if flip. */
function reference(img: number[], C: number, H: number, W: number, p: number, mode: PadMode, top: number, left: number, flip: boolean): number[] {
  const PH = H + 2 * p;
  const PW = W + 2 * p;
  const padded: number[] = [];
  const src = (n: number, q: number): number => {
    if (q >= 0 && q < n) return q;
    if (mode === 'zero') return -1;
    return q < 0 ? -q : 2 * (n - 1) - q; // mirror without repeating the edge
  };
  for (let c = 0; c < C; c++)
    for (let i = 0; i < PH; i++)
      for (let j = 0; j < PW; j++) {
        const r = src(H, i - p);
        const q = src(W, j - p);
        padded.push(r < 0 || q < 0 ? 0 : img[(c * H + r) * W + q]);
      }
  const out: number[] = [];
  for (let c = 0; c < C; c++)
    for (let i = 0; i < H; i++)
      for (let j = 0; j < W; j++) {
        const jj = flip ? W - 1 - j : j;
        out.push(padded[(c * PH + i + top) * PW + jj + left]);
      }
  return out;
}

test('fillBatch equals pad → crop → flip for every offset, both pad modes, with and without flip', () => {
  const C = 2;
  const H = 5;
  const W = 6;
  const p = 3;
  const img = Array.from({ length: C * H * W }, (_, k) => (k * 13 + 1) % 251);
  const src = Uint8Array.from([...new Array(C * H * W).fill(0), ...img]); // the image is dataset index 1
  for (const mode of ['reflect', 'zero'] as PadMode[])
    for (let top = 0; top <= 2 * p; top++)
      for (let left = 0; left <= 2 * p; left++)
        for (const flip of [false, true]) {
          const plan: EpochPlan = { order: Int32Array.of(1), top: Uint8Array.of(top), left: Uint8Array.of(left), flip: Uint8Array.of(flip ? 1 : 0), pad: p, padMode: mode };
          const out = new Uint8Array(C * H * W);
          const idx = new Int32Array(1);
          fillBatch(src, { channels: C, height: H, width: W }, plan, 0, 1, out, idx);
          assert.equal(idx[0], 1);
          assert.deepEqual(Array.from(out), reference(img, C, H, W, p, mode, top, left, flip), `${mode} top=${top} left=${left} flip=${flip}`);
        }
});

test('the centre crop without flip is the image itself; no augmentation copies in plan order', () => {
  const img = Uint8Array.from({ length: 3 * 4 * 4 * 2 }, (_, k) => k);
  const g = { channels: 3, height: 4, width: 4 };
  const out = new Uint8Array(96);
  const idx = new Int32Array(2);
  fillBatch(img, g, { order: Int32Array.of(1, 0), top: Uint8Array.of(2, 2), left: Uint8Array.of(2, 2), flip: Uint8Array.of(0, 0), pad: 2, padMode: 'reflect' }, 0, 2, out, idx);
  assert.deepEqual(Array.from(out), [...img.subarray(48), ...img.subarray(0, 48)]);
  const plain = epochPlan(2, 0, 0, { shuffle: false, augment: 'none', pad: 4, padMode: 'reflect' });
  fillBatch(img, g, plain, 0, 2, out, idx);
  assert.deepEqual(out, img);
  assert.deepEqual(Array.from(idx), [0, 1]);
});

test('epoch plans: a function of (seed, epoch); offsets cover 0..2·pad, flips are about half', () => {
  const opts = { shuffle: true, augment: 'crop-flip' as const, pad: 4, padMode: 'reflect' as const };
  const a = epochPlan(5000, 3, 2, opts);
  assert.deepEqual(a, epochPlan(5000, 3, 2, opts));
  assert.notDeepEqual(a.order, epochPlan(5000, 3, 3, opts).order);
  assert.notDeepEqual(a.order, epochPlan(5000, 4, 2, opts).order);
  assert.deepEqual(Array.from(a.order).sort((x, y) => x - y), Array.from({ length: 5000 }, (_, i) => i));
  assert.equal(Math.min(...a.top), 0);
  assert.equal(Math.max(...a.left), 8);
  const flips = a.flip.reduce((s, f) => s + f, 0);
  assert.ok(Math.abs(flips - 2500) < 200, `${flips}`);
  // the order stream does not depend on augmentation choices
  assert.deepEqual(epochPlan(5000, 3, 2, { ...opts, augment: 'none' }).order, a.order);
  assert.deepEqual(Array.from(epochPlan(4, 3, 2, { ...opts, shuffle: false }).order), [0, 1, 2, 3]);
});
