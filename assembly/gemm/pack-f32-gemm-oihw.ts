/**
 * pack_f32_gemm_oihw: packs OIHW convolution weights (one group = an M×K row-major matrix,
 * M = output channels of the group, K = C/groups·kH·kW) for the 4-row GEMM microkernels.
 *
 * Layout, per group, per block of 4 output channels (the last block zero-padded):
 *   [ bias[m0..m0+3] ][ k = 0: w[m0..m0+3][0] ][ k = 1: … ] … [ k = K−1 ]
 * i.e. 4 + 4·K floats per block, ceil(M/4) blocks per group, groups after each other.
 * `bias` = 0 means no bias (zeros are packed).
 */
export function pack_f32_gemm_oihw(weight: usize, bias: usize, packed: usize, groups: i32, m: i32, k: i32): void {
  const blocks = (m + 3) >> 2;
  let dst = packed;
  for (let g = 0; g < groups; g++) {
    for (let blk = 0; blk < blocks; blk++) {
      const m0 = blk << 2;
      for (let i = 0; i < 4; i++) {
        const row = m0 + i;
        const b: f32 = bias != 0 && row < m ? load<f32>(bias + (<usize>(g * m + row) << 2)) : 0;
        store<f32>(dst + (<usize>i << 2), b);
      }
      dst += 16;
      for (let kk = 0; kk < k; kk++) {
        for (let i = 0; i < 4; i++) {
          const row = m0 + i;
          const w: f32 = row < m ? load<f32>(weight + ((<usize>(g * m + row) * <usize>k + <usize>kk) << 2)) : 0;
          store<f32>(dst + (<usize>i << 2), w);
        }
        dst += 16;
      }
    }
  }
}

/** Bytes of packed weights for `groups` groups of an M×K matrix. */
export function packed_f32_gemm_bytes(groups: i32, m: i32, k: i32): usize {
  return <usize>groups * <usize>((m + 3) >> 2) * (<usize>(4 + 4 * k) << 2);
}

/**
 * pack_f32_winograd_2x2_3x3: Winograd weights for one group of M×C 3×3 filters (OIHW), packed per
 * ξ as pack_f32_gemm_oihw packs an M×C matrix with a zero bias: 16 matrices, xiBytes apart, four
 * output channels at a time in the lanes, as the packed blocks hold them.
 * - stride 1, F(2×2, 3×3): U = G g G^T, ξ = 4i + j; G g is (g0, (g0 + g1 + g2)/2,
 *   (g0 − g1 + g2)/2, g2) over the filter's rows, then the same over the columns.
 * - stride 2, the polyphase form (f32-conv2d-winograd-2x2-3x3s2.ts): G = [[1, 0], [1, 1], [0, 1]]
 *   on each part's taps — EE ξ = 3i + j: G [[g00, g02], [g20, g22]] G^T; EO ξ = 9 + i:
 *   G (g01, g21); OE ξ = 12 + j: G (g10, g12); OO ξ = 15: g11. Sums of at most four weights.
 */
export function pack_f32_winograd_2x2_3x3(weight: usize, m: i32, c: i32, packed: usize, xiBytes: usize, stride: i32): void {
  const blockBytes = <usize>(4 + 4 * c) << 2;
  for (let m0 = 0; m0 < m; m0 += 4) {
    const blk = packed + <usize>(m0 >> 2) * blockBytes;
    for (let xi = 0; xi < 16; xi++) v128.store(blk + <usize>xi * xiBytes, f32x4.splat(0));
    for (let ci = 0; ci < c; ci++) {
      const w = weight + (<usize>((m0 * c + ci) * 9) << 2);
      const wstride = <usize>(c * 9) << 2;
      const n = min(4, m - m0);
      // lanes = filters m0 … m0+3 (past m: 0)
      const g00 = taps4(w, wstride, n, 0), g01 = taps4(w, wstride, n, 1), g02 = taps4(w, wstride, n, 2);
      const g10 = taps4(w, wstride, n, 3), g11 = taps4(w, wstride, n, 4), g12 = taps4(w, wstride, n, 5);
      const g20 = taps4(w, wstride, n, 6), g21 = taps4(w, wstride, n, 7), g22 = taps4(w, wstride, n, 8);
      const dst = blk + 16 + (<usize>ci << 4);
      if (stride == 2) {
        const x3 = xiBytes * 3;
        f2(dst, xiBytes, g00, g02);
        f2(dst + x3, xiBytes, f32x4.add(g00, g20), f32x4.add(g02, g22));
        f2(dst + 2 * x3, xiBytes, g20, g22);
        f2(dst + 3 * x3, xiBytes, g01, g21);
        f2(dst + 4 * x3, xiBytes, g10, g12);
        v128.store(dst + 5 * x3, g11);
      } else {
        gRow(dst, xiBytes, g00, g01, g02);
        gRow(dst + 4 * xiBytes, xiBytes, half(f32x4.add(f32x4.add(g00, g10), g20)),
          half(f32x4.add(f32x4.add(g01, g11), g21)), half(f32x4.add(f32x4.add(g02, g12), g22)));
        gRow(dst + 8 * xiBytes, xiBytes, half(f32x4.add(f32x4.sub(g00, g10), g20)),
          half(f32x4.add(f32x4.sub(g01, g11), g21)), half(f32x4.add(f32x4.sub(g02, g12), g22)));
        gRow(dst + 12 * xiBytes, xiBytes, g20, g21, g22);
      }
    }
  }
}

/** G (a, b) = (a, a + b, b) at d, d + xiBytes, d + 2·xiBytes */
// @ts-ignore: decorator
@inline
function f2(d: usize, xiBytes: usize, a: v128, b: v128): void {
  v128.store(d, a);
  v128.store(d + xiBytes, f32x4.add(a, b));
  v128.store(d + 2 * xiBytes, b);
}

/** Tap t of the (up to) n filters whose taps start at w, stride bytes apart. */
// @ts-ignore: decorator
@inline
function taps4(w: usize, stride: usize, n: i32, t: i32): v128 {
  const p = w + (<usize>t << 2);
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(p + stride));
  if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(p + 2 * stride));
  if (n > 3) v = f32x4.replace_lane(v, 3, load<f32>(p + 3 * stride));
  return v;
}

// @ts-ignore: decorator
@inline
function half(v: v128): v128 {
  return f32x4.mul(v, f32x4.splat(0.5));
}

/** One row r of G g times G^T: ξ = 4i + 0 … 3 at d, d + xiBytes, … */
// @ts-ignore: decorator
@inline
function gRow(d: usize, xiBytes: usize, r0: v128, r1: v128, r2: v128): void {
  v128.store(d, r0);
  v128.store(d + xiBytes, half(f32x4.add(f32x4.add(r0, r1), r2)));
  v128.store(d + 2 * xiBytes, half(f32x4.add(f32x4.sub(r0, r1), r2)));
  v128.store(d + 3 * xiBytes, r2);
}
