/**
 * The transforms of f32_conv2d_winograd_2x2_3x3 at stride 2 (its driver, in
 * f32-conv2d-winograd-2x2-3x3.ts, runs the GEMMs): 3×3 convolution, stride 2, dilation 1, one group, as four
 * polyphase parts, each by Winograd's F(2, 2) where it has two taps along an axis. With
 * E / O the even / odd input rows (or columns) of a 2×2 output tile's 5×5 patch, output
 * (a, b) = Σ over kernel rows {0, 2} ("E") and {1} ("O") × the same for columns:
 *   EE  taps (0,0) (0,2) (2,0) (2,2): F(2×2, 2×2) on the 3×3 E×E patch, 9 products (ξ = 3i + j)
 *   EO  taps (0,1) (2,1): F(2, 2) down the 3 E rows, per odd column b: 3 × 2 (ξ = 9 + i)
 *   OE  taps (1,0) (1,2): F(2, 2) along the 3 E columns, per odd row a: 3 × 2 (ξ = 12 + j)
 *   OO  tap (1,1): 4 products (ξ = 15)
 * 25 multiplications per tile and input channel instead of 36, in 16 GEMMs M[ξ] = U[ξ]·V[ξ]
 * (U from pack_f32_winograd_2x2_3x3 with stride 2). F(2, 2): B^T = [[1, −1, 0], [0, 1, 0], [0, −1, 1]],
 * G = [[1, 0], [1, 1], [0, 1]], A^T = [[1, 1, 0], [0, 1, 1]] — integers, so the result is exact
 * on small-integer data; on other data the summation differs from the textbook loop's
 * (DESIGN.md, "Exactness": bounded tier).
 *
 *   xp          padded input, rows rowStride floats apart (planes planeStride), covering rows
 *               0 … 4·tH and columns 0 … 4·⌈tW/4⌉·4 + 3 (a step reads 20 columns for 4 tiles)
 *   v, m        workspace for rb tile rows: V (25 × C × ld floats) and M (25 × Cout × ld floats),
 *               ld = the block's tile count rounded up to 4, plus 8; tmp: 400 bytes
 *   other arguments as at stride 1
 *
 * Columns of V and M per ξ: EE one per tile (t), EO 2t + b, OE 2t + a, OO 4t + 2a + b — the
 * EO part of a product is then already in output-row order.
 */
import { clampIf, storeLanes8 } from '../simd';

/** Columns of V and M per tile of ξ's block, and where the block starts in units of (rows × ld) floats. */
// @ts-ignore: decorator
@inline
export function s2Width(xi: i32): i32 {
  return xi < 9 ? 1 : xi < 15 ? 2 : 4;
}
// @ts-ignore: decorator
@inline
export function s2Start(xi: i32): i32 {
  return xi < 9 ? xi : xi < 15 ? 2 * xi - 9 : 21;
}

/**
 * Patch columns 0 … 4 of 4 tiles (lanes) of the row at p (tile t's patch starts at p + 16t),
 * then B^T along the row: stores the E part (c0 − c2, c2, c4 − c2) and the O columns (c1, c3).
 */
// @ts-ignore: decorator
@inline
function patchRow(p: usize, out: usize): void {
  const l0 = v128.load(p);
  const l1 = v128.load(p, 16);
  const l2 = v128.load(p, 32);
  const l3 = v128.load(p, 48);
  const l4 = v128.load(p, 64);
  const t0 = v128.shuffle<f32>(l0, l1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(l2, l3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(l0, l1, 2, 6, 3, 7);
  const t3 = v128.shuffle<f32>(l2, l3, 2, 6, 3, 7);
  const c0 = v128.shuffle<f32>(t0, t1, 0, 1, 4, 5);
  const c1 = v128.shuffle<f32>(t0, t1, 2, 3, 6, 7);
  const c2 = v128.shuffle<f32>(t2, t3, 0, 1, 4, 5);
  const c3 = v128.shuffle<f32>(t2, t3, 2, 3, 6, 7);
  const c4 = v128.shuffle<f32>(c0, l4, 1, 2, 3, 4);
  v128.store(out, f32x4.sub(c0, c2));
  v128.store(out, c2, 16);
  v128.store(out, f32x4.sub(c4, c2), 32);
  v128.store(out, c1, 48);
  v128.store(out, c3, 64);
}

/** (lo, hi) lanes interleaved: p ← a0 b0 a1 b1 a2 b2 a3 b3 */
// @ts-ignore: decorator
@inline
function storePairs(p: usize, a: v128, b: v128): void {
  v128.store(p, v128.shuffle<f32>(a, b, 0, 4, 1, 5));
  v128.store(p, v128.shuffle<f32>(a, b, 2, 6, 3, 7), 16);
}

/**
 * V for the tiles of rows [r0, r0 + rows), 4 tiles a step (a row's last step stores 4 lanes
 * anyway: the extra ones land in the next row's columns, overwritten after, or in ld's padding).
 * tmp holds the 5 patch rows after B^T along them: 5 vectors each (E part j = 0 … 2, O columns).
 */
export function inputTransformS2(
  xp: usize, c: i32, rowStride: i32, planeStride: i32, tW: i32, r0: i32, rows: i32, v: usize, ld: i32, t: usize,
): void {
  const rowBytes = <usize>rowStride << 2;
  const ldBytes = <usize>ld << 2;
  const cl = <usize>c * ldBytes; // one ξ block of width 1
  const eo = v + 9 * cl;
  const oe = v + 15 * cl;
  const oo = v + 21 * cl;
  for (let ci = 0; ci < c; ci++) {
    const plane = xp + <usize>ci * (<usize>planeStride << 2);
    const row1 = <usize>ci * ldBytes;
    for (let ty = r0; ty < r0 + rows; ty++) {
      const prow = plane + <usize>(4 * ty) * rowBytes;
      for (let tx0 = 0; tx0 < tW; tx0 += 4) {
        const p = prow + (<usize>tx0 << 4);
        for (let r: usize = 0; r < 5; r++) patchRow(p + r * rowBytes, t + r * 80);
        const col = <usize>((ty - r0) * tW + tx0) << 2; // byte offset of lane 0's tile, width 1
        // B^T down the columns of the E part: rows (R0 − R2, R2, R4 − R2); O rows R1, R3
        for (let j: usize = 0; j < 3; j++) {
          const e0 = v128.load(t + (j << 4));
          const o0 = v128.load(t + (j << 4), 80);
          const e1 = v128.load(t + (j << 4), 160);
          const o1 = v128.load(t + (j << 4), 240);
          const e2 = v128.load(t + (j << 4), 320);
          const dst = v + row1 + col;
          v128.store(dst + j * cl, f32x4.sub(e0, e1));
          v128.store(dst + (3 + j) * cl, e1);
          v128.store(dst + (6 + j) * cl, f32x4.sub(e2, e1));
          storePairs(oe + 2 * (j * cl + row1 + col), o0, o1);
        }
        // EO: the two odd columns (b) of each transformed E row, interleaved per tile
        {
          const e00 = v128.load(t, 48), e01 = v128.load(t, 64);
          const e10 = v128.load(t, 208), e11 = v128.load(t, 224);
          const e20 = v128.load(t, 368), e21 = v128.load(t, 384);
          const dst = eo + 2 * (row1 + col);
          storePairs(dst, f32x4.sub(e00, e10), f32x4.sub(e01, e11));
          storePairs(dst + 2 * cl, e10, e11);
          storePairs(dst + 4 * cl, f32x4.sub(e20, e10), f32x4.sub(e21, e11));
        }
        // OO: per tile (a0b0, a0b1, a1b0, a1b1) — a 4×4 transpose of R1[3], R1[4], R3[3], R3[4]
        {
          const q0 = v128.load(t, 128), q1 = v128.load(t, 144);
          const q2 = v128.load(t, 288), q3 = v128.load(t, 304);
          const u0 = v128.shuffle<f32>(q0, q1, 0, 4, 1, 5);
          const u1 = v128.shuffle<f32>(q2, q3, 0, 4, 1, 5);
          const u2 = v128.shuffle<f32>(q0, q1, 2, 6, 3, 7);
          const u3 = v128.shuffle<f32>(q2, q3, 2, 6, 3, 7);
          const dst = oo + 4 * (row1 + col);
          v128.store(dst, v128.shuffle<f32>(u0, u1, 0, 1, 4, 5));
          v128.store(dst, v128.shuffle<f32>(u0, u1, 2, 3, 6, 7), 16);
          v128.store(dst, v128.shuffle<f32>(u2, u3, 0, 1, 4, 5), 32);
          v128.store(dst, v128.shuffle<f32>(u2, u3, 2, 3, 6, 7), 48);
        }
      }
    }
  }
}

/**
 * y = the four parts' A^T transforms summed, + bias, clamped, for the tiles of rows
 * [r0, r0 + rows), 4 tiles (8 output columns) a step.
 */
export function outputTransformS2(
  m: usize, k: i32, k0: i32, k1: i32, ld: i32, tW: i32, r0: i32, rows: i32, bias: usize, outH: i32, outW: i32,
  y: usize, vmin: v128, vmax: v128, act: bool,
): void {
  if (act) outputTiles(true, m, k, k0, k1, ld, tW, r0, rows, bias, outH, outW, y, vmin, vmax);
  else outputTiles(false, m, k, k0, k1, ld, tW, r0, rows, bias, outH, outW, y, vmin, vmax);
}

// @ts-ignore: decorator
@inline
function outputTiles(
  act: bool, m: usize, k: i32, k0: i32, k1: i32, ld: i32, tW: i32, r0: i32, rows: i32, bias: usize, outH: i32, outW: i32,
  y: usize, vmin: v128, vmax: v128,
): void {
  const ldBytes = <usize>ld << 2;
  const kl = <usize>k * ldBytes; // one ξ block of width 1
  const outRow = <usize>outW << 2;
  const outPlane = <usize>(outH * outW) << 2;
  for (let kk = k0; kk < k1; kk++) {
    const vb = f32x4.splat(bias != 0 ? load<f32>(bias + (<usize>kk << 2)) : 0);
    const row1 = <usize>kk * ldBytes;
    const yc = y + <usize>kk * outPlane;
    for (let ty = r0; ty < r0 + rows; ty++) {
      const oy = 2 * ty;
      const y0 = yc + <usize>oy * outRow;
      const second = oy + 1 < outH;
      for (let tx0 = 0; tx0 < tW; tx0 += 4) {
        const col = <usize>((ty - r0) * tW + tx0) << 2;
        const ee = m + row1 + col;
        // EE: A^T down (s_a,j), then across: e_ab, lanes = tiles
        let s00: v128, s01: v128, s02: v128, s10: v128, s11: v128, s12: v128;
        {
          const a = v128.load(ee), b = v128.load(ee + 3 * kl), cc = v128.load(ee + 6 * kl);
          s00 = f32x4.add(a, b);
          s10 = f32x4.add(b, cc);
        }
        {
          const a = v128.load(ee + kl), b = v128.load(ee + 4 * kl), cc = v128.load(ee + 7 * kl);
          s01 = f32x4.add(a, b);
          s11 = f32x4.add(b, cc);
        }
        {
          const a = v128.load(ee + 2 * kl), b = v128.load(ee + 5 * kl), cc = v128.load(ee + 8 * kl);
          s02 = f32x4.add(a, b);
          s12 = f32x4.add(b, cc);
        }
        // OE (columns 2t + a): A^T across its 3 ξ, q_b lanes = (t, a) pairs
        const oe = m + 15 * kl + 2 * (row1 + col);
        const oe0 = v128.load(oe), oe1 = v128.load(oe + 2 * kl), oe2 = v128.load(oe + 4 * kl);
        const oe0h = v128.load(oe, 16), oe1h = v128.load(oe + 2 * kl, 16), oe2h = v128.load(oe + 4 * kl, 16);
        const q0 = f32x4.add(oe0, oe1), q1 = f32x4.add(oe1, oe2);
        const q0h = f32x4.add(oe0h, oe1h), q1h = f32x4.add(oe1h, oe2h);
        // EO (columns 2t + b, output-row order): A^T down its 3 ξ
        const eo = m + 9 * kl + 2 * (row1 + col);
        // OO (columns 4t + 2a + b)
        const oo = m + 21 * kl + 4 * (row1 + col);
        const oo0 = v128.load(oo), oo1 = v128.load(oo, 16), oo2 = v128.load(oo, 32), oo3 = v128.load(oo, 48);
        const n = min(8, outW - 2 * tx0);
        const dst = y0 + (<usize>tx0 << 3);
        {
          const e0 = f32x4.add(s00, s01), e1 = f32x4.add(s01, s02);
          const eo0 = v128.load(eo), eo1 = v128.load(eo + 2 * kl);
          const eo0h = v128.load(eo, 16), eo1h = v128.load(eo + 2 * kl, 16);
          let lo = f32x4.add(v128.shuffle<f32>(e0, e1, 0, 4, 1, 5), f32x4.add(eo0, eo1));
          let hi = f32x4.add(v128.shuffle<f32>(e0, e1, 2, 6, 3, 7), f32x4.add(eo0h, eo1h));
          lo = f32x4.add(lo, v128.shuffle<f32>(q0, q1, 0, 4, 2, 6));
          hi = f32x4.add(hi, v128.shuffle<f32>(q0h, q1h, 0, 4, 2, 6));
          lo = f32x4.add(lo, v128.shuffle<f32>(oo0, oo1, 0, 1, 4, 5));
          hi = f32x4.add(hi, v128.shuffle<f32>(oo2, oo3, 0, 1, 4, 5));
          storeLanes8(dst, clampIf(act, f32x4.add(lo, vb), vmin, vmax), clampIf(act, f32x4.add(hi, vb), vmin, vmax), n);
        }
        if (second) {
          const e0 = f32x4.add(s10, s11), e1 = f32x4.add(s11, s12);
          const eo1 = v128.load(eo + 2 * kl), eo2 = v128.load(eo + 4 * kl);
          const eo1h = v128.load(eo + 2 * kl, 16), eo2h = v128.load(eo + 4 * kl, 16);
          let lo = f32x4.add(v128.shuffle<f32>(e0, e1, 0, 4, 1, 5), f32x4.add(eo1, eo2));
          let hi = f32x4.add(v128.shuffle<f32>(e0, e1, 2, 6, 3, 7), f32x4.add(eo1h, eo2h));
          lo = f32x4.add(lo, v128.shuffle<f32>(q0, q1, 1, 5, 3, 7));
          hi = f32x4.add(hi, v128.shuffle<f32>(q0h, q1h, 1, 5, 3, 7));
          lo = f32x4.add(lo, v128.shuffle<f32>(oo0, oo1, 2, 3, 6, 7));
          hi = f32x4.add(hi, v128.shuffle<f32>(oo2, oo3, 2, 3, 6, 7));
          storeLanes8(dst + outRow, clampIf(act, f32x4.add(lo, vb), vmin, vmax), clampIf(act, f32x4.add(hi, vb), vmin, vmax), n);
        }
      }
    }
  }
}
