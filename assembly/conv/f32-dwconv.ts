/**
 * f32_dwconv: depthwise convolution (groups = C, channel multiplier `mult`, output channel
 * oc reads input channel oc / mult) over a padded phase-split input (f32_pad_phase).
 * SIMD along the output width, 8 pixels (2 vectors) a step, taps in (ky, kx) order from the
 * bias, as the reference sums them. The kH·kW tap offsets come from f32_conv_offsets with
 * c = 1; weights are the raw [C·mult][kH·kW] array, bias 0 = none.
 * Three output rows are computed together (6 accumulators to hide the FMA latency); the
 * rows left over go one at a time.
 * Only output channels [ocBegin, ocEnd) are computed (0, c·mult for all; threads split here).
 */
import { fma, clampIf, hasActivation, storeLanes8 } from '../simd';

export function f32_dwconv(
  xp: usize, rowStride: i32, planeStride: i32, sH: i32, dH: i32, taps: i32, offsets: usize,
  weight: usize, bias: usize, c: i32, mult: i32, outH: i32, outW: i32, y: usize, actMin: f32, actMax: f32,
  ocBegin: i32, ocEnd: i32,
): void {
  if (hasActivation(actMin, actMax)) {
    dwconv(true, xp, rowStride, planeStride, sH, dH, taps, offsets, weight, bias, c, mult, outH, outW, y, actMin, actMax, ocBegin, ocEnd);
  } else {
    dwconv(false, xp, rowStride, planeStride, sH, dH, taps, offsets, weight, bias, c, mult, outH, outW, y, actMin, actMax, ocBegin, ocEnd);
  }
}

// @ts-ignore: decorator
@inline
function dwconv(
  act: bool, xp: usize, rowStride: i32, planeStride: i32, sH: i32, dH: i32, taps: i32, offsets: usize,
  weight: usize, bias: usize, c: i32, mult: i32, outH: i32, outW: i32, y: usize, actMin: f32, actMax: f32,
  ocBegin: i32, ocEnd: i32,
): void {
  const vmin = f32x4.splat(actMin);
  const vmax = f32x4.splat(actMax);
  const outPlane = <usize>(outH * outW) << 2;
  let yc = y + <usize>ocBegin * outPlane;
  for (let oc = ocBegin; oc < ocEnd; oc++) {
    const plane = xp + (<usize>((oc / mult) * planeStride) << 2);
    const w = weight + (<usize>(oc * taps) << 2);
    const vbias = f32x4.splat(bias != 0 ? load<f32>(bias + (<usize>oc << 2)) : 0);
    let oy = 0;
    // three output rows at once: 6 accumulators + 6 loaded vectors + 1 weight = 13 live v128
    // (V8 gives 15; a fourth row spills); row i of the block reads the same taps sH·i padded
    // rows further down
    const down = <usize>(sH * rowStride) << 2;
    for (; oy + 3 <= outH; oy += 3) {
      const xrow = plane + (<usize>(oy * sH * rowStride) << 2);
      const yrow = yc + (<usize>(oy * outW) << 2);
      for (let ox0 = 0; ox0 < outW; ox0 += 8) {
        let vacc0x0123 = vbias;
        let vacc0x4567 = vbias;
        let vacc1x0123 = vbias;
        let vacc1x4567 = vbias;
        let vacc2x0123 = vbias;
        let vacc2x4567 = vbias;
        const px = xrow + (<usize>ox0 << 2);
        for (let t = 0; t < taps; t++) {
          const p0 = px + <usize>load<u32>(offsets + (<usize>t << 2));
          const p1 = p0 + down;
          const p2 = p1 + down;
          const vw = v128.load32_splat(w + (<usize>t << 2));
          vacc0x0123 = fma(v128.load(p0), vw, vacc0x0123);
          vacc0x4567 = fma(v128.load(p0, 16), vw, vacc0x4567);
          vacc1x0123 = fma(v128.load(p1), vw, vacc1x0123);
          vacc1x4567 = fma(v128.load(p1, 16), vw, vacc1x4567);
          vacc2x0123 = fma(v128.load(p2), vw, vacc2x0123);
          vacc2x4567 = fma(v128.load(p2, 16), vw, vacc2x4567);
        }
        const nr = min(8, outW - ox0);
        const ldy = <usize>outW << 2;
        const yt = yrow + (<usize>ox0 << 2);
        storeLanes8(yt, clampIf(act, vacc0x0123, vmin, vmax), clampIf(act, vacc0x4567, vmin, vmax), nr);
        storeLanes8(yt + ldy, clampIf(act, vacc1x0123, vmin, vmax), clampIf(act, vacc1x4567, vmin, vmax), nr);
        storeLanes8(yt + 2 * ldy, clampIf(act, vacc2x0123, vmin, vmax), clampIf(act, vacc2x4567, vmin, vmax), nr);
      }
    }
    for (; oy < outH; oy++) {
      const xrow = plane + (<usize>(oy * sH * rowStride) << 2);
      const yrow = yc + (<usize>(oy * outW) << 2);
      for (let ox0 = 0; ox0 < outW; ox0 += 8) {
        let vacc0x0123 = vbias;
        let vacc0x4567 = vbias;
        const px = xrow + (<usize>ox0 << 2);
        for (let t = 0; t < taps; t++) {
          const p = px + <usize>load<u32>(offsets + (<usize>t << 2));
          const vw = v128.load32_splat(w + (<usize>t << 2));
          vacc0x0123 = fma(v128.load(p), vw, vacc0x0123);
          vacc0x4567 = fma(v128.load(p, 16), vw, vacc0x4567);
        }
        storeLanes8(yrow + (<usize>ox0 << 2), clampIf(act, vacc0x0123, vmin, vmax), clampIf(act, vacc0x4567, vmin, vmax), min(8, outW - ox0));
      }
    }
    yc += outPlane;
  }
}
