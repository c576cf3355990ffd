/**
 * simdconv: CNN layers in WebAssembly SIMD. `load()` picks the best build this runtime
 * validates and returns an Engine; everything else here is re-exported.
 */
import { SimdConvEngine } from './engine.js';
import { ArgumentError, UnsupportedError } from './errors.js';
import { CONTROL_BYTES } from './threads/control.js';
import { ThreadPool } from './threads/pool.js';
import { AUTO_MAX_THREADS, MAX_THREADS, canBlock, hardwareThreads, threadsUnavailable } from './threads/support.js';
import type { Engine, Isa, LoadOptions } from './types.js';
import { chooseIsa, detectIsa, instantiate, instantiateShared } from './wasm.js';

export async function load(options: LoadOptions = {}): Promise<Engine> {
  const isa = chooseIsa(options.isa ?? 'auto');
  const want = await resolveThreads(options.threads);
  if (want.count > 1) {
    const engine = await loadThreaded(isa, options, want);
    if (engine !== null) return engine;
    want.reason = want.fallback;
  }
  const kernels = await instantiate(isa, options.wasm);
  return new SimdConvEngine(kernels, isa, { threads: 1, reason: want.reason, pool: null, reserved: 0 });
}

interface ThreadRequest {
  count: number;
  auto: boolean;
  reason: string;
  /** the reason to give if the pool cannot be had and 'auto' falls back to 1 */
  fallback: string;
}

async function resolveThreads(requested: LoadOptions['threads']): Promise<ThreadRequest> {
  if (requested === undefined || requested === 1) {
    const reason = requested === undefined ? "threads: 1 (the default; pass threads: n or 'auto' for a thread pool)" : 'threads: 1 requested';
    return { count: 1, auto: false, reason, fallback: reason };
  }
  if (requested === 'auto') {
    const missing = threadsUnavailable();
    if (missing !== null) return { count: 1, auto: true, reason: `'auto' fell back to 1 thread: ${missing}`, fallback: '' };
    const hw = await hardwareThreads();
    const count = Math.min(hw.count, AUTO_MAX_THREADS);
    const capped = hw.count > AUTO_MAX_THREADS ? `, capped at ${AUTO_MAX_THREADS}` : '';
    return {
      count, auto: true,
      reason: `'auto': ${count} thread${count === 1 ? '' : 's'} from ${hw.source} = ${hw.count}${capped}`,
      fallback: `'auto' fell back to 1 thread: `,
    };
  }
  if (typeof requested !== 'number' || !Number.isSafeInteger(requested) || requested < 1 || requested > MAX_THREADS) {
    throw new ArgumentError('load', 'options.threads', `an integer from 1 to ${MAX_THREADS} or 'auto'`, requested);
  }
  const missing = threadsUnavailable();
  if (missing !== null) {
    throw new UnsupportedError('load', 'options.threads', `1 or 'auto' here: ${missing}`, requested);
  }
  return { count: requested, auto: false, reason: `threads: ${requested} requested`, fallback: '' };
}

/** The engine on a pool of want.count threads; null if 'auto' has to fall back (want.fallback set). */
async function loadThreaded(isa: Isa, options: LoadOptions, want: ThreadRequest): Promise<SimdConvEngine | null> {
  // test hook: simulate a host that may not block (a browser main thread) in Node
  const hostOverride = (options as { _hostCanBlock?: boolean })._hostCanBlock;
  const blocking = hostOverride ?? canBlock();
  let shared;
  try {
    shared = await instantiateShared(isa, options.wasm);
  } catch (e) {
    if (!want.auto) throw e;
    want.fallback += e instanceof Error ? e.message : String(e);
    return null;
  }
  const control = shared.kernels.heap_base();
  let pool: ThreadPool;
  try {
    pool = await ThreadPool.create({
      module: shared.module, memory: shared.memory, kernels: shared.kernels, control,
      workers: blocking ? want.count - 1 : want.count, blocking,
    });
  } catch (e) {
    if (!want.auto) throw e;
    want.fallback += `the workers did not start (${e instanceof Error ? e.message : String(e)})`;
    return null;
  }
  const reason = blocking ? want.reason
    : `${want.reason}; on this thread (a browser main thread, which may not block) the synchronous methods ` +
      'run single-threaded: use engine.run() / layer.runAsync() for the pool';
  // test hook: split every job however small (MIN_WORK_PER_THREAD = 0)
  const minWorkPerThread = (options as { _minWorkPerThread?: number })._minWorkPerThread;
  return new SimdConvEngine(shared.kernels, isa, { threads: want.count, reason, pool, reserved: CONTROL_BYTES, minWorkPerThread });
}

export { detectIsa };
export { EngineTensor } from './tensor.js';
export * from './errors.js';
export * from './formulas.js';
export type * from './types.js';
