// Training benchmark: two epochs of AT+CFA (CCM from the second epoch, FAWA with every epoch accepted) on a SmallCNN
// with 6,000 Fashion-MNIST training images, PGD-10, and per-epoch validation (clean + PGD-10) of the model and the
// FAWA model, through the real `cfa train` pipeline, against the same algorithm written directly in PyTorch
// (bench/py/train_at_cfa.py) with the same thread count. The sides alternate, one two-epoch run each per round, and
// the second epochs (CCM active, everything warm) are compared: median of the per-round ratios (bench/paired.ts); goal:
// ours ≤ 0.9× PyTorch. --quick uses 1,000 training images and two rounds.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findSpec } from '../src/data/catalog';
import { locateDataset } from '../src/data/locate';
import { getNumThreads, torchVersion } from '../src/engine';
import { checkInput } from '../src/training/config';
import { resolveConfig } from '../src/training/defaults';
import { trainRun } from '../src/training/train-run';
import { describeHost, hostLine } from './host';
import { paired, ratioText } from './paired';
import { runPython } from './timing';

const sig = (v: number) => Number(v.toPrecision(4));

export async function run(opts: { json: boolean; quick?: boolean }): Promise<Record<string, unknown>> {
  const perClass = opts.quick ? 100 : 600;
  const validPerClass = 50;
  const rounds = opts.quick ? 2 : 5;
  const dataDir = locateDataset(findSpec('fashion-mnist')!);
  const threads = getNumThreads();
  const host = describeHost();
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
    let images = { train: 0, valid: 0 };
    let round = 0;
    // One block = one two-epoch run of a side; its second epoch (CCM active, everything warm) is the time compared.
    const ours = async () => {
      const result = await trainRun(resolveConfig(input, 'bench'), { runDir: path.join(tmp, `run-${round++}`), quiet: true });
      images = { train: result.data.train.length, valid: result.data.valid.length };
      return result.records[1].seconds;
    };
    const theirs = () => (runPython('train_at_cfa.py', [String(threads), dataDir, String(perClass), String(validPerClass)]) as { epoch_s: number[] }).epoch_s[1];
    const p = await paired(rounds, ours, theirs);
    const out = {
      workload: `AT+CFA (CCM, FAWA) epoch: SmallCNN, ${images.train} Fashion-MNIST training images, PGD-10 (ε 0.1, α 0.025), batch 128, validation (batch 100) of model and FAWA on ${images.valid} images (clean + PGD-10)`,
      host,
      threads,
      libtorch: torchVersion(),
      ...p,
      ours_images_per_s: sig(images.train / p.ours_s),
      torch_images_per_s: sig(images.train / p.torch_s),
      goal: 'ratio ≤ 0.9 (ours / PyTorch, second epoch, median of paired rounds)',
    };
    if (!opts.json) {
      console.log(`train: ${hostLine(host)}`);
      console.log(`  ${out.workload}`);
      console.log(`  epoch 2: ours ${out.ours_s} s (${out.ours_images_per_s} images/s), PyTorch ${out.torch_s} s (${out.torch_images_per_s} images/s)`);
      console.log(`  ${ratioText(p)}  (goal ≤ 0.9)`);
    }
    return out;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
