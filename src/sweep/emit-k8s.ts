// `cfa sweep --emit k8s`: a Kubernetes Indexed Job (completionMode: Indexed), one completion per entry; the pod of
// index I runs `cfa sweep GRID --out DIR --index $JOB_COMPLETION_INDEX` with the output folder on a mounted volume.
// A multi-process entry starts its ranks inside the pod with torchrun's variables; an entry that waits for another
// (`after`) waits in its pod until that run has finished. A restarted pod resumes its run.
import * as YAML from 'yaml';
import { UserError } from '../errors';
import { SweepEntry } from './grid';
import { commandWords } from './stages';

export interface K8sOptions {
  /** Grid file or name, as the container sees it. */
  source: string;
  /** Output folder, as the container sees it (on the volume). */
  out: string;
  entries: SweepEntry[];
  command: string;
  jobName: string;
  image: string;
  /** "CLAIM:PATH": a PersistentVolumeClaim mounted at PATH. */
  volume?: string;
  namespace?: string;
  /** Pods at once (default: all entries). */
  maxParallel?: number;
  cpusPerTask?: number;
  gpus?: number;
  memory?: string;
}

/** A DNS-1123 label for the job: lowercase letters, digits and '-', short enough for "<name>-<index>" pod hostnames. */
export function k8sName(s: string): string {
  const n = s.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 50).replace(/-+$/, '');
  return n || 'cfa-sweep';
}

export function k8sManifest(o: K8sOptions): string {
  const n = o.entries.length;
  let volumeMounts: object[] | undefined;
  let volumes: object[] | undefined;
  if (o.volume !== undefined) {
    const m = /^([a-z0-9][a-z0-9.-]*):(\/.*)$/.exec(o.volume);
    if (!m) throw new UserError(`--volume: expected CLAIM:/mount/path (a PersistentVolumeClaim and where to mount it), got '${o.volume}'`);
    volumeMounts = [{ name: 'sweep', mountPath: m[2] }];
    volumes = [{ name: 'sweep', persistentVolumeClaim: { claimName: m[1] } }];
  }
  const threads = o.cpusPerTask ?? 1;
  const nproc = Math.max(...o.entries.map((e) => e.nproc));
  const limits: Record<string, string> = { cpu: String(threads * nproc), ...(o.memory ? { memory: o.memory } : {}), ...(o.gpus ? { 'nvidia.com/gpu': String(o.gpus) } : {}) };
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: o.jobName, ...(o.namespace ? { namespace: o.namespace } : {}), labels: { app: 'cfa-sweep' } },
    spec: {
      completionMode: 'Indexed',
      completions: n,
      parallelism: Math.min(n, o.maxParallel ?? n),
      backoffLimit: n,
      template: {
        metadata: { labels: { app: 'cfa-sweep', 'cfa-sweep': o.jobName } },
        spec: {
          restartPolicy: 'OnFailure',
          containers: [
            {
              name: 'cfa',
              image: o.image,
              // JOB_COMPLETION_INDEX is set by Kubernetes in every pod of an Indexed Job.
              command: ['sh', '-c', 'exec "$@" --index "$JOB_COMPLETION_INDEX"', 'cfa-sweep', ...commandWords(o.command), 'sweep', o.source, '--out', o.out],
              env: [{ name: 'CFA_NUM_THREADS', value: String(threads) }],
              resources: { requests: { ...limits }, limits },
              ...(volumeMounts ? { volumeMounts } : {}),
            },
          ],
          ...(volumes ? { volumes } : {}),
        },
      },
    },
  };
  const head = [
    `# cfa sweep ${o.source}: ${n} runs under ${o.out}, one completion index per entry (list them with: cfa sweep ${o.source} --list).`,
    '# Apply with: kubectl apply -f <this file>. Rerunning skips finished runs and resumes interrupted ones.',
  ];
  return `${head.join('\n')}\n${YAML.stringify(job, { lineWidth: 0 })}`;
}
