/**
 * Which kernel family runs a convolution, and how big its blocks are.
 *
 * The 'auto' rule, from side-by-side runs of every family on the bench suite's layers
 * (AMD EPYC, Node 20, one thread, GFLOP/s):
 * - groups = C > 1 (depthwise, any multiplier): the depthwise kernel.
 * - 3×3, stride 1, one group, at least 8 input channels (WINOGRAD_MIN_C): Winograd F(2×2, 3×3), 16
 *   multiplications per 2×2 tile and channel instead of 36 (relaxed, ms, Winograd vs the best of
 *   direct / im2col: 64→64 @56² 2.96 vs 4.76; 128→128 @28² 2.85 vs 4.93; 256→256 @14² 2.54 vs
 *   4.97; 512→512 @7² 2.9–4.1 vs 5.1–5.3; 32→64 @14² 0.095 vs 0.165; 8→16 @56² 0.142 vs 0.153;
 *   but 4→32 @32² 0.070 vs 0.056 and 6→16 @32² 0.044 vs 0.042; the simd build alike). Dilated
 *   layers run one such convolution per output phase (3×3 d2 64→64 @56²: 3.03 vs 4.80 direct;
 *   d4 64→64 @28²: 0.835 vs 1.25).
 *   Exact on small-integer data like every kernel; on other data its rounding differs from the
 *   textbook loop's more than a reordering would (DESIGN.md, bounded tier; the tests check it).
 * - 1×1, stride 1, no padding: the pointwise GEMM, which reads the input in place
 *   (1×1 144→24 @56²: 44.7 GFLOP/s vs 40.1 im2col, 40.4 direct, relaxed build).
 * - other 1×1 (strided): im2col + GEMM (1×1 s2 64→128 @56²: 40.1 vs direct 30.7).
 * - a long reduction K = Cg·kH·kW: im2col + GEMM, whose B rows are contiguous in the panel (one
 *   load fewer per step than the direct kernel's indirection). The crossover depends on the
 *   build: with FMA the direct kernel keeps up to K = 576 (ResNet 3×3 64→64 @56²: direct 45.4,
 *   im2col 44.3) and loses from K = 1152 (3×3 s2 128→256: 38.4 vs 46.1); with mul+add, whose
 *   loop is more load-bound, im2col wins from K = 576 (35.5 vs 32.0).
 * - except on small outputs (fewer than 64 pixels): there the direct kernel wins whatever K
 *   (ResNet layer4 3×3 512→512 @7², K = 4608: direct 5.15 ms vs im2col 5.71 relaxed, 5.79 vs
 *   6.27 simd; at @14² im2col is ahead by 2–3 %).
 * - otherwise the direct kernel, which needs no im2col matrix: with few input channels (LeNet,
 *   a 3-channel stem) the copy costs more than it saves (stem 7×7 s2: direct 46.7 vs 39.1).
 */
import type { ConvAlgorithm, Conv2dParams, Isa } from './types.js';

export type ConvKernel = 'direct' | 'im2col' | 'pointwise' | 'depthwise' | 'winograd';

/** groups = C > 1: one filter (or `multiplier` filters) per input channel. */
export function isDepthwise(p: Pick<Conv2dParams, 'groups' | 'C' | 'cPerGroup'>): boolean {
  return p.groups === p.C && p.cPerGroup === 1 && p.C > 1;
}

export function isPointwise(p: Conv2dParams): boolean {
  return p.kH === 1 && p.kW === 1 && p.sH === 1 && p.sW === 1 &&
    p.padTop === 0 && p.padLeft === 0 && p.padBottom === 0 && p.padRight === 0;
}

/**
 * Fewest input channels for Winograd F(2×2, 3×3), forced or not. Below, the transforms cost more
 * than they save, and its rounding error comes close to the dot-product bound that every
 * algorithm keeps on random data (DESIGN.md): worst error / bound over N(0,1) data, 3×3 p1 on
 * 8×8, was 0.98 with 1 input channel (3000 trials, measured before this rule), 0.30 with 2;
 * `bench/winograd-error.mjs` gives 0.028 with 8, 0.015 with 16, 0.0045 with 64.
 */
export const WINOGRAD_MIN_C = 8;

/** Smallest reduction length at which im2col + GEMM beats the direct kernel, per build. */
const IM2COL_MIN_K: Record<Isa, number> = { relaxed: 1024, simd: 512 };
/** Fewest output pixels for im2col + GEMM: below, its panels are a tile or two wide. */
const IM2COL_MIN_P = 64;

/**
 * 3×3, stride 1, one group, ≥ WINOGRAD_MIN_C input channels: where Winograd F(2×2, 3×3) runs (a
 * dilated layer as one such convolution per output phase).
 */
export function isWinograd(p: Pick<Conv2dParams, 'kH' | 'kW' | 'sH' | 'sW' | 'groups' | 'cPerGroup'>): boolean {
  return p.kH === 3 && p.kW === 3 && p.sH === 1 && p.sW === 1 && p.groups === 1 && p.cPerGroup >= WINOGRAD_MIN_C;
}

/**
 * The kernel family for a call. `finite`: input and weights hold no ±Infinity or NaN. Winograd
 * needs that — its transforms add and subtract inputs, so an infinite one can meet its own
 * negation and give NaN where the textbook loop (and PyTorch) gives ±Infinity — so without it the
 * choice (forced or not) falls back to the rule below, as if Winograd did not exist.
 */
export function chooseConvKernel(p: Conv2dParams, requested: ConvAlgorithm, isa: Isa, finite = true): ConvKernel {
  if (requested !== 'auto' && requested !== 'winograd') return requested;
  if (isDepthwise(p)) return 'depthwise';
  if (isWinograd(p) && finite) return 'winograd';
  if (isPointwise(p)) return 'pointwise';
  if (p.kH === 1 && p.kW === 1) return 'im2col';
  return p.cPerGroup * p.kH * p.kW >= IM2COL_MIN_K[isa] && p.outH * p.outW >= IM2COL_MIN_P ? 'im2col' : 'direct';
}

/** Target bytes of one K×nc panel of B for the GEMM drivers (128 KiB – 512 KiB measured alike). */
const PANEL_BYTES = 256 * 1024;

/** Columns per GEMM panel: a multiple of 8 that keeps K×nc floats near PANEL_BYTES. */
export function panelColumns(k: number, p: number): number {
  const fit = Math.floor(PANEL_BYTES / (4 * k) / 8) * 8;
  return Math.max(8, Math.min(fit, Math.ceil(p / 8) * 8));
}
