/**
 * f32_clamp: y[i] = min(max(x[i], lo), hi) for n floats (relu: lo = 0, hi = +∞), a value
 * replaced only where it compares beyond a bound (simd.ts clamp): NaN stays NaN, −0 stays −0 (as
 * PyTorch's clamp). x and y may be the same buffer.
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
    // the vector steps' rule (f32.min / f32.max would turn −0 into +0 against a bound of 0)
    const v = load<f32>(x + off);
    const t = v < lo ? lo : v;
    store<f32>(y + off, t > hi ? hi : t);
  }
}
