/**
 * Reference max_pool2d (PyTorch): the maximum over the window's in-bounds taps
 * (ih = oh·sH − padH + ky·dH, likewise iw), visited in the order ky, kx. Padding never wins.
 * A NaN in the window gives NaN (PyTorch: `if (val > max || isnan(val)) max = val`).
 */
import { resolveMaxPool2d } from '../params.js';
import type { MaxPool2dOptions, Pool2dParams, Tensor } from '../types.js';
import { outputArray, outputTensor } from './output.js';

export function maxPool2dLoops(p: Pool2dParams, x: Float32Array, y: Float32Array): void {
  const { N, C, H, W, kH, kW, sH, sW, padH, padW, dH, dW, outH, outW } = p;
  for (let plane = 0; plane < N * C; plane++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        let max = -Infinity;
        for (let ky = 0; ky < kH; ky++) {
          const ih = oh * sH - padH + ky * dH;
          if (ih < 0 || ih >= H) continue;
          for (let kx = 0; kx < kW; kx++) {
            const iw = ow * sW - padW + kx * dW;
            if (iw < 0 || iw >= W) continue;
            const v = x[(plane * H + ih) * W + iw]!;
            if (v > max || Number.isNaN(v)) max = v;
          }
        }
        y[(plane * outH + oh) * outW + ow] = max;
      }
    }
  }
}

export function maxPool2d(input: Tensor, options: MaxPool2dOptions): Tensor {
  const p = resolveMaxPool2d(input, options);
  const y = outputArray(p);
  maxPool2dLoops(p, input.data, y);
  return outputTensor(p, y);
}
