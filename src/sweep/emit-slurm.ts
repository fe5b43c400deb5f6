// `cfa sweep --emit slurm`: an sbatch array script, one array task per entry (SLURM_ARRAY_TASK_ID = the entry's index),
// each running `cfa sweep GRID --out DIR --index I`. Multi-process entries start nproc tasks per node with srun, each
// given torchrun's variables from Slurm's: WORLD_SIZE = SLURM_NTASKS, RANK = SLURM_PROCID, LOCAL_RANK = SLURM_LOCALID,
// MASTER_ADDR = the allocation's first node, MASTER_PORT from the job id. Entries that wait for others (`after`) go
// in later stages, submitted with --dependency=afterok by a submit script.
import { SweepEntry } from './grid';
import { arrayRanges, commandWords, commonNproc, shellQuote, stages } from './stages';

export interface SlurmOptions {
  /** Grid file (absolute path, as the nodes see it) or grid name. */
  source: string;
  /** Output folder, as the nodes see it. */
  out: string;
  entries: SweepEntry[];
  /** How the nodes run cfa (default "cfa"). */
  command: string;
  jobName: string;
  nodes?: number;
  cpusPerTask?: number;
  gres?: string;
  partition?: string;
  time?: string;
  mem?: string;
  /** At most this many array tasks at once (the array's %P). */
  maxParallel?: number;
  /** Further #SBATCH lines, e.g. "--account=abc". */
  sbatch?: string[];
}

export interface SlurmFiles {
  /** The job script (submit with `sbatch` when there is one stage). */
  script: string;
  /** With several stages: a bash script that submits them with afterok dependencies. */
  submit?: string;
}

export function slurmScript(o: SlurmOptions, scriptPath: string): SlurmFiles {
  const nproc = commonNproc(o.entries, 'slurm');
  const st = stages(o.entries);
  const cap = o.maxParallel ? `%${o.maxParallel}` : '';
  const multi = nproc > 1 || (o.nodes ?? 1) > 1;
  const cmd = [...commandWords(o.command), 'sweep', o.source, '--out', o.out].map(shellQuote).join(' ');
  const lines = [
    '#!/bin/bash',
    `# cfa sweep ${o.source}: ${o.entries.length} runs under ${o.out}, one array task per entry (SLURM_ARRAY_TASK_ID = the`,
    `# entry's index; list them with: cfa sweep ${o.source} --list).`,
    st.length > 1 ? `# Entries wait for others: submit with  bash ${shellQuote(scriptPath.replace(/(\.sbatch)?$/, '-submit.sh'))}` : `# Submit with:  sbatch ${shellQuote(scriptPath)}`,
    '# Rerunning skips finished runs and resumes interrupted ones.',
    `#SBATCH --job-name=${o.jobName}`,
    `#SBATCH --array=${arrayRanges(st[0])}${cap}`,
    `#SBATCH --output=${o.out}/logs/slurm-%A_%a.out`,
    `#SBATCH --nodes=${o.nodes ?? 1}`,
    `#SBATCH --ntasks-per-node=${nproc}`,
    ...(o.cpusPerTask ? [`#SBATCH --cpus-per-task=${o.cpusPerTask}`] : []),
    ...(o.gres ? [`#SBATCH --gres=${o.gres}`] : []),
    ...(o.partition ? [`#SBATCH --partition=${o.partition}`] : []),
    ...(o.time ? [`#SBATCH --time=${o.time}`] : []),
    ...(o.mem ? [`#SBATCH --mem=${o.mem}`] : []),
    ...(o.sbatch ?? []).map((l) => `#SBATCH ${l}`),
    'set -euo pipefail',
    'if [ -n "${SLURM_CPUS_PER_TASK:-}" ]; then export CFA_NUM_THREADS="$SLURM_CPUS_PER_TASK"; fi',
  ];
  if (multi) {
    lines.push(
      '# torchrun-style rendezvous: rank 0 on the first node of the allocation, a port from the job id.',
      'export MASTER_ADDR="$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)"',
      'export MASTER_PORT="$((20000 + SLURM_JOB_ID % 40000))"',
      'srun --kill-on-bad-exit=1 bash -c \'export WORLD_SIZE="$SLURM_NTASKS" RANK="$SLURM_PROCID" LOCAL_RANK="$SLURM_LOCALID" LOCAL_WORLD_SIZE="$SLURM_NTASKS_PER_NODE"; exec "$@"\' cfa-rank \\',
      `  ${cmd} --index "$SLURM_ARRAY_TASK_ID"`,
    );
  } else lines.push(`exec ${cmd} --index "$SLURM_ARRAY_TASK_ID"`);
  const script = lines.join('\n') + '\n';
  if (st.length === 1) return { script };
  const submit = [
    '#!/bin/bash',
    `# Submits the ${st.length} stages of ${shellQuote(scriptPath)}; each stage starts when the previous one has succeeded.`,
    'set -euo pipefail',
    `job=$(sbatch --parsable ${shellQuote(scriptPath)})`,
    'echo "stage 0: job $job"',
    ...st.slice(1).flatMap((idx, s) => [
      `job=$(sbatch --parsable --dependency=afterok:"$job" --array=${arrayRanges(idx)}${cap} ${shellQuote(scriptPath)})`,
      `echo "stage ${s + 1}: job $job"`,
    ]),
  ];
  return { script, submit: submit.join('\n') + '\n' };
}
