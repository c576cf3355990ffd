/**
 * f32_clamp: y[i] = min(max(x[i], lo), hi) for n floats (relu: lo = 0, hi = +∞); NaN stays
 * NaN. x and y may be the same buffer.
 */
import { clamp } from '../simd';

export function f32_clamp(x: usize, y: usize, n: i32, lo: f32, hi: f32): void {
  const vlo = f32x4.splat(lo);
  const vhi = f32x4.splat(hi);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    v128.store(y + off, clamp(v128.load(x + off), vlo, vhi));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(y + off, min(max(load<f32>(x + off), lo), hi));
  }
}
