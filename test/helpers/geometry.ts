/** Test-name formatting and the awkward geometries every engine test runs over. */
import type { ConvAlgorithm } from '../../bindings/types.js';

/** Compact rendering for names: [1,3,7,5], same, 2, relu, {min:-3,max:5}. */
export function fmt(v: unknown): string {
  if (v === undefined) return '-';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `[${v.map(fmt).join(',')}]`;
  if (typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${k}:${fmt(x)}`).join(',')}}`;
  return String(v);
}

export type Pair = number | [number, number];
export type Act = 'none' | 'relu' | 'relu6' | { min: number; max: number };

export interface Conv2dCase {
  x: [number, number, number, number];
  w: [number, number, number, number];
  s?: Pair;
  p?: number | [number, number] | [number, number, number, number] | 'same' | 'valid';
  d?: Pair;
  g?: number;
  bias?: boolean;
  act?: Act;
}

export interface Conv1dCase {
  x: [number, number, number];
  w: [number, number, number];
  s?: number;
  p?: number | [number, number] | 'same' | 'valid';
  d?: number;
  g?: number;
  bias?: boolean;
  act?: Act;
}

export function conv2dName(c: Conv2dCase): string {
  return (
    `conv2d x=${fmt(c.x)} w=${fmt(c.w)} s=${fmt(c.s ?? 1)} p=${fmt(c.p ?? 0)} d=${fmt(c.d ?? 1)} g=${c.g ?? 1}` +
    `${c.bias === false ? '' : ' bias'}${c.act && c.act !== 'none' ? ` act=${fmt(c.act)}` : ''}`
  );
}

export function conv1dName(c: Conv1dCase): string {
  return (
    `conv1d x=${fmt(c.x)} w=${fmt(c.w)} s=${c.s ?? 1} p=${fmt(c.p ?? 0)} d=${c.d ?? 1} g=${c.g ?? 1}` +
    `${c.bias === false ? '' : ' bias'}${c.act && c.act !== 'none' ? ` act=${fmt(c.act)}` : ''}`
  );
}

function pair(v: Pair | undefined): [number, number] {
  return v === undefined ? [1, 1] : typeof v === 'number' ? [v, v] : v;
}

function zeroPadding(p: Conv2dCase['p'] | Conv1dCase['p']): boolean {
  if (p === undefined || p === 'valid' || p === 0) return true;
  return Array.isArray(p) && p.every((v) => v === 0);
}

/**
 * Whether depthwise on this geometry runs the in-place 3×3 kernels (f32_dwconv_3x3s1,
 * f32_dwconv_3x3s2 or f32_dwconv_3x3_c4; bindings/conv.ts planDepthwise): groups = C > 1, a 3×3
 * kernel, stride 1 or 2 (both ways), no dilation, padding at most 1 on each side.
 */
export function isDepthwise3x3InPlace(c: Conv2dCase): boolean {
  const C = c.x[1];
  const pads = c.p === undefined || c.p === 'valid' ? [0] : c.p === 'same' ? [1] : typeof c.p === 'number' ? [c.p] : c.p;
  const [sH, sW] = pair(c.s);
  return (c.g ?? 1) === C && C > 1 && c.w[2] === 3 && c.w[3] === 3 && sH === sW && sH <= 2 &&
    pair(c.d).every((v) => v === 1) && pads.every((v) => v <= 1);
}

/**
 * Algorithms to force for a geometry: always direct, im2col and auto; depthwise when
 * groups === C; pointwise for 1×1, stride 1, no padding ('same' with a 1×1 kernel is no padding);
 * winograd for 3×3, one group, ≥ 8 input channels, stride 1 with any dilation or stride 2 without
 * (conv1d maps to a 1-row kernel: never).
 */
export function algorithmsFor(c: { x: number[]; w: number[]; s?: Pair; p?: unknown; d?: Pair; g?: number }): ConvAlgorithm[] {
  const algos: ConvAlgorithm[] = ['auto', 'direct', 'im2col'];
  const C = c.x[1]!;
  if ((c.g ?? 1) === C) algos.push('depthwise');
  const kernel1 = c.w.slice(2).every((k) => k === 1);
  const [sH, sW] = pair(c.s);
  const noPad = zeroPadding(c.p as Conv2dCase['p']) || (c.p === 'same' && kernel1);
  if (kernel1 && sH === 1 && sW === 1 && noPad) algos.push('pointwise');
  const [dH, dW] = pair(c.d);
  const stride = (sH === 1 && sW === 1) || (sH === 2 && sW === 2 && dH === 1 && dW === 1);
  if (c.w[2] === 3 && c.w[3] === 3 && stride && (c.g ?? 1) === 1 && C >= 8) {
    algos.push('winograd');
  }
  return algos;
}

/** Awkward conv2d geometries: 1s, primes, tails, big kernels / strides / dilations, groups, batches. */
export const CONV2D_CASES: Conv2dCase[] = [
  { x: [1, 1, 1, 1], w: [1, 1, 1, 1] },
  { x: [1, 1, 5, 5], w: [1, 1, 3, 3], bias: false },
  { x: [1, 3, 7, 5], w: [4, 3, 3, 2], s: [1, 1], p: 'same', d: [1, 2] },
  { x: [2, 3, 11, 13], w: [5, 3, 3, 3], p: 1 },
  { x: [1, 4, 17, 19], w: [8, 4, 3, 3], s: 2, p: 1, act: 'relu' },
  { x: [1, 3, 23, 29], w: [7, 3, 7, 7], s: 2, p: 3 },
  { x: [1, 17, 9, 10], w: [33, 17, 3, 3], p: 1, act: 'relu6' },
  { x: [1, 2, 3, 2], w: [3, 2, 5, 5], p: 2 },
  { x: [1, 1, 2, 2], w: [2, 1, 4, 4], p: 2, bias: false },
  { x: [1, 2, 5, 5], w: [3, 2, 3, 3], s: 7, p: 1 },
  { x: [1, 3, 4, 9], w: [2, 3, 2, 2], s: [9, 2] },
  { x: [1, 6, 9, 11], w: [6, 1, 1, 5], s: 2, p: [0, 2], g: 6 },
  { x: [1, 6, 11, 9], w: [6, 1, 5, 1], s: 2, p: [2, 0], g: 6 },
  { x: [1, 13, 10, 9], w: [13, 1, 3, 3], p: 1, g: 13, act: 'relu6' },
  { x: [1, 8, 15, 15], w: [8, 1, 3, 3], s: 2, p: 1, g: 8 },
  // the depthwise 3×3 / 2 kernel (no padded copy): steps inside the input and at its edges,
  // widths below and above a step's 17 columns, padding 0 / 1 / 2 / asymmetric, multipliers, batches
  { x: [2, 3, 1, 1], w: [6, 1, 3, 3], s: 2, p: 1, g: 3 },
  { x: [1, 4, 9, 40], w: [4, 1, 3, 3], s: 2, p: 1, g: 4, act: 'relu' },
  { x: [1, 5, 13, 57], w: [5, 1, 3, 3], s: 2, g: 5 },
  { x: [2, 3, 12, 35], w: [6, 1, 3, 3], s: 2, p: [2, 0, 1, 3], g: 3, bias: false },
  { x: [1, 2, 34, 18], w: [2, 1, 3, 3], s: 2, p: 2, g: 2, act: 'relu6' },
  { x: [1, 3, 7, 2], w: [3, 1, 3, 3], s: 2, p: [1, 2], g: 3 },
  { x: [1, 2, 5, 31], w: [2, 1, 3, 3], s: 2, p: [0, 0, 0, 2], g: 2 },
  // … a 4-wide output (the first strip's second vector dropped), 19 output rows (bands of 16 and 3)
  { x: [1, 3, 9, 8], w: [6, 1, 3, 3], s: 2, p: 1, g: 3 },
  { x: [1, 2, 37, 29], w: [2, 1, 3, 3], s: 2, p: 1, g: 2, act: 'relu' },
  // … every strip form in one row (first, plain, 4-wide, masked) over a batch; padding on the
  // left and bottom only (the last output row's third input row is the zero row)
  { x: [2, 4, 20, 41], w: [4, 1, 3, 3], s: 2, p: 1, g: 4 },
  { x: [1, 3, 10, 23], w: [3, 1, 3, 3], s: 2, p: [0, 1, 1, 0], g: 3 },
  // … a row's last 1–3 outputs as a 4-output strip moved back over outputs already stored: after
  // 8- and 4-wide strips (28 → 14, 30 → 15), after the first strip only, padding 0, fewer than 8
  { x: [1, 3, 28, 28], w: [3, 1, 3, 3], s: 2, p: 1, g: 3 },
  { x: [1, 3, 9, 30], w: [3, 1, 3, 3], s: 2, p: 1, g: 3, bias: false },
  { x: [2, 2, 6, 20], w: [4, 1, 3, 3], s: 2, p: 1, g: 2, act: 'relu6' },
  { x: [1, 2, 7, 22], w: [2, 1, 3, 3], s: 2, g: 2 },
  { x: [1, 2, 5, 11], w: [2, 1, 3, 3], s: 2, g: 2, act: 'relu' },
  // … rows of fewer than 8 outputs, one strip each, on planes 'auto' keeps on the row form: the
  // rows but a plane's last store whole vectors (7 and 5 wide; 4 wide exactly one), the last one
  // only its outputs (batches, channel multiplier 2); odd heights end on the zero row
  { x: [1, 3, 15, 14], w: [3, 1, 3, 3], s: 2, p: 1, g: 3 },
  { x: [2, 2, 16, 10], w: [4, 1, 3, 3], s: 2, p: 1, g: 2, act: 'relu6' },
  { x: [1, 2, 19, 8], w: [2, 1, 3, 3], s: 2, p: 1, g: 2, bias: false },
  // the depthwise 3×3 / 1 kernel (no padded copy): 4-row × 4-column steps (the first one at
  // column −1, plain ones, masked ones at the right edge), widths 1–9 and wide, heights not a
  // multiple of 4, padding 0 / 1 / asymmetric ([top, left, bottom, right]), multipliers, batches
  { x: [1, 3, 1, 1], w: [3, 1, 3, 3], p: 1, g: 3 },
  { x: [2, 2, 5, 4], w: [4, 1, 3, 3], p: 1, g: 2, act: 'relu' },
  { x: [1, 3, 6, 5], w: [3, 1, 3, 3], g: 3 },
  { x: [1, 4, 9, 6], w: [4, 1, 3, 3], p: [1, 0, 0, 1], g: 4, bias: false },
  { x: [1, 2, 7, 41], w: [2, 1, 3, 3], p: 1, g: 2, act: { min: -30, max: 40 } },
  { x: [1, 3, 13, 23], w: [6, 1, 3, 3], p: [0, 1, 1, 0], g: 3 },
  { x: [2, 2, 3, 9], w: [2, 1, 3, 3], p: [1, 1, 0, 0], g: 2, act: 'relu6' },
  { x: [1, 2, 11, 8], w: [2, 1, 3, 3], p: [0, 0, 1, 1], g: 2 },
  { x: [1, 2, 2, 7], w: [2, 1, 3, 3], p: [1, 1, 1, 0], g: 2 },
  // 5×5 / 2 (the generic kernel): padding 0 / 1 / 2, asymmetric, multiplier
  { x: [1, 3, 11, 37], w: [3, 1, 5, 5], s: 2, p: 2, g: 3, act: 'relu' },
  { x: [2, 2, 9, 18], w: [4, 1, 5, 5], s: 2, p: [1, 2, 2, 1], g: 2 },
  { x: [1, 4, 6, 5], w: [4, 1, 5, 5], s: 2, p: [0, 2, 1, 2], g: 4, bias: false },
  { x: [1, 2, 13, 40], w: [2, 1, 5, 5], s: 2, p: 1, g: 2 },
  { x: [1, 2, 7, 35], w: [2, 1, 5, 5], s: 2, g: 2 },
  { x: [1, 5, 9, 7], w: [10, 1, 3, 3], p: 1, g: 5 },
  { x: [2, 7, 6, 5], w: [7, 1, 5, 5], p: 'same', g: 7, bias: false },
  // … at stride 1 it runs kernel rows of adjacent columns (no offsets table): 5×5 with 3-row
  // blocks and 1–2 rows left over, widths not a multiple of 8, asymmetric padding, a 1×1 output;
  // rows dilated; 7×5; k×1 and 1×k; columns dilated (the table again)
  { x: [1, 3, 11, 37], w: [3, 1, 5, 5], p: 2, g: 3, act: 'relu' },
  { x: [2, 2, 13, 19], w: [4, 1, 5, 5], d: [2, 1], p: [4, 2], g: 2 },
  { x: [1, 4, 9, 12], w: [4, 1, 5, 5], p: [2, 1, 0, 3], g: 4, act: 'relu6', bias: false },
  { x: [1, 2, 5, 5], w: [2, 1, 5, 5], g: 2 },
  { x: [1, 3, 10, 9], w: [3, 1, 7, 5], p: [3, 2], g: 3 },
  { x: [1, 2, 8, 11], w: [2, 1, 4, 1], p: [1, 0], g: 2 },
  { x: [1, 2, 6, 17], w: [2, 1, 1, 6], p: [0, 2], g: 2 },
  { x: [1, 2, 9, 14], w: [2, 1, 5, 5], d: [1, 2], p: [2, 4], g: 2 },
  { x: [1, 3, 19, 17], w: [4, 3, 3, 3], d: [5, 4], p: [5, 4] },
  { x: [1, 2, 17, 16], w: [2, 2, 3, 3], d: 7 },
  { x: [1, 6, 8, 9], w: [9, 2, 3, 3], g: 3, p: 1 },
  { x: [2, 8, 7, 7], w: [4, 4, 3, 1], g: 2, p: [1, 0], act: { min: -20, max: 30 } },
  { x: [1, 16, 7, 9], w: [24, 16, 1, 1] },
  { x: [2, 5, 1, 13], w: [3, 5, 1, 1], act: 'relu' },
  { x: [1, 6, 5, 5], w: [9, 2, 1, 1], g: 3, bias: false },
  { x: [1, 4, 9, 9], w: [5, 4, 1, 1], s: 2 },
  // 1×1 padded only below / right: im2col's one-run copy of a 1×1 row must not apply
  { x: [1, 3, 5, 6], w: [4, 3, 1, 1], p: [0, 0, 2, 0] },
  { x: [1, 3, 5, 6], w: [4, 3, 1, 1], p: [0, 0, 1, 2] },
  { x: [1, 2, 6, 7], w: [3, 2, 3, 4], p: [0, 2, 1, 1] },
  { x: [1, 3, 8, 9], w: [2, 3, 4, 2], p: 'same', d: [1, 3] },
  { x: [3, 2, 6, 5], w: [3, 2, 2, 3], s: [1, 2], p: [1, 0] },
  { x: [1, 3, 21, 1], w: [2, 3, 3, 1], p: [1, 0] },
  { x: [1, 1, 1, 23], w: [4, 1, 1, 3], p: 'valid' },
  { x: [1, 9, 12, 12], w: [11, 9, 2, 2], s: 2 },
  // Winograd F(2×2, 3×3): odd and even output sizes, 1×1 outputs, tile rows of 1–5 tiles, padding
  // asymmetric / 'same' / none, many channels (several tile rows per block), a batch
  { x: [1, 8, 3, 3], w: [1, 8, 3, 3] },
  { x: [2, 9, 8, 9], w: [7, 9, 3, 3], p: [0, 1, 2, 0], act: 'relu' },
  { x: [1, 11, 4, 23], w: [6, 11, 3, 3], p: 'same', bias: false },
  { x: [1, 37, 11, 10], w: [9, 37, 3, 3], p: 1, act: { min: -50, max: 60 } },
  { x: [1, 8, 1, 1], w: [3, 8, 3, 3], p: 1 },
  // … dilated: one Winograd per output phase (phases of unequal size, dilation ≠ per axis, 'same')
  { x: [1, 9, 13, 12], w: [5, 9, 3, 3], d: 2, p: 2, act: 'relu' },
  { x: [2, 8, 11, 17], w: [4, 8, 3, 3], d: [3, 2], p: [1, 2, 3, 0] },
  { x: [1, 10, 9, 9], w: [6, 10, 3, 3], d: 4, p: 'same', bias: false },
  { x: [1, 8, 7, 20], w: [3, 8, 3, 3], d: [1, 5] },
  // … stride 2 (polyphase): 1×1 and 1-row outputs, odd and even output sizes, tile rows of 1–9
  // tiles, asymmetric padding, several blocks of tile rows (128 + 8 channels, rows of 16 tiles:
  // 1 MiB blocks of 4 rows)
  { x: [1, 8, 3, 3], w: [3, 8, 3, 3], s: 2 },
  { x: [1, 8, 2, 2], w: [4, 8, 3, 3], s: 2, p: 1, act: 'relu6' },
  { x: [2, 9, 17, 14], w: [7, 9, 3, 3], s: 2, p: 1, act: 'relu' },
  { x: [1, 12, 9, 30], w: [5, 12, 3, 3], s: 2, p: [0, 1, 2, 0], bias: false },
  { x: [1, 17, 4, 35], w: [6, 17, 3, 3], s: 2, act: { min: -50, max: 60 } },
  { x: [1, 128, 40, 64], w: [8, 128, 3, 3], s: 2, p: 1 },
  // narrow outputs through the one-pixel kernel: 24 + 12 + 4 channels, 24 + 4 + 2, a 1×1 output
  { x: [1, 5, 6, 3], w: [40, 5, 2, 2], act: 'relu' },
  { x: [1, 16, 5, 5], w: [30, 16, 5, 5] },
];

/**
 * Pointwise layers, run in place and over copied panels (bindings/plan.ts pointwiseCopies):
 * partial 4-row blocks, partial 8-column tiles (5 and 7 columns), a pixel-by-pixel column tail
 * (49 = 6·8 + 1, 81 = 10·8 + 1), groups, a batch, one pixel; a 32 × 32 plane (one panel of
 * 1024 columns), and 25 × 41 with K = 256: four panels of 256 columns and a fifth of one column,
 * run pixel by pixel; a
 * 10 × 10 plane the rule keeps in place.
 */
export const POINTWISE_CASES: Conv2dCase[] = [
  { x: [1, 37, 3, 7], w: [6, 37, 1, 1], act: 'relu6' },
  { x: [2, 29, 1, 7], w: [13, 29, 1, 1] },
  { x: [1, 40, 7, 7], w: [9, 40, 1, 1], act: 'relu' },
  { x: [1, 24, 6, 6], w: [10, 12, 1, 1], g: 2, bias: false },
  { x: [1, 11, 1, 1], w: [5, 11, 1, 1], act: { min: -20, max: 30 } },
  { x: [1, 232, 7, 7], w: [21, 232, 1, 1], act: 'relu6' },
  { x: [1, 12, 9, 9], w: [5, 12, 1, 1] },
  { x: [1, 16, 32, 32], w: [7, 16, 1, 1], act: 'relu' },
  { x: [1, 256, 25, 41], w: [6, 256, 1, 1] },
  { x: [2, 9, 10, 10], w: [5, 9, 1, 1], act: 'relu6' },
];

export const CONV1D_CASES: Conv1dCase[] = [
  { x: [1, 1, 5], w: [1, 1, 3] },
  { x: [1, 1, 1], w: [1, 1, 1], bias: false },
  { x: [2, 3, 17], w: [4, 3, 5], s: 2, p: 2 },
  { x: [1, 4, 13], w: [6, 4, 4], p: 'same', d: 3, act: 'relu' },
  { x: [1, 6, 19], w: [6, 1, 3], s: 2, p: 1, g: 6 },
  { x: [1, 4, 11], w: [8, 1, 5], g: 4, p: [1, 3] },
  { x: [1, 8, 11], w: [5, 8, 1] },
  { x: [1, 2, 3], w: [2, 2, 6], p: [2, 1] },
  { x: [3, 5, 29], w: [7, 5, 3], s: 3, d: 2, p: 1, act: 'relu6' },
];

export interface PoolCase {
  x: [number, number, number, number];
  k: Pair;
  s?: Pair | null;
  p?: Pair;
  d?: Pair;
  ceil?: boolean;
  countIncludePad?: boolean;
}

export const MAX_POOL_CASES: PoolCase[] = [
  { x: [1, 1, 1, 1], k: 1 },
  { x: [1, 3, 8, 8], k: 2 },
  { x: [2, 5, 13, 11], k: 2, s: 2 },
  { x: [1, 4, 17, 19], k: 3, s: 2, p: 1 },
  { x: [1, 3, 17, 19], k: 3, s: 2, p: 1, ceil: true },
  // the 3×3 / 2 fast path: even and odd sizes, padding 0 / 1 per axis, ceil mode, tiny inputs
  { x: [2, 3, 22, 31], k: 3, s: 2, p: 1 },
  { x: [1, 2, 20, 40], k: 3, s: 2 },
  { x: [1, 2, 9, 24], k: 3, s: 2, p: [0, 1], ceil: true },
  { x: [1, 2, 10, 23], k: 3, s: 2, p: [1, 0], ceil: true },
  { x: [1, 1, 1, 1], k: 3, s: 2, p: 1 },
  { x: [1, 1, 2, 3], k: 3, s: 2, p: 1, ceil: true },
  { x: [1, 2, 7, 9], k: [3, 2], s: [1, 3], p: [1, 1], ceil: true },
  { x: [1, 3, 13, 20], k: 3, s: [2, 1], p: 1, d: 2 },
  { x: [2, 2, 5, 6], k: [5, 1], s: [5, 1], ceil: true },
  { x: [1, 1, 4, 4], k: 4, s: null, p: 2 },
  { x: [1, 7, 9, 10], k: 1, s: 3, ceil: true },
  // stride 1 (GoogLeNet's 3×3 / 1, SPP's 5×5 / 1): f32_maxpool_s1, in place — 4-output steps with
  // a step moved back over the last 1–3, padding along one axis or both, the first step's lanes
  // left of the input (padding 1 and 2), outputs too few for a step, windows 2, 3, 4, 5 and 7 wide,
  // a kernel larger than the input, windows one row high (no two-row steps) and one column wide
  { x: [1, 3, 11, 21], k: 3, s: 1, p: 1 },
  { x: [1, 2, 13, 13], k: 5, s: 1, p: 2 },
  { x: [1, 2, 6, 3], k: 3, s: 1 },
  { x: [1, 3, 9, 37], k: 3, s: 1, p: [0, 1], ceil: true },
  { x: [1, 2, 12, 14], k: [2, 3], s: 1, p: [1, 1] },
  { x: [1, 2, 7, 20], k: [3, 5], s: 1, p: [1, 2] },
  { x: [1, 2, 10, 19], k: 4, s: 1, p: 2 },
  { x: [1, 2, 5, 12], k: 5, s: 1 },
  { x: [1, 1, 4, 4], k: 7, s: 1, p: 3 },
  { x: [1, 2, 3, 9], k: [1, 3], s: 1 },
  { x: [1, 2, 4, 9], k: [2, 1], s: 1, p: [1, 0] },
  // 3×3 / 1 with padding 1 in four-row steps, their edge steps too: widths where the last step
  // overlaps the first (5), meets it (8) or the plain steps (6, 7); heights leaving 1–3 rows
  { x: [1, 2, 12, 5], k: 3, s: 1, p: 1 },
  { x: [2, 1, 10, 8], k: 3, s: 1, p: 1 },
  { x: [1, 2, 9, 6], k: 3, s: 1, p: 1 },
  { x: [1, 1, 11, 7], k: 3, s: 1, p: 1 },
];

export const AVG_POOL_CASES: PoolCase[] = [
  { x: [1, 1, 1, 1], k: 1 },
  { x: [1, 3, 8, 8], k: 2 },
  // the 2×2 / 2 fast path: odd sizes (last row and column dropped), vector steps + a scalar tail,
  // a 1-wide output, ceil mode on even sizes
  { x: [2, 5, 13, 11], k: 2 },
  { x: [1, 2, 9, 3], k: 2, s: 2 },
  { x: [1, 3, 10, 22], k: 2, ceil: true },
  { x: [2, 5, 13, 11], k: 3, s: 2, p: 1 },
  { x: [2, 5, 13, 11], k: 3, s: 2, p: 1, countIncludePad: false },
  { x: [1, 4, 13, 7], k: [1, 2], s: [2, 1], p: [0, 1], ceil: true },
  { x: [1, 4, 6, 8], k: [4, 3], s: [2, 1], p: [2, 1], ceil: true, countIncludePad: false },
  { x: [1, 2, 7, 10], k: [4, 3], s: 3, p: [2, 1], ceil: true },
  { x: [1, 3, 19, 13], k: [1, 2], s: [3, 1], p: [0, 1], ceil: true, countIncludePad: false },
  { x: [2, 1, 12, 9], k: [1, 3], s: [3, 2], ceil: true, countIncludePad: false },
  { x: [1, 6, 5, 17], k: [5, 7], s: [1, 4], p: [2, 3] },
  // 3×3 at stride 1 or 2 along the width (Inception's 3×3 / 1, 3×3 / 2): f32_avgpool_3x3, in
  // place — padding counted or not, 4-output steps with a step moved back over the last 1–3,
  // outputs whose window passes the right edge (padding, ceil mode) one at a time, outputs too
  // few for a step, zero rows above and below, any stride down
  { x: [1, 3, 11, 21], k: 3, s: 1, p: 1 },
  { x: [2, 2, 9, 13], k: 3, s: 1, p: 1, countIncludePad: false },
  { x: [1, 2, 5, 4], k: 3, s: 1 },
  { x: [1, 2, 8, 8], k: 3, s: 1 },
  { x: [1, 2, 3, 2], k: 3, s: 1, p: 1, ceil: true, countIncludePad: false },
  { x: [1, 2, 10, 10], k: 3, s: [2, 1], p: 1, ceil: true },
  { x: [1, 2, 7, 5], k: 3, s: [3, 1], p: [0, 1], ceil: true },
  { x: [1, 3, 17, 37], k: 3, s: 2 },
  { x: [1, 2, 14, 14], k: 3, s: 2, p: 1 },
  { x: [1, 2, 9, 24], k: 3, s: 2, p: [0, 1], ceil: true },
  { x: [1, 2, 10, 23], k: 3, s: 2, p: [1, 0], ceil: true, countIncludePad: false },
  { x: [2, 3, 12, 40], k: 3, s: [1, 2], p: 1 },
  { x: [1, 1, 1, 1], k: 3, s: 2, p: 1 },
];

export function poolName(op: string, c: PoolCase): string {
  const extra = op === 'maxPool2d' ? ` d=${fmt(c.d ?? 1)}` : ` countIncludePad=${c.countIncludePad ?? true}`;
  return `${op} x=${fmt(c.x)} k=${fmt(c.k)} s=${fmt(c.s ?? null)} p=${fmt(c.p ?? 0)}${extra} ceil=${c.ceil ?? false}`;
}

export const GLOBAL_POOL_SHAPES: [number, number, number, number][] = [
  [1, 1, 1, 1],
  [2, 3, 7, 5],
  [1, 5, 13, 17],
  [1, 64, 7, 7],
  [3, 2, 1, 31],
];

export const RELU_SHAPES: number[][] = [[1], [7], [3, 5], [2, 3, 5, 7], [1, 16, 3, 3]];
