/**
 * Which kernel family runs a convolution, and how big its blocks are.
 *
 * The 'auto' rule (numbers behind it: bench/results, see README "Choosing the algorithm"):
 * - groups = C (depthwise, any multiplier): the depthwise kernel.
 * - 1×1, stride 1, no padding: the pointwise GEMM, which reads the input in place.
 * - otherwise the direct (indirect-GEMM) kernel, which needs no im2col matrix.
 */
import type { ConvAlgorithm, Conv2dParams } from './types.js';

export type ConvKernel = 'direct' | 'im2col' | 'pointwise' | 'depthwise';

export function isDepthwise(p: Pick<Conv2dParams, 'groups' | 'C' | 'cPerGroup'>): boolean {
  return p.groups === p.C && p.cPerGroup === 1;
}

export function isPointwise(p: Conv2dParams): boolean {
  return p.kH === 1 && p.kW === 1 && p.sH === 1 && p.sW === 1 &&
    p.padTop === 0 && p.padLeft === 0 && p.padBottom === 0 && p.padRight === 0;
}

export function chooseConvKernel(p: Conv2dParams, requested: ConvAlgorithm = 'auto'): ConvKernel {
  if (requested !== 'auto') return requested;
  if (isDepthwise(p)) return 'depthwise';
  if (isPointwise(p)) return 'pointwise';
  return 'direct';
}

/** Target bytes of one K×nc panel of B for the GEMM drivers (kept well inside L2). */
const PANEL_BYTES = 256 * 1024;

/** Columns per GEMM panel: a multiple of 8 that keeps K×nc floats near PANEL_BYTES. */
export function panelColumns(k: number, p: number): number {
  const fit = Math.floor(PANEL_BYTES / (4 * k) / 8) * 8;
  return Math.max(8, Math.min(fit, Math.ceil(p / 8) * 8));
}
