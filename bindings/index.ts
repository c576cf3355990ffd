/**
 * simdconv: CNN layers in WebAssembly SIMD. `load()` picks the best build this runtime
 * validates and returns an Engine; everything else here is re-exported.
 */
import { SimdConvEngine } from './engine.js';
import type { Engine, LoadOptions } from './types.js';
import { chooseIsa, detectIsa, instantiate } from './wasm.js';

export async function load(options: LoadOptions = {}): Promise<Engine> {
  const isa = chooseIsa(options.isa ?? 'auto');
  const kernels = await instantiate(isa, options.wasm);
  return new SimdConvEngine(kernels, isa);
}

export { detectIsa };
export * from './errors.js';
export * from './formulas.js';
export type * from './types.js';
