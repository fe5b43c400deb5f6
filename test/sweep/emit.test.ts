// The emitted cluster files, field by field, and run: the Slurm script under stand-ins for srun/scontrol and the
// Kubernetes container command with JOB_COMPLETION_INDEX, both calling a recorder in place of cfa.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { slurmScript } from '../../src/sweep/emit-slurm';
import { k8sName } from '../../src/sweep/emit-k8s';
import { namedGrid } from '../../src/sweep/named-grids';
import { arrayRanges } from '../../src/sweep/stages';
import { tempDir } from '../helpers/temp-dir';

const CFA = path.join(__dirname, '../../../bin/cfa.js');

interface Recorded {
  argv: string[];
  env: Record<string, string | undefined>;
}

/** A temporary folder with a grid of 2 methods × 2 seeds (nproc as given) and a recorder script standing in for cfa. */
function setup(nproc: number): { dir: string; grid: string; out: string; recorder: string; record: string; read: () => Recorded[] } {
  const dir = tempDir('cfa-emit-');
  const grid = path.join(dir, 'grid.yaml');
  fs.writeFileSync(grid, `base: { preset: quick-fmnist, nproc: ${nproc} }\nmethods:\n  at: { method: at }\n  trades: { method: trades }\nseeds: 2\n`);
  const record = path.join(dir, 'record.jsonl');
  const recorder = path.join(dir, 'recorder.js');
  const keys = ['WORLD_SIZE', 'RANK', 'LOCAL_RANK', 'LOCAL_WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT', 'CFA_NUM_THREADS'];
  fs.writeFileSync(recorder, `const env = {}; for (const k of ${JSON.stringify(keys)}) env[k] = process.env[k];\nrequire('fs').appendFileSync(${JSON.stringify(record)}, JSON.stringify({ argv: process.argv.slice(2), env }) + '\\n');\n`);
  const read = () => (fs.existsSync(record) ? fs.readFileSync(record, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Recorded) : []);
  return { dir, grid, out: path.join(dir, 'sweep'), recorder, record, read };
}

function cfa(args: string[]) {
  const r = spawnSync(process.execPath, [CFA, 'sweep', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r;
}

const sbatchLines = (script: string) => script.split('\n').filter((l) => l.startsWith('#SBATCH ')).map((l) => l.slice(8));

test('Slurm, one process per entry: the #SBATCH fields, and the array task runs its entry', () => {
  const s = setup(1);
  try {
    const r = cfa([s.grid, '--out', s.out, '--emit', 'slurm', '--command', `node ${s.recorder}`, '--cpus-per-task', '4', '--gres', 'gpu:1', '--partition', 'gpu', '--time', '12:00:00', '--mem', '16G', '--sbatch=--account=abc', '--max-parallel', '3']);
    const file = path.join(s.out, 'sweep.sbatch');
    assert.match(r.stdout, new RegExp(`wrote ${file} \\(4 array tasks\\)`));
    assert.ok(!fs.existsSync(path.join(s.out, 'sweep-submit.sh')), 'one stage: no submit script');
    assert.ok(fs.statSync(path.join(s.out, 'logs')).isDirectory(), 'the --output folder exists before sbatch');
    const script = fs.readFileSync(file, 'utf8');
    assert.ok(script.startsWith('#!/bin/bash\n'));
    assert.deepEqual(sbatchLines(script), [
      '--job-name=cfa-grid',
      '--array=0-3%3',
      `--output=${s.out}/logs/slurm-%A_%a.out`,
      '--nodes=1',
      '--ntasks-per-node=1',
      '--cpus-per-task=4',
      '--gres=gpu:1',
      '--partition=gpu',
      '--time=12:00:00',
      '--mem=16G',
      '--account=abc',
    ]);
    assert.ok(!script.includes('srun'), 'single-process entries run without srun');
    assert.equal(spawnSync('bash', ['-n', file]).status, 0, 'bash syntax');
    // The array task with index 2 runs entry 2, with CFA_NUM_THREADS from Slurm's CPUs per task.
    const run = spawnSync('bash', [file], { encoding: 'utf8', env: { ...process.env, SLURM_ARRAY_TASK_ID: '2', SLURM_CPUS_PER_TASK: '4', SLURM_JOB_ID: '77' } });
    assert.equal(run.status, 0, run.stderr);
    const rec = s.read();
    assert.equal(rec.length, 1);
    assert.deepEqual(rec[0].argv, ['sweep', s.grid, '--out', s.out, '--index', '2']);
    assert.equal(rec[0].env.CFA_NUM_THREADS, '4');
    assert.equal(rec[0].env.WORLD_SIZE, undefined);
  } finally {
    fs.rmSync(s.dir, { recursive: true, force: true });
  }
});

test('Slurm, nproc 2: srun starts 2 tasks per node with torchrun variables derived from Slurm\'s', () => {
  const s = setup(2);
  try {
    cfa([s.grid, '--out', s.out, '--emit', 'slurm', '--command', `node ${s.recorder}`, '--job-name', 'Table One']);
    const file = path.join(s.out, 'sweep.sbatch');
    const script = fs.readFileSync(file, 'utf8');
    const fields = sbatchLines(script);
    assert.ok(fields.includes('--ntasks-per-node=2'));
    assert.ok(fields.includes('--job-name=table-one'));
    assert.ok(fields.includes('--array=0-3'));
    assert.match(script, /srun --kill-on-bad-exit=1 /);
    // Stand-ins: scontrol lists the allocation's nodes; srun runs its command as 2 tasks with Slurm's task variables.
    const bin = path.join(s.dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'scontrol'), '#!/bin/sh\n[ "$1 $2" = "show hostnames" ] && [ "$3" = "node[7-8]" ] && printf "node7\\nnode8\\n"\n', { mode: 0o755 });
    fs.writeFileSync(path.join(bin, 'srun'), '#!/bin/bash\nshift\nfor r in 0 1; do SLURM_PROCID=$r SLURM_LOCALID=$r SLURM_NTASKS=2 SLURM_NTASKS_PER_NODE=2 "$@" || exit 1; done\n', { mode: 0o755 });
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, SLURM_ARRAY_TASK_ID: '3', SLURM_JOB_ID: '1234', SLURM_JOB_NODELIST: 'node[7-8]', SLURM_CPUS_PER_TASK: '2' };
    const run = spawnSync('bash', [file], { encoding: 'utf8', env });
    assert.equal(run.status, 0, run.stderr);
    const rec = s.read();
    assert.equal(rec.length, 2);
    rec.forEach((x, r) => {
      assert.deepEqual(x.argv, ['sweep', s.grid, '--out', s.out, '--index', '3']);
      assert.deepEqual(x.env, { WORLD_SIZE: '2', RANK: String(r), LOCAL_RANK: String(r), LOCAL_WORLD_SIZE: '2', MASTER_ADDR: 'node7', MASTER_PORT: String(20000 + 1234), CFA_NUM_THREADS: '2' });
    });
  } finally {
    fs.rmSync(s.dir, { recursive: true, force: true });
  }
});

test('Slurm, paper-table1: FRL waits for its hot start as a second stage submitted with afterok', () => {
  const g = namedGrid('paper-table1', '0', '/s')!;
  const files = slurmScript({ source: 'paper-table1', out: '/s', entries: g.entries, command: 'cfa', jobName: 'cfa-paper-table1' }, '/s/sweep.sbatch');
  assert.ok(sbatchLines(files.script).includes('--array=0-34'));
  assert.match(files.script, /exec cfa sweep paper-table1 --out \/s --index "\$SLURM_ARRAY_TASK_ID"\n$/);
  assert.equal(
    files.submit,
    '#!/bin/bash\n# Submits the 2 stages of /s/sweep.sbatch; each stage starts when the previous one has succeeded.\nset -euo pipefail\n' +
      'job=$(sbatch --parsable /s/sweep.sbatch)\necho "stage 0: job $job"\n' +
      'job=$(sbatch --parsable --dependency=afterok:"$job" --array=35-39 /s/sweep.sbatch)\necho "stage 1: job $job"\n',
  );
  assert.equal(arrayRanges([0, 1, 2, 5, 7, 8]), '0-2,5,7-8');
});

test('Kubernetes: an Indexed Job manifest, field by field, whose container runs the entry of JOB_COMPLETION_INDEX', () => {
  const s = setup(1);
  try {
    const r = cfa([s.grid, '--out', s.out, '--emit', 'k8s', '--image', 'registry.example/cfa:0.1', '--volume', 'sweeps:/data', '--gpus', '1', '--mem', '8Gi', '--cpus-per-task', '4', '--max-parallel', '2', '--namespace', 'ml', '--command', `node ${s.recorder}`, '--file', path.join(s.dir, 'job.yaml')]);
    const file = path.join(s.dir, 'job.yaml');
    assert.ok(!fs.existsSync(s.out), 'nothing written to the container path');
    assert.match(r.stdout, /4 completions/);
    const job = YAML.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(job.apiVersion, 'batch/v1');
    assert.equal(job.kind, 'Job');
    assert.deepEqual(job.metadata, { name: 'cfa-grid', namespace: 'ml', labels: { app: 'cfa-sweep' } });
    assert.equal(job.spec.completionMode, 'Indexed');
    assert.equal(job.spec.completions, 4);
    assert.equal(job.spec.parallelism, 2);
    assert.equal(job.spec.backoffLimit, 4);
    const pod = job.spec.template.spec;
    assert.equal(pod.restartPolicy, 'OnFailure');
    assert.deepEqual(pod.volumes, [{ name: 'sweep', persistentVolumeClaim: { claimName: 'sweeps' } }]);
    assert.equal(pod.containers.length, 1);
    const c = pod.containers[0];
    assert.equal(c.image, 'registry.example/cfa:0.1');
    assert.deepEqual(c.volumeMounts, [{ name: 'sweep', mountPath: '/data' }]);
    assert.deepEqual(c.env, [{ name: 'CFA_NUM_THREADS', value: '4' }]);
    assert.deepEqual(c.resources, { requests: { cpu: '4', memory: '8Gi', 'nvidia.com/gpu': '1' }, limits: { cpu: '4', memory: '8Gi', 'nvidia.com/gpu': '1' } });
    assert.deepEqual(c.command, ['sh', '-c', 'exec "$@" --index "$JOB_COMPLETION_INDEX"', 'cfa-sweep', 'node', s.recorder, 'sweep', s.grid, '--out', s.out]);
    const run = spawnSync(c.command[0], c.command.slice(1), { encoding: 'utf8', env: { ...process.env, JOB_COMPLETION_INDEX: '1' } });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(s.read().map((x) => x.argv), [['sweep', s.grid, '--out', s.out, '--index', '1']]);
    assert.equal(k8sName('Paper_Table1.yaml'), 'paper-table1-yaml');
    const bad = spawnSync(process.execPath, [CFA, 'sweep', s.grid, '--out', s.out, '--emit', 'k8s'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^cfa sweep: --emit k8s: --image IMAGE is required/);
  } finally {
    fs.rmSync(s.dir, { recursive: true, force: true });
  }
});
