/**
 * Reference global average pooling (PyTorch adaptive_avg_pool2d(x, 1)): per (n, c) the H·W
 * elements summed in row-major order (float32, Math.fround after each add), then divided once
 * by H·W. Output [N, C, 1, 1].
 */
import { resolveGlobalAvgPool2d } from '../params.js';
import type { OutOptions, Pool2dParams, Tensor } from '../types.js';
import { outputArray, outputTensor } from './output.js';

export function globalAvgPool2dLoops(p: Pool2dParams, x: Float32Array, y: Float32Array): void {
  const plane = p.H * p.W;
  for (let i = 0; i < p.N * p.C; i++) {
    let sum = 0;
    for (let j = 0; j < plane; j++) sum = Math.fround(sum + x[i * plane + j]!);
    y[i] = Math.fround(sum / plane);
  }
}

export function globalAvgPool2d(input: Tensor, options?: OutOptions): Tensor {
  const p = resolveGlobalAvgPool2d(input, options);
  const y = outputArray(p);
  globalAvgPool2dLoops(p, input.data, y);
  return outputTensor(p, y);
}
