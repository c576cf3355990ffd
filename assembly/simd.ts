/**
 * Shared SIMD helpers. `fma` is the one place where the two builds differ: the relaxed build
 * (compiled with --enable relaxed-simd) fuses the multiply-add, the baseline build rounds twice.
 */

// @ts-ignore: decorator
@inline
export function fma(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.relaxed_madd(a, b, acc);
  } else {
    return f32x4.add(f32x4.mul(a, b), acc);
  }
}

/**
 * min(max(v, vmin), vmax) lane-wise, NaN staying NaN: a lane is replaced only where it
 * compares below vmin or above vmax, which a NaN never does (−0 stays −0 against a bound of 0).
 * Wasm's pseudo-min/max are exactly that — pmax(v, vmin) = v < vmin ? vmin : v,
 * pmin(lo, vmax) = vmax < lo ? vmax : lo — and V8 lowers each to one maxps / minps on x86
 * (compare + bitselect, used before, was 4 instructions each; the NaN-propagating f32x4.min/max
 * are 5–6-instruction fix-up sequences).
 */
// @ts-ignore: decorator
@inline
export function clamp(v: v128, vmin: v128, vmax: v128): v128 {
  return f32x4.pmin(f32x4.pmax(v, vmin), vmax);
}

/**
 * clamp(v, vmin, vmax) when `act`, else v: kernels pass a constant and compile both forms, taking
 * the one without when the bounds are [−∞, +∞] (no activation: the clamp would change no bit,
 * NaN and −0 included), which saves its two instructions per stored vector.
 */
// @ts-ignore: decorator
@inline
export function clampIf(act: bool, v: v128, vmin: v128, vmax: v128): v128 {
  return act ? clamp(v, vmin, vmax) : v;
}

/**
 * Marker types for kernels compiled once per activation form, as generic functions
 * (`kernel<WithActivation>` / `kernel<NoActivation>`, `act = activates<T>()`): as an @inline
 * function with a constant `act` argument (the other kernels' way) the stride-2 depthwise
 * kernel's two copies were folded back into one by binaryen, the clamp computed and then chosen
 * by a runtime select, with vmin / vmax kept live in registers; as two functions they took
 * 0.96–0.98× the time without an activation and 0.95–1.0× with relu6 (96×112², 144×56²,
 * 32×112², same-process A/B), for 6.6 KiB more wasm.
 */
export type WithActivation = u8;
export type NoActivation = u16;

/** Whether T is WithActivation (a compile-time constant). */
// @ts-ignore: decorator
@inline
export function activates<T>(): bool {
  return sizeof<T>() == 1;
}

/** True unless the activation bounds are [−∞, +∞]. */
// @ts-ignore: decorator
@inline
export function hasActivation(actMin: f32, actMax: f32): bool {
  return actMin != -Infinity || actMax != Infinity;
}

/** Stores the first `n` (1..4) lanes of `v` at `p`. */
// @ts-ignore: decorator
@inline
export function storeLanes(p: usize, v: v128, n: i32): void {
  if (n >= 4) {
    v128.store(p, v);
    return;
  }
  f32.store(p, f32x4.extract_lane(v, 0));
  if (n > 1) f32.store(p, f32x4.extract_lane(v, 1), 4);
  if (n > 2) f32.store(p, f32x4.extract_lane(v, 2), 8);
}

/** Stores the first `n` (1..8) lanes of the pair (lo, hi) at `p`. */
// @ts-ignore: decorator
@inline
export function storeLanes8(p: usize, lo: v128, hi: v128, n: i32): void {
  if (n >= 8) {
    v128.store(p, lo);
    v128.store(p, hi, 16);
  } else if (n > 4) {
    v128.store(p, lo);
    storeLanes(p + 16, hi, n - 4);
  } else {
    storeLanes(p, lo, n);
  }
}
