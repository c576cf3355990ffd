/**
 * When a call is worth splitting. Work is counted in "MAC-equivalents": one multiply-add of the
 * GEMM / direct microkernels (≈ 17–25 G/s per thread). Other kernels are weighted by their cost
 * relative to that, discounted for being memory-bound (two threads share the bandwidth, so they
 * gain less from a split than their single-thread time suggests).
 *
 * A job uses  min(threads, units, ⌊work / MIN_WORK_PER_THREAD⌋)  threads (at least 1), so a
 * call stays on the calling thread until each thread would get MIN_WORK_PER_THREAD.
 *
 * Measured (November 2026, the 2-vCPU KVM guest of PERF-NOTES.md, Node 20, relaxed build,
 * machine otherwise idle; 3×3 p1 direct convolutions, 1 vs 2 threads, median of back-to-back
 * calls, i.e. workers awake):
 *
 *   MACs      1 thread   2 threads   speed-up
 *   74 k       24 µs      30 µs      ×0.80
 *   295 k      32 µs      36 µs      ×0.90
 *   590 k      49 µs      48 µs      ×1.02
 *   1.2 M      87 µs      59 µs      ×1.48
 *   1.8 M     137 µs     106 µs      ×1.30
 *   7.2 M     432 µs     278 µs      ×1.55
 *
 * Handing a job to awake workers costs ≈ 1–2 µs (a 64-float relu: 1.0 → 2.0 µs); the rest of
 * the small-call loss is the barrier and caches. Depthwise and pooling split from ≈ 1 M MACs /
 * 0.5 M window taps (depthwise 3×3 32 ch @28², 226 k MACs: ×0.81; 144 ch @28², 1 M MACs: ×1.20).
 * So 400 k per thread: 2 threads from 0.8 M MACs. LeNet-5 C1 (118 k MACs) stays on one thread;
 * every ResNet-18 / MobileNetV2 convolution at 224² input is split.
 *
 * After an idle pause (workers asleep) a call pays more: ≈ 150–250 µs on that VM, where a woken
 * worker often lands on the caller's vCPU until the scheduler moves it (7.2 M MACs: ×0.75, 116 M:
 * ×1.5). Back-to-back calls — a network's layers — keep the workers awake (control.ts).
 */
export const COST = {
  /** per multiply-add of conv2d / conv1d (direct, im2col, pointwise) */
  mac: 1,
  /** per multiply-add of the depthwise kernel */
  dwMac: 2,
  /** per output element × window tap of max / average pooling */
  poolTap: 2,
  /** per float copied (padding, im2col, clamp, global-average input) */
  copy: 1,
} as const;

export const MIN_WORK_PER_THREAD = 400_000;

/** Threads for a job of `work` MAC-equivalents over `units` independent pieces, at most `max`. */
export function threadsFor(work: number, units: number, max: number, minWork = MIN_WORK_PER_THREAD): number {
  return Math.max(1, Math.min(max, units, minWork > 0 ? Math.floor(work / minWork) : Infinity));
}
