/** Reference relu: max(0, x) elementwise, any shape; NaN stays NaN. `out` may be input.data (in place). */
import { resolveRelu } from '../params.js';
import type { Tensor } from '../types.js';
import { clamp } from './activation.js';

export function relu(input: Tensor, options?: { out?: Float32Array }): Tensor {
  const p = resolveRelu(input, options);
  const x = input.data;
  const y = p.out ?? new Float32Array(p.outLength);
  for (let i = 0; i < p.length; i++) y[i] = clamp(x[i]!, 0, Infinity);
  return { data: y, shape: p.outShape };
}
