/**
 * f32_conv2d_gemm: one image × one group of a convolution as GEMM, Y[M][P] = A[M][K]·B[K][P],
 * M = output channels of the group, K = Cg·kH·kW, P = outH·outW.
 *   im2col = true:  B is built panel by panel (nc columns at a time, nc a multiple of 8) into
 *                   `col` (K·nc floats), tile-major: each 8-column tile's K rows of 8 floats
 *                   contiguous, so the 4×8 kernel steps 32 bytes at a time (f32_im2col); the
 *                   workspace stays bounded.
 *   im2col = false: the pointwise path (1×1, stride 1, no padding): B is the input itself,
 *                   rows H·W floats apart; no copy at all.
 * For each panel the 4-row blocks of A run over all 8-column tiles of the panel, so a
 * 4×K block of A stays in L1 while the K×nc panel of B stays in L2.
 * Only output columns [pBegin, pEnd) are computed (0, outH·outW for all; threads split here,
 * each with its own `col` panel).
 * A tail of at most NARROW columns (49 = 6·8 + 1 on a 7×7 map) runs pixel by pixel through
 * f32_igemm_pixel (output channels in the lanes; B row k read at offsets[k] = k·ldb bytes), where
 * the 4×8 tile would leave at least half its lanes idle; same sums, same bits.
 * Preconditions: packed holds pack_f32_gemm_oihw blocks for this group; 32 bytes past the end
 * of B's last row are readable; y has M·P floats (row stride P); when P is not a multiple of 8,
 * offsets holds K u32 byte offsets k·ldb (ldb = 8 floats with im2col, P without).
 */
import { f32_gemm_4x8 } from '../gemm/f32-gemm-4x8';
import { f32_im2col } from './f32-im2col';
import { f32_igemm_pixel, NARROW } from '../gemm/f32-igemm-24x1';
import { hasActivation } from '../simd';

export function f32_conv2d_gemm(
  im2col: bool,
  x: usize, c: i32, h: i32, w: i32, kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32,
  padTop: i32, padLeft: i32, outH: i32, outW: i32,
  packed: usize, m: i32, col: usize, nc: i32, offsets: usize, y: usize, actMin: f32, actMax: f32,
  pBegin: i32, pEnd: i32,
): void {
  const act = hasActivation(actMin, actMax);
  const vmin = f32x4.splat(actMin);
  const vmax = f32x4.splat(actMax);
  const k = c * kH * kW;
  const p = outH * outW;
  const blockBytes = <usize>(4 + 4 * k) << 2;
  const ldc = <usize>p << 2;
  for (let p0 = pBegin; p0 < pEnd; p0 += nc) {
    const ncols = min(nc, pEnd - p0);
    // B's 8-column tiles, tileBytes apart; row k of a tile at k·ldb
    let b: usize;
    let ldb: usize;
    let tileBytes: usize;
    if (im2col) {
      tileBytes = <usize>k << 5;
      f32_im2col(x, c, h, w, kH, kW, sH, sW, dH, dW, padTop, padLeft, outW, p0, ncols, col, 32, tileBytes);
      b = col;
      ldb = 32;
    } else {
      b = x + (<usize>p0 << 2);
      ldb = ldc;
      tileBytes = 32;
    }
    // columns through the 4×8 tile: all, unless the last tile would have ≤ NARROW of them
    const tail = ncols & 7;
    const tiled = tail > 0 && tail <= NARROW ? ncols - tail : ncols;
    let a = packed;
    for (let m0 = 0; m0 < m; m0 += 4) {
      const mr = min(4, m - m0);
      const yrow = y + (<usize>m0 * ldc) + (<usize>p0 << 2);
      for (let j0 = 0; j0 < tiled; j0 += 8) {
        f32_gemm_4x8(act, mr, min(8, tiled - j0), k, a, b + <usize>(j0 >> 3) * tileBytes, ldb, yrow + (<usize>j0 << 2), ldc, vmin, vmax);
      }
      a += blockBytes;
    }
    for (let j = tiled; j < ncols; j++) {
      f32_igemm_pixel(act, m, k, packed, blockBytes, b + <usize>(j >> 3) * tileBytes + (<usize>(j & 7) << 2), offsets, y + (<usize>(p0 + j) << 2), ldc, vmin, vmax);
    }
  }
}
