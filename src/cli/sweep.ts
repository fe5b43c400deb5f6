// `cfa sweep GRID --out DIR`: the runs of a grid (methods × settings × seeds), on this machine or as a Slurm array
// job or a Kubernetes Indexed Job. Rerunning skips finished runs and resumes interrupted ones.
import * as fs from 'fs';
import * as path from 'path';
import { UserError } from '../errors';
import { formatEps } from '../reports/describe';
import { writeFileAtomic } from '../formats';
import { runSummary } from '../training/summary';
import { slurmScript } from '../sweep/emit-slurm';
import { k8sManifest, k8sName } from '../sweep/emit-k8s';
import { Grid, SweepEntry, readGridFile } from '../sweep/grid';
import { launchLocal } from '../distributed/launch';
import { asRank } from './distributed';
import { NAMED_GRIDS, namedGrid } from '../sweep/named-grids';
import { entryStatus, runEntry } from '../sweep/run-entry';
import { runLocal, threadsPerJob } from '../sweep/run-local';
import { parseFlags, parseInteger } from './args';

export const summary = 'run a grid of trainings (methods × settings × seeds) here, on Slurm or on Kubernetes';

const options = {
  out: { type: 'string' },
  list: { type: 'boolean' },
  index: { type: 'string' },
  jobs: { type: 'string' },
  threads: { type: 'string' },
  device: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  emit: { type: 'string' },
  file: { type: 'string' },
  command: { type: 'string' },
  'job-name': { type: 'string' },
  'max-parallel': { type: 'string' },
  'cpus-per-task': { type: 'string' },
  nodes: { type: 'string' },
  gres: { type: 'string' },
  partition: { type: 'string' },
  time: { type: 'string' },
  mem: { type: 'string' },
  sbatch: { type: 'string', multiple: true },
  image: { type: 'string' },
  volume: { type: 'string' },
  namespace: { type: 'string' },
  gpus: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function help(): string {
  const named = Object.entries(NAMED_GRIDS).map(([n, g]) => `  ${n.padEnd(14)} ${g.doc}`);
  return `usage: cfa sweep GRID --out DIR [--jobs J]          run every entry here, J at a time
       cfa sweep GRID --list                           the entries, numbered
       cfa sweep GRID --out DIR --index I              run entry I (what cluster jobs call)
       cfa sweep GRID --out DIR --emit slurm|k8s        write an sbatch array script or a Kubernetes Indexed Job

GRID is a YAML (or JSON) grid file or the name of one of the paper's grids. Each entry trains into DIR/<name>, with
<name> = <method>[-<field>=<value>…]-seed<k> (a "/" in a value becomes "_"). Rerunning a sweep skips finished runs
(all epochs logged) and resumes interrupted ones (cfa train --resume); a run directory whose config.json differs from
its entry is an error. Summarise a sweep with: cfa report DIR

Grid file:
  base:                      settings of every entry: configuration fields as in cfa train --config, presets included
    preset: quick-fmnist
    epochs: 8
  methods:                   required: name → settings, or preset names ("at: paper-cifar10-at")
    at: { method: at, cfa: ema }
    at-cfa:
      method: at
      cfa: ccm,fawa
      axes: { lambda1: [0.3, 0.5] }   a method's own axes replace the top-level ones
  axes:                      field → values; every combination is crossed with every method
    eps: [4/255, 8/255]
  seeds: 3                   a count (0, 1, 2) or a list [0, 5, 7]; default [0]
Settings may also hold nproc: N (processes per run, started torchrun-style with WORLD_SIZE, RANK, LOCAL_RANK,
MASTER_ADDR, MASTER_PORT) and after: METHOD (this run starts once the run of METHOD with the same axes and seed has
finished, e.g. a hot start); strings may use {out} (= --out) and {seed}, e.g.
  init: "{out}/trades-seed{seed}/checkpoints/model-best.safetensors".

Named grids (CIFAR-10, PreActResNet-18, 200 epochs):
${named.join('\n')}

Options:
  --out DIR               the sweep folder (run directories, logs/, sweep.json)
  --jobs J                entries at once on this machine (default 1); each gets floor(cores / J) threads
  --threads N             threads per entry instead
  --device D              device of every entry (e.g. cuda)
  --index I               run entry I only (0-based; it waits for the entry it comes after)
  --list                  print the entries
  --quiet                 no per-epoch lines (--index)

Cluster files (--emit slurm writes DIR/sweep.sbatch, --emit k8s writes ./<job name>.yaml; --file PATH elsewhere):
  --command CMD           how the nodes run cfa (default "cfa"; e.g. "npx cfa" in a checkout)
  --job-name NAME         default cfa-<grid name>
  --max-parallel P        runs at once (Slurm array %P, Kubernetes parallelism)
  --cpus-per-task C       CPU threads per process (Slurm --cpus-per-task, Kubernetes cpu request; CFA_NUM_THREADS)
  Slurm:   --gres G (e.g. gpu:1), --partition P, --time T, --mem M, --nodes N, --sbatch=LINE (repeatable raw #SBATCH line, e.g. --sbatch=--account=abc)
           The array index SLURM_ARRAY_TASK_ID is the entry. Entries with nproc N run N tasks per node through srun,
           each given WORLD_SIZE=SLURM_NTASKS, RANK=SLURM_PROCID, LOCAL_RANK=SLURM_LOCALID, MASTER_ADDR = the first
           node, MASTER_PORT from the job id. Entries that wait for others are submitted as later stages by
           DIR/sweep-submit.sh (sbatch --dependency=afterok).
           DIR and a grid file are written as absolute paths: the nodes must see them (a shared file system).
  k8s:     --image IMAGE (required), --volume CLAIM:PATH (a PersistentVolumeClaim mounted at PATH; DIR and a grid
           file are paths inside the container and should lie on it), --gpus N (nvidia.com/gpu), --mem M (memory), --namespace NS
           JOB_COMPLETION_INDEX is the entry; multi-process entries start their ranks inside the pod.
`;
}

function version(): string {
  return (require('../../../package.json') as { version: string }).version;
}

/** A grid file if one exists at `ref`, else a named grid. */
function loadGrid(ref: string, out?: string): Grid {
  if (fs.existsSync(ref) || !(ref in NAMED_GRIDS)) return readGridFile(ref, version(), out);
  return namedGrid(ref, version(), out)!;
}

function describe(e: SweepEntry): string {
  const c = e.config;
  const cfa = (['ccm', 'ccr', 'fawa', 'ema'] as const).filter((p) => c.cfa[p]);
  const parts = [`${c.method}${cfa.length ? `+${cfa.join('+')}` : ''}`, c.dataset, c.arch, `eps ${formatEps(c.eps)}`, `${c.epochs} epochs`, `seed ${c.seed}`];
  for (const [f, v] of e.axes) if (f !== 'eps') parts.push(`${f} ${v}`);
  if (c.preset) parts.push(`preset ${c.preset}`);
  if (e.nproc > 1) parts.push(`nproc ${e.nproc}`);
  return parts.join(', ');
}

function writeSweepJson(out: string, grid: Grid): void {
  const entries = grid.entries.map((e) => ({ index: e.index, name: e.name, method: e.method, seed: e.seed, axes: Object.fromEntries(e.axes), nproc: e.nproc, ...(e.after !== undefined ? { after: e.after } : {}), settings: e.settings }));
  writeFileAtomic(path.join(out, 'sweep.json'), `${JSON.stringify({ grid: grid.source, version: version(), entries }, null, 2)}\n`);
}

const optInt = (v: unknown, flag: string, min = 1) => (v === undefined ? undefined : parseInteger(v as string, flag, min));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `--index I`: waits for the entry it comes after, then runs it (as N ranks when it has nproc N and no rank is set). */
async function runIndex(ref: string, out: string, grid: Grid, e: SweepEntry, values: Record<string, unknown>, argv: string[]): Promise<number> {
  const threads = optInt(values.threads, '--threads');
  if (e.after !== undefined && entryStatus(out, grid.entries[e.after]) !== 'finished') {
    console.error(`${e.name} waits for ${grid.entries[e.after].name} to finish`);
    while (entryStatus(out, grid.entries[e.after]) !== 'finished') await sleep(30_000);
  }
  if (e.nproc > 1 && process.env.WORLD_SIZE === undefined) {
    // Threads per rank: the entry's --threads divided, else CFA_NUM_THREADS (per process, as cluster jobs set it), else the cores divided.
    const env = Number(process.env.CFA_NUM_THREADS);
    const per = threads !== undefined ? threadsPerJob(e.nproc, threads) : env >= 1 ? Math.floor(env) : threadsPerJob(e.nproc);
    const rest = argv.filter((_, i) => argv[i] !== '--threads' && argv[i - 1] !== '--threads');
    return launchLocal({ nproc: e.nproc, threads: per * e.nproc, argv: ['sweep', ...rest], quietArgs: ['--quiet'] });
  }
  // Started by torchrun, srun or the launcher above (WORLD_SIZE set): this process is one rank of the entry's group.
  const r = await asRank(values.device as string | undefined, (collective, rankDevice) =>
    runEntry(out, e, { threads, device: rankDevice ?? (values.device as string | undefined), quiet: Boolean(values.quiet) || collective.rank > 0, collective }),
  );
  if (process.env.RANK !== undefined && process.env.RANK !== '0') return 0;
  if (r.status === 'finished') console.log(`${e.name}: finished already, skipped`);
  else {
    console.log(runSummary(r.result!.cfg, r.result!.records));
    console.log(`${e.name}: ${r.status === 'interrupted' ? 'resumed and finished' : 'finished'} in ${path.join(out, e.name)}`);
  }
  return 0;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, options, true);
  if (values.help) {
    console.log(help());
    return 0;
  }
  if (positionals.length !== 1) throw new UserError(`expected one grid file or grid name, got ${positionals.length ? positionals.join(' ') : 'none'} (see cfa sweep --help)`);
  const ref = positionals[0];
  const out = values.out as string | undefined;
  const grid = loadGrid(ref, out);
  const n = grid.entries.length;
  if (values.list) {
    const w = String(n - 1).length;
    const nameW = Math.max(...grid.entries.map((e) => e.name.length));
    for (const e of grid.entries) console.log(`${String(e.index).padStart(w)}  ${e.name.padEnd(nameW)}  ${describe(e)}${e.after !== undefined ? `  (after ${grid.entries[e.after].name})` : ''}`);
    return 0;
  }
  if (out === undefined) throw new UserError('--out DIR is required (the folder of the sweep\'s run directories)');
  // For Kubernetes, DIR is a path inside the containers: nothing is written there from here.
  // Ranks other than 0 of a multi-process entry leave the sweep's files to rank 0.
  if (values.emit !== 'k8s' && (process.env.RANK ?? '0') === '0') {
    fs.mkdirSync(out, { recursive: true });
    writeSweepJson(out, grid);
  }
  const common = { command: (values.command as string | undefined) ?? 'cfa', jobName: k8sName((values['job-name'] as string | undefined) ?? `cfa-${path.basename(ref).replace(/\.(ya?ml|json)$/i, '')}`), maxParallel: optInt(values['max-parallel'], '--max-parallel'), cpusPerTask: optInt(values['cpus-per-task'], '--cpus-per-task') };
  if (values.emit !== undefined) {
    const source = ref in NAMED_GRIDS && !fs.existsSync(ref) ? ref : path.resolve(ref);
    if (values.emit === 'slurm') {
      const file = (values.file as string | undefined) ?? path.join(out, 'sweep.sbatch');
      const files = slurmScript(
        { ...common, source, out: path.resolve(out), entries: grid.entries, nodes: optInt(values.nodes, '--nodes'), gres: values.gres as string | undefined, partition: values.partition as string | undefined, time: values.time as string | undefined, mem: values.mem as string | undefined, sbatch: values.sbatch as string[] | undefined },
        path.resolve(file),
      );
      fs.mkdirSync(path.join(out, 'logs'), { recursive: true }); // Slurm does not create the --output folder
      writeFileAtomic(file, files.script);
      fs.chmodSync(file, 0o755);
      console.log(`wrote ${file} (${n} array tasks)`);
      if (files.submit) {
        const submit = file.replace(/(\.sbatch)?$/, '-submit.sh');
        writeFileAtomic(submit, files.submit);
        fs.chmodSync(submit, 0o755);
        console.log(`wrote ${submit}: some entries wait for others; submit with: bash ${submit}`);
      } else console.log(`submit with: sbatch ${file}`);
      return 0;
    }
    if (values.emit === 'k8s') {
      if (values.image === undefined) throw new UserError('--emit k8s: --image IMAGE is required (a container image with cfa installed)');
      const file = (values.file as string | undefined) ?? `${common.jobName}.yaml`;
      writeFileAtomic(file, k8sManifest({ ...common, source: ref, out, entries: grid.entries, image: values.image as string, volume: values.volume as string | undefined, namespace: values.namespace as string | undefined, gpus: optInt(values.gpus, '--gpus'), memory: values.mem as string | undefined }));
      console.log(`wrote ${file} (${n} completions); start it with: kubectl apply -f ${file}`);
      return 0;
    }
    throw new UserError(`--emit: expected slurm or k8s, got '${values.emit}'`);
  }
  if (values.index !== undefined) {
    const i = parseInteger(values.index as string, '--index');
    if (i >= n) throw new UserError(`--index: ${i} is out of range (${ref} has ${n} entries, 0-${n - 1})`);
    return runIndex(ref, out, grid, grid.entries[i], values, argv);
  }
  const jobs = optInt(values.jobs, '--jobs') ?? 1;
  const extra = values.device !== undefined ? ['--device', values.device as string] : [];
  const failed = await runLocal({ source: ref, out, entries: grid.entries, jobs, threads: optInt(values.threads, '--threads'), extra });
  console.log(failed ? `${failed} of ${n} runs failed; rerun the same command to retry them (finished runs are skipped)` : `all ${n} runs finished in ${out}; summarise them with: cfa report ${out}`);
  return failed ? 1 : 0;
}
