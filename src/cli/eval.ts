// `cfa eval`: class-wise robustness of a checkpoint (ours or PyTorch's, safetensors) under AutoAttack or PGD.
import * as fs from 'fs';
import * as path from 'path';
import { Tensor, dispose, resolveDevice, setNumThreads, tensor, tidy } from '../engine';
import { EvalAttack, EvaluateOptions, buildEvalResult, evaluateRobustness } from '../evaluation/evaluate';
import { checkEpsMonotone } from '../evaluation/sanity';
import { selectBalanced } from '../evaluation/select';
import { formatEps, formatEvalTable } from '../evaluation/table';
import { ImageDataset, imageSize, loadDataset } from '../data';
import { UserError } from '../errors';
import { RunConfig, writeFileAtomic } from '../formats';
import { Module, createModel, loadCheckpoint, readSafetensors } from '../nn';
import { dataOptions, prepareData } from '../training/data-setup';
import { robustBenchInfo } from '../evaluation/robustbench-format';
import { eventFileName, writeEventFile } from '../training/event-file';
import { evalScalars, tbDir } from '../training/tb-scalars';
import { Collective } from '../distributed/group';
import { DISTRIBUTED_HELP, asRank, distributedOptions, launchIfAsked } from './distributed';
import { Infer, flagHelp, resolveInput } from '../schema';
import { parseFlags } from './args';
import { EVAL_SCHEMA } from './eval-settings';
import { flagInputs, schemaOptions } from './options';
import { isAttackPlugin, loadAttackPlugin } from './plugins';

export const summary = 'class-wise robustness under AutoAttack or PGD (per-class table and JSON)';

function help(): string {
  return `usage: cfa eval --model CKPT.safetensors --arch ARCH --data NAME [options]
       cfa eval --model RUN_DIR [--which model|ema|fawa[-best|-last]] [options]

Evaluates clean and robust accuracy, overall and per class, on the first --n test points (class-balanced: each class
gets ⌊n/K⌋ of its first images in dataset order, the first n mod K classes one more, and classes with too few images
pass their slots on). The model runs in eval mode on [0,1] images; normalisation constants come from the run's
config.json, else the checkpoint's metadata, else the dataset. PyTorch state dicts saved as safetensors with the bare
network's key names load directly. --arch and --attack also take plug-in files (see examples/).

options:
${flagHelp(EVAL_SCHEMA).join('\n')}
  --quiet
${DISTRIBUTED_HELP}`;
}

const options = { ...schemaOptions(EVAL_SCHEMA), quiet: { type: 'boolean', short: 'q' }, help: { type: 'boolean', short: 'h' }, ...distributedOptions } as const;

type EvalSettings = Infer<typeof EVAL_SCHEMA>;

interface ModelSource {
  checkpoint: string;
  arch: string;
  dataset: string;
  dataDir?: string;
  /** Normalisation the model was trained with, when the run or checkpoint records it. */
  mean?: number[];
  std?: number[];
  runDir?: string;
  which: string;
  runConfig?: RunConfig;
  /** Reading the user's own data (--resize, --layout; a run directory's are reused). */
  resize?: number[];
  layout?: 'nhwc' | 'nchw';
}

function readJson(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new UserError(`${file}: not valid JSON (${(e as Error).message})`);
  }
}

function numberList(v: unknown): number[] | undefined {
  return Array.isArray(v) && v.every((a) => typeof a === 'number') ? (v as number[]) : undefined;
}

/** Where the weights come from, and the architecture and dataset they belong to. */
function resolveSource(s: EvalSettings, whichGiven: boolean): ModelSource {
  const model = s.model;
  if (!model) throw new UserError('--model: give a checkpoint (.safetensors) or a run directory');
  if (!fs.existsSync(model)) throw new UserError(`--model: ${model} does not exist`);
  const which = s.which;
  if (fs.statSync(model).isDirectory()) {
    const cfgFile = path.join(model, 'config.json');
    const cfg = readJson(cfgFile) as RunConfig;
    for (const key of ['arch', 'dataset'] as const) {
      if (typeof cfg[key] !== 'string') throw new UserError(`${cfgFile}: field '${key}' is missing or not a string`);
    }
    const checkpoint = path.join(model, 'checkpoints', `${which}.safetensors`);
    if (!fs.existsSync(checkpoint)) throw new UserError(`${checkpoint}: no such checkpoint in the run (--which ${which}); the run may not have saved it yet`);
    return {
      checkpoint,
      arch: s.arch ?? cfg.arch,
      dataset: s.dataset ?? cfg.dataset,
      dataDir: s.dataDir ?? cfg.dataDir,
      mean: numberList(cfg.mean),
      std: numberList(cfg.std),
      runDir: model,
      which,
      runConfig: cfg,
    };
  }
  if (whichGiven) throw new UserError('--which applies to a run directory; --model is a file');
  const meta = readSafetensors(model);
  dispose([...meta.tensors.values()]);
  const arch = s.arch ?? meta.metadata.arch;
  const dataset = s.dataset ?? meta.metadata.dataset;
  if (!arch) throw new UserError(`--arch: required for ${model} (its metadata names no architecture)`);
  if (!dataset) throw new UserError(`--data: required for ${model} (its metadata names no dataset)`);
  const parse = (k: string) => {
    if (!meta.metadata[k]) return undefined;
    try {
      return numberList(JSON.parse(meta.metadata[k]));
    } catch {
      return undefined;
    }
  };
  const own = { ...(s.resize !== undefined ? { resize: s.resize } : {}), ...(s.layout !== undefined ? { layout: s.layout } : {}) };
  return { checkpoint: model, arch, dataset, dataDir: s.dataDir, ...own, mean: parse('mean'), std: parse('std'), which: path.basename(model, '.safetensors') };
}

/** The test split of the source's dataset (a run's synthetic 'toy' data is rebuilt from its config). */
function testSet(src: ModelSource): { test: ImageDataset; mean: number[]; std: number[] } {
  if (src.dataset === 'toy') {
    if (!src.runConfig) throw new UserError("--data toy: the synthetic toy data can only be evaluated from its run directory");
    const data = prepareData({ ...(src.runConfig as object), testPerClass: undefined } as never);
    return { test: data.test, mean: data.mean, std: data.std };
  }
  const bundle = loadDataset(src.dataset, { ...dataOptions((src.runConfig ?? src) as never), dataDir: src.dataDir });
  return { test: bundle.test, mean: bundle.mean, std: bundle.std };
}

/** The chosen points as float [0,1] images and int64 labels. */
function pointsTensor(ds: ImageDataset, idx: number[], device: string): { x: Tensor; y: Tensor } {
  const size = imageSize(ds);
  const buf = new Float32Array(idx.length * size);
  idx.forEach((i, k) => {
    const src = ds.images.subarray(i * size, (i + 1) * size);
    for (let j = 0; j < size; j++) buf[k * size + j] = src[j] / 255;
  });
  return {
    x: tensor(buf, [idx.length, ds.channels, ds.height, ds.width], 'float32', device),
    y: tensor(idx.map((i) => ds.labels[i]), [idx.length], 'int64', device),
  };
}

function loadModel(src: ModelSource, ds: ImageDataset, mean: number[], std: number[], device: string): Module {
  if (ds.height !== ds.width) throw new UserError(`${src.dataset}: expected square images, got ${ds.height}×${ds.width}`);
  const model = createModel({ arch: src.arch, numClasses: ds.numClasses, inChannels: ds.channels, inputSize: ds.height, mean, std });
  try {
    if (device !== 'cpu') model.to(device);
    loadCheckpoint(src.checkpoint, model);
  } catch (e) {
    model.dispose();
    if (e instanceof UserError) throw new UserError(`${e.message} — is --arch ${src.arch} with ${ds.numClasses} classes and ${ds.channels} channel(s) (--data ${src.dataset}) right for this checkpoint?`);
    throw e;
  }
  return model.eval();
}

/** A progress line writer on stderr: redrawn in place on a terminal, one plain line per update otherwise. */
function progressPrinter(quiet: boolean): { line(s: string): void; done(): void } {
  const tty = Boolean(process.stderr.isTTY);
  let drawn = false;
  return {
    line(s) {
      if (quiet) return;
      if (tty) {
        process.stderr.write(`\r\x1b[2K${s}`);
        drawn = true;
      } else process.stderr.write(`${s}\n`);
    },
    done() {
      if (drawn) process.stderr.write('\n');
      drawn = false;
    },
  };
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, options);
  if (values.help) {
    console.log(help());
    return 0;
  }
  const given = flagInputs(EVAL_SCHEMA, values);
  const s = resolveInput(EVAL_SCHEMA, given);
  if (given.version !== undefined && s.attack !== 'aa') throw new UserError('--version applies to --attack aa');
  const attack = isAttackPlugin(s.attack) ? loadAttackPlugin(s.attack) : (s.attack as EvalAttack);
  if (s.format === 'robustbench' && attack !== 'aa') throw new UserError('--format robustbench: the leaderboard reports AutoAttack; use --attack aa');
  const launched = await launchIfAsked('eval', argv, values);
  if (launched !== undefined) return launched;
  if (s.threads !== undefined) setNumThreads(s.threads);
  return asRank(s.device, (collective, rankDevice) => evaluateAs(s, given.which !== undefined, attack, Boolean(values.quiet), collective, rankDevice ?? resolveDevice(s.device)));
}

/** The evaluation itself, as one rank of `collective` (rank 0 prints and writes the results). */
function evaluateAs(s: EvalSettings, whichGiven: boolean, attack: EvaluateOptions['attack'], quietFlag: boolean, collective: Collective, device: string): number {
  const attackLabel = typeof attack === 'object' ? attack.name : attack;
  const { norm, eps: epsList, n, seed, batchSize } = s;
  const writer = collective.rank === 0;
  const quiet = quietFlag || !writer;

  const src = resolveSource(s, whichGiven);
  const data = testSet(src);
  const normalize = !s.rawPixels;
  const c = data.test.channels;
  const mean = normalize ? (src.mean ?? data.mean) : new Array<number>(c).fill(0);
  const std = normalize ? (src.std ?? data.std) : new Array<number>(c).fill(1);
  if (mean.length !== c || std.length !== c) throw new UserError(`${src.runDir ? path.join(src.runDir, 'config.json') : src.checkpoint}: mean/std have ${mean.length} entries, the data has ${c} channel(s)`);
  const model = loadModel(src, data.test, mean, std, device);
  const idx = selectBalanced(data.test.labels, data.test.numClasses, n);
  const { x, y } = pointsTensor(data.test, idx, device);
  const labels = idx.map((i) => data.test.labels[i]);
  const stat = fs.statSync(src.checkpoint);
  const progress = progressPrinter(quiet);
  const results: ReturnType<typeof buildEvalResult>[] = [];
  try {
    for (const [e, eps] of epsList.entries()) {
      const state = s.state === undefined ? undefined : epsList.length > 1 ? `${s.state}.${e}` : s.state;
      const o: EvaluateOptions = {
        attack,
        version: s.version,
        norm,
        eps,
        seed,
        batchSize,
        steps: s.steps,
        stepSize: s.stepSize,
        restarts: s.restarts,
        nIter: s.nIter,
        nQueries: s.nQueries,
        statePath: state,
        identity: `${path.resolve(src.checkpoint)}:${stat.size}:${Math.round(stat.mtimeMs)}:${mean.join(',')}:${std.join(',')}`,
        collective,
        onProgress: (p) =>
          progress.line(`${p.attack} ε=${formatEps(eps)} batch ${p.batch}/${p.batches}${Number.isNaN(p.robustAccuracy) ? '' : `  robust ${(100 * p.robustAccuracy).toFixed(2)}%`}  ${p.seconds ? `${p.seconds.toFixed(1)} s` : ''}`),
      };
      const core = tidy(() => evaluateRobustness(model, x, y, data.test.numClasses, o));
      progress.done();
      const result = buildEvalResult(
        { model: src.checkpoint, arch: src.arch, dataset: src.dataset, classNames: data.test.classNames, threatModel: norm, eps, n: idx.length, seed },
        labels,
        core,
      );
      results.push(result);
    }
    if (results.length > 1) {
      const flag = checkEpsMonotone(results.map((r) => ({ eps: r.eps, robustAccuracy: r.robustAccuracy })));
      if (flag) for (const r of results) r.flags.push(flag);
    }
    if (writer) {
      for (const r of results) console.log(`${formatEvalTable(r)}\n`);
      const shaped = s.format === 'robustbench' ? results.map((r) => robustBenchInfo(r, src.runDir ? `${path.basename(path.resolve(src.runDir))} ${src.which}` : src.which, data.test.length)) : results;
      writeOutputs(s.out, src, shaped, results, attackLabel, norm, s.format);
      writeEvalEvents(s.tb ?? defaultTbDir(s.out, src), src.which, results, quiet);
    }
  } finally {
    dispose([x, y]);
    model.dispose();
  }
  return 0;
}

/** Where the results' event file goes without --tb: tb/ beside --out, else RUN_DIR/tb/eval, else nowhere. */
function defaultTbDir(out: string | undefined, src: ModelSource): string | undefined {
  if (out) return path.join(path.dirname(out), 'tb');
  return src.runDir ? path.join(tbDir(src.runDir), 'eval') : undefined;
}

/** One new event file in `dir` holding every result (step 0), tagged <which>/<attack>_<norm>_<ε>/…. */
function writeEvalEvents(dir: string | undefined, which: string, results: ReturnType<typeof buildEvalResult>[], quiet: boolean): void {
  if (!dir) return;
  const file = eventFileName(dir);
  const now = Date.now() / 1000;
  const scalars = results.flatMap((r) => evalScalars(r, `${which}/${r.attack}_${r.threatModel}_${formatEps(r.eps).replace('/', '_')}`));
  writeEventFile(file, [{ step: 0, wallTime: now, scalars }], now);
  if (!quiet) console.error(`wrote ${file}`);
}

/** --out FILE (one object, or an array for several ε); else, for a run directory, one eval-*.json per ε in it. */
function writeOutputs(out: string | undefined, src: ModelSource, shaped: unknown[], results: ReturnType<typeof buildEvalResult>[], attack: string, norm: string, format: string): void {
  const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
  if (out) {
    writeFileAtomic(out, json(shaped.length === 1 ? shaped[0] : shaped));
    console.error(`wrote ${out}`);
    return;
  }
  if (!src.runDir) return;
  for (const [k, r] of results.entries()) {
    // RobustBench records are not EvalResults: a name that `cfa report` (which reads eval-*.json) leaves alone.
    const file = path.join(src.runDir, `${format === 'robustbench' ? 'robustbench' : 'eval'}-${src.which}-${attack}-${norm}-${formatEps(r.eps).replace('/', '_')}.json`);
    writeFileAtomic(file, json(shaped[k]));
    console.error(`wrote ${file}`);
  }
}
