/**
 * f32_conv2d_direct: one image × one group of a convolution computed in place from a padded,
 * phase-split copy of the input (f32_pad_phase), with no im2col matrix: tiles of 4 output
 * channels × 8 output pixels of one output row, through the indirect 4×8 microkernel whose
 * B row k = (c, ky, kx) is read at pixel base + offsets[k] (f32_conv_offsets).
 * Loop order: output row, 8-pixel tile, then every 4-channel block, so the K rows × 8 pixels
 * of input under a tile stay in L1 while the packed weights stream from L2. Tiles of ≤ NARROW
 * pixels run pixel by pixel through f32_igemm_pixel (same sums, same bits).
 *   xp          padded plane of the group's first channel; rowStride/planeStride in floats
 *   packed      pack_f32_gemm_oihw blocks of this group (M rows, K = Cg·kH·kW)
 *   y           output of the group, M planes of outH×outW
 *   oyBegin/End output rows [oyBegin, oyEnd) to compute (0, outH for all; threads split here)
 */
import { f32_igemm_4x8 } from '../gemm/f32-gemm-4x8';
import { f32_igemm_pixel, NARROW } from '../gemm/f32-igemm-24x1';
import { hasActivation } from '../simd';


export function f32_conv2d_direct(
  xp: usize, rowStride: i32, sH: i32, k: i32, offsets: usize,
  packed: usize, m: i32, outH: i32, outW: i32, y: usize, actMin: f32, actMax: f32,
  oyBegin: i32, oyEnd: i32,
): void {
  const act = hasActivation(actMin, actMax);
  const vmin = f32x4.splat(actMin);
  const vmax = f32x4.splat(actMax);
  const blockBytes = <usize>(4 + 4 * k) << 2;
  const plane = <usize>(outH * outW) << 2;
  for (let oy = oyBegin; oy < oyEnd; oy++) {
    const xrow = xp + (<usize>(oy * sH * rowStride) << 2);
    const yrow = y + (<usize>(oy * outW) << 2);
    for (let ox0 = 0; ox0 < outW; ox0 += 8) {
      const nr = min(8, outW - ox0);
      if (nr <= NARROW) {
        // a narrow tile (a tiny output, a row's tail): pixel by pixel, output channels in the lanes
        for (let j = 0; j < nr; j++) {
          const o = <usize>(ox0 + j) << 2;
          f32_igemm_pixel(act, m, k, packed, blockBytes, xrow + o, offsets, yrow + o, plane, vmin, vmax);
        }
        continue;
      }
      let a = packed;
      let yt = yrow + (<usize>ox0 << 2);
      for (let m0 = 0; m0 < m; m0 += 4) {
        f32_igemm_4x8(act, min(4, m - m0), nr, k, a, xrow + (<usize>ox0 << 2), offsets, yt, plane, vmin, vmax);
        a += blockBytes;
        yt += plane << 2;
      }
    }
  }
}

/**
 * f32_conv_offsets: byte offsets, relative to an output pixel's base in the padded phase-split
 * input, of each tap k = (c·kH + ky)·kW + kx: channel c, row ky·dH, padded column kx·dW, which
 * lives at phase (kx·dW) % sW, position (kx·dW) / sW. Writes c·kH·kW u32 values.
 */
export function f32_conv_offsets(
  dst: usize, c: i32, kH: i32, kW: i32, dH: i32, dW: i32, sW: i32, wq: i32, rowStride: i32, planeStride: i32,
): void {
  let d = dst;
  for (let ch = 0; ch < c; ch++) {
    for (let ky = 0; ky < kH; ky++) {
      for (let kx = 0; kx < kW; kx++) {
        const col = kx * dW;
        const off = ch * planeStride + ky * dH * rowStride + (col % sW) * wq + col / sW;
        store<u32>(d, <u32>off << 2);
        d += 4;
      }
    }
  }
}

/**
 * For the tap offsets of one channel (f32_conv_offsets with c = 1): kW when the taps are kernel
 * rows of kW adjacent columns, each row the same distance after the last, from offset 0
 * (offsets[ky·kW + kx] = ky·offsets[kW] + 4·kx: stride 1 and dilation 1 along the width, any
 * dilation down), else 0 — the columns of a phase-split input (stride 2) or of a kernel dilated
 * along the width are not adjacent. Every entry is checked, so a kernel walking such rows
 * (f32_dwconv) reads exactly the table's addresses.
 */
export function kernelRow(taps: i32, offsets: usize): i32 {
  if (load<u32>(offsets) != 0) return 0;
  let kw = 1;
  while (kw < taps && load<u32>(offsets + (<usize>kw << 2)) == <u32>(kw << 2)) kw++;
  if (taps % kw != 0) return 0;
  const rowOff = kw < taps ? load<u32>(offsets + (<usize>kw << 2)) : 0;
  for (let t = 0; t < taps; t++) {
    if (load<u32>(offsets + (<usize>t << 2)) != <u32>(t / kw) * rowOff + <u32>((t % kw) << 2)) return 0;
  }
  return kw;
}
