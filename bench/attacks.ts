// Attack benchmark on a trained network, so that every AutoAttack stage has real work: a SmallCNN adversarially
// trained on Fashion-MNIST by `cfa train`'s own pipeline (once; cached), attacked at ε = 0.1 on Fashion-MNIST test
// images. Each stage runs alone, ours and PyTorch's in alternating blocks on the same points (bench/paired.ts):
//   PGD-20, APGD-CE, APGD-T, FAB-T and Square against the same attacks written directly in PyTorch
//   (bench/py/attacks.py), each side reporting how many points it left robust;
//   the four AutoAttack stages also against the reference AutoAttack package imported as it is, when
//   CFA_AUTOATTACK_DIR names a copy of it (the folder holding its `autoattack/` package).
// CFA_BENCH_ATTACKS=square (or a comma-separated list of pgd20, apgd-ce, apgd-t, fab-t, square) times only those.
// APGD-CE attacks the clean-correct points; APGD-T, FAB-T and Square the points APGD-CE leaves robust, as in AutoAttack.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Tensor, getNumThreads, manualSeed, tensor, tidy, torchVersion } from '../src/engine';
import { autoAttack } from '../src/attacks/autoattack';
import { predict } from '../src/attacks/driver';
import { pgd } from '../src/attacks/pgd';
import { AttackName } from '../src/attacks/registry';
import { findSpec } from '../src/data/catalog';
import { loadDataset } from '../src/data/load';
import { locateDataset } from '../src/data/locate';
import { Module, createModel, loadCheckpoint, writeSafetensors } from '../src/nn';
import { checkpointFile } from '../src/training/checkpoints';
import { resolveConfig } from '../src/training/defaults';
import { checkInput } from '../src/training/config';
import { trainRun } from '../src/training/train-run';
import { describeHost, hostLine } from './host';
import { Paired, TorchWorker, paired, ratioText } from './paired';

const EPS = 0.1;
const STAGES = ['apgd-ce', 'apgd-t', 'fab-t', 'square'] as const;

interface Sizes {
  rounds: number;
  nIter: number;
  nQueries: number;
  /** Points per block: PGD-20, and each stage. */
  points: { pgd: number } & Record<(typeof STAGES)[number], number>;
  train: { perClass: number; epochs: number };
}

function sizes(quick: boolean): Sizes {
  return quick
    ? { rounds: 2, nIter: 20, nQueries: 200, points: { pgd: 100, 'apgd-ce': 100, 'apgd-t': 10, 'fab-t': 10, square: 20 }, train: { perClass: 200, epochs: 2 } }
    : { rounds: 5, nIter: 100, nQueries: 1000, points: { pgd: 250, 'apgd-ce': 250, 'apgd-t': 40, 'fab-t': 40, square: 100 }, train: { perClass: 500, epochs: 5 } };
}

/** The trained network (AT, ε 0.1, PGD-10 on Fashion-MNIST), trained once per size and kept in the cache folder. */
async function trainedModel(dataDir: string, s: Sizes): Promise<{ file: string; mean: number[]; std: number[] }> {
  const cache = process.env.CFA_CACHE_DIR && process.env.CFA_CACHE_DIR !== 'off' ? process.env.CFA_CACHE_DIR : path.join(os.homedir(), '.cache', 'cfa');
  const runDir = path.join(cache, 'bench', `smallcnn-fmnist-at-${s.train.perClass}x${s.train.epochs}`);
  const file = checkpointFile(runDir, 'model', 'last');
  const configPath = path.join(runDir, 'config.json');
  if (!fs.existsSync(file)) {
    fs.rmSync(runDir, { recursive: true, force: true });
    const input = checkInput(
      { dataset: 'fashion-mnist', dataDir, arch: 'smallcnn', method: 'at', eps: EPS, stepSize: 0.025, steps: 10, perClass: s.train.perClass, validPerClass: 20, epochs: s.train.epochs, batchSize: 128, lr: 0.05, lrSchedule: 'constant', device: 'cpu' },
      'bench',
    );
    console.error(`attacks: training the benchmark's SmallCNN once (${runDir})`);
    await trainRun(resolveConfig(input, 'bench'), { runDir, quiet: true });
  }
  const cfg = JSON.parse(fs.readFileSync(configPath, 'utf8')) as { mean: number[]; std: number[] };
  return { file, mean: cfg.mean, std: cfg.std };
}

/** Test images [n,1,28,28] in [0,1] and labels, the first n of the test set. */
function testImages(dataDir: string, n: number): { x: Tensor; y: Tensor } {
  const test = loadDataset('fashion-mnist', { dataDir }).test;
  const size = test.channels * test.height * test.width;
  const m = Math.min(n, test.length);
  const x = tidy(() => tensor(test.images.subarray(0, m * size), [m, test.channels, test.height, test.width], 'uint8').float().div(255));
  return { x, y: tensor(Array.from(test.labels.subarray(0, m)), [m], 'int64') };
}

/** The workloads to time: all of them, or those CFA_BENCH_ATTACKS lists (comma-separated, e.g. "fab-t,square"). */
function chosenStages(): Set<string> {
  const all = ['pgd20', ...STAGES];
  const env = process.env.CFA_BENCH_ATTACKS;
  if (!env) return new Set(all);
  const names = env.split(',').map((v) => v.trim()).filter(Boolean);
  const unknown = names.filter((n) => !all.includes(n));
  if (unknown.length || names.length === 0) throw new Error(`CFA_BENCH_ATTACKS: expected a comma-separated list of ${all.join(', ')}, got '${env}'`);
  return new Set(names);
}

const rows = (x: Tensor, ids: number[]) => tidy(() => x.indexSelect(0, tensor(ids, [ids.length], 'int64')));
const seconds = (fn: () => void) => {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
};

export async function run(opts: { json: boolean; quick?: boolean }): Promise<Record<string, unknown>> {
  const s = sizes(Boolean(opts.quick));
  const host = describeHost();
  const dataDir = locateDataset(findSpec('fashion-mnist')!);
  const trained = await trainedModel(dataDir, s);
  const net: Module = createModel({ arch: 'smallcnn', numClasses: 10, inChannels: 1, inputSize: 28, mean: trained.mean, std: trained.std });
  loadCheckpoint(trained.file, net);
  net.eval();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cfa-bench-attacks-'));
  const kept: Tensor[] = [];
  let torch: TorchWorker | undefined;
  try {
    // Points: the clean-correct test images, then those APGD-CE leaves robust (one untimed run of ours).
    const pool = testImages(dataDir, 2000);
    kept.push(pool.x, pool.y);
    const clean = predict(net, pool.x).toArray();
    const labels = pool.y.toArray();
    const correct = labels.flatMap((l, i) => (clean[i] === l ? [i] : []));
    const ceIds = correct.slice(0, s.points['apgd-ce']);
    const probe = correct.slice(0, Math.max(...STAGES.slice(1).map((k) => s.points[k])) * 4);
    const afterCe = autoAttack(net, rows(pool.x, probe), rows(pool.y, probe), { norm: 'Linf', eps: EPS, version: 'custom', attacks: ['apgd-ce'], nIter: s.nIter });
    const robustIds = probe.filter((_, i) => afterCe.robust[i]);
    afterCe.xAdv.dispose();
    const blocks: Record<string, number[]> = { pgd: correct.slice(0, s.points.pgd), 'apgd-ce': ceIds };
    for (const k of STAGES.slice(1)) blocks[k] = robustIds.slice(0, s.points[k]);
    const points = new Map<string, Tensor>();
    for (const [k, ids] of Object.entries(blocks)) {
      points.set(`x_${k}`, rows(pool.x, ids));
      points.set(`y_${k}`, rows(pool.y, ids));
    }
    kept.push(...points.values());
    writeSafetensors(path.join(tmp, 'points.safetensors'), points);
    if (trained.mean.length !== 1) throw new Error('bench attacks: expected a one-channel model');
    // The checkpoint holds the bare network's state dict with PyTorch's key names: the PyTorch side loads it as it is.
    torch = new TorchWorker('attacks.py', [trained.file, path.join(tmp, 'points.safetensors'), String(trained.mean[0]), String(trained.std[0]), String(EPS), String(s.nIter), String(s.nQueries)]);
    const w = torch;
    const x = (k: string) => points.get(`x_${k}`)!;
    const y = (k: string) => points.get(`y_${k}`)!;
    // Each of our blocks records how many points it left robust (counted outside the timed part), to set beside the
    // PyTorch side's count: the two sides do the same work when they break about the same points.
    let lastRobust = -1;
    const ours = (block: string, fn: () => Tensor) => () => {
      manualSeed(0);
      let adv: Tensor | undefined;
      const t = seconds(() => void (adv = tidy(fn)));
      lastRobust = tidy(() => predict(net, adv!).eq(y(block)).sum().item());
      adv!.dispose();
      return t;
    };
    const stage = (k: AttackName) => ours(k, () => autoAttack(net, x(k), y(k), { norm: 'Linf', eps: EPS, version: 'custom', attacks: [k], nIter: s.nIter, nQueries: s.nQueries, seed: 0 }).xAdv);

    const results: Record<string, Paired & { points: number; against: string; robust: { ours: number; theirs: number } }> = {};
    const compare = async (name: string, against: string, block: string, mine: () => number, theirs: string) => {
      if (blocks[block].length === 0) return;
      await w.time(theirs, 1); // warm-up: builds the workload, first-call allocations
      mine();
      const timing = await paired(s.rounds, mine, () => w.time(theirs, 1));
      results[name] = { ...timing, points: blocks[block].length, against, robust: { ours: lastRobust, theirs: Number(await w.ask(theirs, 'robust')) } };
    };
    const only = chosenStages();
    if (only.has('pgd20')) await compare('pgd20', 'PyTorch', 'pgd', ours('pgd', () => pgd(net, x('pgd'), y('pgd'), { eps: EPS, stepSize: EPS / 4, steps: 20 })), 'torch:pgd20');
    for (const k of STAGES) if (only.has(k)) await compare(k, 'PyTorch', k, stage(k), `torch:${k}`);
    if (process.env.CFA_AUTOATTACK_DIR) for (const k of STAGES) if (only.has(k)) await compare(`${k} (reference package)`, 'reference AutoAttack', k, stage(k), `ref:${k}`);

    const result = {
      host,
      threads: getNumThreads(),
      libtorch: torchVersion(),
      model: `SmallCNN, AT (ε ${EPS}, PGD-10) on ${s.train.perClass} Fashion-MNIST images per class, ${s.train.epochs} epochs`,
      clean_accuracy: Number((correct.length / labels.length).toFixed(4)),
      /** Share of the probed clean-correct points that APGD-CE leaves robust (the pool of APGD-T, FAB-T and Square). */
      robust_after_apgd_ce: Number((robustIds.length / probe.length).toFixed(4)),
      budgets: { eps: EPS, nIter: s.nIter, nQueries: s.nQueries, nTargetClasses: 9 },
      reference_package: process.env.CFA_AUTOATTACK_DIR ?? null,
      stages: results,
    };
    if (!opts.json) {
      console.log(`attacks: ${hostLine(host)}`);
      console.log(`  ${result.model}: clean ${(100 * result.clean_accuracy).toFixed(1)}% of ${labels.length} test images; APGD-CE leaves ${(100 * result.robust_after_apgd_ce).toFixed(1)}% of ${probe.length} clean-correct ones robust (ε ${EPS}, ${s.nIter} iterations, ${s.nQueries} queries)`);
      for (const [name, r] of Object.entries(results)) {
        console.log(`  ${name.padEnd(28)} ${String(r.points).padStart(4)} points: ours ${r.ours_s}s, ${r.against} ${r.torch_s}s, ${ratioText(r)}; robust after: ours ${r.robust.ours}, theirs ${r.robust.theirs}`);
      }
      if (!process.env.CFA_AUTOATTACK_DIR) console.log('  (set CFA_AUTOATTACK_DIR to a copy of the reference AutoAttack package to time its stages too)');
    }
    return result;
  } finally {
    torch?.close();
    for (const t of kept) t.dispose();
    net.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
