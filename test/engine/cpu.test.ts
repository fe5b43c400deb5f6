// The ISA libtorch's kernels run at (the CPU's, capped by ATEN_CPU_CAPABILITY and ONEDNN_MAX_CPU_ISA), and the model
// layout it picks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isaLevel, kernelIsa } from '../../src/engine';
import { createModel, prefersChannelsLast } from '../../src/nn';

const AVX512 = new Set(['sse4_2', 'avx', 'avx2', 'fma', 'avx512f', 'avx512bw', 'avx512vl', 'avx512dq']);
const AVX2 = new Set(['sse4_2', 'avx', 'avx2', 'fma']);

test('the kernel ISA: the CPU flags, lowered by either variable, never raised', () => {
  assert.equal(isaLevel(AVX512), 'avx512');
  assert.equal(isaLevel(AVX2), 'avx2');
  assert.equal(isaLevel(new Set(['sse4_2', 'avx'])), 'avx');
  assert.equal(isaLevel(new Set(['sse4_2'])), 'sse');
  assert.equal(kernelIsa(AVX512, {}), 'avx512');
  assert.equal(kernelIsa(AVX512, { ATEN_CPU_CAPABILITY: 'avx2' }), 'avx2');
  assert.equal(kernelIsa(AVX512, { ONEDNN_MAX_CPU_ISA: 'AVX2' }), 'avx2');
  assert.equal(kernelIsa(AVX512, { ONEDNN_MAX_CPU_ISA: 'avx2_vnni' }), 'avx2');
  assert.equal(kernelIsa(AVX512, { ONEDNN_MAX_CPU_ISA: 'AVX512_CORE_BF16', ATEN_CPU_CAPABILITY: 'avx512' }), 'avx512');
  assert.equal(kernelIsa(AVX512, { ONEDNN_MAX_CPU_ISA: 'ALL' }), 'avx512');
  assert.equal(kernelIsa(AVX512, { ATEN_CPU_CAPABILITY: 'default' }), 'sse');
  assert.equal(kernelIsa(AVX512, { ONEDNN_MAX_CPU_ISA: 'SSE41' }), 'sse');
  assert.equal(kernelIsa(AVX512, { ATEN_CPU_CAPABILITY: 'avx2', ONEDNN_MAX_CPU_ISA: 'SSE41' }), 'sse', 'the lower cap wins');
  assert.equal(kernelIsa(AVX2, { ATEN_CPU_CAPABILITY: 'avx512', ONEDNN_MAX_CPU_ISA: 'AVX512_CORE' }), 'avx2', 'a variable cannot raise it');
});

test('SmallCNN runs channels-last everywhere; the BatchNorm ResNets in NCHW on AVX2 kernels', () => {
  for (const isa of ['avx512', 'avx2', 'avx', 'sse'] as const) assert.equal(prefersChannelsLast('smallcnn', isa), true, isa);
  for (const arch of ['prn18', 'preactresnet18', 'prn18-frl', 'resnet18', 'wrn34-10']) {
    assert.equal(prefersChannelsLast(arch, 'avx512'), true, arch);
    assert.equal(prefersChannelsLast(arch, 'avx2'), false, arch);
    assert.equal(prefersChannelsLast(arch, 'sse'), true, `${arch}: kernels not measured keep channels-last`);
  }
  const before = process.env.ATEN_CPU_CAPABILITY;
  try {
    const spec = { numClasses: 10, inChannels: 3, inputSize: 32, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] };
    process.env.ATEN_CPU_CAPABILITY = 'avx2';
    const layouts = (arch: string, channelsLast?: boolean) => {
      const m = createModel({ ...spec, arch, channelsLast });
      try {
        return [...m.stateDict().values()].filter((t) => t.rank === 4).map((t) => t.isChannelsLast);
      } finally {
        m.dispose();
      }
    };
    assert.ok(layouts('prn18').every((cl) => !cl), 'PreActResNet-18 on AVX2 kernels: NCHW');
    assert.ok(layouts('smallcnn').every((cl) => cl), 'SmallCNN: channels-last');
    assert.ok(layouts('prn18', true).every((cl) => cl), 'an explicit channelsLast wins');
    process.env.ATEN_CPU_CAPABILITY = 'avx512';
    const want = kernelIsa() !== 'avx2';
    assert.ok(layouts('prn18').every((cl) => cl === want), `PreActResNet-18 on ${kernelIsa()} kernels`);
  } finally {
    if (before === undefined) delete process.env.ATEN_CPU_CAPABILITY;
    else process.env.ATEN_CPU_CAPABILITY = before;
  }
});
