/**
 * f32_conv2d_winograd_2x2_3x3: 3×3 convolution, one group, by Winograd's algorithms.
 * - stride 1: F(2×2, 3×3): each 2×2 output tile is A^T [ Σ_c (G g G^T) ⊙ (B^T d B) ] A, with d
 *   the tile's 4×4 input patch — 16 multiplications per tile and input channel instead of 36. A
 *   dilated 3×3 convolution is dH·dW of these, one per output phase, each on the input rows and
 *   columns of its phase (the bindings pass the phase's rows rowStride apart; f32_scatter_phase
 *   places its output).
 * - stride 2 (dilation 1): the polyphase form, 25 multiplications instead of 36; its transforms
 *   and workspace layout are in f32-conv2d-winograd-2x2-3x3s2.ts, and U comes from
 *   pack_f32_winograd_2x2_3x3 with stride 2. The arguments below are those of stride 1.
 *
 *   xp           padded input (f32_pad_phase with sW = 1; rows rowStride floats apart, planes
 *                planeStride), covering rows 0 … 2·tH + 1 and columns 0 … 2·tW + 1 of every tile
 *                patch, plus 12 floats of slack after each row's last patch column
 *   packed       U = G g G^T per ξ = 4i + j (16 matrices Cout × C), each packed by
 *                pack_f32_gemm_oihw with a zero bias, xiBytes apart
 *   v, m         workspace for rb tile rows: V (16 × C × ld floats) and M (16 × Cout × ld floats),
 *                ld = the block's tile count rounded up to 4, plus 8; tmp: 256 bytes (400 at stride 2)
 *   bias         Cout floats or 0; clamp to [actMin, actMax]
 *   ty0, ty1     tile rows [ty0, ty1) to compute, rb at a time; k0, k1: output channels [k0, k1)
 *                (k0 a multiple of 4) — threads split one or the other
 *
 * Per block of tile rows: the input transform V[ξ][c][t] = (B^T d B)[ξ] (4 tiles of a row at a
 * time, SIMD across tiles, the patch columns deinterleaved with shuffles), the 16 GEMMs
 * M[ξ] = U[ξ] · V[ξ] with the 4×8 microkernel, then the output transform + bias + clamp.
 * Exact on small-integer data (U holds multiples of 1/4 of the weights); on other data the
 * summation differs from the textbook loop's (DESIGN.md, "Exactness": bounded tier).
 */
import { clampIf, hasActivation, storeLanes8 } from '../simd';
import { gemmRows } from '../gemm/f32-gemm-4x8';
import { inputTransformS2, outputTransformS2, s2Start, s2Width } from './f32-conv2d-winograd-2x2-3x3s2';

export function f32_conv2d_winograd_2x2_3x3(
  stride: i32, xp: usize, c: i32, rowStride: i32, planeStride: i32, tW: i32, ty0: i32, ty1: i32, rb: i32,
  packed: usize, xiBytes: usize, k: i32, k0: i32, k1: i32, v: usize, m: usize, tmp: usize, bias: usize,
  outH: i32, outW: i32, y: usize, actMin: f32, actMax: f32,
): void {
  const s2 = stride == 2;
  const vmin = f32x4.splat(actMin);
  const vmax = f32x4.splat(actMax);
  const act = hasActivation(actMin, actMax);
  const blockBytes = <usize>(4 + 4 * c) << 2;
  for (let r0 = ty0; r0 < ty1; r0 += rb) {
    const rows = min(rb, ty1 - r0);
    const nt = rows * tW;
    const ld = ((nt + 3) & ~3) + 8;
    const ldBytes = <usize>ld << 2;
    if (s2) inputTransformS2(xp, c, rowStride, planeStride, tW, r0, rows, v, ld, tmp);
    else inputTransform(xp, c, rowStride, planeStride, tW, r0, rows, v, ld, tmp);
    // ξ's V and M blocks: at stride 2 some are 2 or 4 columns per tile wide (s2Width, s2Start)
    for (let xi = 0; xi < 16; xi++) {
      const width = s2 ? s2Width(xi) : 1;
      const start = s2 ? s2Start(xi) : xi;
      gemmRows(packed + <usize>xi * xiBytes, blockBytes, k0, k1, c, v + <usize>(start * c) * ldBytes, width * nt,
        m + <usize>(start * k) * ldBytes, <usize>width * ldBytes);
    }
    if (s2) outputTransformS2(m, k, k0, k1, ld, tW, r0, rows, bias, outH, outW, y, vmin, vmax, act);
    else outputTransform(m, k, k0, k1, ld, tW, r0, rows, bias, outH, outW, y, vmin, vmax, act);
  }
}

/** lanes x[c], x[c+2], x[c+4], x[c+6] and x[c+1], x[c+3], … from the 12 floats at p = &x[c] */
// @ts-ignore: decorator
@inline
function patchRow(p: usize, out: usize): void {
  const l0 = v128.load(p);
  const l4 = v128.load(p, 16);
  const l8 = v128.load(p, 32);
  const d0 = v128.shuffle<f32>(l0, l4, 0, 2, 4, 6); // columns 0, 2, 4, 6 (+ 2j)
  const d1 = v128.shuffle<f32>(l0, l4, 1, 3, 5, 7); // 1, 3, 5, 7
  const d2 = v128.shuffle<f32>(d0, l8, 1, 2, 3, 4); // 2, 4, 6, 8
  const d3 = v128.shuffle<f32>(d1, l8, 1, 2, 3, 5); // 3, 5, 7, 9
  // B^T along the row: (d0 − d2, d1 + d2, d2 − d1, d1 − d3)
  v128.store(out, f32x4.sub(d0, d2));
  v128.store(out, f32x4.add(d1, d2), 16);
  v128.store(out, f32x4.sub(d2, d1), 32);
  v128.store(out, f32x4.sub(d1, d3), 48);
}

/**
 * V[ξ][ci][t] for the tiles of rows [r0, r0 + rows), t = (ty − r0)·tW + tx, 4 tiles a step; a
 * row's last step stores its 4 lanes anyway (the extra ones land in columns that the next step
 * or row overwrites, or in the padding of ld).
 */
function inputTransform(
  xp: usize, c: i32, rowStride: i32, planeStride: i32, tW: i32, r0: i32, rows: i32, v: usize, ld: i32, t: usize,
): void {
  const rowBytes = <usize>rowStride << 2;
  const ldBytes = <usize>ld << 2;
  const xiStride = <usize>c * ldBytes;
  // t: the 4 patch rows after B^T along each row, 16 vectors
  for (let ci = 0; ci < c; ci++) {
    const plane = xp + <usize>ci * (<usize>planeStride << 2);
    const vrow = v + <usize>ci * ldBytes;
    for (let ty = r0; ty < r0 + rows; ty++) {
      const prow = plane + <usize>(2 * ty) * rowBytes;
      const col = <usize>((ty - r0) * tW) << 2;
      for (let tx0 = 0; tx0 < tW; tx0 += 4) {
        const p = prow + (<usize>tx0 << 3);
        patchRow(p, t);
        patchRow(p + rowBytes, t + 64);
        patchRow(p + 2 * rowBytes, t + 128);
        patchRow(p + 3 * rowBytes, t + 192);
        const dst = vrow + col + (<usize>tx0 << 2);
        for (let j: usize = 0; j < 4; j++) {
          const t0 = v128.load(t + (j << 4));
          const t1 = v128.load(t + (j << 4), 64);
          const t2 = v128.load(t + (j << 4), 128);
          const t3 = v128.load(t + (j << 4), 192);
          // B^T down the column: ξ = 4i + j for i = 0 … 3
          v128.store(dst + j * xiStride, f32x4.sub(t0, t2));
          v128.store(dst + (4 + j) * xiStride, f32x4.add(t1, t2));
          v128.store(dst + (8 + j) * xiStride, f32x4.sub(t2, t1));
          v128.store(dst + (12 + j) * xiStride, f32x4.sub(t1, t3));
        }
      }
    }
  }
}

/** y = A^T M A + bias, clamped, for the tiles of rows [r0, r0 + rows), 4 tiles (8 columns) a step. */
function outputTransform(
  m: usize, k: i32, k0: i32, k1: i32, ld: i32, tW: i32, r0: i32, rows: i32, bias: usize, outH: i32, outW: i32,
  y: usize, vmin: v128, vmax: v128, act: bool,
): void {
  if (act) outputTransformTiles(true, m, k, k0, k1, ld, tW, r0, rows, bias, outH, outW, y, vmin, vmax);
  else outputTransformTiles(false, m, k, k0, k1, ld, tW, r0, rows, bias, outH, outW, y, vmin, vmax);
}

// @ts-ignore: decorator
@inline
function outputTransformTiles(
  act: bool, m: usize, k: i32, k0: i32, k1: i32, ld: i32, tW: i32, r0: i32, rows: i32, bias: usize, outH: i32, outW: i32,
  y: usize, vmin: v128, vmax: v128,
): void {
  const ldBytes = <usize>ld << 2;
  const xiStride = <usize>k * ldBytes;
  const outRow = <usize>outW << 2;
  const outPlane = <usize>(outH * outW) << 2;
  for (let kk = k0; kk < k1; kk++) {
    const vb = f32x4.splat(bias != 0 ? load<f32>(bias + (<usize>kk << 2)) : 0);
    const mrow = m + <usize>kk * ldBytes;
    const yc = y + <usize>kk * outPlane;
    for (let ty = r0; ty < r0 + rows; ty++) {
      const col = <usize>((ty - r0) * tW) << 2;
      const oy = 2 * ty;
      const y0 = yc + <usize>oy * outRow;
      const second = oy + 1 < outH;
      for (let tx0 = 0; tx0 < tW; tx0 += 4) {
        const src = mrow + col + (<usize>tx0 << 2);
        // A^T down the columns: s0 = m0 + m1 + m2, s1 = m1 − m2 − m3 (rows of the 4×4 tile)
        let s00: v128, s01: v128, s02: v128, s03: v128, s10: v128, s11: v128, s12: v128, s13: v128;
        {
          const a = v128.load(src);
          const b = v128.load(src + 4 * xiStride);
          const cc = v128.load(src + 8 * xiStride);
          const d = v128.load(src + 12 * xiStride);
          s00 = f32x4.add(f32x4.add(a, b), cc);
          s10 = f32x4.sub(f32x4.sub(b, cc), d);
        }
        {
          const a = v128.load(src + xiStride);
          const b = v128.load(src + 5 * xiStride);
          const cc = v128.load(src + 9 * xiStride);
          const d = v128.load(src + 13 * xiStride);
          s01 = f32x4.add(f32x4.add(a, b), cc);
          s11 = f32x4.sub(f32x4.sub(b, cc), d);
        }
        {
          const a = v128.load(src + 2 * xiStride);
          const b = v128.load(src + 6 * xiStride);
          const cc = v128.load(src + 10 * xiStride);
          const d = v128.load(src + 14 * xiStride);
          s02 = f32x4.add(f32x4.add(a, b), cc);
          s12 = f32x4.sub(f32x4.sub(b, cc), d);
        }
        {
          const a = v128.load(src + 3 * xiStride);
          const b = v128.load(src + 7 * xiStride);
          const cc = v128.load(src + 11 * xiStride);
          const d = v128.load(src + 15 * xiStride);
          s03 = f32x4.add(f32x4.add(a, b), cc);
          s13 = f32x4.sub(f32x4.sub(b, cc), d);
        }
        // A^T across: y[i][0] = s_i0 + s_i1 + s_i2, y[i][1] = s_i1 − s_i2 − s_i3
        const n = min(8, outW - 2 * tx0);
        const dst = y0 + (<usize>tx0 << 3);
        const y00 = clampIf(act, f32x4.add(f32x4.add(f32x4.add(s00, s01), s02), vb), vmin, vmax);
        const y01 = clampIf(act, f32x4.add(f32x4.sub(f32x4.sub(s01, s02), s03), vb), vmin, vmax);
        storeLanes8(dst, v128.shuffle<f32>(y00, y01, 0, 4, 1, 5), v128.shuffle<f32>(y00, y01, 2, 6, 3, 7), n);
        if (second) {
          const y10 = clampIf(act, f32x4.add(f32x4.add(f32x4.add(s10, s11), s12), vb), vmin, vmax);
          const y11 = clampIf(act, f32x4.add(f32x4.sub(f32x4.sub(s11, s12), s13), vb), vmin, vmax);
          storeLanes8(dst + outRow, v128.shuffle<f32>(y10, y11, 0, 4, 1, 5), v128.shuffle<f32>(y10, y11, 2, 6, 3, 7), n);
        }
      }
    }
  }
}

/**
 * f32_scatter_phase: rows [i0, i1) of a dilated convolution's phase output (Cout planes of
 * nI × nJ at src) into y: y[k][py + dH·i][px + dW·j] = src[k][i][j] (planes of outH × outW).
 */
export function f32_scatter_phase(
  src: usize, k: i32, nI: i32, nJ: i32, i0: i32, i1: i32, y: usize, outH: i32, outW: i32, py: i32, px: i32, dH: i32, dW: i32,
): void {
  const step = <usize>dW << 2;
  for (let kk = 0; kk < k; kk++) {
    for (let i = i0; i < i1; i++) {
      let s = src + (<usize>((kk * nI + i) * nJ) << 2);
      let d = y + (<usize>((kk * outH + py + dH * i) * outW + px) << 2);
      for (let j = 0; j < nJ; j++) {
        store<f32>(d, load<f32>(s));
        s += 4;
        d += step;
      }
    }
  }
}
