/**
 * f32_maxpool_s1: the kH × kW max pool at stride 1 (GoogLeNet's 3×3 / 1, YOLO's SPP 5×5 / 1),
 * dilation 1, padding ≤ k / 2 on each axis (at most 8 columns), read straight from the input with
 * no padded copy (f32_maxpool first copies every plane into a −∞-padded layout). 4 outputs a
 * step: tap (ky, kx) of outputs ox … ox+3 is one (unaligned) load; each window row's taps are
 * folded in order, then the rows in order — the reference's result bit for bit, signed zeros
 * included, as both steps keep the first of equal values (window()). Window rows outside the
 * input are skipped; in a row's first step (padding) and its last ones (the last moved back to
 * end at outW) the lanes of columns outside the input read −∞ — a mask only for the taps that
 * have such lanes, and the taps of a 3- or 5-wide row written out (with a loop over the taps and
 * a mask for each, a 14-wide row's two masked steps cost more than its two plain ones: 256 × 14²
 * took 1.03–1.12× the padded copy's time).
 * Two output rows whose windows lie in the input are computed together, the maxima of their
 * kH − 1 shared rows once (against one row at a time: 0.69–0.99× the time, 3×3 / 1 on 192 × 28²,
 * 64 × 56², 256 × 14², both builds; 5×5 / 1 0.78–0.82×); with 3×3 windows four rows, 6 row
 * maxima for 4 output rows (against two: 0.81–0.92×, also on 384 × 10²), their first and last
 * steps too when the padding is 1 (rows4 with the repeated-tap edges of masked(), instead of
 * masked() once per output row, 3 row maxima each: 0.70–0.82× the time on 192 × 28², 64 × 56²,
 * 256 × 14², 384 × 10², relaxed, resident; with the shared pair maxima of rows4 0.64–0.79×, simd
 * too; the pairs alone 0.96–1.0×).
 * Against f32_maxpool over its padded copy (resident, same process, relaxed and simd,
 * `bench/ab-builds.mjs <old> <new> --op maxpool --k 3|5 --stride 1`): 3×3 / 1 (padding 1)
 * 0.33–0.54× the time on 64 × 56², 192 × 28², 256 × 14², 384 × 10² (the repeated-tap edges of
 * masked() alone: 0.85–0.93×); 5×5 / 1 (padding 2)
 * 0.38–0.50× on 64 × 56², 256 × 20². The edge steps' code is shared by both row forms (a loop
 * over the 1–2 rows) and the general window widths share one form with the NaN planes: with
 * every form and call site inlined apart, 0.80–0.92× this time, but f32_maxpool_s1 was 13 000
 * lines of wat and each .wasm 89 KiB instead of 61 (masked steps in a function of their own:
 * 1.5–2.1× the time — V8 spills around the calls).
 * NaN: each plane is first scanned for a NaN (one load and two instructions per 4 inputs; its sum
 * instead, one add per 4 inputs in two chains, was no faster: 0.98–1.05×; without a scan the
 * kernel takes 0.82–0.88× the time, wrong on NaN). Not kept either: pmax keeps a NaN first
 * operand, so with every fold starting from a real tap an input's NaN reaches the output whose
 * window starts there — the sum of the outputs, plus a scan of the last rows and columns at which
 * no window starts, would catch every NaN; it ran 0.94–1.15× this kernel's time (the sums alone,
 * in the four-row steps only, 0.89–0.90×). A
 * plane without one is pooled with f32x4.pmax (one instruction on x86; it drops a NaN second
 * operand), a plane with one with firstMax, PyTorch's step (3 instructions).
 * Precondition: padW ≤ 8 — the masked steps read up to padW floats before a row and padW + 3 past
 * it, inside the heap's 64 bytes of slack. Planes [cBegin, cEnd).
 */
import { firstMax } from './f32-maxpool';
import { storeLanes } from '../simd';

export function f32_maxpool_s1(
  x: usize, c: i32, h: i32, w: i32, kH: i32, kW: i32, padH: i32, padW: i32, outH: i32, outW: i32, y: usize,
  cBegin: i32, cEnd: i32,
): void {
  let plane = x + (<usize>(cBegin * h * w) << 2);
  let yc = y + (<usize>(cBegin * outH * outW) << 2);
  for (let ch = cBegin; ch < cEnd; ch++) {
    const nan = hasNaN(plane, h * w);
    // `form` 3 or 5: the taps of a 3- or 5-wide window row written out; 0: a loop over kW taps
    // (other widths, and planes holding a NaN, which are rare)
    if (nan) pool(false, 0, kW, plane, h, w, kH, padH, padW, outH, outW, yc);
    else if (kW == 3) pool(true, 3, 3, plane, h, w, kH, padH, padW, outH, outW, yc);
    else if (kW == 5) pool(true, 5, 5, plane, h, w, kH, padH, padW, outH, outW, yc);
    else pool(true, 0, kW, plane, h, w, kH, padH, padW, outH, outW, yc);
    plane += <usize>(h * w) << 2;
    yc += <usize>(outH * outW) << 2;
  }
}

/** Whether any of the n floats at p is NaN. */
function hasNaN(p: usize, n: i32): bool {
  let m0 = i32x4.splat(0);
  let m1 = m0;
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const a = v128.load(p + (<usize>i << 2));
    const b = v128.load(p + (<usize>i << 2), 16);
    m0 = v128.or(m0, f32x4.ne(a, a));
    m1 = v128.or(m1, f32x4.ne(b, b));
  }
  if (v128.any_true(v128.or(m0, m1))) return true;
  for (; i < n; i++) {
    const v = load<f32>(p + (<usize>i << 2));
    if (v != v) return true;
  }
  return false;
}

// @ts-ignore: decorator
@inline
function vmax(pseudo: bool, m: v128, v: v128): v128 {
  return pseudo ? f32x4.pmax(m, v) : firstMax(m, v);
}

// @ts-ignore: decorator
@inline
function pool(
  pseudo: bool, form: i32, kW: i32, plane: usize, h: i32, w: i32, kH: i32, padH: i32, padW: i32, outH: i32, outW: i32,
  y: usize,
): void {
  const rowBytes = <usize>w << 2;
  const ldy = <usize>outW << 2;
  const vninf = f32x4.splat(-Infinity);
  // plain steps: outputs whose window columns ox − padW … ox − padW + kW − 1 all lie in [0, w)
  const vEnd = min(outW, w - kW + padW + 1);
  let yrow = y;
  let oy = 0;
  while (oy < outH) {
    const iy = oy - padH;
    const ky0 = max(0, -iy);
    const nky = min(kH, h - iy) - ky0;
    // the first window row in the input, at its column −padW
    const r0 = plane + <usize>(iy + ky0) * rowBytes - (<usize>padW << 2);
    // two output rows whose windows lie in the input: their kH − 1 ≥ 1 shared rows' maxima
    // computed once (row oy: input rows 0 … kH − 1 from r0, row oy + 1: rows 1 … kH)
    let rows = outW > 4 && kH > 1 && nky == kH && oy + 1 < outH && iy + kH < h ? 2 : 1;
    // four, for 3×3 windows: 6 row maxima for 4 output rows instead of 8
    if (form == 3 && kH == 3 && rows == 2 && oy + 3 < outH && iy + 5 < h) rows = 4;
    if (outW <= 4) {
      storeLanes(yrow, masked(pseudo, form, kW, r0, nky, rowBytes, -padW, w, vninf), outW);
    } else {
      let ox = 0;
      // four-row steps at the edges of a 3-wide window with padding 1, as in masked()
      const edges4 = rows == 4 && padW == 1 && w >= 5;
      if (padW > 0) {
        if (edges4) {
          rows4(pseudo, 1, r0, rowBytes, yrow, ldy);
        } else {
          for (let t = 0; t < rows; t++) {
            v128.store(yrow + <usize>t * ldy, masked(pseudo, form, kW, r0 + <usize>t * rowBytes, nky, rowBytes, -padW, w, vninf));
          }
        }
        ox = 4;
      }
      if (form == 3 && rows == 4) {
        for (; ox + 4 <= vEnd; ox += 4) rows4(pseudo, 0, r0 + (<usize>ox << 2), rowBytes, yrow + (<usize>ox << 2), ldy);
        if (edges4 && ox < outW) {
          // the last step, moved back to end at outW = w: its column w is the only one outside
          const o4 = outW - 4;
          rows4(pseudo, 2, r0 + (<usize>o4 << 2), rowBytes, yrow + (<usize>o4 << 2), ldy);
          ox = outW;
        }
      } else if (rows == 2) {
        for (; ox + 4 <= vEnd; ox += 4) {
          let r = r0 + (<usize>ox << 2);
          let m0 = rowMax(pseudo, form, kW, r, vninf);
          r += rowBytes;
          let m1 = rowMax(pseudo, form, kW, r, vninf);
          m0 = vmax(pseudo, m0, m1);
          for (let ky = 2; ky < kH; ky++) {
            r += rowBytes;
            const rm = rowMax(pseudo, form, kW, r, vninf);
            m0 = vmax(pseudo, m0, rm);
            m1 = vmax(pseudo, m1, rm);
          }
          m1 = vmax(pseudo, m1, rowMax(pseudo, form, kW, r + rowBytes, vninf));
          v128.store(yrow + (<usize>ox << 2), m0);
          v128.store(yrow + ldy + (<usize>ox << 2), m1);
        }
      } else {
        for (; ox + 4 <= vEnd; ox += 4) {
          v128.store(yrow + (<usize>ox << 2), window(pseudo, form, kW, r0 + (<usize>ox << 2), nky, rowBytes, vninf));
        }
      }
      // the rest (windows passing column w − 1, a last 1–3): masked steps, the last moved back to
      // end at outW (the lanes it computes again: the same bits)
      while (ox < outW) {
        const o4 = min(ox, outW - 4);
        for (let t = 0; t < rows; t++) {
          const p = r0 + <usize>t * rowBytes + (<usize>o4 << 2);
          v128.store(yrow + <usize>t * ldy + (<usize>o4 << 2), masked(pseudo, form, kW, p, nky, rowBytes, o4 - padW, w, vninf));
        }
        ox = o4 + 4;
      }
    }
    yrow += <usize>rows * ldy;
    oy += rows;
  }
}

/**
 * Four output rows of 4 outputs of a 3×3 window (pseudo: a NaN-free plane), from the maxima of
 * the 6 input rows at r: the rows shared by two outputs paired first — pmax keeps the first of
 * equal values, so max(a0, max(a1, a2)) is max(max(a0, a1), a2) bit for bit. `edge` 1: the
 * first step of a row with padding 1 (column −1), 2: the last (column w), as in masked().
 */
// @ts-ignore: decorator
@inline
function rows4(pseudo: bool, edge: i32, r: usize, ldr: usize, yt: usize, ldy: usize): void {
  const a0 = rowMax3(pseudo, edge, r);
  const a1 = rowMax3(pseudo, edge, r + ldr);
  const a2 = rowMax3(pseudo, edge, r + 2 * ldr);
  const p12 = vmax(pseudo, a1, a2);
  v128.store(yt, vmax(pseudo, a0, p12));
  const a3 = rowMax3(pseudo, edge, r + 3 * ldr);
  v128.store(yt + ldy, vmax(pseudo, p12, a3));
  const a4 = rowMax3(pseudo, edge, r + 4 * ldr);
  const p34 = vmax(pseudo, a3, a4);
  v128.store(yt + 2 * ldy, vmax(pseudo, a2, p34));
  const a5 = rowMax3(pseudo, edge, r + 5 * ldr);
  v128.store(yt + 3 * ldy, vmax(pseudo, p34, a5));
}

/**
 * rowMax of a 3-wide window; `edge` 1 / 2: column −1 / w read as column 0 / w − 1 (the
 * repeated-tap edges of masked()), 0: none.
 */
// @ts-ignore: decorator
@inline
function rowMax3(pseudo: bool, edge: i32, r: usize): v128 {
  let a = v128.load(r);
  const b = v128.load(r, 4);
  let c = v128.load(r, 8);
  if (edge == 1) a = v128.shuffle<f32>(b, a, 0, 5, 6, 7);
  else if (edge == 2) c = v128.shuffle<f32>(c, b, 0, 1, 2, 7);
  return vmax(pseudo, vmax(pseudo, a, b), c);
}

/**
 * window() for outputs whose first window column is col0 (p = its address in the first window
 * row): lanes of columns outside [0, w) read −∞, which changes no maximum (every window holds a
 * column of the input). Reads up to 4·padW bytes before or after a row.
 */
// @ts-ignore: decorator
@inline
function masked(pseudo: bool, form: i32, kW: i32, p: usize, nky: i32, rowBytes: usize, col0: i32, w: i32, vninf: v128): v128 {
  const lane = i32x4(0, 1, 2, 3);
  const vw = i32x4.splat(w);
  let m = vninf;
  let r = p;
  if (form == 3 && w >= 5 && (col0 == -1 || col0 == w - 5)) {
    // a 3-wide window with padding 1: the first step's column −1 (lane 0 of tap 0) and the last
    // step's column w (lane 3 of tap 2) are the only taps outside the input; each reads instead
    // its row's next or previous tap of the same output (column 0, column w − 1) — a repeated
    // value, so the same maximum and, of equal values, the same first one
    const edge = col0 == -1 ? 1 : 2;
    for (let ky = 0; ky < nky; ky++) {
      const rm = rowMax3(pseudo, edge, r);
      m = ky == 0 ? rm : vmax(pseudo, m, rm);
      r += rowBytes;
    }
    return m;
  }
  for (let ky = 0; ky < nky; ky++) {
    let rm: v128;
    if (form == 3) {
      rm = vmax(pseudo, vmax(pseudo, tap(r, 0, col0, w, lane, vw, vninf), tap(r, 1, col0, w, lane, vw, vninf)),
        tap(r, 2, col0, w, lane, vw, vninf));
    } else if (form == 5) {
      rm = vmax(pseudo, vmax(pseudo, tap(r, 0, col0, w, lane, vw, vninf), tap(r, 1, col0, w, lane, vw, vninf)),
        tap(r, 2, col0, w, lane, vw, vninf));
      rm = vmax(pseudo, vmax(pseudo, rm, tap(r, 3, col0, w, lane, vw, vninf)), tap(r, 4, col0, w, lane, vw, vninf));
    } else {
      rm = vninf;
      for (let kx = 0; kx < kW; kx++) rm = vmax(pseudo, rm, tap(r, kx, col0, w, lane, vw, vninf));
    }
    m = ky == 0 ? rm : vmax(pseudo, m, rm);
    r += rowBytes;
  }
  return m;
}

/** Tap kx of 4 outputs (row at r, their first column col0): lanes outside [0, w) read −∞. */
// @ts-ignore: decorator
@inline
function tap(r: usize, kx: i32, col0: i32, w: i32, lane: v128, vw: v128, vninf: v128): v128 {
  const v = v128.load(r + (<usize>kx << 2));
  const c = col0 + kx;
  if (c >= 0 && c + 3 < w) return v;
  const col = i32x4.add(i32x4.splat(c), lane);
  return v128.bitselect(vninf, v, v128.or(i32x4.lt_s(col, i32x4.splat(0)), i32x4.ge_s(col, vw)));
}

/**
 * Max over the window rows (nky ≥ 1 from p, rowBytes apart) of outputs at p's columns: each
 * row's taps first, then the rows in order. Both vmax steps keep the first of equal values (and
 * firstMax a NaN), so combining adjacent runs of taps in order gives the fold's result — the
 * chain of dependent steps is kW − 1 + nky − 1 long instead of nky · kW − 1.
 */
// @ts-ignore: decorator
@inline
function window(pseudo: bool, form: i32, kW: i32, p: usize, nky: i32, rowBytes: usize, vninf: v128): v128 {
  let m = rowMax(pseudo, form, kW, p, vninf);
  let r = p + rowBytes;
  for (let ky = 1; ky < nky; ky++) {
    m = vmax(pseudo, m, rowMax(pseudo, form, kW, r, vninf));
    r += rowBytes;
  }
  return m;
}

/** Max over kW adjacent columns of 4 outputs at p, in order. */
// @ts-ignore: decorator
@inline
function rowMax(pseudo: bool, form: i32, kW: i32, r: usize, vninf: v128): v128 {
  if (form == 3) return rowMax3(pseudo, 0, r);
  if (form == 5) {
    return vmax(pseudo, vmax(pseudo, vmax(pseudo, vmax(pseudo, v128.load(r), v128.load(r, 4)), v128.load(r, 8)),
      v128.load(r, 12)), v128.load(r, 16));
  }
  let m = vninf;
  for (let kx = 0; kx < kW; kx++) m = vmax(pseudo, m, v128.load(r + (<usize>kx << 2)));
  return m;
}
