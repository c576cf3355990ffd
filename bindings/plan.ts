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
 * - 3×3, stride 2, no dilation, one group, 16 ≤ C and C·Cout ≤ 256·256: the polyphase Winograd
 *   (F(2×2, 2×2) on the even/odd rows and columns: 25 multiplications per 2×2 tile and channel
 *   instead of 36). Relaxed / simd, ms, Winograd vs the best of direct / im2col, interleaved
 *   rounds: 64→128 @56² 1.99 vs 2.54 / 2.38 vs 3.02; 128→256 @28² 1.94 vs 2.53 / 2.30 vs 2.81;
 *   32→64 @112² 2.21 vs 2.50 / 2.56 vs 2.92; 256→256 @14² 1.12 vs 1.31 / 1.52 vs 2.02; 128→256
 *   @20² 1.04 vs 1.31 / 1.21 vs 1.46; 64→64 @8² 0.035 vs 0.041 / 0.035 vs 0.044; 24→32 @56² 0.228
 *   vs 0.279 / 0.266 vs 0.302; 16→32 @64² 0.235 vs 0.255 / 0.245 vs 0.254. It loses with 8
 *   channels (8→16 @64² 0.101 vs 0.082 / 0.085 vs 0.069) and where U outgrows the caches
 *   (256→512 @14² 2.65 vs 2.52 / 4.35 vs 4.28; 512→512 @8² 2.23 vs 2.02 / 2.52 vs 2.18).
 * - 1×1, stride 1, no padding: the pointwise GEMM, which reads the input in place
 *   (1×1 144→24 @56²: 44.7 GFLOP/s vs 40.1 im2col, 40.4 direct, relaxed build).
 * - other 1×1 (strided): im2col + GEMM (1×1 s2 64→128 @56²: 40.1 vs direct 30.7).
 * - kernels of at most 3×3 taps with a long reduction K = Cg·kH·kW ≥ 512, where the direct
 *   kernel's tiles (8 pixels of one output row) would leave more than 8 % of their lanes idle
 *   (outW / (8·⌈outW / 8⌉) < 0.92) and the output has more than 4 pixels: im2col + GEMM, whose
 *   tiles run over the flattened output and whose B rows are contiguous in the panel (one load
 *   fewer per step than the direct kernel's indirection; at stride 2 the panel is gathered 4
 *   columns a step). Measured on strided 3×3 layers (before stride-2 Winograd; ms, direct vs
 *   im2col, tensor input, relaxed / simd, repeated runs): outW = 28, 64→128 @56² (K = 576) 2.42
 *   vs 2.27 / 2.79 vs 2.69; 128→128 @56² 4.80 vs 4.55 / 5.37 vs 5.29; outW = 14, 128→256 @28²
 *   (K = 1152) 2.56 vs 2.42 / 2.95 vs 2.63; outW = 7, 256→512 @14² 2.55 vs 2.38 / 3.00 vs 2.77;
 *   outW = 4, 512→512 @8² 2.30–2.71 vs 1.61–1.76 / 2.39–2.56 vs 1.79–2.13; outW = 3, 256→256
 *   @6² 0.34 vs 0.27 / 0.33 vs 0.30. Rows that fill their tiles keep the direct kernel (no copy):
 *   outW = 8, 128→128 @16² 0.37 vs 0.41 / 0.43 vs 0.46; outW = 16, 128→256 @32² 3.10 vs 3.24 /
 *   3.59 vs 3.67; outW = 32, 64→128 @64² 3.11 vs 3.33 / 3.80 vs 3.96; outW = 30 a tie; so do
 *   outputs of ≤ 4 pixels, where both run pixel by pixel (512→512 @4² → 2²: 0.62 vs 0.69 / 0.57
 *   vs 0.62). At K = 288 (32→64 @56²) a tie, at K = 144 direct by 9 %.
 * - larger kernels (5×5, 7×7) stay on the direct kernel whatever K: im2col copies kH·kW short
 *   rows per channel, and lost on every 5×5 layer measured (same units: 32→64 @28² K = 800
 *   1.71 vs 1.77 / 1.84 vs 2.02; 48→64 @56² K = 1200 8.60 vs 9.91 / 10.2 vs 11.6; 128→128 @14²
 *   K = 3200 3.27 vs 3.62 / 3.86 vs 4.14; 5×5 s2 96→96 @28² 1.93 vs 2.08 / 2.18 vs 2.26).
 * - otherwise the direct kernel, which needs no im2col matrix: with few input channels (LeNet,
 *   a 3-channel stem) the copy costs more than it saves (stem 7×7 s2: direct 46.7 vs 39.1).
 */
import type { ConvAlgorithm, Conv2dParams } from './types.js';

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
 * Largest input plane (H·W) on which stride-1 3×3 depthwise runs 4 channels at a time
 * (f32_dwconv_3x3_c4, which interleaves 4 channels' planes and computes pixels of the 4 per
 * vector) instead of along each plane's rows (f32_dwconv_3x3s1, 4-wide steps with edge cases at
 * both ends of a row, 4-row steps). The two give the same bits. Time of the 4-channel form over
 * the row form (`node --experimental-wasm-relaxed-simd bench/dw-c4.mjs`: same process, resident
 * tensors, interleaved rounds), relaxed without activation / simd with relu6, since its output
 * rows take two passes (kernel rows 0 and 1, then 2): 960 @7² 0.55 / 0.52; 384 @14² 0.68 / 0.74;
 * 576 @14² 0.59 / 0.63; 256 @16² 0.76 / 0.76; 192 @20² 0.84 / 0.78; 128 @24² 0.75–0.88 / 0.81;
 * 192 @28² 0.83–0.95 / 0.81–0.82; 64 @32² 0.98 / 0.71, 96 @32² 0.81–0.85 / 0.84; 64 @40² 1.03 /
 * 0.81, 144 @40² 0.90–1.00 / 0.89; 144 @56² 1.00–1.05 / 0.88–0.92; 32 @112² 0.98–1.01 / 0.88–0.94
 * — from about 40 × 40 on, the interleaving copy costs what the row form's edges do. (With three
 * passes, before: 192 @28² 0.93–1.08, 64 @32² 1.26, 144 @56² 1.33, 32 @112² 1.41, and the edge
 * was 24 × 24.)
 */
const DW_C4_MAX_PLANE_S1 = 32 * 32;
/**
 * The same at stride 2, where the copy interleaves 4 input pixels per output pixel (`…
 * bench/dw-c4.mjs --stride 2`, relaxed, two passes): 256 @8² 0.85, @10² 0.87, @12² 0.98, but 576
 * @14² 1.03–1.16, 288 @16² 1.16–1.17, 192 @28² 1.11–1.15, 144 @56² 1.38, 96 @112² 1.31 (three
 * passes: @12² 0.93–0.96, 576 @14² 1.19–1.25). Whatever the plane, though, the row
 * form (f32_dwconv_3x3s2) computes a row's last outputs one row at a time with masked loads when
 * their window reaches past the input's last column (odd widths with padding 1), and there the
 * 4-channel form wins: 256 @7² 0.21, @9² 0.27, @13² 0.37, 128 @21² 0.42, @29² 0.52, 64 @41²
 * 0.57, @57² 0.66–0.71, 32 @113² 0.96.
 */
const DW_C4_MAX_PLANE_S2 = 12 * 12;
/** setDepthwiseC4MaxPlane's value, which replaces the rule when set */
let dwC4Override: number | null = null;

/** Whether 3×3 depthwise (of the in-place kind, stride 1 or 2) runs 4 channels at a time. */
export function depthwiseC4(p: Pick<Conv2dParams, 'H' | 'W' | 'sH' | 'outW' | 'padLeft'>): boolean {
  const plane = p.H * p.W;
  if (dwC4Override !== null) return plane <= dwC4Override;
  if (p.sH === 1) return plane <= DW_C4_MAX_PLANE_S1;
  return plane <= DW_C4_MAX_PLANE_S2 || 2 * (p.outW - 1) - p.padLeft + 2 >= p.W;
}

/**
 * For tests and benchmarks only (not exported by the package): replaces the plane-size edges,
 * so both forms can be run on the same shapes (0: never 4 channels at a time; Infinity: always;
 * null: the rule). Returns the previous value.
 */
export function setDepthwiseC4MaxPlane(n: number | null): number | null {
  const old = dwC4Override;
  dwC4Override = n;
  return old;
}

/**
 * Fewest input channels for Winograd F(2×2, 3×3), forced or not. Below, the transforms cost more
 * than they save, and its rounding error comes close to the dot-product bound that every
 * algorithm keeps on random data (DESIGN.md): worst error / bound over N(0,1) data, 3×3 p1 on
 * 8×8, was 0.98 with 1 input channel (3000 trials, measured before this rule), 0.30 with 2;
 * `bench/winograd-error.mjs` gives 0.028 with 8, 0.015 with 16, 0.0045 with 64.
 */
export const WINOGRAD_MIN_C = 8;

/** Smallest reduction length at which im2col + GEMM beats the direct kernel (both builds). */
const IM2COL_MIN_K = 512;
/** Most taps per channel for im2col + GEMM: beyond 3×3 the direct kernel won every time. */
const IM2COL_MAX_TAPS = 9;
/** Direct-kernel lane use (outW over its row tiles' width) below which im2col + GEMM wins. */
const DIRECT_MIN_ROW_USE = 0.92;
/** Outputs of at most this many pixels stay direct (both kernels run them pixel by pixel). */
const IM2COL_MIN_P = 5;

/**
 * 3×3, one group, ≥ WINOGRAD_MIN_C input channels, and stride 1 (Winograd F(2×2, 3×3); a dilated
 * layer as one such convolution per output phase) or stride 2 without dilation (the polyphase
 * F(2×2, 2×2) form): where Winograd runs.
 */
export function isWinograd(p: Pick<Conv2dParams, 'kH' | 'kW' | 'sH' | 'sW' | 'dH' | 'dW' | 'groups' | 'cPerGroup'>): boolean {
  const stride = (p.sH === 1 && p.sW === 1) || (p.sH === 2 && p.sW === 2 && p.dH === 1 && p.dW === 1);
  return p.kH === 3 && p.kW === 3 && stride && p.groups === 1 && p.cPerGroup >= WINOGRAD_MIN_C;
}

/** Stride-2 Winograd's floor on input channels under 'auto' (the forced floor is WINOGRAD_MIN_C). */
const WINOGRAD_S2_AUTO_MIN_C = 16;
/** …and its ceiling on C·Cout: beyond, its U (16·C·Cout floats, 4 MiB here) streams from memory. */
const WINOGRAD_S2_AUTO_MAX_CK = 256 * 256;

/** Where 'auto' takes Winograd: every stride-1 geometry it computes; stride 2 where it measured faster. */
export function autoWinograd(p: Pick<Conv2dParams, 'kH' | 'kW' | 'sH' | 'sW' | 'dH' | 'dW' | 'groups' | 'cPerGroup' | 'K'>): boolean {
  if (!isWinograd(p)) return false;
  return p.sH === 1 || (p.cPerGroup >= WINOGRAD_S2_AUTO_MIN_C && p.cPerGroup * p.K <= WINOGRAD_S2_AUTO_MAX_CK);
}

/**
 * The kernel family for a call. `finite`: input and weights hold no ±Infinity or NaN. Winograd
 * needs that — its transforms add and subtract inputs, so an infinite one can meet its own
 * negation and give NaN where the textbook loop (and PyTorch) gives ±Infinity — so without it the
 * choice (forced or not) falls back to the rule below, as if Winograd did not exist.
 */
export function chooseConvKernel(p: Conv2dParams, requested: ConvAlgorithm, finite = true): ConvKernel {
  if (requested !== 'auto' && requested !== 'winograd') return requested;
  if (isDepthwise(p)) return 'depthwise';
  if (finite && (requested === 'winograd' ? isWinograd(p) : autoWinograd(p))) return 'winograd';
  if (isPointwise(p)) return 'pointwise';
  if (p.kH === 1 && p.kW === 1) return 'im2col';
  const taps = p.kH * p.kW;
  const rowUse = p.outW / (8 * Math.ceil(p.outW / 8));
  return taps <= IM2COL_MAX_TAPS && p.cPerGroup * taps >= IM2COL_MIN_K && p.outH * p.outW >= IM2COL_MIN_P &&
    rowUse < DIRECT_MIN_ROW_USE ? 'im2col' : 'direct';
}

/** Target bytes of one K×nc panel of B for the GEMM drivers (128 KiB – 512 KiB measured alike). */
const PANEL_BYTES = 256 * 1024;

/** Columns per GEMM panel: a multiple of 8 that keeps K×nc floats near PANEL_BYTES. */
export function panelColumns(k: number, p: number): number {
  const fit = Math.floor(PANEL_BYTES / (4 * k) / 8) * 8;
  return Math.max(8, Math.min(fit, Math.ceil(p / 8) * 8));
}

/**
 * K-blocking of the pointwise GEMM (f32_conv2d_gemm's kb): B's rows in parts of kb, each part
 * run over every 4-row block of the weights, so a kb × (panel columns) part of the input stays in
 * L1 for all of them instead of being read from L2 by each. It pays on small images, where such
 * a part holds ~100 rows of every column. Measured (`node --experimental-wasm-relaxed-simd
 * bench/kblock.mjs [--isa simd --act relu6]`, resident, same-process A/B, time with parts of 104
 * rows / whole K) on 7 × 7, MobileNetV2's last 1×1 layers and ResNet-18 layer4's shape: in nine
 * runs of 960→160, 320→1280, 576→160, 256→512, relaxed 0.79–1.17 (median 0.88, 2 of 36 above
 * 1.0; 960→320 and 512→512 in four: 0.83–1.12), simd + relu6 in three 0.86–1.12 (median 0.94) —
 * the VM's neighbours move such L1-sized effects from run to run; parts of 64 to 160 rows ran
 * alike (one run). Not split: K < 2 parts (160→960 as 104 + 56: 1.01–1.04); 10² (parts would be
 * 56 rows: 960→160 no faster in kernel-only runs) and larger images
 * (576→96 @14², 256→512 @14², 144→24 @56²: 0.9–1.1, no gain); im2col panels, where parts of
 * 64–256 rows were 1.0–1.2× slower (3×3 layers, kernel only).
 */
const KBLOCK_BYTES = 24 * 1024;
/** Fewest rows per part: the 24 KiB part holds fewer only on images past 64 pixels (10² and up), where splitting gained nothing. */
const KBLOCK_MIN_ROWS = 96;
/** setKBlockRows's value, which replaces the rule when set */
let kBlockOverride: number | null = null;

/** Rows of B per part for the pointwise GEMM over `cols` output columns (0: the whole K at once). */
export function kBlock(k: number, cols: number): number {
  if (kBlockOverride !== null) return kBlockOverride < k ? kBlockOverride : 0;
  const kb = Math.floor(KBLOCK_BYTES / (4 * Math.ceil(cols / 8) * 8) / 8) * 8;
  return kb >= KBLOCK_MIN_ROWS && 2 * kb <= k ? kb : 0;
}

/**
 * For tests and benchmarks only (not exported by the package): replaces the rule by parts of n
 * rows (0: never in parts; null: the rule). Returns the previous value.
 */
export function setKBlockRows(n: number | null): number | null {
  const old = kBlockOverride;
  kBlockOverride = n;
  return old;
}
