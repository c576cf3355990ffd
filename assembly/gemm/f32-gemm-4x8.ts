/**
 * f32 GEMM microkernel, tile 4×8 (4 rows of A = output channels, 8 columns of B = output
 * pixels): C[0..mr)[0..nr) = clamp(bias + A·B).
 *
 *   a    packed block of pack_f32_gemm_oihw: 4 biases, then kc steps of 4 floats
 *   b    B[0][0]; row k of B is at b + k·ldb (f32_gemm_4x8) or b + offsets[k]
 *        (f32_igemm_4x8, the indirect form used by the direct convolution)
 *   c    C[0][0], rows ldc bytes apart
 *   act  false: no activation (bounds [−∞, +∞]), the epilogue skips the clamp
 * Preconditions: 1 ≤ mr ≤ 4, 1 ≤ nr ≤ 8, kc ≥ 1. All 8 columns of every B row are read
 * (lanes ≥ nr are computed and dropped), so 32 bytes past each row must be readable.
 * 8 accumulators + 2 B vectors + 4 broadcasts = 14 live v128 (V8 gives 15).
 * The tile, by measurement (`node --experimental-wasm-relaxed-simd bench/tiles.mjs`: MR×NR
 * kernels of this form compiled from one template, checked bit for bit, timed side by side on
 * four of the suite's GEMM shapes; three runs on 3 Dec), GFLOP/s against 4×8's: with
 * f32x4.mul + f32x4.add (the simd build) 2×16 0.91–1.08×, 3×12 0.47–0.67× (its 13 live vectors
 * and each product's temporary: V8 spills), 6×8 0.55–0.74×; with relaxed_madd 2×16 0.94–1.04×,
 * 3×12 0.90–1.08× (mostly 0.99–1.04×), 6×8 0.45–0.55×. (Before the broadcasts below took
 * immediate offsets, 3×12 — fewer broadcasts a step — ran at 1.00–1.11× 4×8's rate with FMA.)
 * One tile serves both builds, the packing, the tile-major panels, the column tails and the
 * thread splits: 4×8, the best or tied in either form.
 */
import { fma, clampIf, storeLanes8 } from '../simd';

// @ts-ignore: decorator
@inline
function gemm4x8(
  indirect: bool, act: bool, mr: i32, nr: i32, kc: i32, a: usize, b: usize, ldb: usize, offsets: usize,
  c: usize, ldc: usize, vmin: v128, vmax: v128,
): void {
  let vacc0x0123 = v128.load32_splat(a);
  let vacc1x0123 = v128.load32_splat(a, 4);
  let vacc2x0123 = v128.load32_splat(a, 8);
  let vacc3x0123 = v128.load32_splat(a, 12);
  let vacc0x4567 = vacc0x0123;
  let vacc1x4567 = vacc1x0123;
  let vacc2x4567 = vacc2x0123;
  let vacc3x4567 = vacc3x0123;
  let w = a + 16;
  let pb = b;
  let po = offsets;
  const wend = w + (<usize>kc << 4);
  while (w < wend) {
    if (indirect) pb = b + <usize>load<u32>(po);
    const vb0123 = v128.load(pb);
    const vb4567 = v128.load(pb, 16);
    // immediate offsets: as w + 4 … (an add in the wasm) V8 computed each address with an lea,
    // 24 instructions per step instead of 20; with them the simd build took 0.81–0.98× the time
    // on the 1×1, Winograd and direct stem layers, the relaxed build 0.93–0.97× on the direct
    // stems and ≈ 1.0 elsewhere (FMA-bound; same bits; 3 Dec, same process, either build first)
    const va0 = v128.load32_splat(w);
    const va1 = v128.load32_splat(w, 4);
    const va2 = v128.load32_splat(w, 8);
    const va3 = v128.load32_splat(w, 12);
    vacc0x0123 = fma(va0, vb0123, vacc0x0123);
    vacc0x4567 = fma(va0, vb4567, vacc0x4567);
    vacc1x0123 = fma(va1, vb0123, vacc1x0123);
    vacc1x4567 = fma(va1, vb4567, vacc1x4567);
    vacc2x0123 = fma(va2, vb0123, vacc2x0123);
    vacc2x4567 = fma(va2, vb4567, vacc2x4567);
    vacc3x0123 = fma(va3, vb0123, vacc3x0123);
    vacc3x4567 = fma(va3, vb4567, vacc3x4567);
    w += 16;
    if (indirect) po += 4;
    else pb += ldb;
  }
  storeLanes8(c, clampIf(act, vacc0x0123, vmin, vmax), clampIf(act, vacc0x4567, vmin, vmax), nr);
  if (mr > 1) storeLanes8(c + ldc, clampIf(act, vacc1x0123, vmin, vmax), clampIf(act, vacc1x4567, vmin, vmax), nr);
  if (mr > 2) storeLanes8(c + 2 * ldc, clampIf(act, vacc2x0123, vmin, vmax), clampIf(act, vacc2x4567, vmin, vmax), nr);
  if (mr > 3) storeLanes8(c + 3 * ldc, clampIf(act, vacc3x0123, vmin, vmax), clampIf(act, vacc3x4567, vmin, vmax), nr);
}

export function f32_gemm_4x8(
  act: bool, mr: i32, nr: i32, kc: i32, a: usize, b: usize, ldb: usize, c: usize, ldc: usize, vmin: v128, vmax: v128,
): void {
  if (act) gemm4x8(false, true, mr, nr, kc, a, b, ldb, 0, c, ldc, vmin, vmax);
  else gemm4x8(false, false, mr, nr, kc, a, b, ldb, 0, c, ldc, vmin, vmax);
}

export function f32_igemm_4x8(
  act: bool, mr: i32, nr: i32, kc: i32, a: usize, b: usize, offsets: usize, c: usize, ldc: usize, vmin: v128, vmax: v128,
): void {
  if (act) gemm4x8(true, true, mr, nr, kc, a, b, 0, offsets, c, ldc, vmin, vmax);
  else gemm4x8(true, false, mr, nr, kc, a, b, 0, offsets, c, ldc, vmin, vmax);
}

/**
 * Rows [m0, m1) of C = A·B with no bias or activation (A's packed blocks carry a zero bias), the
 * Winograd kernels' per-ξ products: a = A's packed blocks (blockBytes each, the block of row 0
 * first; m0 a multiple of 4), B = kc rows of n columns ld bytes apart, C rows ld bytes apart.
 */
export function gemmRows(a: usize, blockBytes: usize, m0: i32, m1: i32, kc: i32, b: usize, n: i32, c: usize, ld: usize): void {
  const vninf = f32x4.splat(-Infinity);
  const vpinf = f32x4.splat(Infinity);
  let blk = a + <usize>(m0 >> 2) * blockBytes;
  for (let r = m0; r < m1; r += 4) {
    const mr = min(4, m1 - r);
    const crow = c + <usize>r * ld;
    for (let j0 = 0; j0 < n; j0 += 8) {
      f32_gemm_4x8(false, mr, min(8, n - j0), kc, blk, b + (<usize>j0 << 2), ld, crow + (<usize>j0 << 2), ld, vninf, vpinf);
    }
    blk += blockBytes;
  }
}
