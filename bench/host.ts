// Where a benchmark ran: CPU model, ISA level, the ISA oneDNN and ATen dispatch to, the BLAS behind libtorch, threads.
// Every --json result carries this, so figures from different hosts (AVX2-only, AVX-512) are never mixed up.
import * as fs from 'fs';
import * as os from 'os';
import { spawnSync } from 'child_process';
import { cpuInfo, getNumThreads, isaLevel, kernelIsa, torchVersion } from '../src/engine';
import { PYTHON } from './timing';

export interface Host {
  cpu: string;
  cores: number;
  /** Highest x86-64 vector extension the CPU reports: avx512, avx2, avx or sse. */
  isa: string;
  /** The ISA oneDNN's kernels were generated for (its verbose line), which ONEDNN_MAX_CPU_ISA can lower. */
  onednn_isa: string;
  /** The ISA libtorch's kernels run at after ATEN_CPU_CAPABILITY and ONEDNN_MAX_CPU_ISA (engine kernelIsa): it picks the models' layout. */
  kernel_isa: string;
  /** The library behind libblas.so.3 (the set-up selects OpenBLAS's OpenMP build). */
  blas: string;
  threads: number;
  libtorch: string;
  /** Variables that change kernel choice, when set (ATEN_CPU_CAPABILITY, ONEDNN_MAX_CPU_ISA, OPENBLAS_CORETYPE). */
  overrides: Record<string, string>;
}

/**
 * oneDNN prints the ISA it dispatches to on its first primitive when verbose: one convolution through the same libtorch
 * build (PyTorch's, which our addon shares), honouring ONEDNN_MAX_CPU_ISA like ours.
 */
function onednnIsa(): string {
  const script = [
    'import torch',
    'with torch.backends.mkldnn.verbose(torch.backends.mkldnn.VERBOSE_ON):',
    '    torch.nn.functional.conv2d(torch.rand(2, 16, 32, 32), torch.rand(16, 16, 3, 3))',
  ].join('\n');
  const r = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8', timeout: 60_000 });
  const line = (r.stdout ?? '').split('\n').find((l) => /(onednn|dnnl)_verbose,info,cpu,isa:/.test(l));
  return line ? line.replace(/^.*isa:/, '').trim() : 'unknown';
}

function blasLibrary(): string {
  for (const dir of ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib']) {
    const link = `${dir}/libblas.so.3`;
    if (fs.existsSync(link)) return fs.realpathSync(link);
  }
  return 'unknown';
}

export function describeHost(): Host {
  const { model, flags } = cpuInfo();
  const overrides: Record<string, string> = {};
  for (const k of ['ATEN_CPU_CAPABILITY', 'ONEDNN_MAX_CPU_ISA', 'OPENBLAS_CORETYPE']) if (process.env[k]) overrides[k] = process.env[k]!;
  return { cpu: model, cores: os.cpus().length, isa: isaLevel(flags), onednn_isa: onednnIsa(), kernel_isa: kernelIsa(flags), blas: blasLibrary(), threads: getNumThreads(), libtorch: torchVersion(), overrides };
}

/** One line for the human-readable output. */
export function hostLine(h: Host): string {
  const o = Object.entries(h.overrides).map(([k, v]) => `${k}=${v}`);
  return `host: ${h.cpu} (${h.cores} cores, ${h.isa}, kernels ${h.kernel_isa}; oneDNN ${h.onednn_isa}; BLAS ${h.blas}), libtorch ${h.libtorch}, ${h.threads} threads${o.length ? `, ${o.join(' ')}` : ''}`;
}
