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
 * (no copy): 4 outputs from 2 rows × 8 inputs, pairs combined with shuffles. Each plane is first
 * scanned for NaN: without, f32x4.pmax (one instruction on x86), with, f32x4.max (NaN-propagating,
 * a 6–8 instruction fix-up in V8), as in f32_maxpool_3x3s2; same bits on NaN-free data.
 * Precondition: outW = ⌊W/2⌋, outH = ⌊H/2⌋; 32 bytes past the input are readable.
 */
export function f32_maxpool_2x2s2(
  x: usize, c: i32, h: i32, w: i32, outH: i32, outW: i32, y: usize, cBegin: i32, cEnd: i32,
): void {
  const planeBytes = <usize>(h * w) << 2;
  const outPlaneBytes = <usize>(outH * outW) << 2;
  for (let ch = cBegin; ch < cEnd; ch++) {
    const plane = x + <usize>ch * planeBytes;
    const yc = y + <usize>ch * outPlaneBytes;
    if (f32_has_nan(plane, h * w)) maxpool2x2s2(false, plane, w, outH, outW, yc);
    else maxpool2x2s2(true, plane, w, outH, outW, yc);
  }
}

// @ts-ignore: decorator
@inline
function maxpool2x2s2(pseudo: bool, plane: usize, w: i32, outH: i32, outW: i32, y: usize): void {
  const rowBytes = <usize>w << 2;
  let yc = y;
  for (let oy = 0; oy < outH; oy++) {
    const r0 = plane + (<usize>(2 * oy) * rowBytes);
    const r1 = r0 + rowBytes;
    let ox0 = 0;
    for (; ox0 + 4 <= outW; ox0 += 4) {
      const off = <usize>ox0 << 3;
      const va = vmax(pseudo, v128.load(r0 + off), v128.load(r1 + off));
      const vb = vmax(pseudo, v128.load(r0 + off, 16), v128.load(r1 + off, 16));
      const even = v128.shuffle<f32>(va, vb, 0, 2, 4, 6);
      const odd = v128.shuffle<f32>(va, vb, 1, 3, 5, 7);
      v128.store(yc + (<usize>ox0 << 2), vmax(pseudo, even, odd));
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

// @ts-ignore: decorator
@inline
function max_nan(a: f32, b: f32): f32 {
  return max(a, b); // f32.max propagates NaN
}

/**
 * f32_maxpool_3x3s2: the 3×3 / stride 2 / dilation 1 max pool (ResNet's, padding 0 or 1,
 * ceil mode or not), read straight from the input with no padded copy. Per output row the
 * window's rows are those of the input in range (a missing row is replaced by a duplicate of a
 * present one, which leaves the max unchanged); 4 outputs at a time take the column maxima of
 * the three rows (each column's once) and pick columns 2ox−p, 2ox−p+1, 2ox−p+2 with shuffles, from the first
 * output on (its missing column −1 replaced by column 0). Outputs whose window leaves the input
 * on the right go through a scalar path.
 * NaN: each plane is first scanned for NaN (f32_has_nan; the scan also brings the plane into
 * cache for the pooling that follows). Without NaN the vector maxima are f32x4.pmax, one
 * instruction on x86; with one, f32x4.max, which propagates NaN as PyTorch does but costs V8 a
 * 6–8 instruction fix-up each. Both give the same bits on NaN-free data.
 * Precondition: 40 bytes past the input are readable. Planes [cBegin, cEnd).
 */
export function f32_maxpool_3x3s2(
  x: usize, c: i32, h: i32, w: i32, padH: i32, padW: i32, outH: i32, outW: i32, y: usize, cBegin: i32, cEnd: i32,
): void {
  const planeBytes = <usize>(h * w) << 2;
  const outPlaneBytes = <usize>(outH * outW) << 2;
  for (let ch = cBegin; ch < cEnd; ch++) {
    const plane = x + <usize>ch * planeBytes;
    const yc = y + <usize>ch * outPlaneBytes;
    if (f32_has_nan(plane, h * w)) maxpool3x3s2(false, plane, h, w, padH, padW, outH, outW, yc);
    else maxpool3x3s2(true, plane, h, w, padH, padW, outH, outW, yc);
  }
}

// @ts-ignore: decorator
@inline
function vmax(pseudo: bool, a: v128, b: v128): v128 {
  return pseudo ? f32x4.pmax(a, b) : f32x4.max(a, b);
}

// @ts-ignore: decorator
@inline
function maxpool3x3s2(
  pseudo: bool, plane: usize, h: i32, w: i32, padH: i32, padW: i32, outH: i32, outW: i32, y: usize,
): void {
  const rowBytes = <usize>w << 2;
  // vector steps: 4 outputs ox … ox+3 whose last window column 2(ox + 3) − padW + 2 is ≤ w − 1;
  // the first step with padW = 1 reads column −1 (memory before the row) and replaces it
  const vEnd = min(outW, (w - 3 + padW) / 2 + 1);
  let yc = y;
  for (let oy = 0; oy < outH; oy++) {
    const iy = 2 * oy - padH;
    const iyMid = min(max(iy + 1, 0), h - 1);
    const r0 = plane + <usize>(iy >= 0 ? iy : iyMid) * rowBytes;
    const r1 = plane + <usize>iyMid * rowBytes;
    const r2 = plane + <usize>(iy + 2 < h ? iy + 2 : iyMid) * rowBytes;
    let ox = 0;
    if (vEnd >= 4) {
      // column maxima of the three rows, 4 columns a vector, each computed once: va (columns
      // c … c+3, c = 2·ox − padW) carries over from the step before
      let va = colmax(pseudo, r0, r1, r2, <usize>(-padW) << 2);
      if (padW > 0) {
        const vb = colmax(pseudo, r0, r1, r2, <usize>(16 - 4 * padW));
        const vn = colmax(pseudo, r0, r1, r2, <usize>(32 - 4 * padW));
        v128.store(yc, pick(pseudo, true, va, vb, vn));
        va = vn;
        ox = 4;
      }
      for (; ox + 4 <= vEnd; ox += 4) {
        const off = <usize>(2 * ox - padW) << 2;
        const vb = colmax(pseudo, r0, r1, r2, off + 16);
        const vn = colmax(pseudo, r0, r1, r2, off + 32);
        v128.store(yc + (<usize>ox << 2), pick(pseudo, false, va, vb, vn));
        va = vn;
      }
    }
    for (; ox < outW; ox++) store<f32>(yc + (<usize>ox << 2), window3(r0, r1, r2, 2 * ox - padW, w));
    yc += <usize>outW << 2;
  }
}

/** Lane-wise maximum of the three rows' 4 columns at byte offset `off`. */
// @ts-ignore: decorator
@inline
function colmax(pseudo: bool, r0: usize, r1: usize, r2: usize, off: usize): v128 {
  return vmax(pseudo, vmax(pseudo, v128.load(r0 + off), v128.load(r1 + off)), v128.load(r2 + off));
}

/**
 * Outputs ox … ox+3 from the column maxima of columns c … c+3 (va), c+4 … c+7 (vb) and c+8 …
 * (vn; lane 0 used), c = 2·ox − padW: the window's columns c+2j, c+2j+1, c+2j+2 picked with
 * shuffles. `left`: column −1 (c = −1) is outside the input; the first window uses column 0 in
 * its place.
 */
// @ts-ignore: decorator
@inline
function pick(pseudo: bool, left: bool, va: v128, vb: v128, vn: v128): v128 {
  let col0 = v128.shuffle<f32>(va, vb, 0, 2, 4, 6);
  const col1 = v128.shuffle<f32>(va, vb, 1, 3, 5, 7);
  const col2 = v128.shuffle<f32>(col0, vn, 1, 2, 3, 4);
  if (left) col0 = f32x4.replace_lane(col0, 0, f32x4.extract_lane(col1, 0));
  return vmax(pseudo, vmax(pseudo, col0, col1), col2);
}

/** Max over columns [ix, ix + 3) ∩ [0, w) of three rows (at least one column is in range). */
function window3(r0: usize, r1: usize, r2: usize, ix: i32, w: i32): f32 {
  const lo = max(ix, 0);
  const hi = min(ix + 3, w);
  let m = max(max(load<f32>(r0 + (<usize>lo << 2)), load<f32>(r1 + (<usize>lo << 2))), load<f32>(r2 + (<usize>lo << 2)));
  for (let i = lo + 1; i < hi; i++) {
    const o = <usize>i << 2;
    m = max(max(m, load<f32>(r0 + o)), max(load<f32>(r1 + o), load<f32>(r2 + o)));
  }
  return m;
}

/** 1 if any of the n floats at x is NaN, else 0 (16 floats a step: the loop, not the loads, was the cost). */
function f32_has_nan(x: usize, n: i32): i32 {
  let vany = i32x4.splat(0);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const p = x + (<usize>i << 2);
    const v0 = v128.load(p);
    const v1 = v128.load(p, 16);
    const v2 = v128.load(p, 32);
    const v3 = v128.load(p, 48);
    vany = v128.or(vany, v128.or(v128.or(f32x4.ne(v0, v0), f32x4.ne(v1, v1)), v128.or(f32x4.ne(v2, v2), f32x4.ne(v3, v3))));
  }
  let any = v128.any_true(vany);
  for (; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    any = any || v != v;
  }
  return any ? 1 : 0;
}
