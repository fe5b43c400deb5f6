// Training benchmark: two epochs of AT+CFA (CCM from the second epoch, FAWA with every epoch accepted) on a SmallCNN
// with 6,000 Fashion-MNIST training images, PGD-10, and per-epoch validation (clean + PGD-10) of the model and the
// FAWA model, through the real `cfa train` pipeline, against the same algorithm written directly in PyTorch
// (bench/py/train_at_cfa.py) with the same thread count. The second epoch (CCM active, everything warm) is compared;
// goal: ours ≤ 0.9× PyTorch. --quick uses 1,000 training images.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findSpec } from '../src/data/catalog';
import { locateDataset } from '../src/data/locate';
import { getNumThreads, torchVersion } from '../src/engine';
import { checkInput } from '../src/training/config';
import { resolveConfig } from '../src/training/defaults';
import { trainRun } from '../src/training/train-run';
import { runPython } from './timing';

const round = (v: number, d = 3) => Number(v.toPrecision(d + 1));

export async function run(opts: { json: boolean; quick?: boolean }): Promise<Record<string, unknown>> {
  const perClass = opts.quick ? 100 : 600;
  const validPerClass = 50;
  const dataDir = locateDataset(findSpec('fashion-mnist')!);
  const threads = getNumThreads();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cfa-bench-train-'));
  try {
    const input = checkInput(
      {
        dataset: 'fashion-mnist',
        dataDir,
        arch: 'smallcnn',
        method: 'at',
        cfa: { ccm: true, fawa: true },
        eps: 0.1,
        stepSize: 0.025,
        steps: 10,
        perClass,
        validPerClass,
        epochs: 2,
        batchSize: 128,
        evalBatchSize: 100,
        lr: 0.05,
        lrSchedule: 'constant',
        calibrationBegin: 1,
        fawaBegin: 0,
        fawaThreshold: 0,
        threads,
        device: 'cpu',
      },
      'bench',
    );
    const result = await trainRun(resolveConfig(input, 'bench'), { runDir: path.join(tmp, 'run'), quiet: true });
    const ours = result.records.map((r) => r.seconds);
    const torch = runPython('train_at_cfa.py', [String(threads), dataDir, String(perClass), String(validPerClass)]) as { epoch_s: number[]; train_images: number; valid_images: number };
    const out = {
      workload: `AT+CFA (CCM, FAWA) epoch: SmallCNN, ${result.data.train.length} Fashion-MNIST training images, PGD-10 (ε 0.1, α 0.025), batch 128, validation (batch 100) of model and FAWA on ${result.data.valid.length} images (clean + PGD-10)`,
      threads,
      libtorch: torchVersion(),
      ours_epoch_s: ours.map((s) => round(s)),
      torch_epoch_s: torch.epoch_s.map((s) => round(s)),
      ours_images_per_s: round(result.data.train.length / ours[1]),
      torch_images_per_s: round(torch.train_images / torch.epoch_s[1]),
      ratio: round(ours[1] / torch.epoch_s[1]),
      goal: 'ratio ≤ 0.9 (ours / PyTorch, second epoch)',
    };
    if (!opts.json) {
      console.log(`train: ${out.workload}`);
      console.log(`  ours     ${out.ours_epoch_s.join(' s, ')} s per epoch (${out.ours_images_per_s} training images/s in epoch 2)`);
      console.log(`  PyTorch  ${out.torch_epoch_s.join(' s, ')} s per epoch (${out.torch_images_per_s} training images/s in epoch 2)`);
      console.log(`  ratio ours/PyTorch (epoch 2): ${out.ratio}  (goal ≤ 0.9)`);
    }
    return out;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
