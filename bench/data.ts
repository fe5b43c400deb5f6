// Data benchmark:
//   D1: images/s to read CIFAR-10-format files (10,000 synthetic training images written to a temp folder);
//   D2: images/s of crop-flip + batching + conversion to tensors, prepared in the calling thread and in the worker
//       (D1+D2: reading and one augmented epoch together);
//   D3: share of a PGD-10 adversarial-training loop spent on data (waiting for batches + tensor conversion), with a
//       real SmallCNN PGD-10 step as consumer, on Fashion-MNIST-format (no augmentation) and CIFAR-10-format
//       (crop-flip) data, batch 128. Requirement: < 5% on Fashion-MNIST.
import * as fs from 'fs';
import * as path from 'path';
import { dispose, getNumThreads, manualSeed } from '../src/engine';
import { SGD, createNetwork } from '../src/nn';
import { ImageDataset, LoaderOptions, batches, loadDataset, readCifar10 } from '../src/data';
import { tempDir, writeCifar10, writeMnist } from '../test/data/formats';
import { pgdTrainStep } from './engine';
import { describeHost, hostLine } from './host';
import { alternate, quantile } from './paired';

/** Seconds and images/s of one pass over `ds` with no consumer (batches are disposed at once). */
function loaderPass(ds: ImageDataset, opts: LoaderOptions): { seconds: number; imagesPerSec: number } {
  const t = performance.now();
  let n = 0;
  for (const b of batches(ds, 1, opts)) {
    n += b.indices.length;
    dispose(b);
  }
  const seconds = (performance.now() - t) / 1000;
  return { seconds: round(seconds), imagesPerSec: Math.round(n / seconds) };
}

/** Runs `steps` PGD-10 training steps fed by the loader and reports the time the loop spent on data. */
function atShare(ds: ImageDataset, opts: LoaderOptions, steps: number): { stepSec: number; dataMsPerBatch: number; dataShare: number } {
  manualSeed(0);
  const model = createNetwork({ arch: 'smallcnn', numClasses: ds.numClasses, inChannels: ds.channels, inputSize: ds.height }).train();
  const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9, weightDecay: 5e-4 });
  const it = batches(ds, 0, opts);
  // one warm-up step outside the measurement
  const first = it.next().value;
  pgdTrainStep(model, opt, first.x, first.y);
  dispose(first);
  const wait0 = it.waitMs + it.convertMs;
  const t = performance.now();
  for (let s = 0; s < steps; s++) {
    const b = it.next().value;
    pgdTrainStep(model, opt, b.x, b.y);
    dispose(b);
  }
  const total = performance.now() - t;
  const data = it.waitMs + it.convertMs - wait0;
  it.close();
  model.dispose();
  opt.dispose();
  return { stepSec: round(total / steps / 1000), dataMsPerBatch: round(data / steps), dataShare: round(data / total) };
}

export async function run(opts: { json: boolean; quick?: boolean }): Promise<Record<string, unknown>> {
  const steps = opts.quick ? 4 : 10;
  const dir = tempDir('cfa-bench-data-');
  try {
    writeCifar10(path.join(dir, 'cifar10'), 2000);
    writeMnist(path.join(dir, 'fmnist'), 6000, 1000, true);
    const t = performance.now();
    const cifar = readCifar10(path.join(dir, 'cifar10')).train;
    const readSec = (performance.now() - t) / 1000;
    const fmnist = loadDataset('fashion-mnist', { dataDir: path.join(dir, 'fmnist') }).train;

    const cifarOpts: LoaderOptions = { batchSize: 128, shuffle: true, seed: 0, augment: 'crop-flip', padMode: 'reflect' };
    const fmnistOpts: LoaderOptions = { batchSize: 128, shuffle: true, seed: 0, augment: 'none' };
    loaderPass(cifar, { ...cifarOpts, prefetch: 0 }); // warm-up (JIT) pass, not reported
    // Throughputs are the median of several passes, the in-thread and worker passes alternating, so that a host whose
    // speed drifts moves both alike; the D3 shares are ratios within one loop and need no pairing.
    const passes = await alternate(opts.quick ? 3 : 7, {
      inThread: () => loaderPass(cifar, { ...cifarOpts, prefetch: 0 }).seconds,
      worker: () => loaderPass(cifar, cifarOpts).seconds,
    });
    const median = (v: number[]) => quantile([...v].sort((a, b) => a - b), 0.5);
    const passResult = (secs: number[]) => ({ seconds: round(median(secs)), imagesPerSec: Math.round(cifar.length / median(secs)), passes: secs.length });
    const inThread = passResult(passes.inThread);
    const result = {
      host: describeHost(),
      threads: getNumThreads(),
      d1_cifar10_read_images_per_s: Math.round(cifar.length / readSec),
      d1d2_cifar10_read_augment_batch_images_per_s: Math.round(cifar.length / (readSec + inThread.seconds)),
      d2_cifar10_crop_flip_in_thread: inThread,
      d2_cifar10_crop_flip_worker: passResult(passes.worker),
      d3_fashion_mnist_pgd10_worker: atShare(fmnist, fmnistOpts, steps),
      d3_fashion_mnist_pgd10_in_thread: atShare(fmnist, { ...fmnistOpts, prefetch: 0 }, steps),
      d3_cifar10_pgd10_worker: atShare(cifar, cifarOpts, steps),
      d3_cifar10_pgd10_in_thread: atShare(cifar, { ...cifarOpts, prefetch: 0 }, steps),
    };
    if (!opts.json) {
      console.log(`data: ${hostLine(result.host)}, batch 128`);
      console.log(`  D1 read CIFAR-10 binary:          ${result.d1_cifar10_read_images_per_s} images/s`);
      console.log(`  D2 crop+flip+batch, in thread:    ${result.d2_cifar10_crop_flip_in_thread.imagesPerSec} images/s`);
      console.log(`  D1+D2 read+crop+flip+batch:       ${result.d1d2_cifar10_read_augment_batch_images_per_s} images/s`);
      console.log(`  D2 crop+flip+batch, worker:       ${result.d2_cifar10_crop_flip_worker.imagesPerSec} images/s`);
      for (const [name, r] of Object.entries(result).filter(([k]) => k.startsWith('d3_')) as [string, ReturnType<typeof atShare>][]) {
        console.log(`  ${name.padEnd(33)} step ${r.stepSec}s, data ${r.dataMsPerBatch} ms/batch = ${(100 * r.dataShare).toFixed(2)}% of the loop`);
      }
    }
    return result;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const round = (v: number) => Math.round(v * 1e4) / 1e4;
