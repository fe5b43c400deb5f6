// The x86-64 vector ISA the CPU offers and the one libtorch's CPU kernels run at: the CPU's, lowered by
// ATEN_CPU_CAPABILITY (ATen's kernels) and ONEDNN_MAX_CPU_ISA (oneDNN's convolutions) when they are set.
import * as fs from 'fs';
import * as os from 'os';

export type VectorIsa = 'avx512' | 'avx2' | 'avx' | 'sse';

const ORDER: VectorIsa[] = ['sse', 'avx', 'avx2', 'avx512'];

let cached: { model: string; flags: Set<string> } | undefined;

/** The CPU model and its feature flags, from /proc/cpuinfo (empty flags off Linux); read once per process. */
export function cpuInfo(): { model: string; flags: Set<string> } {
  return (cached ??= readCpuInfo());
}

function readCpuInfo(): { model: string; flags: Set<string> } {
  let text = '';
  try {
    text = fs.readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    /* not Linux */
  }
  const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim();
  return { model: field('model name') ?? os.cpus()[0]?.model ?? 'unknown', flags: new Set((field('flags') ?? '').split(/\s+/)) };
}

/** Highest vector extension among the CPU's flags. */
export function isaLevel(flags: Set<string>): VectorIsa {
  if (flags.has('avx512f')) return 'avx512';
  if (flags.has('avx2')) return 'avx2';
  if (flags.has('avx')) return 'avx';
  return 'sse';
}

/** The cap a kernel-selection variable puts on the ISA, or undefined when unset or not lowering it. */
function capOf(name: 'ATEN_CPU_CAPABILITY' | 'ONEDNN_MAX_CPU_ISA', value: string | undefined): VectorIsa | undefined {
  const v = (value ?? '').trim().toUpperCase();
  if (!v || v.startsWith('AVX512') || v === 'ALL') return undefined;
  if (v.startsWith('AVX2')) return 'avx2';
  if (v === 'AVX') return 'avx';
  if (name === 'ATEN_CPU_CAPABILITY' ? v === 'DEFAULT' : v.startsWith('SSE')) return 'sse';
  return undefined;
}

/** The ISA libtorch's CPU kernels run at on this host: the CPU's level, capped by ATEN_CPU_CAPABILITY and ONEDNN_MAX_CPU_ISA. */
export function kernelIsa(flags: Set<string> = cpuInfo().flags, env: NodeJS.ProcessEnv = process.env): VectorIsa {
  let level = ORDER.indexOf(isaLevel(flags));
  for (const name of ['ATEN_CPU_CAPABILITY', 'ONEDNN_MAX_CPU_ISA'] as const) {
    const cap = capOf(name, env[name]);
    if (cap) level = Math.min(level, ORDER.indexOf(cap));
  }
  return ORDER[level];
}
