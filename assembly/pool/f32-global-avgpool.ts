/**
 * f32_global_avgpool: mean of each of C planes of n floats (adaptive_avg_pool2d(x, 1)).
 * Four lanes of partial sums, reduced at the end: a different summation order from the
 * reference, so results are in the bounded tier (n = H·W) of DESIGN.md.
 * Only planes [cBegin, cEnd) are computed (0, c for all; threads split here).
 */
export function f32_global_avgpool(x: usize, c: i32, n: i32, y: usize, cBegin: i32, cEnd: i32): void {
  const fn = <f32>n;
  let p = x + (<usize>cBegin * <usize>n << 2);
  for (let ch = cBegin; ch < cEnd; ch++) {
    let vsum = f32x4.splat(0);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      vsum = f32x4.add(vsum, v128.load(p));
      p += 16;
    }
    let s: f32 = (f32x4.extract_lane(vsum, 0) + f32x4.extract_lane(vsum, 1)) +
      (f32x4.extract_lane(vsum, 2) + f32x4.extract_lane(vsum, 3));
    for (; i < n; i++) {
      s += load<f32>(p);
      p += 4;
    }
    store<f32>(y + (<usize>ch << 2), s / fn);
  }
}
