/**
 * f32_dwconv_3x3s2: depthwise 3×3 convolution, stride 2, dilation 1, padding 0 or 1 on each side
 * (groups = C, channel multiplier `mult`), straight from the unpadded NCHW input. The generic
 * kernel first copies the image into a padded, column-phase-split layout; at stride 2 that copy
 * cost as much as the convolution itself (96×112² → 56², relaxed: copy 0.25 ms + kernel 0.22 ms).
 *
 * Tap (ky, kx) of outputs ox0 … ox0+7 reads input columns c0 + kx + 2j (c0 = 2·ox0 − padLeft,
 * j = 0 … 7). Per input row and 4 outputs three loads give columns c0 … c0+11, shuffled into the
 * even, odd and shifted-even lanes of the row's three taps (taps3). (Two loads and a shuffle per
 * tap instead: 20 % slower, 0.163 vs 0.13 ms on 144×56².) Each output sums the bias and kernel
 * row 0 in order, kernel rows 1 and 2 each as a chain of its own, then adds row 1's and row 2's
 * sums and then row 0's (rows12).
 * The plane is computed in bands of BAND output rows, each band as strips of 8 outputs (column)
 * run down its rows: output row oy's last input row is the next row's first, so each input row
 * is loaded and shuffled once per strip and band instead of 2.5 times per output row pair — two
 * decodes per output row where two-row steps took 2.5 (relaxed, resident, same process, noisy
 * VM: 144×56² 0.68–0.91× the time of the two-row steps, 32×112² 0.81–0.98×, 96×112² 0.81–1.06×).
 * The next row's kernel-row-0 sums pass through scratch memory (carry), not the loop: V8
 * computes a loop-carried value late and kept the shuffled vectors it needs alive (spilled) for
 * the next iteration; the weights are hoisted per channel (as load32_splat at each use V8 kept 9
 * weight addresses live and spilled them). One strip form per loop: with several in one body V8
 * spilled.
 * Input rows above or below the image read a zero row. Lanes of outputs past outW read whatever
 * lies there and are dropped (never stored: a 4-wide first strip skips its second vector); of
 * the stored outputs' columns only −1 (the first strip, padLeft = 1: one lane replaced by 0) and
 * w (the last strip when padRight = 1 reaches it: masks, one output row at a time, edgeStrip)
 * can lie outside the input. 8-output strips load up to column c0 + 19, and take the masked path
 * instead when that is more than 15 columns past the input's last (c0 + 4 > w), so every load
 * stays within the heap's 16 floats of slack after the input, or the zero row's tail.
 *
 * 5×5 at stride 2 stays on the generic kernel: read in place (then with two loads and a shuffle
 * per tap and vector) it was slower than the padded copy amortised over 25 taps (144×56² → 28²,
 * relaxed: 0.52 vs 0.42 ms).
 *
 * `buf`: this call's scratch (f32_dwconv_3x3s2_scratch(w) floats), set up here.
 * Only output channels [ocBegin, ocEnd) are computed (threads split here).
 */
import { rowAt } from '../util/row-at';
import { fma, clampIf, hasActivation, storeLanes, storeLanes8, activates, WithActivation, NoActivation } from '../simd';

/**
 * zero row tail past w, the row-pointer table (3 × u32), the carried next-row sums (2 × v128),
 * the masks (6 × v128), in floats
 */
const ZERO_TAIL: i32 = 24;
const ROWS_FLOATS: i32 = 4;
const CARRY_FLOATS: i32 = 8;
const MASK_FLOATS: i32 = 24;

/** Floats of scratch f32_dwconv_3x3s2 needs for an input of width w. */
export function f32_dwconv_3x3s2_scratch(w: i32): i32 {
  return w + ZERO_TAIL + ROWS_FLOATS + CARRY_FLOATS + MASK_FLOATS;
}

export function f32_dwconv_3x3s2(
  x: usize, h: i32, w: i32, padTop: i32, padLeft: i32, buf: usize,
  weight: usize, bias: usize, mult: i32, outH: i32, outW: i32, y: usize, actMin: f32, actMax: f32,
  ocBegin: i32, ocEnd: i32,
): void {
  if (hasActivation(actMin, actMax)) {
    dwconv3x3s2<WithActivation>(x, h, w, padTop, padLeft, buf, weight, bias, mult, outH, outW, y, actMin, actMax, ocBegin, ocEnd);
  } else {
    dwconv3x3s2<NoActivation>(x, h, w, padTop, padLeft, buf, weight, bias, mult, outH, outW, y, actMin, actMax, ocBegin, ocEnd);
  }
}

function dwconv3x3s2<T>(
  x: usize, h: i32, w: i32, padTop: i32, padLeft: i32, buf: usize,
  weight: usize, bias: usize, mult: i32, outH: i32, outW: i32, y: usize, actMin: f32, actMax: f32,
  ocBegin: i32, ocEnd: i32,
): void {
  const act = activates<T>();
  const masks = buf;
  const rows = masks + (<usize>MASK_FLOATS << 2);
  const carry = rows + (<usize>ROWS_FLOATS << 2);
  const zero = carry + (<usize>CARRY_FLOATS << 2);
  memory.fill(zero, 0, <usize>(w + ZERO_TAIL) << 2);
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
    for (let oy0 = 0; oy0 < outH; oy0 += BAND) {
      const oy1 = min(outH, oy0 + BAND);
      // column strips of the band, one strip form per loop (V8 spilled with several in one
      // body): the first when padLeft = 1, those whose columns all lie in the input, then the
      // masked ones (columns ≥ w, or loads past the slack) row by row
      let ox0 = 0;
      if (padLeft > 0) {
        if (needsMask(0, outW, w, padLeft)) {
          edgeStrip(act, plane, h, rowBytes, zero, padTop, rows, masks, w, padLeft, wk, vbias, vmin, vmax, yc, ldy, 0, outW, oy0, oy1);
        } else {
          // rows of fewer than 8 outputs are this one strip: rows but the plane's last store
          // whole vectors (8 lanes, or 4 when outW ≤ 4), the lanes past outW landing on the next
          // row's first outputs — within that row when outW ≥ 2 — which are stored after them
          const oyWhole = outW >= 8 ? oy1 : outW >= 2 ? min(oy1, outH - 1) : oy0;
          column(act, 2, true, carry, plane, h, rowBytes, zero, padTop, -padLeft, w00, w01, w02, w10, w11, w12, w20, w21, w22, vbias, vmin, vmax, yc, ldy, min(8, outW), oy0, oyWhole, oy1);
        }
        ox0 = 8;
      }
      for (; ox0 + 8 <= outW && 2 * ox0 + 16 - padLeft < w; ox0 += 8) {
        column(act, 2, false, carry, plane, h, rowBytes, zero, padTop, 2 * ox0 - padLeft, w00, w01, w02, w10, w11, w12, w20, w21, w22, vbias, vmin, vmax,
          yc + (<usize>ox0 << 2), ldy, 8, oy0, oy1, oy1);
      }
      // 4-output strips for the rest (56 → 28: every row's last step); where fewer than 4
      // remain, one moved back to end at outW, its first outputs computed again (to the same
      // bits: a lane's sum is the same in any strip) instead of the edge strip's row-by-row
      // steps: 28 → 14 (192 channels) 0.54–0.60× the time, simd 0.53×, relu6 0.59×; 20 → 10
      // 0.53× (same-process A/B, resident); the other widths' paths are unchanged (±2–8 %)
      while (ox0 < outW) {
        const o4 = min(ox0, outW - 4);
        if (2 * o4 - padLeft < 0 || 2 * o4 + 8 - padLeft >= w) break;
        column(act, 1, false, carry, plane, h, rowBytes, zero, padTop, 2 * o4 - padLeft, w00, w01, w02, w10, w11, w12, w20, w21, w22, vbias, vmin, vmax,
          yc + (<usize>o4 << 2), ldy, 4, oy0, oy1, oy1);
        ox0 = o4 + 4;
      }
      for (; ox0 < outW; ox0 += 8) {
        edgeStrip(act, plane, h, rowBytes, zero, padTop, rows, masks, w, padLeft, wk, vbias, vmin, vmax, yc, ldy, ox0, outW, oy0, oy1);
      }
    }
    yc += outPlane;
  }
}

/**
 * Output rows a strip runs down before the next strip: the band's 2·BAND + 1 input rows stay in
 * L1 (15 KiB at 112 columns). 16 against 8: 144×56² 0.92–0.93× the time, 96×112² 0.99–1.01×;
 * 32 against 16: 96×112² 1.04–1.09× (relaxed, resident, same-process A/B).
 */
const BAND: i32 = 16;

/**
 * Whether the step of outputs ox0 … ox0+7 needs masked loads: a stored output's window reaches
 * column w, or its loads (up to column c0 + 19) would pass the 16 floats of slack (c0 + 4 > w).
 */
// @ts-ignore: decorator
@inline
function needsMask(ox0: i32, outW: i32, w: i32, padLeft: i32): bool {
  const nr = min(8, outW - ox0);
  return 2 * (ox0 + nr - 1) - padLeft + 2 >= w || ox0 * 2 - padLeft + 4 > w;
}

/**
 * A strip of 8 (groups = 2) or 4 (groups = 1) outputs from column c0, run down output rows
 * [oy0, oy1) of the plane, the first nr of each row stored (yt: the strip's column in output
 * row 0). Output row oy reads input rows 2·oy − padTop + 0 … 2; the last of them is row 0 of
 * output row oy + 1, so it is loaded and shuffled once for both (two row decodes per output
 * row instead of three): its kernel-row-0 sum starts the next row's accumulators (rows12).
 * `left`: c0 = −1, the first output's column −1 reads as 0.
 * Rows before oyWhole may store whole vectors whatever nr (the caller knows the lanes past nr
 * are stored again later). Those rows whose kernel row 2 lies in the image run in a loop of
 * their own, with no zero-row choice and no partial stores: 0.86–0.98× the time (relaxed,
 * simd, relu6; 576×14², 192×28², 144×56², 96×112², resident, `bench/ab-builds.mjs`, either
 * build first); with the first strip's rows of 8 and of fewer outputs in one call (.wasm
 * +2.9 KiB instead of +5.8) 0.83–1.04×, mostly 0.91–0.98. (Two output rows a step on top of
 * that: 1.00–1.07× its time.)
 */
// @ts-ignore: decorator
@inline
function column(
  act: bool, groups: i32, left: bool, carry: usize, plane: usize, h: i32, rowBytes: usize, zero: usize, padTop: i32, c0: i32,
  w00: v128, w01: v128, w02: v128, w10: v128, w11: v128, w12: v128, w20: v128, w21: v128, w22: v128, vbias: v128, vmin: v128, vmax: v128, yt: usize, ldy: usize, nr: i32, oy0: i32, oyWhole: i32, oy1: i32,
): void {
  const off = <usize>c0 << 2;
  let r = 2 * oy0 - padTop;
  const p = rowAt(plane, r, h, rowBytes, zero) + off;
  v128.store(carry, taps3(p, left, w00, w01, w02, vbias));
  if (groups > 1) v128.store(carry, taps3(p + 32, false, w00, w01, w02, vbias), 16);
  let yrow = yt + <usize>oy0 * ldy;
  const nlo = min(4, nr);
  // kernel row 1 always lies in the image (padding ≤ 1); row 2 only passes it on the plane's
  // last output row when padBottom = 1
  let p1 = plane + <usize>(r + 1) * rowBytes + off;
  let oy = oy0;
  // rows whose kernel row 2 lies in the image (r + 2 < h) and which may store whole vectors
  const oyFast = min(oyWhole, (h - 1 + padTop) >> 1);
  for (; oy < oyFast; oy++) {
    const p2 = p1 + rowBytes;
    rows12(act, p1, p2, left, w00, w01, w02, w10, w11, w12, w20, w21, w22, vbias, vmin, vmax, carry, yrow, 4);
    if (groups > 1 && nr > 4) rows12(act, p1 + 32, p2 + 32, false, w00, w01, w02, w10, w11, w12, w20, w21, w22, vbias, vmin, vmax, carry + 16, yrow + 16, 4);
    yrow += ldy;
    p1 += rowBytes << 1;
  }
  r += 2 * (oy - oy0);
  for (; oy < oy1; oy++) {
    const p2 = r + 2 < h ? p1 + rowBytes : zero + off;
    rows12(act, p1, p2, left, w00, w01, w02, w10, w11, w12, w20, w21, w22, vbias, vmin, vmax, carry, yrow, nlo);
    if (groups > 1 && nr > 4) rows12(act, p1 + 32, p2 + 32, false, w00, w01, w02, w10, w11, w12, w20, w21, w22, vbias, vmin, vmax, carry + 16, yrow + 16, nr - 4);
    yrow += ldy;
    p1 += rowBytes << 1;
    r += 2;
  }
}

/**
 * Kernel rows 1 and 2 of 4 outputs (input rows at p1, p2) added to their kernel-row-0 sum at
 * `carry`, the first n stored at yt. Each row's three taps are a chain of their own, added last:
 * an output's dependent chain is two adds after the carry instead of six multiply-adds (relaxed,
 * resident, same-process A/B against the single chain: 0.96–0.99× the time on 96×112², 144×56²
 * and 32×112²; simd 0.97–0.99×; same bits on integer data, a different rounding order otherwise,
 * within the dot-product bound). The next output row's kernel-row-0 sum (row p2, from the
 * bias) goes to `carry`. Through memory, not a value carried by the loop: V8 computed such a
 * value only where the next iteration used it, keeping row p2's shuffled vectors live across
 * the back edge (spilled); a store has to come first.
 * The carry is loaded last, as the last operand of (r1 + r2) + carry: as the first, in
 * (carry + r1) + r2, V8 loaded it at the top of the iteration — right after the previous row
 * stored it — and spilled it to the stack until its use; loaded last it took 0.88–0.96× the
 * time (relaxed, resident: 96×112², 144×56², 192×28², 32×112², `bench/ab-builds.mjs`, either
 * build first; 576×14² 0.97–1.03; simd + relu6 0.96–1.0). Loaded between r1 and r2 it was as
 * slow as first. (The old order with the load last — the new sum stored first into a second
 * slot — ran 0.98–1.04× this one's time.)
 */
// @ts-ignore: decorator
@inline
function rows12(
  act: bool, p1: usize, p2: usize, left: bool, w00: v128, w01: v128, w02: v128, w10: v128, w11: v128, w12: v128, w20: v128, w21: v128, w22: v128, vbias: v128, vmin: v128, vmax: v128, carry: usize, yt: usize, n: i32,
): void {
  const r1 = taps3(p1, left, w10, w11, w12, vbias, false);
  const r2 = taps3(p2, left, w20, w21, w22, vbias, false);
  const acc = f32x4.add(f32x4.add(r1, r2), v128.load(carry));
  // row p2 again for the next row: the same loads and shuffles, which V8 does only once
  v128.store(carry, taps3(p2, left, w00, w01, w02, vbias));
  storeLanes(yt, clampIf(act, acc, vmin, vmax), n);
}

/** The strip of outputs ox0 … ox0+7 over output rows [oy0, oy1), one row at a time (edgeStep). */
function edgeStrip(
  act: bool, plane: usize, h: i32, rowBytes: usize, zero: usize, padTop: i32, rows: usize, masks: usize, w: i32, padLeft: i32,
  wk: usize, vbias: v128, vmin: v128, vmax: v128, yc: usize, ldy: usize, ox0: i32, outW: i32, oy0: i32, oy1: i32,
): void {
  for (let oy = oy0; oy < oy1; oy++) {
    // input rows 2·oy − padTop + 0 … 2 (the zero row outside the image)
    const iy = oy * 2 - padTop;
    for (let j = 0; j < 3; j++) store<u32>(rows + (<usize>j << 2), <u32>rowAt(plane, iy + j, h, rowBytes, zero));
    edgeStep(act, rows, masks, w, padLeft, wk, vbias, vmin, vmax, yc + <usize>oy * ldy, ox0, outW);
  }
}

/**
 * One output row's step of outputs ox0 … ox0+7 (input rows at rows[0 … 2]) in whichever form
 * its columns need: masked (needsMask), `left` when it starts at column −1, else plain.
 */
// @ts-ignore: decorator
@inline
function edgeStep(
  act: bool, rows: usize, masks: usize, w: i32, padLeft: i32, wk: usize, vbias: v128, vmin: v128, vmax: v128,
  yrow: usize, ox0: i32, outW: i32,
): void {
  const c0 = ox0 * 2 - padLeft;
  const yt = yrow + (<usize>ox0 << 2);
  const nr = min(8, outW - ox0);
  // lanes of outputs past outW read whatever lies there and are dropped; only the stored
  // outputs' columns matter: column −1 in the first step (padLeft = 1), column w in the last
  // (padRight = 1, when 2·(outW − 1) − padLeft + 2 = w)
  if (needsMask(ox0, outW, w, padLeft)) {
    setMasks(masks, c0, w);
    step1(act, rows, c0, wk, vbias, vmin, vmax, yt, nr, true, false, masks);
  } else if (c0 < 0) {
    step1(act, rows, c0, wk, vbias, vmin, vmax, yt, nr, false, true, 0);
  } else {
    step1(act, rows, c0, wk, vbias, vmin, vmax, yt, nr, false, false, 0);
  }
}

/** lanes of x[c], x[c+2], x[c+4], x[c+6] with p = &x[c] */
// @ts-ignore: decorator
@inline
function even4(p: usize): v128 {
  return v128.shuffle<f32>(v128.load(p), v128.load(p, 16), 0, 2, 4, 6);
}

/**
 * acc + w0·x[c+2j] + w1·x[c+2j+1] + w2·x[c+2j+2] for j = 0 … 3, p = &x[c]: three loads give
 * columns c … c+11, shuffles the even, odd and shifted-even lanes (one set of loads for the three
 * taps of a row); `left`: column c (= −1) reads as 0. `addAcc` false: the sum starts from the
 * first product and acc is not read.
 */
// @ts-ignore: decorator
@inline
function taps3(p: usize, left: bool, vw0: v128, vw1: v128, vw2: v128, acc: v128, addAcc: bool = true): v128 {
  const l0 = v128.load(p);
  const l4 = v128.load(p, 16);
  const l8 = v128.load(p, 32);
  let e = v128.shuffle<f32>(l0, l4, 0, 2, 4, 6);
  const o = v128.shuffle<f32>(l0, l4, 1, 3, 5, 7);
  const n = v128.shuffle<f32>(e, l8, 1, 2, 3, 4);
  if (left) e = f32x4.replace_lane(e, 0, 0);
  if (!addAcc) return fma(n, vw2, fma(o, vw1, f32x4.mul(e, vw0)));
  return fma3(e, o, n, vw0, vw1, vw2, acc);
}

/** acc + w0·e + w1·o + w2·n, in that order */
// @ts-ignore: decorator
@inline
function fma3(e: v128, o: v128, n: v128, vw0: v128, vw1: v128, vw2: v128, acc: v128): v128 {
  return fma(n, vw2, fma(o, vw1, fma(e, vw0, acc)));
}

/**
 * One output row (input rows at rows[0 … 2]), 8 outputs from column c0, stored at yt; `masked`:
 * lanes whose column lies outside the input read as 0 (masks from setMasks); `left`: c0 = −1, its lane 0 of the kx = 0 taps reads as 0.
 */
// @ts-ignore: decorator
@inline
function step1(
  act: bool, rows: usize, c0: i32, wk: usize, vbias: v128, vmin: v128, vmax: v128, yt: usize, nr: i32, masked: bool, left: bool,
  masks: usize,
): void {
  let vacc0123 = vbias;
  let vacc4567 = vbias;
  const off = <usize>c0 << 2;
  for (let ky: usize = 0; ky < 3; ky++) {
    const p = <usize>load<u32>(rows + (ky << 2)) + off;
    const wr = wk + ky * 12;
    for (let kx: usize = 0; kx < 3; kx++) {
      const vw = v128.load32_splat(wr + (kx << 2));
      const q = p + (kx << 2);
      let vx0123 = even4(q);
      let vx4567 = even4(q + 32);
      if (masked) {
        vx0123 = v128.and(vx0123, v128.load(masks + (kx << 5)));
        vx4567 = v128.and(vx4567, v128.load(masks + (kx << 5), 16));
      } else if (left && kx == 0) {
        vx0123 = f32x4.replace_lane(vx0123, 0, 0);
      }
      vacc0123 = fma(vx0123, vw, vacc0123);
      vacc4567 = fma(vx4567, vw, vacc4567);
    }
  }
  storeLanes8(yt, clampIf(act, vacc0123, vmin, vmax), clampIf(act, vacc4567, vmin, vmax), nr);
}

/** masks[kx][g]: lane j all ones where column c0 + kx + 8g + 2j lies in [0, w), else zero. */
function setMasks(masks: usize, c0: i32, w: i32): void {
  const vw = i32x4.splat(w);
  const vzero = i32x4.splat(0);
  for (let kx = 0; kx < 3; kx++) {
    for (let g = 0; g < 2; g++) {
      const c = c0 + kx + 8 * g;
      const vcol = i32x4.add(i32x4.splat(c), i32x4(0, 2, 4, 6));
      const m = v128.and(i32x4.ge_s(vcol, vzero), i32x4.lt_s(vcol, vw));
      v128.store(masks + (<usize>(kx * 2 + g) << 4), m);
    }
  }
}
