/**
 * f32_dwconv_3x3s1: depthwise 3×3 convolution, stride 1, dilation 1, padding 0 or 1 on each side
 * (groups = C, channel multiplier `mult`), straight from the unpadded NCHW input — the generic
 * kernel's padded copy is skipped, and the taps are unrolled with the channel's 9 weights kept
 * in registers.
 *
 * A step computes 4 output rows × 4 outputs, with the channel's 9 weights, at most 3 open
 * accumulators and one input row's loaded vectors and sums live (V8 gives 15 v128 registers).
 * The 6 input rows under the step are each loaded once per kx (unaligned loads at columns
 * c0 + kx … c0 + kx + 3, c0 = ox0 − padLeft) and feed every output row whose window covers
 * them: input row j adds tap (j − i, kx) to output row i. An output sums the bias and kernel
 * row 0 in order, then adds kernel row 1's and row 2's sums, each a chain of its own (row3),
 * and is stored as soon as it is complete: its dependent chain is 3 multiply-adds and 2
 * adds instead of 9 multiply-adds (same-process A/B against the single chain, resident: relaxed
 * 32×112² 0.985×, 144×56² 0.985×, 96×28² 0.89× the time; simd 0.92–0.96×; with relu6 0.92–0.97×).
 * Same bits on integer data; otherwise a different rounding order, within the dot-product bound.
 * Each loop over a row's steps holds one step form (first / plain / masked): with all
 * three inlined in one loop body V8 spilled, and the kernel ran slower than the generic one.
 * Measured (relaxed, resident tensors, no activation; the generic kernel with its padded copy →
 * this one): 32×112² 0.262 → 0.211 ms, 144×56² 0.309 → 0.241 ms.
 *
 * Input rows above or below the image read a zero row. Of the 4 lanes of a step only the stored
 * outputs' columns matter, and only −1 (the first step, padLeft = 1: lane 0 of the kx = 0 load
 * replaced by 0) or ≥ w (a row's last steps: masks) can lie outside the input; a step takes the
 * masked path when any lane's column would pass w − 1, and reads at most 5 floats past the row —
 * within the next row, the heap's 16 floats of slack after the input, or the zero row's tail.
 * Rows past outH in the last step are computed from zero rows and not stored.
 *
 * `buf`: this call's scratch (f32_dwconv_3x3s1_scratch(w) floats), set up here.
 * Only output channels [ocBegin, ocEnd) are computed (threads split here).
 */
import { fma, clampIf, hasActivation, storeLanes } from '../simd';

/** masks (3 × v128), then the zero row: LEAD floats before its column 0, w + TAIL floats from it */
const MASK_FLOATS: i32 = 12;
const LEAD: i32 = 4;
const TAIL: i32 = 12;

/** Floats of scratch f32_dwconv_3x3s1 needs for an input of width w. */
export function f32_dwconv_3x3s1_scratch(w: i32): i32 {
  return MASK_FLOATS + LEAD + w + TAIL;
}

export function f32_dwconv_3x3s1(
  x: usize, h: i32, w: i32, padTop: i32, padLeft: i32, buf: usize,
  weight: usize, bias: usize, mult: i32, outH: i32, outW: i32, y: usize, actMin: f32, actMax: f32,
  ocBegin: i32, ocEnd: i32,
): void {
  if (hasActivation(actMin, actMax)) {
    dwconv3x3s1(true, x, h, w, padTop, padLeft, buf, weight, bias, mult, outH, outW, y, actMin, actMax, ocBegin, ocEnd);
  } else {
    dwconv3x3s1(false, x, h, w, padTop, padLeft, buf, weight, bias, mult, outH, outW, y, actMin, actMax, ocBegin, ocEnd);
  }
}

// @ts-ignore: decorator
@inline
function dwconv3x3s1(
  act: bool, x: usize, h: i32, w: i32, padTop: i32, padLeft: i32, buf: usize,
  weight: usize, bias: usize, mult: i32, outH: i32, outW: i32, y: usize, actMin: f32, actMax: f32,
  ocBegin: i32, ocEnd: i32,
): void {
  const masks = buf;
  const zero = buf + (<usize>(MASK_FLOATS + LEAD) << 2);
  memory.fill(zero - (<usize>LEAD << 2), 0, <usize>(LEAD + w + TAIL) << 2);
  const vmin = f32x4.splat(actMin);
  const vmax = f32x4.splat(actMax);
  const rowBytes = <usize>w << 2;
  const ldy = <usize>outW << 2;
  const outPlane = <usize>(outH * outW) << 2;
  let yc = y + <usize>ocBegin * outPlane;
  for (let oc = ocBegin; oc < ocEnd; oc++) {
    const plane = x + <usize>(oc / mult) * (<usize>h * rowBytes);
    const wk = weight + <usize>(oc * 9 << 2);
    const w00 = v128.load32_splat(wk);
    const w01 = v128.load32_splat(wk, 4);
    const w02 = v128.load32_splat(wk, 8);
    const w10 = v128.load32_splat(wk, 12);
    const w11 = v128.load32_splat(wk, 16);
    const w12 = v128.load32_splat(wk, 20);
    const w20 = v128.load32_splat(wk, 24);
    const w21 = v128.load32_splat(wk, 28);
    const w22 = v128.load32_splat(wk, 32);
    const vbias = f32x4.splat(bias != 0 ? load<f32>(bias + (<usize>oc << 2)) : 0);
    for (let oy = 0; oy < outH; oy += 4) {
      // input rows oy − padTop + 0 … 5 (the zero row outside the image)
      const iy = oy - padTop;
      const r0 = iy >= 0 && iy < h ? plane + <usize>iy * rowBytes : zero;
      const r1 = iy + 1 >= 0 && iy + 1 < h ? plane + <usize>(iy + 1) * rowBytes : zero;
      const r2 = iy + 2 >= 0 && iy + 2 < h ? plane + <usize>(iy + 2) * rowBytes : zero;
      const r3 = iy + 3 >= 0 && iy + 3 < h ? plane + <usize>(iy + 3) * rowBytes : zero;
      const r4 = iy + 4 < h ? plane + <usize>(iy + 4) * rowBytes : zero;
      const r5 = iy + 5 < h ? plane + <usize>(iy + 5) * rowBytes : zero;
      const nrows = min(4, outH - oy);
      const yrow = yc + <usize>oy * ldy;
      // steps: the first (column −1 when padLeft = 1), those whose columns all lie in the
      // input, then the masked ones (columns ≥ w); one step form per loop
      let ox0 = 0;
      if (padLeft > 0) {
        const nr = min(4, outW);
        if (5 > w) {
          setMasks(masks, -1, w);
          step(act, false, true, r0 - 4, r1 - 4, r2 - 4, r3 - 4, r4 - 4, r5 - 4, masks,
            w00, w01, w02, w10, w11, w12, w20, w21, w22, vbias, vmin, vmax, yrow, ldy, nr, nrows);
        } else {
          step(act, true, false, r0 - 4, r1 - 4, r2 - 4, r3 - 4, r4 - 4, r5 - 4, masks,
            w00, w01, w02, w10, w11, w12, w20, w21, w22, vbias, vmin, vmax, yrow, ldy, nr, nrows);
        }
        ox0 = 4;
      }
      const plainEnd = w + padLeft - 6;
      for (; ox0 <= plainEnd; ox0 += 4) {
        const off = <usize>(ox0 - padLeft) << 2;
        step(act, false, false, r0 + off, r1 + off, r2 + off, r3 + off, r4 + off, r5 + off, masks,
          w00, w01, w02, w10, w11, w12, w20, w21, w22, vbias, vmin, vmax, yrow + (<usize>ox0 << 2), ldy, 4, nrows);
      }
      for (; ox0 < outW; ox0 += 4) {
        const c0 = ox0 - padLeft;
        const off = <usize>c0 << 2;
        setMasks(masks, c0, w);
        step(act, false, true, r0 + off, r1 + off, r2 + off, r3 + off, r4 + off, r5 + off, masks,
          w00, w01, w02, w10, w11, w12, w20, w21, w22, vbias, vmin, vmax, yrow + (<usize>ox0 << 2), ldy, min(4, outW - ox0), nrows);
      }
    }
    yc += outPlane;
  }
}

/**
 * Columns c0 + kx … c0 + kx + 3 of the input row at p (p = &row[c0]); `left`: c0 = −1, lane 0 of
 * the kx = 0 load reads as 0; `masked`: lanes outside [0, w) read as 0 (masks from setMasks).
 */
// @ts-ignore: decorator
@inline
function cols(p: usize, kx: i32, left: bool, masked: bool, masks: usize): v128 {
  let v = v128.load(p + (<usize>kx << 2));
  if (masked) v = v128.and(v, v128.load(masks + (<usize>kx << 4)));
  else if (left && kx == 0) v = f32x4.replace_lane(v, 0, 0);
  return v;
}

/** 4 output rows × 4 outputs from input rows p0 … p5 (each at the step's column c0). */
// @ts-ignore: decorator
@inline
function step(
  act: bool, left: bool, masked: bool, p0: usize, p1: usize, p2: usize, p3: usize, p4: usize, p5: usize, masks: usize,
  w00: v128, w01: v128, w02: v128, w10: v128, w11: v128, w12: v128, w20: v128, w21: v128, w22: v128,
  vbias: v128, vmin: v128, vmax: v128, yt: usize, ldy: usize, nr: i32, nrows: i32,
): void {
  // input row j: starts output row j (ky 0, from the bias), and adds its ky 1 sum to output row
  // j − 1 and its ky 2 sum to output row j − 2, which is then complete and stored
  let a0 = row3(p0, left, masked, masks, w00, w01, w02, vbias, true);
  // row 1
  let a1 = row3(p1, left, masked, masks, w00, w01, w02, vbias, true);
  a0 = f32x4.add(a0, row3(p1, left, masked, masks, w10, w11, w12, vbias, false));
  // row 2
  let a2 = row3(p2, left, masked, masks, w00, w01, w02, vbias, true);
  a1 = f32x4.add(a1, row3(p2, left, masked, masks, w10, w11, w12, vbias, false));
  a0 = f32x4.add(a0, row3(p2, left, masked, masks, w20, w21, w22, vbias, false));
  storeLanes(yt, clampIf(act, a0, vmin, vmax), nr);
  // row 3
  let a3 = row3(p3, left, masked, masks, w00, w01, w02, vbias, true);
  a2 = f32x4.add(a2, row3(p3, left, masked, masks, w10, w11, w12, vbias, false));
  a1 = f32x4.add(a1, row3(p3, left, masked, masks, w20, w21, w22, vbias, false));
  if (nrows > 1) storeLanes(yt + ldy, clampIf(act, a1, vmin, vmax), nr);
  // row 4
  a3 = f32x4.add(a3, row3(p4, left, masked, masks, w10, w11, w12, vbias, false));
  a2 = f32x4.add(a2, row3(p4, left, masked, masks, w20, w21, w22, vbias, false));
  if (nrows > 2) storeLanes(yt + 2 * ldy, clampIf(act, a2, vmin, vmax), nr);
  // row 5
  a3 = f32x4.add(a3, row3(p5, left, masked, masks, w20, w21, w22, vbias, false));
  if (nrows > 3) storeLanes(yt + 3 * ldy, clampIf(act, a3, vmin, vmax), nr);
}

/**
 * One input row's three taps of one kernel row for 4 outputs: vbias + w0·x[c] + w1·x[c+1] +
 * w2·x[c+2] when `addBias`, else the same from the first product (V8 loads each of the row's
 * three vectors once for all the kernel rows that use it).
 */
// @ts-ignore: decorator
@inline
function row3(p: usize, left: bool, masked: bool, masks: usize, vw0: v128, vw1: v128, vw2: v128, vbias: v128, addBias: bool): v128 {
  const v0 = cols(p, 0, left, masked, masks);
  const v1 = cols(p, 1, left, masked, masks);
  const v2 = cols(p, 2, left, masked, masks);
  const s = addBias ? fma(v0, vw0, vbias) : f32x4.mul(v0, vw0);
  return fma(v2, vw2, fma(v1, vw1, s));
}

/** masks[kx]: lane j all ones where column c0 + kx + j lies in [0, w), else zero. */
function setMasks(masks: usize, c0: i32, w: i32): void {
  const vw = i32x4.splat(w);
  const vzero = i32x4.splat(0);
  for (let kx = 0; kx < 3; kx++) {
    const vcol = i32x4.add(i32x4.splat(c0 + kx), i32x4(0, 1, 2, 3));
    v128.store(masks + (<usize>kx << 4), v128.and(i32x4.ge_s(vcol, vzero), i32x4.lt_s(vcol, vw)));
  }
}
