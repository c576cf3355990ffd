/**
 * f32 indirect GEMM microkernel for one output pixel, tile 24×1 (6 packed blocks of 4 output
 * channels × 1 pixel; 12×1 and 4×1 for the channels left over): y[c] = clamp(bias[c] + Σ_k a[c][k] · x[base + offsets[k]]), the sum in k
 * order from the bias, as the 4×8 kernel does (same bits).
 *
 * For narrow outputs (LeNet-5 C5: a 1×1 output, the 1–4 pixel tails of other rows) the 4×8 tile
 * leaves most of its 8 lanes idle; here the 4 lanes are output channels, every lane does useful
 * work, and 6 independent accumulators hide the FMA latency. Per step: 1 broadcast of the input
 * + 6 weight vectors + 6 accumulators = 13 live v128.
 *
 *   a      first of the packed blocks (pack_f32_gemm_oihw), blockBytes apart
 *   base   the pixel's base in the padded phase-split input; offsets: u32 byte offsets per k
 *   y      output of the first channel at this pixel; plane: bytes between output channels
 *   act    false: no activation, no clamp (as in the 4×8 kernel)
 */
import { fma, clampIf } from '../simd';

/**
 * Tiles (or tails) of at most this many pixels go through this kernel, pixel by pixel, in the
 * direct and GEMM drivers: the 4×8 tile would leave at least half its lanes idle.
 */
export const NARROW: i32 = 4;

/** All m channels (blocks of `packed`) of one output pixel: 24 at a time, then 12, then 4. */
export function f32_igemm_pixel(
  act: bool, m: i32, kc: i32, packed: usize, blockBytes: usize, base: usize, offsets: usize, y: usize, plane: usize,
  vmin: v128, vmax: v128,
): void {
  let a = packed;
  let yc = y;
  let m0 = 0;
  for (; m0 + 24 <= m; m0 += 24) {
    igemmBlocks(act, 6, 4, kc, a, blockBytes, base, offsets, yc, plane, vmin, vmax);
    a += 6 * blockBytes;
    yc += 24 * plane;
  }
  for (; m0 + 12 <= m; m0 += 12) {
    igemmBlocks(act, 3, 4, kc, a, blockBytes, base, offsets, yc, plane, vmin, vmax);
    a += 3 * blockBytes;
    yc += 12 * plane;
  }
  for (; m0 < m; m0 += 4) {
    igemmBlocks(act, 1, min(4, m - m0), kc, a, blockBytes, base, offsets, yc, plane, vmin, vmax);
    a += blockBytes;
    yc += 4 * plane;
  }
}

/** `nb` (1, 3 or 6: a constant once inlined) blocks; the last stores its first `mr` channels. */
// @ts-ignore: decorator
@inline
function igemmBlocks(
  act: bool, nb: i32, mr: i32, kc: i32, a: usize, blockBytes: usize, base: usize, offsets: usize, y: usize, plane: usize,
  vmin: v128, vmax: v128,
): void {
  let vacc0 = v128.load(a);
  let vacc1 = nb > 1 ? v128.load(a + blockBytes) : vacc0;
  let vacc2 = nb > 1 ? v128.load(a + 2 * blockBytes) : vacc0;
  let vacc3 = nb > 3 ? v128.load(a + 3 * blockBytes) : vacc0;
  let vacc4 = nb > 3 ? v128.load(a + 4 * blockBytes) : vacc0;
  let vacc5 = nb > 3 ? v128.load(a + 5 * blockBytes) : vacc0;
  let w = a + 16;
  let po = offsets;
  const wend = w + (<usize>kc << 4);
  while (w < wend) {
    const vx = v128.load32_splat(base + <usize>load<u32>(po));
    vacc0 = fma(vx, v128.load(w), vacc0);
    if (nb > 1) {
      vacc1 = fma(vx, v128.load(w + blockBytes), vacc1);
      vacc2 = fma(vx, v128.load(w + 2 * blockBytes), vacc2);
    }
    if (nb > 3) {
      vacc3 = fma(vx, v128.load(w + 3 * blockBytes), vacc3);
      vacc4 = fma(vx, v128.load(w + 4 * blockBytes), vacc4);
      vacc5 = fma(vx, v128.load(w + 5 * blockBytes), vacc5);
    }
    w += 16;
    po += 4;
  }
  storeChannels(y, plane, clampIf(act, vacc0, vmin, vmax), nb > 1 ? 4 : mr);
  if (nb > 1) {
    storeChannels(y + 4 * plane, plane, clampIf(act, vacc1, vmin, vmax), 4);
    storeChannels(y + 8 * plane, plane, clampIf(act, vacc2, vmin, vmax), 4);
  }
  if (nb > 3) {
    storeChannels(y + 12 * plane, plane, clampIf(act, vacc3, vmin, vmax), 4);
    storeChannels(y + 16 * plane, plane, clampIf(act, vacc4, vmin, vmax), 4);
    storeChannels(y + 20 * plane, plane, clampIf(act, vacc5, vmin, vmax), 4);
  }
}

/** Lane i of v to y + i·plane, for the first n (1..4) lanes. */
// @ts-ignore: decorator
@inline
function storeChannels(y: usize, plane: usize, v: v128, n: i32): void {
  f32.store(y, f32x4.extract_lane(v, 0));
  if (n > 1) f32.store(y + plane, f32x4.extract_lane(v, 1));
  if (n > 2) f32.store(y + 2 * plane, f32x4.extract_lane(v, 2));
  if (n > 3) f32.store(y + 3 * plane, f32x4.extract_lane(v, 3));
}
