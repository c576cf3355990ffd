/**
 * Which kernel family runs a convolution, and how big its blocks are.
 *
 * The 'auto' rule (numbers behind it: bench/results, see README "Choosing the algorithm"):
 * - groups = C (depthwise, any multiplier): the depthwise kernel.
 * - 1×1, stride 1, no padding: the pointwise GEMM, which reads the input in place.
 * - a long reduction (Cg·kH·kW ≥ 256, ResNet's 3×3 layers): im2col + GEMM, whose B rows are
 *   contiguous in the panel (one load less per step than the direct kernel's indirection);
 * - otherwise the direct (indirect-GEMM) kernel, which needs no im2col matrix: on few input
 *   channels (LeNet, a 3-channel stem) the copy would cost more than it saves.
 */
import type { ConvAlgorithm, Conv2dParams } from './types.js';

export type ConvKernel = 'direct' | 'im2col' | 'pointwise' | 'depthwise';

/** groups = C > 1: one filter (or `multiplier` filters) per input channel. */
export function isDepthwise(p: Pick<Conv2dParams, 'groups' | 'C' | 'cPerGroup'>): boolean {
  return p.groups === p.C && p.cPerGroup === 1 && p.C > 1;
}

export function isPointwise(p: Conv2dParams): boolean {
  return p.kH === 1 && p.kW === 1 && p.sH === 1 && p.sW === 1 &&
    p.padTop === 0 && p.padLeft === 0 && p.padBottom === 0 && p.padRight === 0;
}

export function chooseConvKernel(p: Conv2dParams, requested: ConvAlgorithm = 'auto'): ConvKernel {
  if (requested !== 'auto') return requested;
  if (isDepthwise(p)) return 'depthwise';
  if (isPointwise(p)) return 'pointwise';
  return p.cPerGroup * p.kH * p.kW >= IM2COL_MIN_K ? 'im2col' : 'direct';
}

/** Reduction length from which im2col + GEMM beats the direct kernel (see the rule above). */
const IM2COL_MIN_K = 256;

/** Target bytes of one K×nc panel of B for the GEMM drivers (kept well inside L2). */
const PANEL_BYTES = 256 * 1024;

/** Columns per GEMM panel: a multiple of 8 that keeps K×nc floats near PANEL_BYTES. */
export function panelColumns(k: number, p: number): number {
  const fit = Math.floor(PANEL_BYTES / (4 * k) / 8) * 8;
  return Math.max(8, Math.min(fit, Math.ceil(p / 8) * 8));
}
