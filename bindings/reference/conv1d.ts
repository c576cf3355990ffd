/**
 * Reference conv1d (PyTorch F.conv1d, NCL): conv2d's loop on the same descriptor with H = 1.
 * Output [N, Cout, outL].
 */
import { resolveConv1d } from '../params.js';
import type { Conv1dOptions, Tensor } from '../types.js';
import { conv2dLoops } from './conv2d.js';
import { outputArray, outputTensor } from './output.js';

export function conv1d(input: Tensor, weight: Tensor, options?: Conv1dOptions): Tensor {
  const p = resolveConv1d(input, weight, options);
  const y = outputArray(p);
  conv2dLoops(p, input.data, p.weight, p.bias, y);
  return outputTensor(p, y);
}
