// The demo's single door to simdconv. Every number the page shows is computed through
// `demo.engine` (the real wasm kernels); `reference` (naive TypeScript loops) is used only where
// the page compares against it ("equal to reference ✓") and as the benchmark's naive baseline.
//
// Threads: on a cross-origin isolated page (demo/serve.mjs sends COOP/COEP) the engine is loaded
// with `threads: 'auto'`. On the page's main thread its synchronous methods (used by the
// step-by-step sections) run single-threaded with the same results; `await engine.run(…)` (the
// benchmark's threaded row) computes on the pool's Web Workers (bindings/threads/worker.ts,
// bundled as dist/worker.js by demo/build.mjs).

import type { Engine, Tensor } from '../../bindings/types.js';
import * as referenceOps from '../../bindings/reference/index.js';
import { load } from '../../bindings/index.js';

export type { Engine, Tensor };

/** The reference ops: same signatures as the engine's, synchronous. */
export type Reference = Pick<Engine, 'conv2d' | 'conv1d' | 'maxPool2d' | 'avgPool2d' | 'globalAvgPool2d' | 'relu' | 'im2col'>;
export const reference = referenceOps as unknown as Reference;

export interface DemoEngine {
  engine: Engine;
  /** 'simd' | 'relaxed' from the engine */
  isa: string;
  /** threads `await engine.run(…)` may compute with (1 = no pool) */
  threads: number;
  /** why `threads` is what it is (engine.threadsReason, or why the page did not ask for threads) */
  threadsReason: string;
}

const NOT_ISOLATED =
  'threads: 1 — this page is not cross-origin isolated (it needs the COOP/COEP headers that demo/serve.mjs sends), so there is no SharedArrayBuffer for a thread pool';

export async function loadEngine(): Promise<DemoEngine> {
  const isolated = typeof crossOriginIsolated === 'boolean' && crossOriginIsolated;
  const engine = await load(isolated ? { threads: 'auto' } : {});
  const threads = typeof engine.threads === 'number' && engine.threads > 0 ? engine.threads : 1;
  const threadsReason = isolated ? engine.threadsReason : NOT_ISOLATED;
  return { engine, isa: engine.isa, threads, threadsReason };
}

export function tensor(data: ArrayLike<number>, shape: number[]): Tensor {
  return { data: data instanceof Float32Array ? data : Float32Array.from(data), shape };
}
