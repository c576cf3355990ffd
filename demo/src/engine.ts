// The demo's single door to simdconv. Every number the page shows is computed through
// `demo.engine` (the real wasm kernels); `reference` (naive TypeScript loops) is used only where
// the page compares against it ("equal to reference ✓") and as the benchmark's naive baseline.

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
  /** worker threads the engine computes with (1 until the engine grows a `threads` field) */
  threads: number;
}

export async function loadEngine(): Promise<DemoEngine> {
  const engine = await load();
  const threads = (engine as Engine & { threads?: unknown }).threads;
  return { engine, isa: engine.isa, threads: typeof threads === 'number' && threads > 0 ? threads : 1 };
}

export function tensor(data: ArrayLike<number>, shape: number[]): Tensor {
  return { data: data instanceof Float32Array ? data : Float32Array.from(data), shape };
}
