/**
 * Textbook CNN arithmetic: output size, receptive field, parameter counts. Pure TypeScript with
 * validated arguments; params.ts uses `windowCount` so the resolvers and these helpers agree.
 */
import { ArgumentError, ShapeError } from './errors.js';
import type { Pair } from './types.js';

/**
 * Number of window positions along one axis, PyTorch's `pooling_output_shape_pad_lr`:
 *   out = ⌊(in + before + after − d·(k − 1) − 1) / s⌋ + 1            (floor mode)
 *   out = ⌈(in + before + after − d·(k − 1) − 1) / s⌉ + 1            (ceil mode)
 * and in ceil mode the last window must start inside the input or the leading padding:
 * if (out − 1)·s ≥ in + before then out − 1. Unvalidated; may return a value < 1.
 */
export function windowCount(
  inputSize: number,
  kernelSize: number,
  stride: number,
  padBefore: number,
  padAfter: number,
  dilation: number,
  ceilMode: boolean,
): number {
  const span = inputSize + padBefore + padAfter - dilation * (kernelSize - 1) - 1;
  let out = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (ceilMode && (out - 1) * stride >= inputSize + padBefore) out--;
  return out;
}

function int(op: string, argument: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new ArgumentError(op, argument, `an integer ≥ ${min}`, value);
  }
  return value;
}

function pair(op: string, argument: string, value: unknown, min: number): [number, number] {
  if (typeof value === 'number') {
    const v = int(op, argument, value, min);
    return [v, v];
  }
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= min)) {
    return [value[0] as number, value[1] as number];
  }
  throw new ArgumentError(op, argument, `an integer ≥ ${min} or a pair of them`, value);
}

export interface OutputSizeOptions {
  /** default 1 */
  stride?: number;
  /** both sides, or [before, after]; default 0 */
  padding?: number | [number, number];
  /** default 1 */
  dilation?: number;
  /** default false */
  ceilMode?: boolean;
}

/**
 * Output length along one axis: ⌊(in + p_before + p_after − d·(k − 1) − 1) / s⌋ + 1, with
 * PyTorch's ceil-mode rule when `ceilMode` is set. Throws a ShapeError when the (dilated)
 * kernel does not fit the padded input (the result would be < 1).
 */
export function outputSize(inputSize: number, kernelSize: number, options: OutputSizeOptions = {}): number {
  const op = 'outputSize';
  int(op, 'inputSize', inputSize, 1);
  int(op, 'kernelSize', kernelSize, 1);
  const stride = int(op, 'options.stride', options.stride ?? 1, 1);
  const dilation = int(op, 'options.dilation', options.dilation ?? 1, 1);
  const [before, after] = pair(op, 'options.padding', options.padding ?? 0, 0);
  const ceilMode = options.ceilMode ?? false;
  if (typeof ceilMode !== 'boolean') throw new ArgumentError(op, 'options.ceilMode', 'a boolean', ceilMode);
  const out = windowCount(inputSize, kernelSize, stride, before, after, dilation, ceilMode);
  if (out < 1) {
    const effective = dilation * (kernelSize - 1) + 1;
    throw new ShapeError(
      op,
      'kernelSize',
      `a kernel that fits the padded input, but the kernel is larger than the padded input: ` +
        `effective kernel d·(k − 1) + 1 = ${effective} > padded input ${inputSize + before + after}`,
      kernelSize,
    );
  }
  return out;
}

export interface ReceptiveFieldLayer {
  kernelSize: number;
  /** default 1 */
  stride?: number;
  /** default 1 */
  dilation?: number;
}

export interface ReceptiveFieldStep {
  /** input pixels one output of this layer sees, along the axis */
  receptiveField: number;
  /** input pixels between two neighbouring outputs of this layer: Π_{i ≤ L} s_i */
  jump: number;
}

/**
 * Receptive field after each layer of a stack (one axis):
 *   RF_0 = 1, J_0 = 1;  RF_L = RF_{L−1} + (k_L − 1)·d_L·J_{L−1};  J_L = J_{L−1}·s_L
 * (J_{L−1} = Π_{i<L} s_i). Five 3×3 stride-1 layers give 3, 5, 7, 9, 11.
 */
export function receptiveField(layers: readonly ReceptiveFieldLayer[]): ReceptiveFieldStep[] {
  const op = 'receptiveField';
  if (!Array.isArray(layers)) throw new ArgumentError(op, 'layers', 'an array of { kernelSize, stride?, dilation? }', layers);
  let rf = 1;
  let jump = 1;
  return layers.map((layer, i) => {
    if (typeof layer !== 'object' || layer === null) {
      throw new ArgumentError(op, `layers[${i}]`, 'an object { kernelSize, stride?, dilation? }', layer);
    }
    const k = int(op, `layers[${i}].kernelSize`, layer.kernelSize, 1);
    const s = int(op, `layers[${i}].stride`, layer.stride ?? 1, 1);
    const d = int(op, `layers[${i}].dilation`, layer.dilation ?? 1, 1);
    rf += (k - 1) * d * jump;
    jump *= s;
    return { receptiveField: rf, jump };
  });
}

export interface ConvParamCountOptions {
  inChannels: number;
  outChannels: number;
  kernelSize: Pair;
  /** default 1 */
  groups?: number;
  /** default true */
  bias?: boolean;
}

/** Parameters of a conv layer: Cout·(Cin/groups)·kH·kW weights + Cout biases. 3→64 3×3: 1,792. */
export function paramCount(options: ConvParamCountOptions): number {
  const op = 'paramCount';
  if (typeof options !== 'object' || options === null) {
    throw new ArgumentError(op, 'options', 'an object { inChannels, outChannels, kernelSize, groups?, bias? }', options);
  }
  const cin = int(op, 'options.inChannels', options.inChannels, 1);
  const cout = int(op, 'options.outChannels', options.outChannels, 1);
  const [kH, kW] = pair(op, 'options.kernelSize', options.kernelSize, 1);
  const groups = int(op, 'options.groups', options.groups ?? 1, 1);
  if (cin % groups !== 0 || cout % groups !== 0) {
    throw new ArgumentError(op, 'options.groups', `an integer ≥ 1 dividing inChannels (${cin}) and outChannels (${cout})`, groups);
  }
  const bias = options.bias ?? true;
  if (typeof bias !== 'boolean') throw new ArgumentError(op, 'options.bias', 'a boolean', bias);
  return cout * (cin / groups) * kH * kW + (bias ? cout : 0);
}

/** Parameters of a dense (fully connected) layer: in·out weights + out biases. 150,528 → 1,000: 150,529,000. */
export function denseParamCount(inFeatures: number, outFeatures: number, bias = true): number {
  const op = 'denseParamCount';
  const i = int(op, 'inFeatures', inFeatures, 1);
  const o = int(op, 'outFeatures', outFeatures, 1);
  if (typeof bias !== 'boolean') throw new ArgumentError(op, 'bias', 'a boolean', bias);
  return i * o + (bias ? o : 0);
}
