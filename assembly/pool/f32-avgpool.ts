/**
 * f32_avgpool: average pooling of C planes from a zero-padded phase-split input
 * (f32_pad_phase), 8 outputs a step. Each window is summed tap by tap in (ky, kx) order from
 * +0 (padding taps add 0, which leaves the sum unchanged), then divided once by
 * rowDiv[oy]·colDiv[ox] — PyTorch's divisor factorises into a row count and a column count in
 * both count_include_pad modes, and the product of two small integers is exact.
 * Only planes [cBegin, cEnd) are computed (0, c for all; threads split here).
 */
import { storeLanes8 } from '../simd';

export function f32_avgpool(
  xp: usize, rowStride: i32, planeStride: i32, sH: i32, taps: i32, offsets: usize,
  c: i32, outH: i32, outW: i32, rowDiv: usize, colDiv: usize, y: usize, cBegin: i32, cEnd: i32,
): void {
  let yc = y + (<usize>(cBegin * outH * outW) << 2);
  for (let ch = cBegin; ch < cEnd; ch++) {
    const plane = xp + (<usize>(ch * planeStride) << 2);
    for (let oy = 0; oy < outH; oy++) {
      const xrow = plane + (<usize>(oy * sH * rowStride) << 2);
      const vrow = v128.load32_splat(rowDiv + (<usize>oy << 2));
      for (let ox0 = 0; ox0 < outW; ox0 += 8) {
        const px = xrow + (<usize>ox0 << 2);
        let vsum0 = f32x4.splat(0);
        let vsum1 = vsum0;
        for (let t = 0; t < taps; t++) {
          const p = px + <usize>load<u32>(offsets + (<usize>t << 2));
          vsum0 = f32x4.add(vsum0, v128.load(p));
          vsum1 = f32x4.add(vsum1, v128.load(p, 16));
        }
        const pd = colDiv + (<usize>ox0 << 2);
        const vdiv0 = f32x4.mul(vrow, v128.load(pd));
        const vdiv1 = f32x4.mul(vrow, v128.load(pd, 16));
        storeLanes8(yc + (<usize>ox0 << 2), f32x4.div(vsum0, vdiv0), f32x4.div(vsum1, vdiv1), min(8, outW - ox0));
      }
      yc += <usize>outW << 2;
    }
  }
}
