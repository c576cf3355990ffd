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
