/**
 * Reference im2col (torch unfold): [N, C, H, W] → [N, C·kH·kW, outH·outW] with
 * row = c·kH·kW + ky·kW + kx, column = oh·outW + ow, value x[n, c, oh·sH − padTop + ky·dH,
 * ow·sW − padLeft + kx·dW] or 0 for a padding tap. conv2d (groups = 1) is then W[K, C·kH·kW] × this.
 */
import { resolveIm2col } from '../params.js';
import type { Im2colOptions, Im2colParams, Tensor } from '../types.js';
import { outputArray, outputTensor } from './output.js';

export function im2colLoops(p: Im2colParams, x: Float32Array, y: Float32Array): void {
  const { N, C, H, W, kH, kW, sH, sW, dH, dW, padTop, padLeft, outH, outW } = p;
  const cols = outH * outW;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      for (let ky = 0; ky < kH; ky++) {
        for (let kx = 0; kx < kW; kx++) {
          const row = (n * C + c) * kH * kW + ky * kW + kx;
          for (let oh = 0; oh < outH; oh++) {
            const ih = oh * sH - padTop + ky * dH;
            for (let ow = 0; ow < outW; ow++) {
              const iw = ow * sW - padLeft + kx * dW;
              const inside = ih >= 0 && ih < H && iw >= 0 && iw < W;
              y[row * cols + oh * outW + ow] = inside ? x[((n * C + c) * H + ih) * W + iw]! : 0;
            }
          }
        }
      }
    }
  }
}

export function im2col(input: Tensor, options: Im2colOptions): Tensor {
  const p = resolveIm2col(input, options);
  const y = outputArray(p);
  im2colLoops(p, input.data, y);
  return outputTensor(p, y);
}
