/**
 * f32_avgpool: average pooling of C planes from a zero-padded phase-split input
 * (f32_pad_phase), 8 outputs a step. Each window is summed tap by tap in (ky, kx) order from
 * +0 (padding taps add 0, which leaves the sum unchanged), then divided once by
 * rowDiv[oy]·colDiv[ox] — PyTorch's divisor factorises into a row count and a column count in
 * both count_include_pad modes, and the product of two small integers is exact.
 * 3×3 windows at stride 1 or 2 along the width go to f32_avgpool_3x3, which reads the input in
 * place. (A loop over any kW's adjacent columns here took 0.91–0.95× the time at 5×5 but
 * 1.06–1.10× at 3×3: not kept.)
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

/**
 * f32_avgpool_2x2s2: the 2×2 / stride 2 / no padding fast path, read straight from the input (no
 * copy): 4 outputs from 2 rows × 8 inputs, the even and odd columns split by shuffles and summed
 * in f32_avgpool's order (+0, then (0,0), (0,1), (1,0), (1,1)), then divided by 4.
 * Precondition: 2·outW ≤ W, 2·outH ≤ H; 32 bytes past the input are readable.
 */
export function f32_avgpool_2x2s2(
  x: usize, c: i32, h: i32, w: i32, outH: i32, outW: i32, y: usize, cBegin: i32, cEnd: i32,
): void {
  const rowBytes = <usize>w << 2;
  const vzero = f32x4.splat(0);
  const vfour = f32x4.splat(4);
  let yc = y + (<usize>(cBegin * outH * outW) << 2);
  for (let ch = cBegin; ch < cEnd; ch++) {
    const plane = x + (<usize>(ch * h * w) << 2);
    for (let oy = 0; oy < outH; oy++) {
      const r0 = plane + (<usize>(2 * oy) * rowBytes);
      const r1 = r0 + rowBytes;
      let ox0 = 0;
      for (; ox0 + 4 <= outW; ox0 += 4) {
        const off = <usize>ox0 << 3;
        const a0 = v128.load(r0 + off);
        const a1 = v128.load(r0 + off, 16);
        const b0 = v128.load(r1 + off);
        const b1 = v128.load(r1 + off, 16);
        let s = f32x4.add(vzero, v128.shuffle<f32>(a0, a1, 0, 2, 4, 6));
        s = f32x4.add(s, v128.shuffle<f32>(a0, a1, 1, 3, 5, 7));
        s = f32x4.add(s, v128.shuffle<f32>(b0, b1, 0, 2, 4, 6));
        s = f32x4.add(s, v128.shuffle<f32>(b0, b1, 1, 3, 5, 7));
        v128.store(yc + (<usize>ox0 << 2), f32x4.div(s, vfour));
      }
      for (; ox0 < outW; ox0++) {
        const off = <usize>ox0 << 3;
        let s: f32 = 0;
        s += load<f32>(r0 + off);
        s += load<f32>(r0 + off, 4);
        s += load<f32>(r1 + off);
        s += load<f32>(r1 + off, 4);
        store<f32>(yc + (<usize>ox0 << 2), s / 4);
      }
      yc += <usize>outW << 2;
    }
  }
}
