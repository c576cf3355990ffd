/** Where a reference op writes, and what it returns, given the caller's validated `out`. */
import { EngineTensor } from '../tensor.js';
import type { OutBuffer, Tensor } from '../types.js';

/** The caller's `out` (for an engine tensor, its current view of wasm memory) or a new array. */
export function outputArray(p: { out: OutBuffer | null; outLength: number }): Float32Array {
  const out = p.out;
  return out === null ? new Float32Array(p.outLength) : out instanceof EngineTensor ? out.data : out;
}

/** The result: an engine tensor given as `out` itself (as the engine returns it), else { data, shape }. */
export function outputTensor(p: { out: OutBuffer | null; outShape: number[] }, y: Float32Array): Tensor {
  return p.out instanceof EngineTensor ? p.out : { data: y, shape: p.outShape };
}
