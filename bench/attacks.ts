// Attack benchmark: AutoAttack 'standard' per stage on a SmallCNN briefly trained on synthetic Fashion-MNIST-shaped
// data and on a random-init PreActResNet-18 (CIFAR shape), and PGD-20 and APGD-CE images/s, ours against the same
// attacks written directly in PyTorch (bench/py/attacks.py, random-init networks), with the same thread count. The
// PyTorch side and the PGD/APGD rows use each network's own clean predictions as labels, so every point is attacked.
// --quick shrinks the point counts and budgets.
import { F, Tensor, getNumThreads, manualSeed, noGrad, rand, randint, tidy, torchVersion } from '../src/engine';
import { Module, SGD, createModel, createNetwork } from '../src/nn';
import { apgd } from '../src/attacks/apgd';
import { autoAttack } from '../src/attacks/autoattack';
import { pgd } from '../src/attacks/pgd';
import { runPython } from './timing';

interface Setup {
  arch: 'smallcnn' | 'prn18';
  shape: number[];
  eps: number;
  /** AutoAttack points and budgets. */
  aaN: number;
  nIter: number;
  nQueries: number;
  /** PGD-20 / APGD-CE comparison points, batch and APGD iterations. */
  n: number;
  batch: number;
  apgdIter: number;
}

const round = (v: number, d = 3) => Number(v.toPrecision(d + 1));

function setups(quick: boolean): Setup[] {
  return [
    quick
      ? { arch: 'smallcnn', shape: [1, 28, 28], eps: 0.25, aaN: 100, nIter: 20, nQueries: 500, n: 250, batch: 250, apgdIter: 20 }
      : { arch: 'smallcnn', shape: [1, 28, 28], eps: 0.25, aaN: 500, nIter: 100, nQueries: 5000, n: 500, batch: 250, apgdIter: 100 },
    quick
      ? { arch: 'prn18', shape: [3, 32, 32], eps: 8 / 255, aaN: 20, nIter: 5, nQueries: 100, n: 20, batch: 20, apgdIter: 5 }
      : { arch: 'prn18', shape: [3, 32, 32], eps: 8 / 255, aaN: 100, nIter: 100, nQueries: 5000, n: 100, batch: 100, apgdIter: 20 },
  ];
}

/** Seconds to attack all n points in batches. */
function timeOver(n: number, batch: number, x: Tensor, y: Tensor, fn: (xb: Tensor, yb: Tensor) => Tensor): number {
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i += batch) tidy(() => void fn(x.slice(0, i, i + batch), y.slice(0, i, i + batch)));
  return Number(process.hrtime.bigint() - t) / 1e9;
}

/**
 * Synthetic 10-class images: class k is a fixed random binary 7×7 pattern upsampled to the image size, plus uniform
 * noise ±0.25, clipped to [0,1]. Deterministic given the generator state.
 */
function synthetic(n: number, shape: number[], templates: Tensor): { x: Tensor; y: Tensor } {
  return tidy(() => {
    const y = randint(0, 10, [n]);
    const big = templates.indexSelect(0, y).unsqueeze(3).unsqueeze(5).expand([n, shape[0], 7, 4, 7, 4]).reshape([n, shape[0], 28, 28]);
    return { x: big.add(rand([n, ...shape]).mul(0.5).sub(0.25)).clamp(0, 1), y };
  });
}

/**
 * A SmallCNN behind (x − 0.5)/0.3 normalisation trained for `steps` SGD steps (batch 128, lr 0.01, momentum 0.9) on
 * the synthetic data: accurate, and at ε = 0.25 about 10% of the points survive APGD-CE, so every AutoAttack stage
 * has work.
 */
function trainedSmallCnn(steps: number): { net: Module; templates: Tensor } {
  const net = createModel({ arch: 'smallcnn', numClasses: 10, inChannels: 1, inputSize: 28, mean: [0.5], std: [0.3] }).train();
  const templates = tidy(() => rand([10, 1, 7, 7]).gt(0.5).float());
  const opt = new SGD(net.parameters(), { lr: 0.01, momentum: 0.9 });
  for (let i = 0; i < steps; i++) {
    tidy(() => {
      const { x, y } = synthetic(128, [1, 28, 28], templates);
      net.zeroGrad();
      F.crossEntropy(net.forward(x), y).backward();
      opt.step();
    });
  }
  opt.dispose();
  net.zeroGrad();
  return { net: net.eval(), templates };
}

function benchOne(s: Setup, trainSteps: number): Record<string, unknown> {
  manualSeed(0);
  const trained = s.arch === 'smallcnn' ? trainedSmallCnn(trainSteps) : undefined;
  const net: Module = trained?.net ?? createNetwork({ arch: s.arch, numClasses: 10, inChannels: s.shape[0], inputSize: s.shape[1] }).eval();
  const n = Math.max(s.n, s.aaN);
  const data = trained ? synthetic(n, s.shape, trained.templates) : undefined;
  trained?.templates.dispose();
  const x = data?.x ?? rand([n, ...s.shape]);
  const y = data?.y ?? noGrad(() => tidy(() => net.forward(x).argmax(1)));
  try {
    const xa = x.slice(0, 0, s.aaN);
    const ya = y.slice(0, 0, s.aaN);
    const t0 = process.hrtime.bigint();
    const labels = ya.toArray();
    const aa = autoAttack(net, xa, ya, { norm: 'Linf', eps: s.eps, nIter: s.nIter, nQueries: s.nQueries, batchSize: 250 });
    const aaSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    aa.xAdv.dispose();
    // PGD-20 and APGD-CE attack every point: labels = the network's own predictions.
    const yAll = noGrad(() => tidy(() => net.forward(x).argmax(1)));
    timeOver(s.batch, s.batch, x, yAll, (xb, yb) => pgd(net, xb, yb, { eps: s.eps, stepSize: s.eps / 4, steps: 2 }));
    const pgdOurs = timeOver(s.n, s.batch, x, yAll, (xb, yb) => pgd(net, xb, yb, { eps: s.eps, stepSize: s.eps / 4, steps: 20 }));
    const apgdOurs = timeOver(s.n, s.batch, x, yAll, (xb, yb) => apgd(net, xb, yb, { eps: s.eps, nIter: s.apgdIter }));
    yAll.dispose();
    const torch = runPython('attacks.py', [String(getNumThreads()), s.arch, String(s.n), String(s.batch), String(s.eps), String(s.apgdIter)]) as { pgd20_s: number; apgd_ce_s: number };
    return {
      arch: s.arch,
      model: trained ? `trained ${trainSteps} SGD steps on synthetic data` : 'random init',
      input: s.shape,
      eps: round(s.eps),
      autoattack: {
        points: s.aaN,
        nIter: s.nIter,
        nQueries: s.nQueries,
        clean: round(aa.cleanPred.filter((p, i) => p === labels[i]).length / s.aaN),
        robust: round(aa.robust.filter(Boolean).length / s.aaN),
        seconds: round(aaSeconds),
        images_per_s: round(s.aaN / aaSeconds),
        stages: aa.perAttack.map((p) => ({ attack: p.attack, seconds: round(p.seconds), robust: round(p.robustAccuracy) })),
      },
      pgd20: { points: s.n, ours_images_per_s: round(s.n / pgdOurs), torch_images_per_s: round(s.n / torch.pgd20_s), ratio: round(pgdOurs / torch.pgd20_s) },
      apgd_ce: { points: s.n, nIter: s.apgdIter, ours_images_per_s: round(s.n / apgdOurs), torch_images_per_s: round(s.n / torch.apgd_ce_s), ratio: round(apgdOurs / torch.apgd_ce_s) },
    };
  } finally {
    x.dispose();
    y.dispose();
    net.dispose();
  }
}

export async function run(opts: { json: boolean; quick?: boolean }): Promise<Record<string, unknown>> {
  const models = setups(Boolean(opts.quick)).map((s) => benchOne(s, 100));
  const result = { threads: getNumThreads(), libtorch: torchVersion(), quick: Boolean(opts.quick), models };
  if (!opts.json) {
    console.log(`attacks (libtorch ${result.libtorch}, ${result.threads} threads${result.quick ? ', quick' : ''})`);
    for (const m of models as Record<string, any>[]) {
      const aa = m.autoattack;
      console.log(`  ${m.arch}: AA standard on ${aa.points} points (nIter ${aa.nIter}, queries ${aa.nQueries}) ${aa.seconds}s, ${aa.images_per_s} images/s, clean ${aa.clean} → robust ${aa.robust}`);
      for (const st of aa.stages) console.log(`    ${st.attack.padEnd(8)} ${st.seconds}s  robust ${st.robust}`);
      console.log(`    PGD-20:  ours ${m.pgd20.ours_images_per_s} images/s, torch ${m.pgd20.torch_images_per_s} images/s (time ratio ${m.pgd20.ratio})`);
      console.log(`    APGD-CE: ours ${m.apgd_ce.ours_images_per_s} images/s, torch ${m.apgd_ce.torch_images_per_s} images/s (time ratio ${m.apgd_ce.ratio})`);
    }
  }
  return result;
}
