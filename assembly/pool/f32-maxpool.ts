/**
 * f32_maxpool: max pooling of C planes from a padded (−∞) phase-split input (f32_pad_phase),
 * SIMD along the output width, 8 pixels a step. Taps are given as byte offsets
 * (f32_conv_offsets with c = 1), folded in the reference's (ky, kx) order by its step
 * (firstMax): a NaN wins, and of equal values the first stays — −0 before +0 gives −0, as
 * PyTorch's max_pool2d does. (f32x4.max, IEEE's maximum, gives +0 there, and costs V8 a 6–8
 * instruction fix-up where firstMax takes 3: against it 3×3 / 1 ran in 0.59–0.71× the time, 5×5 /
 * 1 in 0.44–0.53× (64 planes of 56² and 28², 256 of 14², padding k / 2; simd 0.63–0.71×;
 * resident, same process, `bench/ab-builds.mjs <old> <new> --op maxpool --k 3 --stride 1`).)
 * Stride 1 (dilation 1) goes to f32_maxpool_s1, which reads the input in place.
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
          vmax0 = firstMax(vmax0, v128.load(p));
          vmax1 = firstMax(vmax1, v128.load(p, 16));
        }
        storeLanes8(yc + (<usize>ox0 << 2), vmax0, vmax1, min(8, outW - ox0));
      }
      yc += <usize>outW << 2;
    }
  }
}

/**
 * f32_maxpool_2x2s2: the 2×2 / stride 2 / no padding fast path, read straight from the input
 * (no copy): 4 outputs from 2 rows × 8 inputs, pairs combined with shuffles. Each plane is pooled
 * with f32x4.pmax (one instruction on x86) while the loaded vectors are summed, and pooled again
 * with firstMax (NaN-propagating) when a sum is NaN, as in f32_maxpool_3x3s2; same bits on
 * NaN-free data. Each column's two rows first, then the two columns: where a window's maximum is a
 * zero held as −0 and +0 by different taps, the vector steps may give the other sign than the
 * reference's row-major order (README, "Exactness"); the scalar tail keeps that order.
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
    if (maxpool2x2s2(true, plane, w, outH, outW, yc)) maxpool2x2s2(false, plane, w, outH, outW, yc);
  }
}

// @ts-ignore: decorator
@inline
function maxpool2x2s2(pseudo: bool, plane: usize, w: i32, outH: i32, outW: i32, y: usize): bool {
  const rowBytes = <usize>w << 2;
  // sums of everything the vector steps load (pseudo only); the scalar tail propagates NaN itself
  let s0 = f32x4.splat(0);
  let s1 = s0;
  let yc = y;
  for (let oy = 0; oy < outH; oy++) {
    const r0 = plane + (<usize>(2 * oy) * rowBytes);
    const r1 = r0 + rowBytes;
    let ox0 = 0;
    for (; ox0 + 4 <= outW; ox0 += 4) {
      const off = <usize>ox0 << 3;
      const a0 = v128.load(r0 + off);
      const a1 = v128.load(r1 + off);
      const b0 = v128.load(r0 + off, 16);
      const b1 = v128.load(r1 + off, 16);
      if (pseudo) {
        s0 = f32x4.add(s0, f32x4.add(a0, a1));
        s1 = f32x4.add(s1, f32x4.add(b0, b1));
      }
      const va = vmax(pseudo, a0, a1);
      const vb = vmax(pseudo, b0, b1);
      const even = v128.shuffle<f32>(va, vb, 0, 2, 4, 6);
      const odd = v128.shuffle<f32>(va, vb, 1, 3, 5, 7);
      v128.store(yc + (<usize>ox0 << 2), vmax(pseudo, even, odd));
    }
    for (; ox0 < outW; ox0++) {
      const off = <usize>ox0 << 3;
      const m0 = firstMaxF32(load<f32>(r0 + off), load<f32>(r0 + off, 4));
      const m1 = firstMaxF32(load<f32>(r1 + off), load<f32>(r1 + off, 4));
      store<f32>(yc + (<usize>ox0 << 2), firstMaxF32(m0, m1));
    }
    yc += <usize>outW << 2;
  }
  if (!pseudo) return false;
  const s = f32x4.add(s0, s1);
  return v128.any_true(f32x4.ne(s, s));
}

/**
 * The reference's step of a max fold (`if (v > m || isNaN(v)) m = v`): a NaN v wins, a tie keeps
 * m (−0 then +0 stays −0; f32x4.max would give +0). f32x4.pmax(m, v) is m < v ? v : m.
 */
// @ts-ignore: decorator
@inline
export function firstMax(m: v128, v: v128): v128 {
  return v128.bitselect(v, f32x4.pmax(m, v), f32x4.ne(v, v));
}

/** firstMax on one value. */
// @ts-ignore: decorator
@inline
function firstMaxF32(m: f32, v: f32): f32 {
  return v > m || v != v ? v : m;
}

/**
 * f32_maxpool_3x3s2: the 3×3 / stride 2 / dilation 1 max pool (ResNet's, padding 0 or 1,
 * ceil mode or not), read straight from the input with no padded copy. Per output row the
 * window's rows are those of the input in range (a missing row is replaced by a duplicate of a
 * present one, which leaves the max unchanged); 4 outputs at a time take the column maxima of
 * the three rows (each column's once) and pick columns 2ox−p, 2ox−p+1, 2ox−p+2 with shuffles, from the first
 * output on (its missing column −1 replaced by column 0). Outputs whose window leaves the input
 * on the right go through a scalar path. Two output rows whose five input rows all lie in the
 * input are computed together, their shared row loaded once.
 * NaN: the vector maxima are f32x4.pmax, one instruction on x86, which drops a NaN second
 * operand; firstMax propagates NaN as PyTorch does but takes 3 (both give the same bits on
 * NaN-free data). So each plane is pooled with pmax while every vector it loads is also added
 * into two sums: a NaN anywhere makes a sum NaN (so can ±∞ of both signs, or an overflow to
 * both: only a wasted pass), and then the plane is pooled again with firstMax. (A separate NaN
 * scan of each plane first cost a quarter of the kernel: 64×112², 0.130 → 0.095 ms without it.)
 * A two-row step's top row is the step above's last row, already summed: only the plane's first
 * step sums it (sumRow), 4 adds per 5 loads instead of 5 (64×112²: 0.90–0.94× the time,
 * relaxed, resident, same-process A/B).
 * Signed zeros: the vector steps take each column's maximum first, then across the columns, so
 * where a window's maximum is a zero held as −0 and +0 by different taps they may give the other
 * sign than the reference's row-major order (README, "Exactness"); the scalar edges keep it.
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
    if (maxpool3x3s2(true, plane, h, w, padH, padW, outH, outW, yc)) {
      maxpool3x3s2(false, plane, h, w, padH, padW, outH, outW, yc);
    }
  }
}

// @ts-ignore: decorator
@inline
function vmax(pseudo: bool, a: v128, b: v128): v128 {
  return pseudo ? f32x4.pmax(a, b) : firstMax(a, b);
}

/**
 * One plane; with `pseudo`, returns whether the loaded values may hold a NaN (the pass must then
 * be redone without), else false.
 */
// @ts-ignore: decorator
@inline
function maxpool3x3s2(
  pseudo: bool, plane: usize, h: i32, w: i32, padH: i32, padW: i32, outH: i32, outW: i32, y: usize,
): bool {
  const rowBytes = <usize>w << 2;
  // vector steps: 4 outputs ox … ox+3 whose last window column 2(ox + 3) − padW + 2 is ≤ w − 1;
  // the first step with padW = 1 reads column −1 (memory before the row) and replaces it
  const vEnd = min(outW, (w - 3 + padW) / 2 + 1);
  // two sums of everything loaded (pseudo only), each adding a pair of loads at a time: two
  // chains, so the adds do not wait on each other (against three chains of single loads, one
  // vector register fewer: relaxed 0.96–1.02× the time, mostly ≈ 0.97, simd 0.98–1.03×;
  // 64×112², 64×56², 256×14², resident, same-process A/B)
  let s0 = f32x4.splat(0);
  let s1 = s0;
  let oy = 0;
  while (oy < outH) {
    const iy = 2 * oy - padH;
    const yc = y + (<usize>(oy * outW) << 2);
    let ox = 0;
    if (iy >= 0 && iy + 4 < h && oy + 1 < outH) {
      // two output rows, input rows iy … iy + 4, row iy + 2 shared
      const r0 = plane + <usize>iy * rowBytes;
      const r1 = r0 + rowBytes;
      const r2 = r1 + rowBytes;
      const r3 = r2 + rowBytes;
      const r4 = r3 + rowBytes;
      const yd = yc + (<usize>outW << 2);
      if (vEnd >= 4) {
        let off = <usize>(-padW) << 2;
        // column maxima of columns c … c+3 (c = 2·ox − padW), top and bottom rows, carried over
        let a0 = v128.load(r0 + off); let a1 = v128.load(r1 + off); let a2 = v128.load(r2 + off);
        let a3 = v128.load(r3 + off); let a4 = v128.load(r4 + off);
        // row iy (a0) was summed by the step above (its last row) unless this is the first
        if (pseudo && oy == 0) s0 = sumRow(r0 + off, vEnd >> 2, s0);
        if (pseudo) { s0 = f32x4.add(s0, f32x4.add(a2, a3)); s1 = f32x4.add(s1, f32x4.add(a1, a4)); }
        let vaT = vmax(pseudo, vmax(pseudo, a0, a1), a2);
        let vaB = vmax(pseudo, vmax(pseudo, a2, a3), a4);
        if (padW > 0) {
          vaT = fromColumn0(vaT);
          vaB = fromColumn0(vaB);
        }
        for (; ox + 4 <= vEnd; ox += 4) {
          off = <usize>(2 * ox - padW) << 2;
          a0 = v128.load(r0 + off, 16); a1 = v128.load(r1 + off, 16); a2 = v128.load(r2 + off, 16);
          a3 = v128.load(r3 + off, 16); a4 = v128.load(r4 + off, 16);
          if (pseudo) { s0 = f32x4.add(s0, f32x4.add(a2, a3)); s1 = f32x4.add(s1, f32x4.add(a1, a4)); }
          const vbT = vmax(pseudo, vmax(pseudo, a0, a1), a2);
          const vbB = vmax(pseudo, vmax(pseudo, a2, a3), a4);
          a0 = v128.load(r0 + off, 32); a1 = v128.load(r1 + off, 32); a2 = v128.load(r2 + off, 32);
          a3 = v128.load(r3 + off, 32); a4 = v128.load(r4 + off, 32);
          if (pseudo) { s0 = f32x4.add(s0, f32x4.add(a2, a3)); s1 = f32x4.add(s1, f32x4.add(a1, a4)); }
          const vnT = vmax(pseudo, vmax(pseudo, a0, a1), a2);
          const vnB = vmax(pseudo, vmax(pseudo, a2, a3), a4);
          v128.store(yc + (<usize>ox << 2), pick(pseudo, vaT, vbT, vnT));
          v128.store(yd + (<usize>ox << 2), pick(pseudo, vaB, vbB, vnB));
          vaT = vnT;
          vaB = vnB;
        }
      }
      for (let o = ox; o < outW; o++) {
        store<f32>(yc + (<usize>o << 2), window3(r0, r1, r2, 2 * o - padW, w));
        store<f32>(yd + (<usize>o << 2), window3(r2, r3, r4, 2 * o - padW, w));
      }
      oy += 2;
      continue;
    }
    const iyMid = min(max(iy + 1, 0), h - 1);
    const r0 = plane + <usize>(iy >= 0 ? iy : iyMid) * rowBytes;
    const r1 = plane + <usize>iyMid * rowBytes;
    const r2 = plane + <usize>(iy + 2 < h ? iy + 2 : iyMid) * rowBytes;
    if (vEnd >= 4) {
      let off = <usize>(-padW) << 2;
      let a0 = v128.load(r0 + off); let a1 = v128.load(r1 + off); let a2 = v128.load(r2 + off);
      if (pseudo) { s0 = f32x4.add(s0, f32x4.add(a0, a2)); s1 = f32x4.add(s1, a1); }
      let va = vmax(pseudo, vmax(pseudo, a0, a1), a2);
      if (padW > 0) va = fromColumn0(va);
      for (; ox + 4 <= vEnd; ox += 4) {
        off = <usize>(2 * ox - padW) << 2;
        a0 = v128.load(r0 + off, 16); a1 = v128.load(r1 + off, 16); a2 = v128.load(r2 + off, 16);
        if (pseudo) { s0 = f32x4.add(s0, f32x4.add(a0, a2)); s1 = f32x4.add(s1, a1); }
        const vb = vmax(pseudo, vmax(pseudo, a0, a1), a2);
        a0 = v128.load(r0 + off, 32); a1 = v128.load(r1 + off, 32); a2 = v128.load(r2 + off, 32);
        if (pseudo) { s0 = f32x4.add(s0, f32x4.add(a0, a2)); s1 = f32x4.add(s1, a1); }
        const vn = vmax(pseudo, vmax(pseudo, a0, a1), a2);
        v128.store(yc + (<usize>ox << 2), pick(pseudo, va, vb, vn));
        va = vn;
      }
    }
    for (; ox < outW; ox++) store<f32>(yc + (<usize>ox << 2), window3(r0, r1, r2, 2 * ox - padW, w));
    oy++;
  }
  if (!pseudo) return false;
  const s = f32x4.add(s0, s1);
  return v128.any_true(f32x4.ne(s, s));
}

/**
 * acc plus the 2n + 1 vectors the two-row steps load from the row at p (p = &row[−padW]): the
 * first step's, then two per 4 outputs.
 */
function sumRow(p: usize, n: i32, acc: v128): v128 {
  for (let i = 0; i <= 2 * n; i++) acc = f32x4.add(acc, v128.load(p + (<usize>i << 4)));
  return acc;
}

/**
 * Column maxima of columns −1 … 2 (padW = 1: the first step's) with column −1, which lies outside
 * the input, replaced by a duplicate of column 0's: the first window's max is unchanged.
 */
// @ts-ignore: decorator
@inline
function fromColumn0(va: v128): v128 {
  return f32x4.replace_lane(va, 0, f32x4.extract_lane(va, 1));
}

/**
 * Outputs ox … ox+3 from the column maxima of columns c … c+3 (va), c+4 … c+7 (vb) and c+8 …
 * (vn; lane 0 used), c = 2·ox − padW: the window's columns c+2j, c+2j+1, c+2j+2 picked with
 * shuffles.
 */
// @ts-ignore: decorator
@inline
function pick(pseudo: bool, va: v128, vb: v128, vn: v128): v128 {
  const col0 = v128.shuffle<f32>(va, vb, 0, 2, 4, 6);
  const col1 = v128.shuffle<f32>(va, vb, 1, 3, 5, 7);
  const col2 = v128.shuffle<f32>(col0, vn, 1, 2, 3, 4);
  return vmax(pseudo, vmax(pseudo, col0, col1), col2);
}

/**
 * Max over columns [ix, ix + 3) ∩ [0, w) of three rows (at least one column is in range), row by
 * row in the reference's order (a row repeated for a missing one changes nothing).
 */
function window3(r0: usize, r1: usize, r2: usize, ix: i32, w: i32): f32 {
  const lo = max(ix, 0);
  const hi = min(ix + 3, w);
  let m = load<f32>(r0 + (<usize>lo << 2));
  for (let i = lo + 1; i < hi; i++) m = firstMaxF32(m, load<f32>(r0 + (<usize>i << 2)));
  for (let i = lo; i < hi; i++) m = firstMaxF32(m, load<f32>(r1 + (<usize>i << 2)));
  for (let i = lo; i < hi; i++) m = firstMaxF32(m, load<f32>(r2 + (<usize>i << 2)));
  return m;
}
