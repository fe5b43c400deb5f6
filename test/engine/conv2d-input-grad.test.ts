// The input gradient of a convolution with few input channels (computed by native/conv2d.cc as matrix products and
// col2im) against the definition, summed in JavaScript, and against libtorch's own convolution backward.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F, Tensor, grad, manualSeed, randn, tidy } from '../../src/engine';
import { assertClose } from '../helpers/assert-close';

interface Geometry {
  n: number;
  cin: number;
  cout: number;
  size: [number, number];
  kernel: number;
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
}

/** ∂/∂x of Σ go·conv2d(x, w): dx[n,c,y,x] = Σ go[n,o,p,q]·w[o,c,i,j] over y = p·s − pad + i·d (and likewise in x). */
function inputGradByDefinition(go: Tensor, w: Tensor, g: Geometry): number[] {
  const [ho, wo] = [go.shape[2], go.shape[3]];
  const [h, wd] = g.size;
  const k = g.kernel;
  const goA = go.toArray();
  const wA = w.toArray();
  const dx = new Array<number>(g.n * g.cin * h * wd).fill(0);
  for (let n = 0; n < g.n; n++)
    for (let o = 0; o < g.cout; o++)
      for (let p = 0; p < ho; p++)
        for (let q = 0; q < wo; q++) {
          const v = goA[((n * g.cout + o) * ho + p) * wo + q];
          for (let c = 0; c < g.cin; c++)
            for (let i = 0; i < k; i++)
              for (let j = 0; j < k; j++) {
                const y = p * g.stride[0] - g.padding[0] + i * g.dilation[0];
                const x = q * g.stride[1] - g.padding[1] + j * g.dilation[1];
                if (y < 0 || y >= h || x < 0 || x >= wd) continue;
                dx[((n * g.cin + c) * h + y) * wd + x] += v * wA[((o * g.cin + c) * k + i) * k + j];
              }
        }
  return dx;
}

const geometries: Geometry[] = [
  { n: 3, cin: 1, cout: 4, size: [8, 8], kernel: 3, stride: [1, 1], padding: [0, 0], dilation: [1, 1] },
  { n: 2, cin: 3, cout: 5, size: [9, 7], kernel: 3, stride: [1, 1], padding: [1, 1], dilation: [1, 1] },
  { n: 2, cin: 3, cout: 4, size: [11, 10], kernel: 3, stride: [2, 2], padding: [2, 1], dilation: [1, 1] },
  { n: 2, cin: 2, cout: 3, size: [13, 12], kernel: 3, stride: [2, 3], padding: [1, 2], dilation: [2, 1] },
  { n: 1, cin: 1, cout: 2, size: [6, 6], kernel: 5, stride: [1, 1], padding: [4, 4], dilation: [1, 1] },
];

for (const g of geometries) {
  for (const channelsLast of [false, true]) {
    const name = `${g.cin}→${g.cout}, ${g.kernel}×${g.kernel}, stride ${g.stride}, padding ${g.padding}, dilation ${g.dilation}${channelsLast ? ', channels-last' : ''}`;
    test(`conv2d input gradient for few input channels equals its definition: ${name}`, () =>
      tidy(() => {
        manualSeed(11);
        let x = randn([g.n, g.cin, ...g.size], 'float64');
        let w = randn([g.cout, g.cin, g.kernel, g.kernel], 'float64');
        if (channelsLast) [x, w] = [x.channelsLast(), w.channelsLast()];
        x.requiresGrad_(true);
        const opts = { stride: g.stride, padding: g.padding, dilation: g.dilation };
        const out = F.conv2d(x, w, null, opts);
        const go = randn(out.shape, 'float64');
        const [dx] = grad(out.mul(go).sum(), x);
        assert.deepEqual(dx.shape, x.shape);
        assertClose(dx.toArray(), inputGradByDefinition(go, w, g), 1e-12, 1e-12, name);
      }));
  }
}

test('conv2d input gradient for a first layer in float32, many images in blocks: libtorch convolution backward agrees', () =>
  tidy(() => {
    manualSeed(5);
    // 301 images of 28×28 with a channels-last gradient: the images go in blocks, the last one partial.
    const x = randn([301, 1, 28, 28]).channelsLast().requiresGrad_(true);
    const w = randn([32, 1, 3, 3]).channelsLast().requiresGrad_(true);
    const b = randn([32]).requiresGrad_(true);
    const go = randn([301, 32, 26, 26]).channelsLast();
    const loss = () => F.conv2d(x, w, b).mul(go).sum();
    const ours = grad(loss(), [x, w, b]);
    // With createGraph the backward is libtorch's own, differentiable convolution backward.
    const theirs = grad(loss(), [x, w, b], { createGraph: true });
    for (let i = 0; i < 3; i++) {
      const scale = theirs[i].abs().amax().item();
      assertClose(ours[i].toArray(), theirs[i].detach().toArray(), 1e-5 * scale, 0, ['x', 'weight', 'bias'][i]);
    }
  }));
