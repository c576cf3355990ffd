/**
 * What this runtime allows for threads: shared memory (SharedArrayBuffer, which browsers only
 * give to cross-origin isolated pages), workers, and whether the current thread may block in
 * Atomics.wait (not on a browser main thread). And what 'auto' means here.
 */
import { MAX_THREADS } from './control.js';

/** 'auto' never asks for more threads than this (wasm SIMD convs stop scaling well beyond). */
export const AUTO_MAX_THREADS = 8;

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

/** null if threads can work here, else why not (a sentence for engine.threadsReason). */
export function threadsUnavailable(): string | null {
  const g = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown };
  if (typeof SharedArrayBuffer !== 'function') {
    return isNode
      ? 'SharedArrayBuffer is not available in this runtime'
      : 'SharedArrayBuffer is not available: the page must be cross-origin isolated ' +
        '(served with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
  }
  if (g.crossOriginIsolated === false) {
    return 'the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and ' +
      'Cross-Origin-Embedder-Policy: require-corp), so it cannot share memory with workers';
  }
  if (typeof Atomics !== 'object' || typeof Atomics.wait !== 'function' || typeof Atomics.notify !== 'function') {
    return 'Atomics.wait/notify are not available in this runtime';
  }
  try {
    const m = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    if (!(m.buffer instanceof SharedArrayBuffer)) return 'this runtime cannot create shared WebAssembly memory';
  } catch {
    return 'this runtime cannot create shared WebAssembly memory (no Wasm threads)';
  }
  if (!isNode && typeof g.Worker !== 'function') return 'Web Workers are not available here';
  return null;
}

/** True where Atomics.wait may block this thread (Node, workers); false on a browser main thread. */
export function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** Logical processors and where the number comes from. */
export async function hardwareThreads(): Promise<{ count: number; source: string }> {
  if (isNode) {
    const os = await import('node:os');
    if (typeof os.availableParallelism === 'function') return { count: os.availableParallelism(), source: 'os.availableParallelism()' };
    return { count: os.cpus().length, source: 'os.cpus().length' };
  }
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return { count: typeof n === 'number' && n >= 1 ? n : 1, source: 'navigator.hardwareConcurrency' };
}

export { MAX_THREADS };
