/** Reference relu: x < 0 ? 0 : x elementwise (PyTorch's clamp_min: −0 and NaN stay), any shape. `out` may be input.data (in place). */
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
