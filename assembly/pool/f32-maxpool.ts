/**
 * f32_maxpool: max pooling of C planes from a padded (−∞) phase-split input (f32_pad_phase),
 * SIMD along the output width, 8 pixels a step. Taps are given as byte offsets
 * (f32_conv_offsets with c = 1). NaN propagates: Wasm's f32x4.max returns NaN if either
 * operand is NaN, as PyTorch's max_pool2d does.
 * Only planes [cBegin, cEnd) are computed (0, c for all; threads split here), as in
 * f32_maxpool_2x2s2.
 */
import { storeLanes8 } from '../simd';

export function f32_maxpool(
  xp: usize, rowStride: i32, planeStride: i32, sH: i32, taps: i32, offsets: usize,
  c: i32, outH: i32, outW: i32, y: usize, cBegin: i32, cEnd: i32,
): void {
  let yc = y + (<usize>(cBegin * outH * outW) << 2);
  for (let ch = cBegin; ch < cEnd; ch++) {
    const plane = xp + (<usize>(ch * planeStride) << 2);
    for (let oy = 0; oy < outH; oy++) {
      const xrow = plane + (<usize>(oy * sH * rowStride) << 2);
      for (let ox0 = 0; ox0 < outW; ox0 += 8) {
        const px = xrow + (<usize>ox0 << 2);
        const p0 = px + <usize>load<u32>(offsets);
        let vmax0 = v128.load(p0);
        let vmax1 = v128.load(p0, 16);
        for (let t = 1; t < taps; t++) {
          const p = px + <usize>load<u32>(offsets + (<usize>t << 2));
          vmax0 = f32x4.max(vmax0, v128.load(p));
          vmax1 = f32x4.max(vmax1, v128.load(p, 16));
        }
        storeLanes8(yc + (<usize>ox0 << 2), vmax0, vmax1, min(8, outW - ox0));
      }
      yc += <usize>outW << 2;
    }
  }
}

/**
 * f32_maxpool_2x2s2: the 2×2 / stride 2 / no padding fast path, read straight from the input
 * (no copy): 4 outputs from 2 rows × 8 inputs, pairs combined with shuffles.
 * Precondition: outW = ⌊W/2⌋, outH = ⌊H/2⌋; 32 bytes past the input are readable.
 */
export function f32_maxpool_2x2s2(
  x: usize, c: i32, h: i32, w: i32, outH: i32, outW: i32, y: usize, cBegin: i32, cEnd: i32,
): void {
  const rowBytes = <usize>w << 2;
  let yc = y + (<usize>(cBegin * outH * outW) << 2);
  for (let ch = cBegin; ch < cEnd; ch++) {
    const plane = x + (<usize>(ch * h * w) << 2);
    for (let oy = 0; oy < outH; oy++) {
      const r0 = plane + (<usize>(2 * oy) * rowBytes);
      const r1 = r0 + rowBytes;
      let ox0 = 0;
      for (; ox0 + 4 <= outW; ox0 += 4) {
        const off = <usize>ox0 << 3;
        const va = f32x4.max(v128.load(r0 + off), v128.load(r1 + off));
        const vb = f32x4.max(v128.load(r0 + off, 16), v128.load(r1 + off, 16));
        const even = v128.shuffle<f32>(va, vb, 0, 2, 4, 6);
        const odd = v128.shuffle<f32>(va, vb, 1, 3, 5, 7);
        v128.store(yc + (<usize>ox0 << 2), f32x4.max(even, odd));
      }
      for (; ox0 < outW; ox0++) {
        const off = <usize>ox0 << 3;
        const m0 = max_nan(load<f32>(r0 + off), load<f32>(r0 + off, 4));
        const m1 = max_nan(load<f32>(r1 + off), load<f32>(r1 + off, 4));
        store<f32>(yc + (<usize>ox0 << 2), max_nan(m0, m1));
      }
      yc += <usize>outW << 2;
    }
  }
}

// @ts-ignore: decorator
@inline
function max_nan(a: f32, b: f32): f32 {
  return max(a, b); // f32.max propagates NaN
}
