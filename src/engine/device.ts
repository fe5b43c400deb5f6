// Threads, devices and engine facts.
import * as os from 'os';
import { N } from './native';

/** Intra-op threads used by libtorch (default: the machine's cores, set when the engine loads). */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`setNumThreads: expected a positive integer, got ${n}`);
  N.setNumThreads(n);
}
export function getNumThreads(): number {
  return N.getNumThreads();
}
export function cudaAvailable(): boolean {
  return N.cudaIsAvailable();
}
export function cudaDeviceCount(): number {
  return N.cudaDeviceCount();
}
/** Waits for queued CUDA work (no-op on CPU); use before reading a timer. */
export function synchronize(): void {
  N.synchronize();
}
/** The libtorch version the engine was built against. */
export function torchVersion(): string {
  return N.version();
}
/** libtorch's build configuration (BLAS, oneDNN, OpenMP, CUDA). */
export function torchConfig(): string {
  return N.config();
}
/** Native tensors currently alive (created and neither disposed nor collected). */
export function liveTensors(): number {
  return N.liveTensors();
}
/**
 * The CPU block cache: bytes of blocks of 64 KiB and up held by tensors, and bytes kept for reuse after their tensors
 * were released (at most CFA_CPU_CACHE_MB, default a quarter of the machine's memory; 0 turns the cache off).
 */
export function cpuCacheStats(): { liveBytes: number; cachedBytes: number; cachedBlocks: number } {
  return N.cpuCacheStats();
}
/** Returns the CPU blocks kept for reuse to the operating system. */
export function emptyCpuCache(): void {
  N.emptyCpuCache();
}
/** 'cuda' when asked for and available, else 'cpu'; accepts 'auto'. */
export function resolveDevice(want: string | undefined): string {
  if (!want || want === 'auto') return cudaAvailable() ? 'cuda' : 'cpu';
  if (want.startsWith('cuda') && !cudaAvailable()) {
    throw new Error(`device '${want}' requested but this libtorch has no CUDA device (build against a CUDA libtorch with LIBTORCH=...)`);
  }
  return want;
}

const envThreads = Number(process.env.CFA_NUM_THREADS);
setNumThreads(Number.isInteger(envThreads) && envThreads > 0 ? envThreads : Math.max(1, os.availableParallelism?.() ?? os.cpus().length));
