/**
 * Validation and resolution of every op's arguments into one descriptor (types.ts:
 * Conv2dParams, Pool2dParams, Im2colParams). The engine and the reference both call these, so
 * both accept and reject exactly the same calls with exactly the same errors.
 *
 * Semantics follow PyTorch (torch.nn.functional): NCHW, cross-correlation,
 *   out = ⌊(in + padBefore + padAfter − d·(k − 1) − 1) / s⌋ + 1   (must be ≥ 1),
 * padding 'same' = total d·(k − 1) split ⌊total/2⌋ before, the rest after, stride 1 only.
 *
 * Conv2d is resolved in two steps so a prepared layer can be validated before any input exists:
 *   const layer = resolveConv2dLayer(weight, options);   // everything the weight + options fix
 *   const p = bindConv2dInput(layer, input, out);        // + input shape → full Conv2dParams
 * `resolveConv2d(input, weight, options)` does both. Conv1d maps onto the same descriptor with
 * H = 1, kH = 1, sH = dH = 1 and no vertical padding.
 */
import { ArgumentError, DataTypeError, MemoryLimitError, ShapeError, formatValue } from './errors.js';
import { windowCount } from './formulas.js';
import { isWinograd, WINOGRAD_MIN_C } from './plan.js';
import { EngineTensor, disposedError } from './tensor.js';
import type {
  AvgPool2dOptions,
  Conv1dOptions,
  Conv2dOptions,
  Conv2dParams,
  ConvAlgorithm,
  Im2colOptions,
  Im2colParams,
  MaxPool2dOptions,
  OutBuffer,
  OutOptions,
  Pool2dParams,
  Tensor,
} from './types.js';

export const CONV_ALGORITHMS: readonly ConvAlgorithm[] = ['auto', 'direct', 'im2col', 'depthwise', 'pointwise', 'winograd'];

/** wasm32 memory holds at most 65536 pages of 64 KiB. */
export const MAX_WASM_BYTES = 2 ** 32;
/** No single float32 tensor larger than this can ever be placed in wasm memory. */
export const MAX_ELEMENTS = MAX_WASM_BYTES / 4;

// ---------------------------------------------------------------------------------------------
// Resolved descriptors (the types.ts interfaces plus what the engine needs to run the call)
// ---------------------------------------------------------------------------------------------

/** Everything a conv fixes before seeing an input (the prepared form's `params`). */
export interface Conv2dLayer extends Omit<Conv2dParams, 'N' | 'H' | 'W' | 'outH' | 'outW' | 'macs'> {
  /** op name used in error messages ('conv2d', 'conv1d', …) */
  readonly op: string;
  /** 2 for conv2d (input NCHW); 1 for conv1d (input NCL, mapped onto H = 1) */
  readonly rank: 1 | 2;
  /** as requested ('auto' when not given); structural preconditions already checked */
  readonly algorithm: ConvAlgorithm;
  /** weight data as given, OIHW (OIL for conv1d), not copied */
  readonly weight: Float32Array;
  readonly bias: Float32Array | null;
}

export interface ResolvedConv2d extends Conv2dParams, Conv2dLayer {
  /** [N, K, outH, outW], or [N, K, outW] for conv1d */
  readonly outShape: number[];
  /** N·K·outH·outW */
  readonly outLength: number;
  /** the caller's output buffer or engine tensor, validated, or null */
  readonly out: OutBuffer | null;
}

export interface ResolvedPool2d extends Pool2dParams {
  readonly op: string;
  /** [N, C, outH, outW] */
  readonly outShape: number[];
  readonly outLength: number;
  readonly out: OutBuffer | null;
}

export interface ResolvedIm2col extends Im2colParams {
  readonly op: string;
  /** [N, C·kH·kW, outH·outW]; row c·kH·kW + ky·kW + kx, column oh·outW + ow */
  readonly outShape: number[];
  readonly outLength: number;
  readonly out: OutBuffer | null;
}

export interface ResolvedElementwise {
  readonly op: string;
  /** input shape = output shape */
  readonly shape: number[];
  readonly outShape: number[];
  readonly length: number;
  readonly outLength: number;
  readonly out: OutBuffer | null;
}

// ---------------------------------------------------------------------------------------------
// Small helpers the engine uses too
// ---------------------------------------------------------------------------------------------

/** Number of elements of a shape (1 for []). */
export function tensorSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Output shape of a resolved descriptor (conv: [N, K, outH, outW]; pool: [N, C, outH, outW]; im2col: [N, C·kH·kW, outH·outW]). */
export function outputShape(p: Conv2dParams | Pool2dParams | Im2colParams): number[] {
  if ('outShape' in p && Array.isArray((p as { outShape: unknown }).outShape)) return [...(p as { outShape: number[] }).outShape];
  if ('K' in p) return [p.N, p.K, p.outH, p.outW];
  if ('padH' in p) return [p.N, p.C, p.outH, p.outW];
  return [p.N, p.C * p.kH * p.kW, p.outH * p.outW];
}

export function isFloat32Array(value: unknown): value is Float32Array {
  return value instanceof Float32Array || Object.prototype.toString.call(value) === '[object Float32Array]';
}

function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

function checkMemory(op: string, argument: string, elements: number): void {
  if (elements > MAX_ELEMENTS) throw new MemoryLimitError(op, argument, elements * 4, MAX_WASM_BYTES);
}

/**
 * Validates a tensor argument: an object with a Float32Array `data` (DataTypeError) and a
 * `shape` of `rank` positive integers (ShapeError; rank 'any' = at least one dimension) whose
 * product is data.length (ShapeError), or an engine tensor that has not been disposed
 * (ArgumentError). `layout` names the dimensions for messages.
 */
export function validateTensor(op: string, argument: string, tensor: unknown, rank: number | 'any', layout: string): { data: Float32Array; shape: number[] } {
  if (typeof tensor !== 'object' || tensor === null) {
    throw new DataTypeError(op, argument, `a tensor { data: Float32Array, shape: ${layout} }`, tensor);
  }
  if (tensor instanceof EngineTensor && tensor.disposed) throw disposedError(op, argument, tensor);
  const { data, shape } = tensor as { data?: unknown; shape?: unknown };
  if (!isFloat32Array(data)) throw new DataTypeError(op, `${argument}.data`, 'a Float32Array', data);
  const rankOk = Array.isArray(shape) && (rank === 'any' ? shape.length >= 1 : shape.length === rank);
  if (!rankOk || !(shape as unknown[]).every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 1)) {
    const what = rank === 'any' ? 'one or more' : String(rank);
    throw new ShapeError(op, argument, `a tensor of shape ${layout} (${what} positive integer sizes)`, shape, `shape ${formatValue(shape)}`);
  }
  const dims = [...(shape as number[])];
  const size = tensorSize(dims);
  checkMemory(op, argument, size);
  if (data.length !== size) {
    throw new ShapeError(op, `${argument}.data`, `a Float32Array of length ${size} (the product of shape ${fmtShape(dims)})`, data, `length ${data.length}`);
  }
  return { data, shape: dims };
}

function overlaps(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

/**
 * Validates `options.out`: absent (undefined / null), or a Float32Array or an engine tensor
 * (not disposed) of exactly `length` elements that does not overlap any of `inputs` (an exact
 * alias — the input tensor itself — is allowed when `allowExactAlias`, for elementwise ops
 * computed in place). Which engine owns a tensor is the engine's check, not this one's.
 */
export function validateOut(
  op: string,
  out: unknown,
  length: number,
  outShape: readonly number[],
  inputs: readonly (ArrayBufferView | null)[] = [],
  allowExactAlias = false,
): OutBuffer | null {
  if (out === undefined || out === null) return null;
  let data: Float32Array;
  let got: string | undefined;
  if (out instanceof EngineTensor) {
    if (out.disposed) throw disposedError(op, 'options.out', out);
    got = `an engine tensor of shape ${fmtShape(out.shape)}`;
    if (out.length !== length) {
      throw new ShapeError(op, 'options.out', `an engine tensor of length ${length} (the output shape ${fmtShape(outShape)})`, out, `${got}, length ${out.length}`);
    }
    data = out.data;
  } else {
    if (!isFloat32Array(out)) throw new DataTypeError(op, 'options.out', 'a Float32Array or an engine tensor', out);
    if (out.length !== length) {
      throw new ShapeError(op, 'options.out', `a Float32Array of length ${length} (the output shape ${fmtShape(outShape)})`, out, `length ${out.length}`);
    }
    data = out;
  }
  for (const input of inputs) {
    if (input === null || !overlaps(data, input)) continue;
    if (allowExactAlias && input.byteOffset === data.byteOffset && input.byteLength === data.byteLength) continue;
    throw new ArgumentError(op, 'options.out', 'a buffer that does not overlap the inputs (not the input tensor itself)', out, got);
  }
  return out;
}

/** engine.tensor(shape, data?): `shape` one or more positive integers, `data` absent or array-like of their product. */
export function resolveTensor(shape: unknown, data: unknown, op = 'tensor'): { shape: number[]; length: number } {
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 1)) {
    throw new ShapeError(op, 'shape', 'an array of one or more positive integer sizes', shape);
  }
  const dims = [...(shape as number[])];
  const length = tensorSize(dims);
  checkMemory(op, 'shape', length);
  if (data !== undefined) {
    const n = typeof data === 'object' && data !== null ? (data as { length?: unknown }).length : undefined;
    if (typeof n !== 'number') throw new DataTypeError(op, 'data', 'an array-like of numbers (Float32Array, Array, …) or undefined', data);
    if (n !== length) {
      throw new ShapeError(op, 'data', `an array-like of length ${length} (the product of shape ${fmtShape(dims)})`, data, `length ${n}`);
    }
  }
  return { shape: dims, length };
}

function checkOptionsObject(op: string, options: unknown, required: boolean, what: string): Record<string, unknown> {
  if (options === undefined && !required) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ArgumentError(op, 'options', required ? `an options object with ${what}` : 'an options object or undefined', options);
  }
  return options as Record<string, unknown>;
}

function isInt(v: unknown, min: number): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= min;
}

function intOption(op: string, argument: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!isInt(value, min)) throw new ArgumentError(op, argument, `an integer ≥ ${min}`, value);
  return value;
}

function pairOption(op: string, argument: string, value: unknown, fallback: number | undefined, min: number): [number, number] {
  if (value === undefined && fallback !== undefined) return [fallback, fallback];
  if (isInt(value, min)) return [value, value];
  if (Array.isArray(value) && value.length === 2 && isInt(value[0], min) && isInt(value[1], min)) return [value[0], value[1]];
  throw new ArgumentError(op, argument, `an integer ≥ ${min} or a pair [h, w] of them`, value);
}

function boolOption(op: string, argument: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ArgumentError(op, argument, 'a boolean', value);
  return value;
}

/** 'same' padding of one axis: total d·(k − 1), ⌊total/2⌋ before, the rest after (PyTorch). */
function samePadding(k: number, d: number): [number, number] {
  const total = d * (k - 1);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

function sameNeedsStride1(op: string, stride: readonly number[]): never {
  throw new ArgumentError(
    op,
    'options.padding',
    `'valid', a number or a list when the stride is not 1 (padding='same' is not supported for strided convolutions; stride ${stride.length === 1 ? stride[0] : fmtShape(stride)})`,
    'same',
  );
}

/** → [top, left, bottom, right] */
function padding2d(op: string, value: unknown, k: [number, number], s: [number, number], d: [number, number]): [number, number, number, number] {
  if (value === undefined || value === 'valid') return [0, 0, 0, 0];
  if (value === 'same') {
    if (s[0] !== 1 || s[1] !== 1) sameNeedsStride1(op, s);
    const [top, bottom] = samePadding(k[0], d[0]);
    const [left, right] = samePadding(k[1], d[1]);
    return [top, left, bottom, right];
  }
  if (isInt(value, 0)) return [value, value, value, value];
  if (Array.isArray(value) && value.every((v) => isInt(v, 0))) {
    const v = value as number[];
    if (v.length === 2) return [v[0]!, v[1]!, v[0]!, v[1]!];
    if (v.length === 4) return [v[0]!, v[1]!, v[2]!, v[3]!];
  }
  throw new ArgumentError(op, 'options.padding', "an integer ≥ 0, [h, w], [top, left, bottom, right] (integers ≥ 0), 'same' or 'valid'", value);
}

/** → [left, right] */
function padding1d(op: string, value: unknown, k: number, s: number, d: number): [number, number] {
  if (value === undefined || value === 'valid') return [0, 0];
  if (value === 'same') {
    if (s !== 1) sameNeedsStride1(op, [s]);
    return samePadding(k, d);
  }
  if (isInt(value, 0)) return [value, value];
  if (Array.isArray(value) && value.length === 2 && isInt(value[0], 0) && isInt(value[1], 0)) return [value[0], value[1]];
  throw new ArgumentError(op, 'options.padding', "an integer ≥ 0, [left, right] (integers ≥ 0), 'same' or 'valid'", value);
}

/** Activation as a clamp [min, max], bounds rounded to float32 as the kernels see them. */
export function resolveActivation(op: string, value: unknown): [number, number] {
  if (value === undefined || value === 'none') return [-Infinity, Infinity];
  if (value === 'relu') return [0, Infinity];
  if (value === 'relu6') return [0, 6];
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const { min, max } = value as { min?: unknown; max?: unknown };
    if (typeof min === 'number' && typeof max === 'number' && !Number.isNaN(min) && !Number.isNaN(max) && min <= max) {
      return [Math.fround(min), Math.fround(max)];
    }
  }
  throw new ArgumentError(op, 'options.activation', "'none', 'relu', 'relu6' or { min, max } with numbers min ≤ max (not NaN)", value);
}

// ---------------------------------------------------------------------------------------------
// conv2d / conv1d
// ---------------------------------------------------------------------------------------------

interface LayerGeometry {
  op: string;
  rank: 1 | 2;
  weight: Float32Array;
  K: number;
  cPerGroup: number;
  groups: number;
  kH: number; kW: number;
  sH: number; sW: number;
  dH: number; dW: number;
  pads: [number, number, number, number];
}

function finishLayer(g: LayerGeometry, o: Record<string, unknown>): Conv2dLayer {
  const { op, K, groups, cPerGroup, kH, kW, sH, sW, dH, dW, pads } = g;
  let bias: Float32Array | null = null;
  if (o.bias !== undefined && o.bias !== null) {
    if (!isFloat32Array(o.bias)) throw new DataTypeError(op, 'options.bias', 'a Float32Array or null', o.bias);
    if (o.bias.length !== K) throw new ShapeError(op, 'options.bias', `a Float32Array of length ${K} (weight.shape[0], the output channels)`, o.bias);
    bias = o.bias;
  }
  const [actMin, actMax] = resolveActivation(op, o.activation);
  const C = cPerGroup * groups;
  let algorithm: ConvAlgorithm = 'auto';
  if (o.algorithm !== undefined) {
    if (typeof o.algorithm !== 'string' || !(CONV_ALGORITHMS as readonly string[]).includes(o.algorithm)) {
      throw new ArgumentError(op, 'options.algorithm', `one of ${CONV_ALGORITHMS.map((a) => `'${a}'`).join(', ')}`, o.algorithm);
    }
    algorithm = o.algorithm as ConvAlgorithm;
  }
  if (algorithm === 'depthwise' && groups !== C) {
    throw new ArgumentError(
      op,
      'options.algorithm',
      `'auto', 'direct' or 'im2col' here: 'depthwise' needs groups equal to the input channels (groups ${groups}, input channels ${C})`,
      algorithm,
    );
  }
  if (algorithm === 'pointwise' && !(kH === 1 && kW === 1 && sH === 1 && sW === 1 && pads.every((p) => p === 0))) {
    const geometry =
      g.rank === 2
        ? `kernel ${kH}×${kW}, stride ${fmtShape([sH, sW])}, padding ${fmtShape(pads)}`
        : `kernel ${kW}, stride ${sW}, padding ${fmtShape([pads[1], pads[3]])}`;
    throw new ArgumentError(
      op,
      'options.algorithm',
      `'auto', 'direct' or 'im2col' here: 'pointwise' needs a 1×1 kernel, stride 1 and no padding (${geometry})`,
      algorithm,
    );
  }
  if (algorithm === 'winograd' &&
    !(g.rank === 2 && isWinograd({ kH, kW, sH, sW, dH, dW, groups, cPerGroup }))) {
    const geometry = g.rank === 2
      ? `kernel ${kH}×${kW}, stride ${fmtShape([sH, sW])}, dilation ${fmtShape([dH, dW])}, groups ${groups}, ${cPerGroup} input channels`
      : `a 1-D convolution`;
    throw new ArgumentError(
      op,
      'options.algorithm',
      `'auto', 'direct' or 'im2col' here: 'winograd' needs a 2-D 3×3 kernel, stride 1 (any dilation) or stride 2 (no dilation), one group and at least ${WINOGRAD_MIN_C} input channels (${geometry})`,
      algorithm,
    );
  }
  return {
    op, rank: g.rank, algorithm, weight: g.weight, bias,
    C, K, kH, kW, sH, sW, dH: g.dH, dW: g.dW,
    padTop: pads[0], padLeft: pads[1], padBottom: pads[2], padRight: pads[3],
    groups, cPerGroup, kPerGroup: K / groups,
    actMin, actMax, hasBias: bias !== null,
  };
}

function checkGroups(op: string, value: unknown, K: number): number {
  const groups = intOption(op, 'options.groups', value, 1, 1);
  if (K % groups !== 0) {
    throw new ArgumentError(op, 'options.groups', `an integer ≥ 1 dividing the output channels (weight.shape[0] = ${K})`, groups);
  }
  return groups;
}

/**
 * Everything a conv2d fixes from its weight and options alone (for engine.prepareConv2d). If
 * `options.inputShape` is given it is checked against the layer too (argument 'options.inputShape').
 */
export function resolveConv2dLayer(
  weight: Tensor,
  options?: Omit<Conv2dOptions, 'out'> & { inputShape?: number[] },
  op = 'conv2d',
): Conv2dLayer {
  const o = checkOptionsObject(op, options, false, '');
  const w = validateTensor(op, 'weight', weight, 4, '[Cout, Cin/groups, kH, kW]');
  const [K, cPerGroup, kH, kW] = w.shape as [number, number, number, number];
  const groups = checkGroups(op, o.groups, K);
  const [sH, sW] = pairOption(op, 'options.stride', o.stride, 1, 1);
  const [dH, dW] = pairOption(op, 'options.dilation', o.dilation, 1, 1);
  const pads = padding2d(op, o.padding, [kH, kW], [sH, sW], [dH, dW]);
  const layer = finishLayer({ op, rank: 2, weight: w.data, K, cPerGroup, groups, kH, kW, sH, sW, dH, dW, pads }, o);
  if (o.inputShape !== undefined) bindConv2dShape(layer, o.inputShape, 'options.inputShape');
  return layer;
}

/** Alias of resolveConv2dLayer: the prepared form's weight-side resolution. */
export const resolveConv2dWeights = resolveConv2dLayer;

/** Conv1d's weight-side resolution, mapped onto the 2-D layer (kH = 1, sH = dH = 1, no vertical padding). */
export function resolveConv1dLayer(weight: Tensor, options?: Omit<Conv1dOptions, 'out'>, op = 'conv1d'): Conv2dLayer {
  const o = checkOptionsObject(op, options, false, '');
  const w = validateTensor(op, 'weight', weight, 3, '[Cout, Cin/groups, k]');
  const [K, cPerGroup, k] = w.shape as [number, number, number];
  const groups = checkGroups(op, o.groups, K);
  const s = intOption(op, 'options.stride', o.stride, 1, 1);
  const d = intOption(op, 'options.dilation', o.dilation, 1, 1);
  const [left, right] = padding1d(op, o.padding, k, s, d);
  return finishLayer({ op, rank: 1, weight: w.data, K, cPerGroup, groups, kH: 1, kW: k, sH: 1, sW: s, dH: 1, dW: d, pads: [0, left, 0, right] }, o);
}

/**
 * Binds an input shape (NCHW; for a rank-1 layer NCL) to a layer: checks the channel count and
 * that the dilated kernel fits the padded input, and computes the output size and MACs.
 * `argument` names the shape in errors ('input' or 'options.inputShape').
 */
export function bindConv2dShape(layer: Conv2dLayer, shape: unknown, argument = 'input'): ResolvedConv2d {
  const { op, rank } = layer;
  const layout = rank === 2 ? '[N, C, H, W]' : '[N, C, L]';
  const want = rank === 2 ? 4 : 3;
  if (!Array.isArray(shape) || shape.length !== want || !shape.every((d) => isInt(d, 1))) {
    throw new ShapeError(op, argument, `a tensor of shape ${layout} (${want} positive integer sizes)`, shape, `shape ${formatValue(shape)}`);
  }
  const dims = shape as number[];
  const [N, C] = dims as [number, number];
  const H = rank === 2 ? dims[2]! : 1;
  const W = dims[want - 1]!;
  if (C !== layer.C) {
    throw new ShapeError(
      op,
      argument,
      `a tensor with ${layer.C} channels in shape[1] (weight.shape[1]·groups = ${layer.cPerGroup}·${layer.groups})`,
      shape,
      `shape ${fmtShape(dims)}`,
    );
  }
  const { K, kH, kW, sH, sW, dH, dW, padTop, padLeft, padBottom, padRight } = layer;
  const outH = windowCount(H, kH, sH, padTop, padBottom, dH, false);
  const outW = windowCount(W, kW, sW, padLeft, padRight, dW, false);
  if (outH < 1 || outW < 1) {
    const effH = dH * (kH - 1) + 1;
    const effW = dW * (kW - 1) + 1;
    const sizes =
      rank === 2
        ? `effective kernel d·(k − 1) + 1 = ${effH}×${effW}, padded input ${H + padTop + padBottom}×${W + padLeft + padRight}`
        : `effective kernel d·(k − 1) + 1 = ${effW}, padded input length ${W + padLeft + padRight}`;
    const wShape = rank === 2 ? [K, layer.cPerGroup, kH, kW] : [K, layer.cPerGroup, kW];
    throw new ShapeError(op, 'weight', `a kernel that fits the padded input, but the kernel is larger than the padded input: ${sizes}`, wShape, `shape ${fmtShape(wShape)}`);
  }
  const outLength = N * K * outH * outW;
  checkMemory(op, 'output', outLength);
  // an explicit literal: spreading the layer costs V8 ~20 µs per call here, more than a
  // small layer's whole convolution
  return {
    op, rank, algorithm: layer.algorithm, weight: layer.weight, bias: layer.bias,
    C, K, kH, kW, sH, sW, dH, dW, padTop, padLeft, padBottom, padRight,
    groups: layer.groups, cPerGroup: layer.cPerGroup, kPerGroup: layer.kPerGroup,
    actMin: layer.actMin, actMax: layer.actMax, hasBias: layer.hasBias,
    N, H, W, outH, outW,
    macs: N * K * outH * outW * layer.cPerGroup * kH * kW,
    outShape: rank === 2 ? [N, K, outH, outW] : [N, K, outW],
    outLength,
    out: null,
  };
}

/** Sets the validated `out` on a descriptor made here (in place: copying it costs more than the call). */
function withOut(p: ResolvedConv2d, out: OutBuffer | null): ResolvedConv2d {
  (p as { out: OutBuffer | null }).out = out;
  return p;
}

/** Validates an input tensor (and optional out buffer) against a layer: the prepared form's run(). */
export function bindConv2dInput(layer: Conv2dLayer, input: Tensor, out?: OutBuffer | null): ResolvedConv2d {
  const x = validateTensor(layer.op, 'input', input, layer.rank === 2 ? 4 : 3, layer.rank === 2 ? '[N, C, H, W]' : '[N, C, L]');
  const p = bindConv2dShape(layer, x.shape);
  return withOut(p, validateOut(layer.op, out, p.outLength, p.outShape, [x.data]));
}

/** conv2d(input, weight, options) fully validated and resolved. */
export function resolveConv2d(input: Tensor, weight: Tensor, options?: Conv2dOptions, op = 'conv2d'): ResolvedConv2d {
  const x = validateTensor(op, 'input', input, 4, '[N, C, H, W]');
  const layer = resolveConv2dLayer(weight, options === undefined ? undefined : withoutOut(options), op);
  const p = bindConv2dShape(layer, x.shape);
  return withOut(p, validateOut(op, options?.out, p.outLength, p.outShape, [x.data, layer.weight, layer.bias]));
}

/** conv1d(input [N, C, L], weight [Cout, C/groups, k], options) resolved onto the 2-D descriptor with H = 1. */
export function resolveConv1d(input: Tensor, weight: Tensor, options?: Conv1dOptions, op = 'conv1d'): ResolvedConv2d {
  const x = validateTensor(op, 'input', input, 3, '[N, C, L]');
  const layer = resolveConv1dLayer(weight, options === undefined ? undefined : withoutOut(options), op);
  const p = bindConv2dShape(layer, x.shape);
  return withOut(p, validateOut(op, options?.out, p.outLength, p.outShape, [x.data, layer.weight, layer.bias]));
}

function withoutOut<T extends object>(options: T): T {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return options;
  const { out: _out, ...rest } = options as T & { out?: unknown };
  return rest as T;
}

// ---------------------------------------------------------------------------------------------
// pooling
// ---------------------------------------------------------------------------------------------

function resolvePool2d(op: string, input: Tensor, options: unknown, kind: 'max' | 'avg'): ResolvedPool2d {
  const x = validateTensor(op, 'input', input, 4, '[N, C, H, W]');
  const o = checkOptionsObject(op, options, true, 'kernelSize');
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [kH, kW] = pairOption(op, 'options.kernelSize', o.kernelSize, undefined, 1);
  const [sH, sW] = o.stride === null || o.stride === undefined ? [kH, kW] : pairOption(op, 'options.stride', o.stride, undefined, 1);
  const [padH, padW] = pairOption(op, 'options.padding', o.padding, 0, 0);
  const [dH, dW] = kind === 'max' ? pairOption(op, 'options.dilation', o.dilation, 1, 1) : [1, 1];
  // PyTorch's pool2d_shape_check: kW/2 ≥ padW && kH/2 ≥ padH (and pooling_output_shape's
  // pad ≤ ⌊(d·(k − 1) + 1)/2⌋, implied since the effective kernel is never smaller).
  if (padH > kH >> 1 || padW > kW >> 1) {
    throw new ArgumentError(
      op,
      'options.padding',
      `at most half the kernel size, ⌊kernelSize/2⌋ = ${fmtShape([kH >> 1, kW >> 1])} (pad should be smaller than or equal to half of kernel size)`,
      o.padding,
    );
  }
  const ceilMode = boolOption(op, 'options.ceilMode', o.ceilMode, false);
  const countIncludePad = kind === 'avg' ? boolOption(op, 'options.countIncludePad', o.countIncludePad, true) : true;
  const outH = windowCount(H, kH, sH, padH, padH, dH, ceilMode);
  const outW = windowCount(W, kW, sW, padW, padW, dW, ceilMode);
  if (outH < 1 || outW < 1) {
    const effH = dH * (kH - 1) + 1;
    const effW = dW * (kW - 1) + 1;
    throw new ShapeError(
      op,
      'options.kernelSize',
      `a kernel that fits the padded input, but the kernel is larger than the padded input: effective kernel ${effH}×${effW}, padded input ${H + 2 * padH}×${W + 2 * padW}`,
      o.kernelSize,
    );
  }
  const outShape = [N, C, outH, outW];
  const outLength = N * C * outH * outW;
  checkMemory(op, 'output', outLength);
  return {
    op, N, C, H, W, kH, kW, sH, sW, padH, padW, dH, dW, ceilMode, countIncludePad, outH, outW,
    outShape, outLength,
    out: validateOut(op, o.out, outLength, outShape, [x.data]),
  };
}

/** max_pool2d: kernelSize, stride (default kernelSize), padding ≤ ⌊k/2⌋, dilation, ceilMode. */
export function resolveMaxPool2d(input: Tensor, options: MaxPool2dOptions, op = 'maxPool2d'): ResolvedPool2d {
  return resolvePool2d(op, input, options, 'max');
}

/** avg_pool2d: kernelSize, stride (default kernelSize), padding ≤ ⌊k/2⌋, ceilMode, countIncludePad (default true). */
export function resolveAvgPool2d(input: Tensor, options: AvgPool2dOptions, op = 'avgPool2d'): ResolvedPool2d {
  return resolvePool2d(op, input, options, 'avg');
}

/** adaptive_avg_pool2d(x, 1): one window of H×W per channel, stride 1, no padding. */
export function resolveGlobalAvgPool2d(input: Tensor, options?: OutOptions, op = 'globalAvgPool2d'): ResolvedPool2d {
  const x = validateTensor(op, 'input', input, 4, '[N, C, H, W]');
  const o = checkOptionsObject(op, options, false, '');
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const outShape = [N, C, 1, 1];
  return {
    op, N, C, H, W, kH: H, kW: W, sH: 1, sW: 1, padH: 0, padW: 0, dH: 1, dW: 1,
    ceilMode: false, countIncludePad: true, outH: 1, outW: 1,
    outShape, outLength: N * C,
    out: validateOut(op, o.out, N * C, outShape, [x.data]),
  };
}

// ---------------------------------------------------------------------------------------------
// im2col, relu
// ---------------------------------------------------------------------------------------------

/** im2col (torch unfold): [N, C, H, W] → [N, C·kH·kW, outH·outW]; padding as conv2d's. */
export function resolveIm2col(input: Tensor, options: Im2colOptions, op = 'im2col'): ResolvedIm2col {
  const x = validateTensor(op, 'input', input, 4, '[N, C, H, W]');
  const o = checkOptionsObject(op, options, true, 'kernelSize');
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [kH, kW] = pairOption(op, 'options.kernelSize', o.kernelSize, undefined, 1);
  const [sH, sW] = pairOption(op, 'options.stride', o.stride, 1, 1);
  const [dH, dW] = pairOption(op, 'options.dilation', o.dilation, 1, 1);
  const [padTop, padLeft, padBottom, padRight] = padding2d(op, o.padding, [kH, kW], [sH, sW], [dH, dW]);
  const outH = windowCount(H, kH, sH, padTop, padBottom, dH, false);
  const outW = windowCount(W, kW, sW, padLeft, padRight, dW, false);
  if (outH < 1 || outW < 1) {
    throw new ShapeError(
      op,
      'options.kernelSize',
      `a kernel that fits the padded input, but the kernel is larger than the padded input: effective kernel ${dH * (kH - 1) + 1}×${dW * (kW - 1) + 1}, padded input ${H + padTop + padBottom}×${W + padLeft + padRight}`,
      o.kernelSize,
    );
  }
  const outShape = [N, C * kH * kW, outH * outW];
  const outLength = N * C * kH * kW * outH * outW;
  checkMemory(op, 'output', outLength);
  return {
    op, N, C, H, W, kH, kW, sH, sW, dH, dW, padTop, padLeft, padBottom, padRight, outH, outW,
    outShape, outLength,
    out: validateOut(op, o.out, outLength, outShape, [x.data]),
  };
}

/** relu (any shape); `out` may be the input itself (in place) but must not partly overlap it. */
export function resolveRelu(input: Tensor, options?: OutOptions, op = 'relu'): ResolvedElementwise {
  const x = validateTensor(op, 'input', input, 'any', '[d0, d1, …]');
  const o = checkOptionsObject(op, options, false, '');
  return {
    op, shape: x.shape, outShape: [...x.shape], length: x.data.length, outLength: x.data.length,
    out: validateOut(op, o.out, x.data.length, x.shape, [x.data], true),
  };
}
