// Engine benchmark, ours and PyTorch side by side in one run:
//   W1: one PGD-10 adversarial-training step, SmallCNN, 28×28×1, batch 128 (10 × forward + input gradient + sign step
//       + projection, then forward/backward on the weights + SGD);
//   W2: PreActResNet-18 forward+backward, batch 32, 32×32×3.
// Both sides use the same libtorch build, thread count and allocator settings (see pythonEnv), and run in alternating
// blocks (bench/paired.ts): the ratio is the median of the per-round ratios. Ours stores weights and inputs in the
// layout createModel picks on this host (prefersChannelsLast: channels-last, except the BatchNorm ResNets on hosts
// with AVX2 kernels); the ratio is against PyTorch's default layout, and PyTorch's own channels-last time is
// reported beside it.
import { F, Tensor, getNumThreads, grad, manualSeed, rand, randLike, randint, tidy, torchVersion, noGrad } from '../src/engine';
import { Module, SGD, createNetwork, prefersChannelsLast } from '../src/nn';
import { describeHost, hostLine } from './host';
import { Paired, TorchWorker, alternate, ratioText, summarize } from './paired';
import { timeSteps } from './timing';

const FWD_FLOPS = {
  // 2·MACs per image of one forward pass, counted from the layer lists.
  smallcnn: 2 * (1 * 9 * 32 * 26 * 26 + 32 * 9 * 32 * 24 * 24 + 32 * 9 * 64 * 10 * 10 + 64 * 9 * 64 * 8 * 8 + 1024 * 200 + 200 * 200 + 200 * 10),
  prn18:
    2 *
    (3 * 9 * 64 * 1024 +
      4 * (64 * 9 * 64 * 1024) +
      (64 * 9 * 128 + 3 * 128 * 9 * 128 + 64 * 128) * 256 +
      (128 * 9 * 256 + 3 * 256 * 9 * 256 + 128 * 256) * 64 +
      (256 * 9 * 512 + 3 * 512 * 9 * 512 + 256 * 512) * 16 +
      512 * 10),
};

/** One PGD-10 adversarial-training step (the W1 workload; also the consumer in the data benchmark); beforeUpdate runs between backward and the SGD step (the gradient all-reduce of the ddp benchmark). */
export function pgdTrainStep(model: Module, opt: SGD, x: Tensor, y: Tensor, eps = 0.1, alpha = 0.01, steps = 10, beforeUpdate?: () => void): void {
  tidy(() => {
    let delta = randLike(x).mul(2 * eps).sub(eps).clamp(x.neg(), x.rsub(1));
    for (let i = 0; i < steps; i++) {
      delta = tidy(() => {
        const d = delta.requiresGrad_(true);
        const g = grad(F.crossEntropy(model.forward(x.add(d)), y), d)[0];
        return noGrad(() => d.detach().add(g.sign().mul(alpha)).clamp(-eps, eps).clamp(x.neg(), x.rsub(1)));
      });
    }
    opt.zeroGrad();
    F.crossEntropy(model.forward(x.add(delta)), y).backward();
    beforeUpdate?.();
    opt.step();
  });
}

export async function run(opts: { json: boolean; quick?: boolean }): Promise<Record<string, unknown>> {
  const rounds = opts.quick ? 3 : 9;
  const steps = 2; // steps per block: W1 ≈ 0.3-0.6 s, W2 ≈ 0.4-0.8 s a step on 2 cores
  const host = describeHost();
  manualSeed(0);
  // Network and input in the layout createModel picks for the architecture on this host.
  const workload = (arch: string, inChannels: number, side: number, batch: number) => {
    const channelsLast = prefersChannelsLast(arch);
    const net = createNetwork({ arch, numClasses: 10, inChannels, inputSize: side }).train();
    const x = rand([batch, inChannels, side, side]);
    return { net: channelsLast ? net.channelsLast() : net, x: channelsLast ? x.channelsLast() : x, y: randint(0, 10, [batch]), layout: channelsLast ? 'channels-last' : 'nchw' };
  };
  const w1w = workload('smallcnn', 1, 28, 128);
  const w2w = workload('prn18', 3, 32, 32);
  const [small, x1, y1, prn, x2, y2] = [w1w.net, w1w.x, w1w.y, w2w.net, w2w.x, w2w.y];
  const opt = new SGD(small.parameters(), { lr: 0.01, momentum: 0.9, weightDecay: 5e-4 });
  const w1Step = () => pgdTrainStep(small, opt, x1, y1);
  const w2Step = () => {
    prn.zeroGrad();
    tidy(() => F.crossEntropy(prn.forward(x2), y2).backward());
  };
  const torch = new TorchWorker('engine.py');
  try {
    const workload = async (ours: () => void, name: string) => {
      timeSteps(ours, 1, 1); // warm-up, untimed
      await torch.time(name, 1);
      await torch.time(`${name}_channels_last`, 1);
      const t = await alternate(rounds, {
        ours: () => timeSteps(ours, steps, 0),
        torch: () => torch.time(name, steps),
        torch_channels_last: () => torch.time(`${name}_channels_last`, steps),
      });
      return { vsDefault: summarize(t.ours, t.torch), vsChannelsLast: summarize(t.ours, t.torch_channels_last) };
    };
    const w1 = await workload(w1Step, 'w1');
    const w2 = await workload(w2Step, 'w2');
    const w1Flops = 128 * FWD_FLOPS.smallcnn * (10 * 2 + 3);
    const w2Flops = 32 * FWD_FLOPS.prn18 * 3;
    const row = (p: { vsDefault: Paired; vsChannelsLast: Paired }, images: number, flops: number, goal: number) => ({
      ...p.vsDefault,
      goal: `ratio ≤ ${goal}`,
      torch_channels_last_s: p.vsChannelsLast.torch_s,
      ratio_vs_torch_channels_last: p.vsChannelsLast.ratio,
      ours_images_per_s: round(images / p.vsDefault.ours_s),
      torch_images_per_s: round(images / p.vsDefault.torch_s),
      ours_gflops: round(flops / p.vsDefault.ours_s / 1e9),
      torch_gflops: round(flops / p.vsDefault.torch_s / 1e9),
    });
    const result = { host, threads: getNumThreads(), libtorch: torchVersion(), w1: { ...row(w1, 128, w1Flops, 0.8), layout: w1w.layout }, w2: { ...row(w2, 32, w2Flops, 1.0), layout: w2w.layout } };
    if (!opts.json) {
      console.log(`engine: ${hostLine(host)}`);
      console.log(`  W1 PGD-10 AT step, SmallCNN b128: ours ${result.w1.ours_s}s  torch ${result.w1.torch_s}s  ${ratioText(w1.vsDefault)}, goal ≤ 0.8 (torch channels-last ${result.w1.torch_channels_last_s}s, ratio ${result.w1.ratio_vs_torch_channels_last})`);
      console.log(`  W2 PRN-18 fwd+bwd b32:            ours ${result.w2.ours_s}s (${result.w2.layout})  torch ${result.w2.torch_s}s  ${ratioText(w2.vsDefault)}, goal ≤ 1.0 (torch channels-last ${result.w2.torch_channels_last_s}s, ratio ${result.w2.ratio_vs_torch_channels_last})`);
    }
    return result;
  } finally {
    torch.close();
    small.dispose();
    prn.dispose();
    opt.dispose();
  }
}

const round = (v: number) => Math.round(v * 1e4) / 1e4;
