/**
 * f32_dwconv_3x3s2: depthwise 3×3 convolution, stride 2, dilation 1, padding 0 or 1 on each side
 * (groups = C, channel multiplier `mult`), straight from the unpadded NCHW input. The generic
 * kernel first copies the image into a padded, column-phase-split layout; at stride 2 that copy
 * cost as much as the convolution itself (96×112² → 56², relaxed: copy 0.25 ms + kernel 0.22 ms).
 *
 * Tap (ky, kx) of outputs ox0 … ox0+7 reads input columns c0 + kx + 2j (c0 = 2·ox0 − padLeft,
 * j = 0 … 7). Two output rows a step (4 accumulators), the kernel rows ky a runtime loop: per row
 * and 4 outputs three loads give columns c0 … c0+11, shuffled into the even, odd and shifted-even
 * lanes of the row's three taps (taps3), summed in (ky, kx) order from the bias, as the reference
 * does. (Two loads and a shuffle per tap instead: 20 % slower, 0.163 vs 0.13 ms on 144×56².)
 * Steps whose columns all lie in the input run in a loop of their own (step2 with input row 2,
 * shared by the two output rows, decoded once); the rest go through edgeStep. With every step form
 * in one loop body V8 spilled: splitting them and sharing the row took 96×112² from 0.275 to
 * 0.237 ms and 144×56² from 0.122 to 0.113 (relaxed, resident, no activation).
 * Input rows above or below the image read a zero row. Lanes of outputs past outW read whatever
 * lies there and are dropped; of the stored outputs' columns only −1 (the first step, padLeft = 1:
 * one lane replaced by 0) and w (the last step when padRight = 1 reaches it: masks, one output
 * row at a time) can lie outside the input. Two-row steps load up to column c0 + 19, and take the
 * masked path instead when that is more than 15 columns past the input's last (c0 + 4 > w), so
 * every load stays within the heap's 16 floats of slack after the input, or the zero row's tail.
 *
 * 5×5 at stride 2 stays on the generic kernel: read in place (then with two loads and a shuffle
 * per tap and vector) it was slower than the padded copy amortised over 25 taps (144×56² → 28²,
 * relaxed: 0.52 vs 0.42 ms).
 *
 * `buf`: this call's scratch (f32_dwconv_3x3s2_scratch(w) floats), set up here.
 * Only output channels [ocBegin, ocEnd) are computed (threads split here).
 */
import { fma, clampIf, hasActivation, storeLanes8 } from '../simd';

/** zero row tail past w, the row-pointer table (5 × u32), the masks (6 × v128), in floats */
const ZERO_TAIL: i32 = 24;
const ROWS_FLOATS: i32 = 8;
const MASK_FLOATS: i32 = 24;

/** Floats of scratch f32_dwconv_3x3s2 needs for an input of width w. */
export function f32_dwconv_3x3s2_scratch(w: i32): i32 {
  return w + ZERO_TAIL + ROWS_FLOATS + MASK_FLOATS;
}

export function f32_dwconv_3x3s2(
  x: usize, h: i32, w: i32, padTop: i32, padLeft: i32, buf: usize,
  weight: usize, bias: usize, mult: i32, outH: i32, outW: i32, y: usize, actMin: f32, actMax: f32,
  ocBegin: i32, ocEnd: i32,
): void {
  if (hasActivation(actMin, actMax)) {
    dwconv3x3s2(true, x, h, w, padTop, padLeft, buf, weight, bias, mult, outH, outW, y, actMin, actMax, ocBegin, ocEnd);
  } else {
    dwconv3x3s2(false, x, h, w, padTop, padLeft, buf, weight, bias, mult, outH, outW, y, actMin, actMax, ocBegin, ocEnd);
  }
}

// @ts-ignore: decorator
@inline
function dwconv3x3s2(
  act: bool, x: usize, h: i32, w: i32, padTop: i32, padLeft: i32, buf: usize,
  weight: usize, bias: usize, mult: i32, outH: i32, outW: i32, y: usize, actMin: f32, actMax: f32,
  ocBegin: i32, ocEnd: i32,
): void {
  const masks = buf;
  const rows = masks + (<usize>MASK_FLOATS << 2);
  const zero = rows + (<usize>ROWS_FLOATS << 2);
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
    const vbias = f32x4.splat(bias != 0 ? load<f32>(bias + (<usize>oc << 2)) : 0);
    for (let oy = 0; oy < outH; oy += 2) {
      // input rows 2·oy − padTop + 0 … 4 (the zero row outside the image)
      const iy = oy * 2 - padTop;
      for (let j = 0; j < 5; j++) {
        const r = iy + j;
        store<u32>(rows + (<usize>j << 2), <u32>(r >= 0 && r < h ? plane + <usize>r * rowBytes : zero));
      }
      const two = oy + 1 < outH;
      const yrow = yc + <usize>oy * ldy;
      // the two-row steps whose columns all lie in the input get a loop of their own (one step
      // form in the loop body: V8 spilled with all five inlined in one); the first step when
      // padLeft = 1, the last ones and a lone last row go through edgeStep
      let ox0 = 0;
      if (two) {
        if (padLeft > 0) {
          edgeStep(act, rows, masks, w, padLeft, wk, vbias, vmin, vmax, yrow, ldy, 0, outW, true);
          ox0 = 8;
        }
        for (; ox0 + 8 <= outW && 2 * ox0 + 16 - padLeft < w; ox0 += 8) {
          step2(act, 2, rows, 2 * ox0 - padLeft, wk, vbias, vmin, vmax, yrow + (<usize>ox0 << 2), ldy, 8, false);
        }
        // a 4-output step where 4 of the row's outputs remain (56 → 28: every row's last step)
        if (ox0 + 4 <= outW && 2 * ox0 + 8 - padLeft < w) {
          step2(act, 1, rows, 2 * ox0 - padLeft, wk, vbias, vmin, vmax, yrow + (<usize>ox0 << 2), ldy, 4, false);
          ox0 += 4;
        }
      }
      for (; ox0 < outW; ox0 += 8) edgeStep(act, rows, masks, w, padLeft, wk, vbias, vmin, vmax, yrow, ldy, ox0, outW, two);
    }
    yc += outPlane;
  }
}

/**
 * The step of outputs ox0 … ox0+7 (one or two rows) in whichever form its columns need: masked
 * when a stored output's window reaches column w or a two-row step's loads would pass the slack
 * (c0 + 4 > w), `left` when it starts at column −1, else plain.
 */
// @ts-ignore: decorator
@inline
function edgeStep(
  act: bool, rows: usize, masks: usize, w: i32, padLeft: i32, wk: usize, vbias: v128, vmin: v128, vmax: v128,
  yrow: usize, ldy: usize, ox0: i32, outW: i32, two: bool,
): void {
  const c0 = ox0 * 2 - padLeft;
  const yt = yrow + (<usize>ox0 << 2);
  const nr = min(8, outW - ox0);
  // lanes of outputs past outW read whatever lies there and are dropped; only the stored
  // outputs' columns matter: column −1 in the first step (padLeft = 1), column w in the last
  // (padRight = 1, when 2·(outW − 1) − padLeft + 2 = w)
  if (2 * (ox0 + nr - 1) - padLeft + 2 >= w || c0 + 4 > w) {
    setMasks(masks, c0, w);
    step1(act, rows, c0, wk, vbias, vmin, vmax, yt, nr, true, false, masks);
    if (two) step1(act, rows + 8, c0, wk, vbias, vmin, vmax, yt + ldy, nr, true, false, masks);
  } else if (c0 < 0) {
    if (two) step2(act, 2, rows, c0, wk, vbias, vmin, vmax, yt, ldy, nr, true);
    else step1(act, rows, c0, wk, vbias, vmin, vmax, yt, nr, false, true, 0);
  } else {
    if (two) step2(act, 2, rows, c0, wk, vbias, vmin, vmax, yt, ldy, nr, false);
    else step1(act, rows, c0, wk, vbias, vmin, vmax, yt, nr, false, false, 0);
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
 * taps of a row); `left`: column c (= −1) reads as 0.
 */
// @ts-ignore: decorator
@inline
function taps3(p: usize, left: bool, vw0: v128, vw1: v128, vw2: v128, acc: v128): v128 {
  const l0 = v128.load(p);
  const l4 = v128.load(p, 16);
  const l8 = v128.load(p, 32);
  let e = v128.shuffle<f32>(l0, l4, 0, 2, 4, 6);
  const o = v128.shuffle<f32>(l0, l4, 1, 3, 5, 7);
  const n = v128.shuffle<f32>(e, l8, 1, 2, 3, 4);
  if (left) e = f32x4.replace_lane(e, 0, 0);
  return fma3(e, o, n, vw0, vw1, vw2, acc);
}

/** acc + w0·e + w1·o + w2·n, in that order */
// @ts-ignore: decorator
@inline
function fma3(e: v128, o: v128, n: v128, vw0: v128, vw1: v128, vw2: v128, acc: v128): v128 {
  return fma(n, vw2, fma(o, vw1, fma(e, vw0, acc)));
}

/**
 * Two output rows (input rows at rows[0 … 4]), 8 (groups = 2) or 4 (groups = 1) outputs from
 * column c0, the first nr stored at yt and yt + ldy. Input row 2 — kernel row 2 of output row 0
 * and row 0 of output row 1 — is loaded and shuffled once for both: 5 row decodes instead of 6;
 * each output still sums its taps in (ky, kx) order. `left`: c0 = −1, the first output's column
 * −1 reads as 0.
 */
// @ts-ignore: decorator
@inline
function step2(
  act: bool, groups: i32, rows: usize, c0: i32, wk: usize, vbias: v128, vmin: v128, vmax: v128, yt: usize, ldy: usize,
  nr: i32, left: bool,
): void {
  let vacc0x0123 = vbias;
  let vacc0x4567 = vbias;
  let vacc1x0123 = vbias;
  let vacc1x4567 = vbias;
  const off = <usize>c0 << 2;
  for (let ky: usize = 0; ky < 2; ky++) {
    const p = <usize>load<u32>(rows + (ky << 2)) + off;
    const wr = wk + ky * 12;
    const vw0 = v128.load32_splat(wr);
    const vw1 = v128.load32_splat(wr, 4);
    const vw2 = v128.load32_splat(wr, 8);
    vacc0x0123 = taps3(p, left, vw0, vw1, vw2, vacc0x0123);
    if (groups > 1) vacc0x4567 = taps3(p + 32, false, vw0, vw1, vw2, vacc0x4567);
  }
  {
    const p = <usize>load<u32>(rows, 8) + off;
    const va0 = v128.load32_splat(wk, 24);
    const va1 = v128.load32_splat(wk, 28);
    const va2 = v128.load32_splat(wk, 32);
    const vb0 = v128.load32_splat(wk);
    const vb1 = v128.load32_splat(wk, 4);
    const vb2 = v128.load32_splat(wk, 8);
    for (let g: usize = 0; g < <usize>groups; g++) {
      const q = p + (g << 5);
      const l0 = v128.load(q);
      const l4 = v128.load(q, 16);
      const l8 = v128.load(q, 32);
      let e = v128.shuffle<f32>(l0, l4, 0, 2, 4, 6);
      const o = v128.shuffle<f32>(l0, l4, 1, 3, 5, 7);
      const n = v128.shuffle<f32>(e, l8, 1, 2, 3, 4);
      if (left && g == 0) e = f32x4.replace_lane(e, 0, 0);
      if (g == 0) {
        vacc0x0123 = fma3(e, o, n, va0, va1, va2, vacc0x0123);
        vacc1x0123 = fma3(e, o, n, vb0, vb1, vb2, vacc1x0123);
      } else {
        vacc0x4567 = fma3(e, o, n, va0, va1, va2, vacc0x4567);
        vacc1x4567 = fma3(e, o, n, vb0, vb1, vb2, vacc1x4567);
      }
    }
  }
  for (let ky: usize = 1; ky < 3; ky++) {
    const p = <usize>load<u32>(rows + (ky << 2), 8) + off;
    const wr = wk + ky * 12;
    const vw0 = v128.load32_splat(wr);
    const vw1 = v128.load32_splat(wr, 4);
    const vw2 = v128.load32_splat(wr, 8);
    vacc1x0123 = taps3(p, left, vw0, vw1, vw2, vacc1x0123);
    if (groups > 1) vacc1x4567 = taps3(p + 32, false, vw0, vw1, vw2, vacc1x4567);
  }
  storeLanes8(yt, clampIf(act, vacc0x0123, vmin, vmax), clampIf(act, vacc0x4567, vmin, vmax), nr);
  storeLanes8(yt + ldy, clampIf(act, vacc1x0123, vmin, vmax), clampIf(act, vacc1x4567, vmin, vmax), nr);
}

/**
 * One output row (input rows at rows[0 … 2]), 8 outputs from column c0, stored at yt; `masked`:
 * lanes whose column lies outside the input read as 0 (masks from setMasks); `left`: c0 = −1, as in step2.
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
