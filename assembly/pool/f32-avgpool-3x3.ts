/**
 * f32_avgpool_3x3: the 3×3 average pool at stride 1 or 2 along the width (any stride down),
 * padding 0 or 1 on each axis, ceil mode or not, count_include_pad or not, read straight from the
 * input with no padded copy (f32_avgpool first copies every plane into a padded, phase-split
 * layout).
 * Each output sums its window tap by tap in (ky, kx) order from +0 and divides once by
 * rowDiv[oy]·colDiv[ox], as f32_avgpool and the reference do, so they agree bit for bit on any
 * data. A window row above or below the input reads the zero row, and the first output's column
 * −1 (padW = 1) is replaced by +0: from +0 a sum is never −0, so adding +0 leaves it unchanged —
 * the same bits as skipping the tap, as the reference does.
 * 4 outputs a step: at stride 1 three loads per window row (columns c, c+1, c+2 of the 4
 * outputs), at stride 2 three loads give columns c … c+11 and shuffles their even, odd and
 * shifted-even lanes. Outputs whose window reaches past column w − 1 (the right padding, or ceil
 * mode) are summed one at a time; the last 1–3 outputs before them by a step moved back over
 * outputs already stored (summed one at a time, 56 → 56 took 1.05× the padded copy's time).
 * Against f32_avgpool over its padded copy (relaxed and simd, resident, same process, both
 * orders, `bench/ab-builds.mjs <old> <new> --op avgpool --k 3 --stride 1|2`): stride 1 0.64–0.80×
 * the time (64 × 56², 64 × 28², 256 × 14², 192 × 35², padding 1), stride 2 0.27–0.60× (64 × 112²,
 * 64 × 56², 96 × 35², 256 × 14²). Not kept: two steps' sums interleaved in one 8-output step
 * (0.97–1.06×); the edge outputs as 4-output steps with the lanes outside the input masked to +0,
 * as f32_maxpool_s1 does with −∞ (1.01–1.51× the time, 256 × 14² at stride 2 the most).
 *
 *   zero     f32_avgpool_3x3_zero_floats(w) floats of +0 (the caller's; read only, so threads
 *            share it)
 *   rowDiv   outH divisors, colDiv outW divisors (f32_avgpool's tables)
 * Precondition: 12 bytes past the input are readable (stride 2 loads up to 3 floats past a
 * row's last needed column). Planes [cBegin, cEnd).
 */

import { rowAt } from '../util/row-at';

/** Floats of the zero row an input of width w needs: column −1 … w + 2, rounded up. */
export function f32_avgpool_3x3_zero_floats(w: i32): i32 {
  return w + 8;
}

export function f32_avgpool_3x3(
  x: usize, c: i32, h: i32, w: i32, sH: i32, sW: i32, padH: i32, padW: i32, outH: i32, outW: i32,
  rowDiv: usize, colDiv: usize, zero: usize, y: usize, cBegin: i32, cEnd: i32,
): void {
  if (sW == 1) {
    avgpool3x3(1, x, h, w, sH, padH, padW, outH, outW, rowDiv, colDiv, zero, y, cBegin, cEnd);
  } else {
    avgpool3x3(2, x, h, w, sH, padH, padW, outH, outW, rowDiv, colDiv, zero, y, cBegin, cEnd);
  }
}

// @ts-ignore: decorator
@inline
function avgpool3x3(
  s: i32, x: usize, h: i32, w: i32, sH: i32, padH: i32, padW: i32, outH: i32, outW: i32,
  rowDiv: usize, colDiv: usize, zero: usize, y: usize, cBegin: i32, cEnd: i32,
): void {
  const rowBytes = <usize>w << 2;
  const planeBytes = <usize>h * rowBytes;
  // the zero row's column 0 (column −1 is the float before it)
  const zrow = zero + 4;
  // vector steps: outputs whose last window column s·ox − padW + 2 is ≤ w − 1
  const vEnd = w - 3 + padW < 0 ? 0 : min(outW, (w - 3 + padW) / s + 1);
  let yrow = y + (<usize>(cBegin * outH * outW) << 2);
  for (let ch = cBegin; ch < cEnd; ch++) {
    const plane = x + <usize>ch * planeBytes;
    for (let oy = 0; oy < outH; oy++) {
      const iy = oy * sH - padH;
      const r0 = rowAt(plane, iy, h, rowBytes, zrow);
      const r1 = rowAt(plane, iy + 1, h, rowBytes, zrow);
      const r2 = rowAt(plane, iy + 2, h, rowBytes, zrow);
      const vrow = v128.load32_splat(rowDiv + (<usize>oy << 2));
      let ox = 0;
      if (padW > 0 && vEnd >= 4) {
        step(s, true, r0, r1, r2, <usize>(-padW) << 2, vrow, colDiv, yrow);
        ox = 4;
      }
      for (; ox + 4 <= vEnd; ox += 4) {
        step(s, false, r0, r1, r2, <usize>(s * ox - padW) << 2, vrow, colDiv + (<usize>ox << 2), yrow + (<usize>ox << 2));
      }
      if (ox < vEnd && vEnd >= 4) {
        // the last 1–3 vector outputs: a step moved back to end at vEnd, its first outputs
        // computed again (to the same bits)
        const o4 = vEnd - 4;
        step(s, false, r0, r1, r2, <usize>(s * o4 - padW) << 2, vrow, colDiv + (<usize>o4 << 2), yrow + (<usize>o4 << 2));
        ox = vEnd;
      }
      for (; ox < outW; ox++) {
        const col = s * ox - padW;
        const lo = max(col, 0);
        const hi = min(col + 3, w);
        let sum: f32 = 0;
        for (let i = lo; i < hi; i++) sum += load<f32>(r0 + (<usize>i << 2));
        for (let i = lo; i < hi; i++) sum += load<f32>(r1 + (<usize>i << 2));
        for (let i = lo; i < hi; i++) sum += load<f32>(r2 + (<usize>i << 2));
        const div = load<f32>(rowDiv + (<usize>oy << 2)) * load<f32>(colDiv + (<usize>ox << 2));
        store<f32>(yrow + (<usize>ox << 2), sum / div);
      }
      yrow += <usize>outW << 2;
    }
  }
}

/**
 * Outputs ox … ox+3 (window columns from byte offset off = 4·(s·ox − padW) of each row) stored
 * at yt, divided by vrow·colDiv (cd = &colDiv[ox]); `left`: the first output's column −1 reads +0.
 */
// @ts-ignore: decorator
@inline
function step(s: i32, left: bool, r0: usize, r1: usize, r2: usize, off: usize, vrow: v128, cd: usize, yt: usize): void {
  let acc = f32x4.splat(0);
  acc = row3(s, left, r0 + off, acc);
  acc = row3(s, left, r1 + off, acc);
  acc = row3(s, left, r2 + off, acc);
  v128.store(yt, f32x4.div(acc, f32x4.mul(vrow, v128.load(cd))));
}

/** step at ox and ox + 4, the two sums' adds interleaved */
// @ts-ignore: decorator
@inline
function step2(s: i32, r0: usize, r1: usize, r2: usize, off: usize, vrow: v128, cd: usize, yt: usize): void {
  const o4 = <usize>(4 * s) << 2;
  let acc0 = f32x4.splat(0);
  let acc1 = acc0;
  acc0 = row3(s, false, r0 + off, acc0);
  acc1 = row3(s, false, r0 + off + o4, acc1);
  acc0 = row3(s, false, r1 + off, acc0);
  acc1 = row3(s, false, r1 + off + o4, acc1);
  acc0 = row3(s, false, r2 + off, acc0);
  acc1 = row3(s, false, r2 + off + o4, acc1);
  v128.store(yt, f32x4.div(acc0, f32x4.mul(vrow, v128.load(cd))));
  v128.store(yt, f32x4.div(acc1, f32x4.mul(vrow, v128.load(cd, 16))), 16);
}

/** acc + x[c + s·j] + x[c + s·j + 1] + x[c + s·j + 2] for j = 0 … 3, in that order (p = &x[c]). */
// @ts-ignore: decorator
@inline
function row3(s: i32, left: bool, p: usize, acc: v128): v128 {
  let a: v128, b: v128, n: v128;
  if (s == 1) {
    a = v128.load(p);
    b = v128.load(p, 4);
    n = v128.load(p, 8);
  } else {
    const l0 = v128.load(p);
    const l4 = v128.load(p, 16);
    a = v128.shuffle<f32>(l0, l4, 0, 2, 4, 6);
    b = v128.shuffle<f32>(l0, l4, 1, 3, 5, 7);
    n = v128.shuffle<f32>(a, v128.load(p, 32), 1, 2, 3, 4);
  }
  if (left) a = f32x4.replace_lane(a, 0, 0);
  return f32x4.add(f32x4.add(f32x4.add(acc, a), b), n);
}
