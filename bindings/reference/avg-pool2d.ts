/**
 * Reference avg_pool2d (PyTorch CPU kernel): the window's in-bounds elements summed in the order
 * ky, kx (float32, Math.fround after each add), then ONE division by
 *  - countIncludePad: the window clipped to the padded input,
 *      (min(h0 + kH, H + padH) − h0) · (min(w0 + kW, W + padW) − w0),  h0 = oh·sH − padH,
 *    so a ceil-mode window hanging past the padding counts only up to the padding's edge;
 *  - otherwise: the number of in-bounds elements.
 */
import { resolveAvgPool2d } from '../params.js';
import type { AvgPool2dOptions, Pool2dParams, Tensor } from '../types.js';
import { outputArray, outputTensor } from './output.js';

export function avgPool2dLoops(p: Pool2dParams, x: Float32Array, y: Float32Array): void {
  const { N, C, H, W, kH, kW, sH, sW, padH, padW, outH, outW, countIncludePad } = p;
  for (let plane = 0; plane < N * C; plane++) {
    for (let oh = 0; oh < outH; oh++) {
      const h0 = oh * sH - padH;
      const h1 = Math.min(h0 + kH, H + padH);
      const hStart = Math.max(h0, 0);
      const hEnd = Math.min(h1, H);
      for (let ow = 0; ow < outW; ow++) {
        const w0 = ow * sW - padW;
        const w1 = Math.min(w0 + kW, W + padW);
        const wStart = Math.max(w0, 0);
        const wEnd = Math.min(w1, W);
        let sum = 0;
        for (let ih = hStart; ih < hEnd; ih++) {
          for (let iw = wStart; iw < wEnd; iw++) {
            sum = Math.fround(sum + x[(plane * H + ih) * W + iw]!);
          }
        }
        const count = Math.max(hEnd - hStart, 0) * Math.max(wEnd - wStart, 0);
        const divisor = countIncludePad ? (h1 - h0) * (w1 - w0) : count;
        // An empty window cannot occur with PyTorch's padding and ceil-mode rules; it would stay 0.
        y[(plane * outH + oh) * outW + ow] = count === 0 ? 0 : Math.fround(sum / divisor);
      }
    }
  }
}

export function avgPool2d(input: Tensor, options: AvgPool2dOptions): Tensor {
  const p = resolveAvgPool2d(input, options);
  const y = outputArray(p);
  avgPool2dLoops(p, input.data, y);
  return outputTensor(p, y);
}
