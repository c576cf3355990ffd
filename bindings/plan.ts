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
 *   (1×1 144→24 @56²: 44.7 GFLOP/s vs 40.1 im2col, 40.4 direct, relaxed build, while im2col
 *   still copied a 1×1 panel row by row) — except where its rows sit badly in the cache, or
 *   K·M ≥ 32768 (pointwiseCopies): then im2col + GEMM, the same GEMM over copied, tile-major
 *   panels. (144→24 @56² is such a layer, K = 144 rows on 16 sets; with the one-run copy the
 *   two tie there, 1.00×.)
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
  if (isPointwise(p)) return pointwiseCopies(p.cPerGroup, p.outH * p.outW, p.kPerGroup) ? 'im2col' : 'pointwise';
  if (p.kH === 1 && p.kW === 1) return 'im2col';
  const taps = p.kH * p.kW;
  const rowUse = p.outW / (8 * Math.ceil(p.outW / 8));
  return taps <= IM2COL_MAX_TAPS && p.cPerGroup * taps >= IM2COL_MIN_K && p.outH * p.outW >= IM2COL_MIN_P &&
    rowUse < DIRECT_MIN_ROW_USE ? 'im2col' : 'direct';
}

/**
 * Target bytes of one K×nc panel of B for the GEMM drivers (128 KiB – 512 KiB measured alike).
 * The panel holds all K rows: split along K as well (parts of whole channels, the later ones
 * accumulating into Y), it ran 0.85–1.16× the time with parts of ≤ 1024 rows, 0.96–1.21× with
 * ≤ 512, 1.01–1.40× with ≤ 256 (K = 768–4608, relaxed, resident, same process, 3 Dec;
 * docs/performance-notes.md lists them), so it is not.
 */
const PANEL_BYTES = 256 * 1024;

/** Columns per GEMM panel: a multiple of 8 that keeps K×nc floats near PANEL_BYTES. */
export function panelColumns(k: number, p: number): number {
  const fit = Math.floor(PANEL_BYTES / (4 * k) / 8) * 8;
  return Math.max(8, Math.min(fit, Math.ceil(p / 8) * 8));
}

/**
 * Whether 'auto' computes a pointwise layer (1×1, stride 1, unpadded; k = input channels and m =
 * output channels per group, p = pixels) by im2col + GEMM — its panels copied from the input, one
 * run per channel — instead of the pointwise GEMM reading the input in place, whose B rows are
 * the input planes, p floats apart: wherever k·m ≥ COPY_MIN_KM, and below that where the rows
 * sit badly. A tile reads 8 columns (32 bytes) of each of the k rows; in place those rows can
 * sit badly in L1 (64 sets of 8 lines, the set given by the address mod 4096):
 * - on too few sets (rowsCrowdASet): planes of 32², 64², 128² pixels put every row on one set,
 *   48² on four, 31 × 33 (4092 bytes a row) drifts one set per 16 rows; when more of a tile's
 *   lines fall on one set than its 8 ways hold, they evict each other before the next tile
 *   reads the other half of their lines;
 * - not 16-byte aligned (p % 4 ≠ 0: 7 × 7, 9 × 9), which costs only with a long reduction
 *   (k ≥ UNALIGNED_MIN_K).
 * The copied panel is tile-major (f32_im2col): a tile's K rows of 8 floats lie in one run. At
 * most one tile (p < 8) stays in
 * place. Time copied / in place (`node --experimental-wasm-relaxed-simd
 * bench/pointwise-copy.mjs`, resident, same process, relaxed, 3 Dec, row-major panels), copied
 * by these two conditions: 7 × 7
 * (MobileNetV2's 160→960, 576→160, 960→160, 960→320, 320→1280; ResNet-50's 2048→512, 512→2048)
 * 0.81–0.99 (0.91–0.94 on MobileNetV2's last three); 6², 8², 4² with 256–2048 channels 0.90–0.97;
 * 64→128 @64² 0.60, 144→24 @64² 0.65, 16→32 @64² 0.76, 32→32 @128² 0.62, 64→64, 32→32, 16→16
 * and 128→128 @32² 0.79, 0.81, 0.86, 0.63, 64→64 and 16→32 @31×33 0.66 and 0.74, 144→24 @48²
 * 0.84, 256→64 @56² 0.95, 1024→256 @14² 0.96, 256→256 @9² 0.98; near the line: 128→128, 64→256,
 * 256→256 @16² 0.96–1.02, 960→160 @10² 1.00, 160→160 @13² 0.99, 144→24 @40² 1.01, 576→96 @12²
 * 1.02, 144→24 @16×32 and @24×32 1.06. Kept in place, where the copy lost or tied: short
 * reductions on small or unaligned images (1→1 @4² 1.53, 8→8 @8² 1.44, 16→32 @8² 1.19, 96→96 @6²
 * 1.32, 64→64 @4² 1.16, 128→128 @8² 1.06, 64→256 and 128→256 @7² 1.02, 32→64 @9² 1.09, 128→128
 * @9² 1.03, 144→24 @27² 1.03, 16→96 @111² 1.08); 32→16 and 16→96 @112² 1.15, 1.03; 96→24,
 * 24→144, 144→24, 64→256 @56² 1.00–1.05; the other 14²–28² layers 0.94–1.05 (128→512 @28² 0.83
 * once, 1.05 in a rerun); 160→960, 320→1280 @10² 0.99, 1.06; 1024→1000 on one pixel 1.09. The simd
 * build with relu6 alike (960→160 @7² 0.87, 144→24 @64² 0.81, 128→128 @16² 0.87, 32→16 @112²
 * 1.08). With 2 threads (each copies its own panel) 0.62–0.90 on 320→1280 @7² and 144→24 @64²,
 * 0.80–1.08 on 960→160 @7², 64→64 @32², 144→24 @56² (noisier: the second vCPU is shared). Before
 * this rule the ≤ 64-pixel layers took K in parts of ~100 rows kept in L1 (in place; 0.79–1.17×
 * whole K): the copy beat that too, so the parts are gone. Of the layers kept in place above,
 * those with k·m ≥ COPY_MIN_KM are copied now (measured again on tile-major panels there).
 */
export function pointwiseCopies(k: number, p: number, m: number): boolean {
  if (p < 8) return false;
  return k * m >= COPY_MIN_KM || rowsCrowdASet(4 * p, k) || (p % 4 !== 0 && k >= UNALIGNED_MIN_K);
}

/**
 * Smallest K·M (input × output channels per group) at which the copy pays wherever the rows sit,
 * since the panels became tile-major (20884c3): the copy costs K·P, the GEMM K·M·P, and in place
 * a tile's K rows are K lines of L1 where the panel's are one run. Copied / in place (`node
 * --experimental-wasm-relaxed-simd bench/pointwise-copy.mjs [--isa simd]`, two runs of 15 rounds
 * each, relaxed and simd, 3 Dec 13:20 UTC): at or above the line 96→576 @14² 0.83–0.97, 256→512
 * @14² 0.88–0.99, 128→512 @28² 0.82–1.00 (0.85–0.93 in three more), 512→128 @28² 0.81–0.96,
 * 256→1024 @14² 0.88–1.02, 128→256 @7² 0.93–1.01, 320→1280 @10² 0.83–0.97, 160→960 @10²
 * 0.94–1.07; below it, kept in place: 64→256 @7² 1.00–1.05, 128→128 @9² 0.97–1.18, @8²
 * 0.97–1.02, 64→384 and 384→64 @14² 0.88–1.08, 192→64 @14² 0.93–1.06 — and 64→256 @56², where
 * the copy won (0.85–0.96), the line's one miss.
 */
const COPY_MIN_KM = 32768;

/** Shortest reduction at which unaligned rows alone make the copy pay (7 × 7: 160→960 0.98, 128→256 1.02). */
const UNALIGNED_MIN_K = 160;

/** rowsCrowdASet's answers, by k and row bytes (few shapes per application; emptied at 256). */
const crowded = new Map<number, boolean>();

/**
 * Whether 32 bytes at the start of each of k rows, `bytes` apart, put more than 8 lines on one of
 * L1's 64 sets (64-byte lines, 4096 bytes a way). Past 512 rows some set always holds 9.
 */
export function rowsCrowdASet(bytes: number, k: number): boolean {
  if (k > 512) return true;
  const key = k * 2 ** 32 + bytes;
  let answer = crowded.get(key);
  if (answer === undefined) {
    const perSet = new Uint8Array(64);
    answer = false;
    for (let r = 0, at = 0; r < k && !answer; r++, at = (at + bytes) % 4096) {
      const first = at >> 6;
      const last = (at + 31) >> 6;
      for (let line = first; line <= last; line++) {
        if (++perSet[line & 63] > 8) answer = true;
      }
    }
    if (crowded.size >= 256) crowded.clear();
    crowded.set(key, answer);
  }
  return answer;
}
