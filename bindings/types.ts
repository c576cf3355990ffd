/**
 * Public types of simdconv. Shapes are NCHW (NCL for 1-D), row-major, contiguous float32.
 */

export interface Tensor {
  data: Float32Array;
  shape: number[];
}

export type Pair = number | [number, number];
/** number | [h, w] | [top, left, bottom, right] | 'same' | 'valid' */
export type Padding2d = number | [number, number] | [number, number, number, number] | 'same' | 'valid';
/** number | [left, right] | 'same' | 'valid' */
export type Padding1d = number | [number, number] | 'same' | 'valid';

export type Activation = 'none' | 'relu' | 'relu6' | { min: number; max: number };

/** 'auto' picks per layer; the rest force one kernel family. */
export type ConvAlgorithm = 'auto' | 'direct' | 'im2col' | 'depthwise' | 'pointwise';

export interface Conv2dOptions {
  bias?: Float32Array | null;
  stride?: Pair;
  padding?: Padding2d;
  dilation?: Pair;
  groups?: number;
  activation?: Activation;
  algorithm?: ConvAlgorithm;
  /** Caller's output buffer, length N·Cout·outH·outW. */
  out?: Float32Array;
}

export interface Conv1dOptions {
  bias?: Float32Array | null;
  stride?: number;
  padding?: Padding1d;
  dilation?: number;
  groups?: number;
  activation?: Activation;
  algorithm?: ConvAlgorithm;
  out?: Float32Array;
}

export interface MaxPool2dOptions {
  kernelSize: Pair;
  /** default: kernelSize */
  stride?: Pair | null;
  padding?: Pair;
  dilation?: Pair;
  ceilMode?: boolean;
  out?: Float32Array;
}

export interface AvgPool2dOptions {
  kernelSize: Pair;
  stride?: Pair | null;
  padding?: Pair;
  ceilMode?: boolean;
  /** default true */
  countIncludePad?: boolean;
  out?: Float32Array;
}

export interface Im2colOptions {
  kernelSize: Pair;
  stride?: Pair;
  padding?: Padding2d;
  dilation?: Pair;
  out?: Float32Array;
}

/** A fully resolved and validated conv2d (conv1d maps onto it with H = 1). */
export interface Conv2dParams {
  N: number; C: number; H: number; W: number;
  /** output channels */
  K: number;
  kH: number; kW: number;
  sH: number; sW: number;
  dH: number; dW: number;
  padTop: number; padLeft: number; padBottom: number; padRight: number;
  groups: number;
  /** C / groups */
  cPerGroup: number;
  /** K / groups */
  kPerGroup: number;
  outH: number; outW: number;
  /** activation as a clamp: [actMin, actMax]; 'none' = [-Infinity, Infinity] */
  actMin: number; actMax: number;
  hasBias: boolean;
  /** multiply-accumulates of the whole call: N·K·outH·outW·cPerGroup·kH·kW */
  macs: number;
}

/** A fully resolved and validated 2-D pooling. */
export interface Pool2dParams {
  N: number; C: number; H: number; W: number;
  kH: number; kW: number;
  sH: number; sW: number;
  padH: number; padW: number;
  dH: number; dW: number;
  ceilMode: boolean;
  countIncludePad: boolean;
  outH: number; outW: number;
}

export interface Im2colParams {
  N: number; C: number; H: number; W: number;
  kH: number; kW: number;
  sH: number; sW: number;
  dH: number; dW: number;
  padTop: number; padLeft: number; padBottom: number; padRight: number;
  outH: number; outW: number;
}

export type Isa = 'simd' | 'relaxed';

export interface LoadOptions {
  /** 'auto' (default) picks relaxed when the runtime validates it, else simd. */
  isa?: 'auto' | Isa;
  /** Explicit module bytes or URL, overriding the embedded build. */
  wasm?: BufferSource | URL | string;
}

/** Work space and timing facts of the last call, for benchmarks and the demo. */
export interface CallInfo {
  op: string;
  /** the kernel family that ran: 'direct' | 'im2col' | 'pointwise' | 'depthwise' | 'pool' | … */
  algorithm: string;
  /** bytes of scratch the kernels used beyond input, weights and output */
  workspaceBytes: number;
}

export interface PreparedConv2d {
  readonly params: Omit<Conv2dParams, 'N' | 'H' | 'W' | 'outH' | 'outW' | 'macs'>;
  run(input: Tensor, options?: { out?: Float32Array }): Tensor;
  dispose(): void;
}

export interface Engine {
  readonly isa: Isa;
  /** info about the most recent call */
  readonly lastCall: CallInfo | null;
  conv2d(input: Tensor, weight: Tensor, options?: Conv2dOptions): Tensor;
  conv1d(input: Tensor, weight: Tensor, options?: Conv1dOptions): Tensor;
  prepareConv2d(weight: Tensor, options?: Omit<Conv2dOptions, 'out'> & { inputShape?: number[] }): PreparedConv2d;
  maxPool2d(input: Tensor, options: MaxPool2dOptions): Tensor;
  avgPool2d(input: Tensor, options: AvgPool2dOptions): Tensor;
  globalAvgPool2d(input: Tensor, options?: { out?: Float32Array }): Tensor;
  relu(input: Tensor, options?: { out?: Float32Array }): Tensor;
  im2col(input: Tensor, options: Im2colOptions): Tensor;
  dispose(): void;
}
