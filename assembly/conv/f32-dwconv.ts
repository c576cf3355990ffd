/**
 * f32_dwconv: depthwise convolution (groups = C, channel multiplier `mult`, output channel
 * oc reads input channel oc / mult) over a padded phase-split input (f32_pad_phase).
 * SIMD along the output width, 8 pixels (2 vectors) a step, taps in (ky, kx) order from the
 * bias, as the reference sums them. The kH·kW tap offsets come from f32_conv_offsets with
 * c = 1; weights are the raw [C·mult][kH·kW] array, bias 0 = none.
 * Three output rows are computed together (6 accumulators to hide the FMA latency); the
 * rows left over go one at a time.
 * Where the taps form kernel rows of kW adjacent columns, rows a fixed distance apart (stride 1
 * and dilation 1 along the width: kernelRow checks the table), the three-row steps walk each
 * kernel row from its start instead of reading every tap's offset from the table, with the
 * same taps in the same order (same bits): 5×5 0.82–0.97× the time (120 @28², 240, 480 and 672
 * @14², 960 @7², 32 @112²; simd + relu6 0.91–0.94×), 7×7 0.80–0.92× (relaxed, resident,
 * same-process A/B: `bench/ab-builds.mjs … --k 5 --stride 1`). At stride 2 the phase-split
 * input's columns are not adjacent and the table stays (5×5 read in place instead: see
 * f32_dwconv_3x3s2).
 * Only output channels [ocBegin, ocEnd) are computed (0, c·mult for all; threads split here).
 */
import { fma, clampIf, hasActivation, storeLanes8 } from '../simd';
import { kernelRow } from './f32-conv2d-direct';

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
  // kRows kernel rows of kW = rowBytes / 4 adjacent columns, rowOff bytes apart (rowBytes 0: the
  // taps from the offsets table one by one)
  const kW = kernelRow(taps, offsets);
  const rowBytes = <usize>kW << 2;
  const kRows = kW > 0 ? taps / kW : 0;
  const rowOff = kRows > 1 ? <usize>load<u32>(offsets + rowBytes) : 0;
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
        if (rowBytes > 0) {
          // kernel rows of adjacent columns: each tap at a fixed step from its row's start (the
          // two tap loops written out: one loop over runs of taps, a table run being 1 tap, took
          // 1.24–1.40× the time at stride 2 and lost the gain at stride 1; so did one source loop
          // specialised by a constant flag, 1.20–1.36× at stride 2: V8 keeps the 1-tap inner loop)
          let pr = px;
          let wr = w;
          for (let ky = 0; ky < kRows; ky++) {
            for (let kx: usize = 0; kx < rowBytes; kx += 4) {
              const p0 = pr + kx;
              const p1 = p0 + down;
              const p2 = p1 + down;
              const vw = v128.load32_splat(wr + kx);
              vacc0x0123 = fma(v128.load(p0), vw, vacc0x0123);
              vacc0x4567 = fma(v128.load(p0, 16), vw, vacc0x4567);
              vacc1x0123 = fma(v128.load(p1), vw, vacc1x0123);
              vacc1x4567 = fma(v128.load(p1, 16), vw, vacc1x4567);
              vacc2x0123 = fma(v128.load(p2), vw, vacc2x0123);
              vacc2x4567 = fma(v128.load(p2, 16), vw, vacc2x4567);
            }
            pr += rowOff;
            wr += rowBytes;
          }
        } else {
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
