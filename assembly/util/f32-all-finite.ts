/**
 * f32_all_finite: 1 if none of the n floats at x is ±Infinity or NaN, else 0. 16 floats a step:
 * |v| < ∞ is false for ±∞ and for NaN.
 */
export function f32_all_finite(x: usize, n: i32): i32 {
  const vinf = f32x4.splat(Infinity);
  let vall = i32x4.splat(-1);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const p = x + (<usize>i << 2);
    const f0 = f32x4.lt(f32x4.abs(v128.load(p)), vinf);
    const f1 = f32x4.lt(f32x4.abs(v128.load(p, 16)), vinf);
    const f2 = f32x4.lt(f32x4.abs(v128.load(p, 32)), vinf);
    const f3 = f32x4.lt(f32x4.abs(v128.load(p, 48)), vinf);
    vall = v128.and(vall, v128.and(v128.and(f0, f1), v128.and(f2, f3)));
  }
  let all = i32x4.all_true(vall);
  for (; i < n; i++) all = all && Mathf.abs(load<f32>(x + (<usize>i << 2))) < Infinity;
  return all ? 1 : 0;
}
