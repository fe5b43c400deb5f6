// Engine benchmark, ours and PyTorch side by side in one run:
//   W1: one PGD-10 adversarial-training step, SmallCNN, 28×28×1, batch 128 (10 × forward + input gradient + sign step
//       + projection, then forward/backward on the weights + SGD);
//   W2: PreActResNet-18 forward+backward, batch 32, 32×32×3.
// Both sides use the same libtorch build, thread count and allocator settings (see runPython). Ours stores weights
// and inputs channels-last, as createModel does for every cfa model; the ratio is against PyTorch's default layout,
// and PyTorch's own channels-last time is reported beside it.
import { F, Tensor, getNumThreads, grad, manualSeed, rand, randLike, randint, tidy, torchVersion, noGrad } from '../src/engine';
import { Module, SGD, createNetwork } from '../src/nn';
import { runPython, timeSteps } from './timing';

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
  const w1Steps = opts.quick ? 3 : 10;
  const w2Steps = opts.quick ? 3 : 10;
  manualSeed(0);
  const small = createNetwork({ arch: 'smallcnn', numClasses: 10, inChannels: 1, inputSize: 28 }).train().channelsLast();
  const opt = new SGD(small.parameters(), { lr: 0.01, momentum: 0.9, weightDecay: 5e-4 });
  const x1 = rand([128, 1, 28, 28]).channelsLast();
  const y1 = randint(0, 10, [128]);
  const prn = createNetwork({ arch: 'prn18', numClasses: 10, inChannels: 3, inputSize: 32 }).train().channelsLast();
  const x2 = rand([32, 3, 32, 32]).channelsLast();
  const y2 = randint(0, 10, [32]);

  const w1 = timeSteps(() => pgdTrainStep(small, opt, x1, y1), w1Steps);
  const w2 = timeSteps(() => {
    prn.zeroGrad();
    tidy(() => F.crossEntropy(prn.forward(x2), y2).backward());
  }, w2Steps);
  const torch = runPython('engine.py', [String(getNumThreads()), String(w1Steps), String(w2Steps)]) as { w1: number; w2: number; w1_channels_last: number; w2_channels_last: number };

  const w1Flops = 128 * FWD_FLOPS.smallcnn * (10 * 2 + 3);
  const w2Flops = 32 * FWD_FLOPS.prn18 * 3;
  const row = (ours: number, theirs: number, theirsCl: number, images: number, flops: number) => ({
    ours_s: round(ours),
    torch_s: round(theirs),
    ratio: round(ours / theirs),
    torch_channels_last_s: round(theirsCl),
    ratio_vs_torch_channels_last: round(ours / theirsCl),
    ours_images_per_s: round(images / ours),
    torch_images_per_s: round(images / theirs),
    ours_gflops: round(flops / ours / 1e9),
    torch_gflops: round(flops / theirs / 1e9),
  });
  const result = { threads: getNumThreads(), libtorch: torchVersion(), w1: row(w1, torch.w1, torch.w1_channels_last, 128, w1Flops), w2: row(w2, torch.w2, torch.w2_channels_last, 32, w2Flops) };
  if (!opts.json) {
    console.log(`engine (libtorch ${result.libtorch}, ${result.threads} threads)`);
    console.log(`  W1 PGD-10 AT step, SmallCNN b128: ours ${result.w1.ours_s}s  torch ${result.w1.torch_s}s  ratio ${result.w1.ratio} (torch channels-last ${result.w1.torch_channels_last_s}s)  (${result.w1.ours_gflops} vs ${result.w1.torch_gflops} GFLOP/s)`);
    console.log(`  W2 PRN-18 fwd+bwd b32:            ours ${result.w2.ours_s}s  torch ${result.w2.torch_s}s  ratio ${result.w2.ratio} (torch channels-last ${result.w2.torch_channels_last_s}s)  (${result.w2.ours_gflops} vs ${result.w2.torch_gflops} GFLOP/s)`);
  }
  small.dispose();
  prn.dispose();
  opt.dispose();
  return result;
}

const round = (v: number) => Math.round(v * 1e4) / 1e4;
