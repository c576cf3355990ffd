/** Reference relu: max(0, x) elementwise, any shape; NaN stays NaN. `out` may be input.data (in place). */
import { resolveRelu } from '../params.js';
import type { OutOptions, Tensor } from '../types.js';
import { clamp } from './activation.js';
import { outputArray, outputTensor } from './output.js';

export function relu(input: Tensor, options?: OutOptions): Tensor {
  const p = resolveRelu(input, options);
  const x = input.data;
  const y = outputArray(p);
  for (let i = 0; i < p.length; i++) y[i] = clamp(x[i]!, 0, Infinity);
  return outputTensor(p, y);
}
