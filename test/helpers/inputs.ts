/** Operands and options for the geometry cases (test/helpers/geometry.ts), seeded. */
import type { Conv1dOptions, Conv2dOptions, ConvAlgorithm, Tensor } from '../../bindings/types.js';
import { algorithmsFor, type Conv1dCase, type Conv2dCase, type PoolCase } from './geometry.js';
import { data, tensor, type Tier } from './random.js';

export function conv2dInputs(c: Conv2dCase, tier: Tier, seed: number): { x: Tensor; w: Tensor; options: Conv2dOptions } {
  return convInputs(c, tier, seed);
}

export function conv1dInputs(c: Conv1dCase, tier: Tier, seed: number): { x: Tensor; w: Tensor; options: Conv1dOptions } {
  return convInputs(c, tier, seed);
}

/** x, w, a bias (unless bias: false) and the case's options, under their API names. */
function convInputs(c: Conv2dCase | Conv1dCase, tier: Tier, seed: number): { x: Tensor; w: Tensor; options: Conv2dOptions & Conv1dOptions } {
  const x = tensor(c.x, tier, seed);
  const w = tensor(c.w, tier, seed + 1);
  const options = {
    bias: c.bias === false ? null : data(c.w[0], tier, seed + 2),
    ...(c.s !== undefined && { stride: c.s }),
    ...(c.p !== undefined && { padding: c.p }),
    ...(c.d !== undefined && { dilation: c.d }),
    ...(c.g !== undefined && { groups: c.g }),
    ...(c.act !== undefined && { activation: c.act }),
  };
  return { x, w, options: options as Conv2dOptions & Conv1dOptions };
}

/** The algorithms to force for a conv1d case: those of the same convolution as a conv2d with H = 1. */
export function conv1dAlgorithms(c: Conv1dCase): ConvAlgorithm[] {
  return algorithmsFor({ x: c.x, w: [c.w[0], c.w[1], 1, c.w[2]], s: [1, c.s ?? 1], p: typeof c.p === 'number' ? [0, c.p] : c.p, g: c.g });
}

export function poolOptions(c: PoolCase) {
  return {
    kernelSize: c.k,
    ...(c.s !== undefined && { stride: c.s }),
    ...(c.p !== undefined && { padding: c.p }),
    ...(c.d !== undefined && { dilation: c.d }),
    ...(c.ceil !== undefined && { ceilMode: c.ceil }),
    ...(c.countIncludePad !== undefined && { countIncludePad: c.countIncludePad }),
  };
}

/** im2col options of a conv2d case (its kernel, stride, padding, dilation). */
export function im2colOptions(c: Conv2dCase) {
  return {
    kernelSize: [c.w[2], c.w[3]] as [number, number],
    ...(c.s !== undefined && { stride: c.s }),
    ...(c.p !== undefined && { padding: c.p }),
    ...(c.d !== undefined && { dilation: c.d }),
  };
}
