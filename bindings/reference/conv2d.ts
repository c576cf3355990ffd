/**
 * Reference conv2d (PyTorch F.conv2d, NCHW, cross-correlation): the textbook loop in float32.
 * Each output starts at its bias (or 0) and adds Math.fround(x·w) in the order c, ky, kx,
 * rounding with Math.fround after every add; padding taps are skipped. Then the activation clamp.
 */
import { resolveConv2d } from '../params.js';
import type { Conv2dOptions, Conv2dParams, Tensor } from '../types.js';
import { clamp } from './activation.js';
import { outputArray, outputTensor } from './output.js';

/** The loop itself, on a resolved descriptor: x NCHW, w OIHW (I = C/groups), y [N, K, outH, outW]. */
export function conv2dLoops(p: Conv2dParams, x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array): void {
  const { N, C, H, W, K, kH, kW, sH, sW, dH, dW, padTop, padLeft, cPerGroup, kPerGroup, outH, outW, actMin, actMax } = p;
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K; k++) {
      const c0 = Math.floor(k / kPerGroup) * cPerGroup;
      for (let oh = 0; oh < outH; oh++) {
        for (let ow = 0; ow < outW; ow++) {
          let acc = bias !== null ? bias[k]! : 0;
          for (let ci = 0; ci < cPerGroup; ci++) {
            const xPlane = (n * C + c0 + ci) * H;
            const wPlane = (k * cPerGroup + ci) * kH;
            for (let ky = 0; ky < kH; ky++) {
              const ih = oh * sH - padTop + ky * dH;
              if (ih < 0 || ih >= H) continue;
              for (let kx = 0; kx < kW; kx++) {
                const iw = ow * sW - padLeft + kx * dW;
                if (iw < 0 || iw >= W) continue;
                acc = Math.fround(acc + Math.fround(x[(xPlane + ih) * W + iw]! * w[(wPlane + ky) * kW + kx]!));
              }
            }
          }
          y[((n * K + k) * outH + oh) * outW + ow] = clamp(acc, actMin, actMax);
        }
      }
    }
  }
}

export function conv2d(input: Tensor, weight: Tensor, options?: Conv2dOptions): Tensor {
  const p = resolveConv2d(input, weight, options);
  const y = outputArray(p);
  conv2dLoops(p, input.data, p.weight, p.bias, y);
  return outputTensor(p, y);
}
