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
 * pack_f32_winograd_2x2_3x3: Winograd F(2×2, 3×3) weights U = G g G^T for one group of M×C 3×3
 * filters (OIHW), packed per ξ = 4i + j as pack_f32_gemm_oihw packs an M×C matrix with a zero
 * bias: 16 matrices, xiBytes apart. Four output channels at a time in the lanes, as the packed
 * blocks hold them; G g is (g0, (g0 + g1 + g2)/2, (g0 − g1 + g2)/2, g2) over the filter's rows,
 * then the same over the columns.
 */
export function pack_f32_winograd_2x2_3x3(weight: usize, m: i32, c: i32, packed: usize, xiBytes: usize): void {
  const blockBytes = <usize>(4 + 4 * c) << 2;
  for (let m0 = 0; m0 < m; m0 += 4) {
    const blk = packed + <usize>(m0 >> 2) * blockBytes;
    for (let xi = 0; xi < 16; xi++) v128.store(blk + <usize>xi * xiBytes, f32x4.splat(0));
    for (let ci = 0; ci < c; ci++) {
      const w = weight + (<usize>((m0 * c + ci) * 9) << 2);
      const stride = <usize>(c * 9) << 2;
      const n = min(4, m - m0);
      // G g, one column of the filter at a time; lanes = filters m0 … m0+3 (past m: 0)
      const g00 = taps4(w, stride, n, 0), g10 = taps4(w, stride, n, 3), g20 = taps4(w, stride, n, 6);
      const g01 = taps4(w, stride, n, 1), g11 = taps4(w, stride, n, 4), g21 = taps4(w, stride, n, 7);
      const g02 = taps4(w, stride, n, 2), g12 = taps4(w, stride, n, 5), g22 = taps4(w, stride, n, 8);
      const dst = blk + 16 + (<usize>ci << 4);
      gRow(dst, xiBytes, g00, g01, g02);
      gRow(dst + 4 * xiBytes, xiBytes, half(f32x4.add(f32x4.add(g00, g10), g20)),
        half(f32x4.add(f32x4.add(g01, g11), g21)), half(f32x4.add(f32x4.add(g02, g12), g22)));
      gRow(dst + 8 * xiBytes, xiBytes, half(f32x4.add(f32x4.sub(g00, g10), g20)),
        half(f32x4.add(f32x4.sub(g01, g11), g21)), half(f32x4.add(f32x4.sub(g02, g12), g22)));
      gRow(dst + 12 * xiBytes, xiBytes, g20, g21, g22);
    }
  }
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
