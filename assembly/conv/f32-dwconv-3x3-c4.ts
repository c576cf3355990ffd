/**
 * f32_dwconv_3x3_c4: depthwise 3×3 convolution, stride 1 or 2, dilation 1, padding 0 or 1 on
 * each side (groups = C, channel multiplier `mult`) for small planes, four output channels at a
 * time: their input planes are interleaved into one zero-bordered image of 4-channel pixels
 * (buf), so a vector holds one pixel of the four channels and the border is the padding — no
 * shuffles along a row, no edge cases. An output row is computed in two passes, kernel rows 0
 * and 1, then kernel row 2, two output pixels a step (per kernel row 4 loads at stride 1, 5 at
 * stride 2, 6 multiply-adds), its sums kept in a row buffer; the last pass pairs the two result
 * vectors per channel and stores them as 64-bit lanes into the four output planes. Against one
 * pass per kernel row: relaxed 0.87–0.94× the time at stride 1 (960 @7², 384 and 576 @14², 128
 * @24², 192 @20²), 0.89–1.03× at stride 2; simd with relu6 0.89–1.00× (`bench/ab-builds.mjs`,
 * same process). (All three kernel rows in one loop — V8 spilled a dozen vectors a step — took
 * 0.93–1.09× the three passes' time in the relaxed build without an activation but 1.3× in the
 * simd build with relu6; single-pixel steps with 4 lane stores, and 4-pixel steps with a 4 × 4
 * transpose, were slower than that.)
 *
 * The row forms (f32_dwconv_3x3s1 / f32_dwconv_3x3s2) pay per plane and per row — the first step
 * at column −1, masked steps at the right edge, steps past the last row — which on 14² and 7²
 * planes is much of their time (MobileNetV2's 960 @7² ran at 0.86–1.0× XNNPACK, which works in
 * NHWC, across channels), and at stride 2 on any odd width with padding 1. The copy costs one
 * pass over the input, so on larger planes they win. Measured: bindings/plan.ts (depthwiseC4).
 *
 * Each output sums the bias and kernel row 0 in order, then adds kernel row 1's and row 2's sums,
 * each a chain of its own — the same operations in the same order as f32_dwconv_3x3s1's, so at
 * stride 1 the forms give the same bits (padding reads as 0); f32_dwconv_3x3s2 adds row 1's and
 * row 2's sums before row 0's (and its masked edge steps run one chain), so at stride 2 they
 * agree bit for bit on integer data only.
 *
 * `buf`: f32_dwconv_3x3_c4_scratch(h, w) floats, set up here. Output channels [ocBegin, ocEnd)
 * are computed (threads split here, at multiples of 4); the last group may hold 1–3.
 * Reads up to 3 floats past the last input plane's end (the heap leaves 16 floats of slack).
 */
import { fma, clampIf, hasActivation, activates, WithActivation, NoActivation } from '../simd';

/**
 * Floats of scratch f32_dwconv_3x3_c4 needs: the interleaved (h + 2) × (w + 2) image of 4 lanes
 * and a row buffer of w + 2 vectors.
 */
export function f32_dwconv_3x3_c4_scratch(h: i32, w: i32): i32 {
  return (h + 3) * (w + 2) * 4;
}

export function f32_dwconv_3x3_c4(
  x: usize, h: i32, w: i32, stride: i32, padTop: i32, padLeft: i32, buf: usize,
  weight: usize, bias: usize, mult: i32, outH: i32, outW: i32, y: usize, actMin: f32, actMax: f32,
  ocBegin: i32, ocEnd: i32,
): void {
  if (hasActivation(actMin, actMax)) {
    dwconv<WithActivation>(x, h, w, stride, padTop, padLeft, buf, weight, bias, mult, outH, outW, y, actMin, actMax, ocBegin, ocEnd);
  } else {
    dwconv<NoActivation>(x, h, w, stride, padTop, padLeft, buf, weight, bias, mult, outH, outW, y, actMin, actMax, ocBegin, ocEnd);
  }
}

function dwconv<T>(
  x: usize, h: i32, w: i32, stride: i32, padTop: i32, padLeft: i32, buf: usize,
  weight: usize, bias: usize, mult: i32, outH: i32, outW: i32, y: usize, actMin: f32, actMax: f32,
  ocBegin: i32, ocEnd: i32,
): void {
  const act = activates<T>();
  // bytes per row of the interleaved image; its border rows and columns stay 0
  const ldq = <usize>(w + 2) << 4;
  memory.fill(buf, 0, <usize>(h + 2) * ldq);
  const vmin = f32x4.splat(actMin);
  const vmax = f32x4.splat(actMax);
  const planeBytes = <usize>(h * w) << 2;
  const outPlane = <usize>(outH * outW) << 2;
  // the window of output (oy, 0) starts at interleaved row stride·oy − padTop + 1, column 1 − padLeft
  const q0 = buf + <usize>(1 - padTop) * ldq + (<usize>(1 - padLeft) << 4);
  // one output row's sums (outW ≤ w + 2 vectors), after the image
  const rb = buf + <usize>(h + 2) * ldq;
  for (let oc0 = ocBegin; oc0 < ocEnd; oc0 += 4) {
    const nc = min(4, ocEnd - oc0);
    // lane j: output channel oc0 + j (the group's last one again past nc; its lanes are not stored)
    const c1 = oc0 + min(1, nc - 1);
    const c2 = oc0 + min(2, nc - 1);
    const c3 = oc0 + min(3, nc - 1);
    interleave(buf + ldq + 16, ldq, x + <usize>(oc0 / mult) * planeBytes, x + <usize>(c1 / mult) * planeBytes,
      x + <usize>(c2 / mult) * planeBytes, x + <usize>(c3 / mult) * planeBytes, h, w);
    const k0 = weight + <usize>(oc0 * 9 << 2);
    const k1 = weight + <usize>(c1 * 9 << 2);
    const k2 = weight + <usize>(c2 * 9 << 2);
    const k3 = weight + <usize>(c3 * 9 << 2);
    const w00 = lanes(k0, k1, k2, k3, 0);
    const w01 = lanes(k0, k1, k2, k3, 4);
    const w02 = lanes(k0, k1, k2, k3, 8);
    const w10 = lanes(k0, k1, k2, k3, 12);
    const w11 = lanes(k0, k1, k2, k3, 16);
    const w12 = lanes(k0, k1, k2, k3, 20);
    const w20 = lanes(k0, k1, k2, k3, 24);
    const w21 = lanes(k0, k1, k2, k3, 28);
    const w22 = lanes(k0, k1, k2, k3, 32);
    const vbias = bias != 0
      ? lanes(bias + (<usize>oc0 << 2), bias + (<usize>c1 << 2), bias + (<usize>c2 << 2), bias + (<usize>c3 << 2), 0)
      : f32x4.splat(0);
    const yc = y + <usize>oc0 * outPlane;
    if (stride == 1) {
      if (nc == 4) {
        pixels(act, 1, 4, q0, ldq, rb, w00, w01, w02, w10, w11, w12, w20, w21, w22, vbias, vmin, vmax, yc, outPlane, outH, outW);
      } else {
        pixels(act, 1, nc, q0, ldq, rb, w00, w01, w02, w10, w11, w12, w20, w21, w22, vbias, vmin, vmax, yc, outPlane, outH, outW);
      }
    } else if (nc == 4) {
      pixels(act, 2, 4, q0, ldq, rb, w00, w01, w02, w10, w11, w12, w20, w21, w22, vbias, vmin, vmax, yc, outPlane, outH, outW);
    } else {
      pixels(act, 2, nc, q0, ldq, rb, w00, w01, w02, w10, w11, w12, w20, w21, w22, vbias, vmin, vmax, yc, outPlane, outH, outW);
    }
  }
}

/** [p0[k], p1[k], p2[k], p3[k]] for a byte offset k */
// @ts-ignore: decorator
@inline
function lanes(p0: usize, p1: usize, p2: usize, p3: usize, k: usize): v128 {
  let v = v128.load32_zero(p0 + k);
  v = v128.load32_lane(p1 + k, v, 1);
  v = v128.load32_lane(p2 + k, v, 2);
  return v128.load32_lane(p3 + k, v, 3);
}

/**
 * Rows 0 … h − 1 of four planes (x0 … x3, w floats a row) into the interleaved image at q (its
 * pixel (0, 0); ldq bytes a row): 4 × 4 transposes, 4 columns a step. A row's last step stores
 * only the pixels that lie in it (the next ones are the border); its loads may pass the row end
 * (into the next row, or at most 3 floats past the plane).
 */
function interleave(q: usize, ldq: usize, x0: usize, x1: usize, x2: usize, x3: usize, h: i32, w: i32): void {
  for (let r = 0; r < h; r++) {
    const off = <usize>(r * w) << 2;
    const qr = q + <usize>r * ldq;
    for (let c = 0; c < w; c += 4) {
      const o = off + (<usize>c << 2);
      const a = v128.load(x0 + o);
      const b = v128.load(x1 + o);
      const d = v128.load(x2 + o);
      const e = v128.load(x3 + o);
      const ab01 = v128.shuffle<f32>(a, b, 0, 4, 1, 5);
      const de01 = v128.shuffle<f32>(d, e, 0, 4, 1, 5);
      const ab23 = v128.shuffle<f32>(a, b, 2, 6, 3, 7);
      const de23 = v128.shuffle<f32>(d, e, 2, 6, 3, 7);
      const qc = qr + (<usize>c << 4);
      v128.store(qc, v128.shuffle<f32>(ab01, de01, 0, 1, 4, 5));
      if (c + 4 <= w) {
        v128.store(qc, v128.shuffle<f32>(ab01, de01, 2, 3, 6, 7), 16);
        v128.store(qc, v128.shuffle<f32>(ab23, de23, 0, 1, 4, 5), 32);
        v128.store(qc, v128.shuffle<f32>(ab23, de23, 2, 3, 6, 7), 48);
      } else {
        if (c + 1 < w) v128.store(qc, v128.shuffle<f32>(ab01, de01, 2, 3, 6, 7), 16);
        if (c + 2 < w) v128.store(qc, v128.shuffle<f32>(ab23, de23, 0, 1, 4, 5), 32);
      }
    }
  }
}

/**
 * Every output pixel of the group, lanes 0 … nc − 1 stored into the group's output planes (yc,
 * outPlane bytes apart). An output row in two passes, kernel rows 0 and 1 (6 weights), then
 * kernel row 2 with the activation and the stores, its sums kept in rb (with all 9 weights, the
 * bias and a step's loads live in one loop V8 spilled a dozen vectors a step). Two pixels a step:
 * their windows share 3 − s columns, so 4 (s = 1) or 5 (s = 2) loads per kernel row and step;
 * with an odd outW the first pass also sums a pixel past the row into rb (its reads stay inside
 * buf), which the last pass does not store.
 */
// @ts-ignore: decorator
@inline
function pixels(
  act: bool, s: i32, nc: i32, q0: usize, ldq: usize, rb: usize,
  w00: v128, w01: v128, w02: v128, w10: v128, w11: v128, w12: v128, w20: v128, w21: v128, w22: v128,
  vbias: v128, vmin: v128, vmax: v128, yc: usize, outPlane: usize, outH: i32, outW: i32,
): void {
  let yrow = yc;
  const ldr = <usize>s * ldq;
  for (let oy = 0; oy < outH; oy++) {
    const q = q0 + <usize>oy * ldr;
    // kernel row 0, from the bias, plus kernel row 1 as a chain of its own
    for (let ox = 0; ox < outW; ox += 2) {
      const p = q + (<usize>(ox * s) << 4);
      const r = rb + (<usize>ox << 4);
      const a0 = fma(v128.load(p, 32), w02, fma(v128.load(p, 16), w01, fma(v128.load(p), w00, vbias)));
      const a1 = tap3(s, p, w00, w01, w02, vbias, true);
      const p1 = p + ldq;
      v128.store(r, f32x4.add(a0, fma(v128.load(p1, 32), w12, fma(v128.load(p1, 16), w11, f32x4.mul(v128.load(p1), w10)))));
      v128.store(r, f32x4.add(a1, tap3(s, p1, w10, w11, w12, vbias, false)), 16);
    }
    // kernel row 2, added; the activation; the 4 channels' rows stored (the last odd pixel alone)
    let ox = 0;
    for (; ox + 1 < outW; ox += 2) {
      const p = q + 2 * ldq + (<usize>(ox * s) << 4);
      const r = rb + (<usize>ox << 4);
      const yp = yrow + (<usize>ox << 2);
      // the sums from the first pass as the adds' second operands, so loaded after this row's
      // pixels (same bits: a + b = b + a); against first operands, relaxed 0.88–0.95× the time on
      // 960 @7², 0.97–1.0 on 14²–32² (simd + relu6 0.98–1.0)
      const s0 = clampIf(act, f32x4.add(fma(v128.load(p, 32), w22, fma(v128.load(p, 16), w21, f32x4.mul(v128.load(p), w20))), v128.load(r)), vmin, vmax);
      const s1 = clampIf(act, f32x4.add(tap3(s, p, w20, w21, w22, vbias, false), v128.load(r, 16)), vmin, vmax);
      // 2 pixels × 4 channels → 4 channels × 2 pixels
      const t0 = v128.shuffle<f32>(s0, s1, 0, 4, 1, 5);
      const t1 = v128.shuffle<f32>(s0, s1, 2, 6, 3, 7);
      v128.store64_lane(yp, t0, 0);
      if (nc > 1) v128.store64_lane(yp + outPlane, t0, 1);
      if (nc > 2) v128.store64_lane(yp + 2 * outPlane, t1, 0);
      if (nc > 3) v128.store64_lane(yp + 3 * outPlane, t1, 1);
    }
    if (ox < outW) {
      const p = q + 2 * ldq + (<usize>(ox * s) << 4);
      const yp = yrow + (<usize>ox << 2);
      const s0 = clampIf(act, f32x4.add(fma(v128.load(p, 32), w22, fma(v128.load(p, 16), w21, f32x4.mul(v128.load(p), w20))), v128.load(rb + (<usize>ox << 4))), vmin, vmax);
      v128.store32_lane(yp, s0, 0);
      if (nc > 1) v128.store32_lane(yp + outPlane, s0, 1);
      if (nc > 2) v128.store32_lane(yp + 2 * outPlane, s0, 2);
      if (nc > 3) v128.store32_lane(yp + 3 * outPlane, s0, 3);
    }
    yrow += <usize>outW << 2;
  }
}

/**
 * The second pixel's three taps of one kernel row (its columns start s after the first's, at p):
 * vbias + w0·x0 + w1·x1 + w2·x2 when `fromBias`, else the same from the first product.
 */
// @ts-ignore: decorator
@inline
function tap3(s: i32, p: usize, vw0: v128, vw1: v128, vw2: v128, vbias: v128, fromBias: bool): v128 {
  const o = <usize>s << 4;
  const x0 = v128.load(p + o);
  const first = fromBias ? fma(x0, vw0, vbias) : f32x4.mul(x0, vw0);
  return fma(v128.load(p + o, 32), vw2, fma(v128.load(p + o, 16), vw1, first));
}
