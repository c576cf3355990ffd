/**
 * Which kernel family runs a convolution, and how big its blocks are.
 *
 * The 'auto' rule, from side-by-side runs of every family on the bench suite's layers
 * (AMD EPYC, Node 20, one thread, GFLOP/s):
 * - groups = C > 1 (depthwise, any multiplier): the depthwise kernel.
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

export type ConvKernel = 'direct' | 'im2col' | 'pointwise' | 'depthwise';

/** groups = C > 1: one filter (or `multiplier` filters) per input channel. */
export function isDepthwise(p: Pick<Conv2dParams, 'groups' | 'C' | 'cPerGroup'>): boolean {
  return p.groups === p.C && p.cPerGroup === 1 && p.C > 1;
}

export function isPointwise(p: Conv2dParams): boolean {
  return p.kH === 1 && p.kW === 1 && p.sH === 1 && p.sW === 1 &&
    p.padTop === 0 && p.padLeft === 0 && p.padBottom === 0 && p.padRight === 0;
}

/** Smallest reduction length at which im2col + GEMM beats the direct kernel, per build. */
const IM2COL_MIN_K: Record<Isa, number> = { relaxed: 1024, simd: 512 };
/** Fewest output pixels for im2col + GEMM: below, its panels are a tile or two wide. */
const IM2COL_MIN_P = 64;

export function chooseConvKernel(p: Conv2dParams, requested: ConvAlgorithm, isa: Isa): ConvKernel {
  if (requested !== 'auto') return requested;
  if (isDepthwise(p)) return 'depthwise';
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
