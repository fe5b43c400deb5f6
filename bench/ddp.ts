// Data-parallel benchmark: the W1 training step (PGD-10 AT, SmallCNN, global batch 128, bench/engine.ts) by
// 2 processes × 1 thread (Gloo over loopback, 64 images each, gradients all-reduced in flat buckets) against
// 1 process × 2 threads, with the communication time per step (all-reduce, including waiting for the other rank)
// and its share of the step.
import { spawn } from 'child_process';
import { getNumThreads, manualSeed, rand, randint, tidy } from '../src/engine';
import { averageGradients, shardOf } from '../src/distributed/data-parallel';
import { SINGLE, withGroup } from '../src/distributed/group';
import { groupFromEnv } from '../src/distributed/env';
import { freePort } from '../src/distributed/launch';
import { SGD, createNetwork } from '../src/nn';
import { pgdTrainStep } from './engine';
import { describeHost, hostLine } from './host';
import { timeSteps } from './timing';

const BATCH = 128;

interface WorkerResult {
  rank: number;
  threads: number;
  stepS: number;
  commS: number;
}

/** One worker: W1 steps on its shard of the batch; prints its timings as JSON. */
async function worker(steps: number): Promise<void> {
  await withGroup(groupFromEnv(process.env, 'cpu'), (c) => {
    manualSeed(0);
    const model = createNetwork({ arch: 'smallcnn', numClasses: 10, inChannels: 1, inputSize: 28 }).train().channelsLast();
    const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9, weightDecay: 5e-4 });
    const part = shardOf(BATCH, c);
    const [x, y] = tidy(() => [rand([BATCH, 1, 28, 28]).narrow(0, part.offset, part.count).contiguous().channelsLast(), randint(0, 10, [BATCH]).narrow(0, part.offset, part.count).contiguous()]);
    let comm = 0;
    const sync = () => {
      const t = process.hrtime.bigint();
      averageGradients(c, model.parameters(), part);
      comm += Number(process.hrtime.bigint() - t) / 1e9;
    };
    const warmup = 2;
    const stepS = timeSteps(() => pgdTrainStep(model, opt, x, y, 0.1, 0.01, 10, c === SINGLE ? undefined : sync), steps, warmup);
    const commS = comm / (steps + warmup);
    const r: WorkerResult = { rank: c.rank, threads: getNumThreads(), stepS, commS };
    process.stdout.write(`${JSON.stringify(r)}\n`);
    model.dispose();
    opt.dispose();
  });
}

/** Runs `nproc` workers of `threads` threads each; their results by rank. */
async function runWorkers(nproc: number, threads: number, steps: number): Promise<WorkerResult[]> {
  const port = await freePort();
  return Promise.all(
    Array.from({ length: nproc }, (_, rank) => {
      const env = { ...process.env, CFA_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads), ...(nproc > 1 ? { WORLD_SIZE: String(nproc), RANK: String(rank), LOCAL_RANK: String(rank), MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port) } : {}) };
      const child = spawn(process.execPath, [__filename, '--worker', String(steps)], { env, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      return new Promise<WorkerResult>((resolve, reject) =>
        child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as WorkerResult) : reject(new Error(`ddp worker rank ${rank} exited with code ${code}`)))),
      );
    }),
  );
}

export async function run(opts: { json: boolean; quick?: boolean }): Promise<Record<string, unknown>> {
  const steps = opts.quick ? 3 : 10;
  const [single] = await runWorkers(1, 2, steps);
  const ranks = await runWorkers(2, 1, steps);
  const step = Math.max(...ranks.map((r) => r.stepS));
  const comm = Math.max(...ranks.map((r) => r.commS));
  const round = (v: number) => Math.round(v * 1e4) / 1e4;
  const result = {
    host: describeHost(),
    w1_batch: BATCH,
    one_process_2_threads_s: round(single.stepS),
    two_processes_1_thread_s: round(step),
    speedup: round(single.stepS / step),
    comm_s_per_step: round(comm),
    comm_share: round(comm / step),
    goal_comm_share: 0.1,
  };
  if (!opts.json) {
    console.log(`ddp (W1 PGD-10 AT step, SmallCNN, global batch 128): ${hostLine(result.host)}`);
    console.log(`  1 process × 2 threads: ${result.one_process_2_threads_s}s/step   2 processes × 1 thread: ${result.two_processes_1_thread_s}s/step   speed-up ${result.speedup}`);
    console.log(`  all-reduce and synchronisation: ${result.comm_s_per_step}s/step = ${(100 * result.comm_share).toFixed(1)}% of the step (goal ≤ 10%)`);
  }
  return result;
}

if (require.main === module && process.argv[2] === '--worker') {
  worker(Number(process.argv[3])).catch((e: Error) => {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  });
}
