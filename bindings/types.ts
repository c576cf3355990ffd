/**
 * Public types of simdconv. Shapes are NCHW (NCL for 1-D), row-major, contiguous float32.
 */
import type { EngineTensor } from './tensor.js';

export type { EngineTensor } from './tensor.js';

export interface Tensor {
  data: Float32Array;
  shape: number[];
}

/**
 * Where an op writes its result: a caller's Float32Array (the result is copied into it) or an
 * engine tensor of the same engine (the kernels write into it; the op returns that tensor).
 * Either way its length must be the output's element count.
 */
export type OutBuffer = Float32Array | EngineTensor;

/** Options of the ops that take nothing but an output (relu, globalAvgPool2d, a prepared run). */
export interface OutOptions {
  out?: OutBuffer;
}

export type Pair = number | [number, number];
/** number | [h, w] | [top, left, bottom, right] | 'same' | 'valid' */
export type Padding2d = number | [number, number] | [number, number, number, number] | 'same' | 'valid';
/** number | [left, right] | 'same' | 'valid' */
export type Padding1d = number | [number, number] | 'same' | 'valid';

export type Activation = 'none' | 'relu' | 'relu6' | { min: number; max: number };

/** 'auto' picks per layer; the rest force one kernel family. */
export type ConvAlgorithm = 'auto' | 'direct' | 'im2col' | 'depthwise' | 'pointwise' | 'winograd';

export interface Conv2dOptions {
  bias?: Float32Array | null;
  stride?: Pair;
  padding?: Padding2d;
  dilation?: Pair;
  groups?: number;
  activation?: Activation;
  algorithm?: ConvAlgorithm;
  /** Caller's output buffer or engine tensor, length N·Cout·outH·outW. */
  out?: OutBuffer;
}

export interface Conv1dOptions {
  bias?: Float32Array | null;
  stride?: number;
  padding?: Padding1d;
  dilation?: number;
  groups?: number;
  activation?: Activation;
  algorithm?: ConvAlgorithm;
  out?: OutBuffer;
}

export interface MaxPool2dOptions {
  kernelSize: Pair;
  /** default: kernelSize */
  stride?: Pair | null;
  padding?: Pair;
  dilation?: Pair;
  ceilMode?: boolean;
  out?: OutBuffer;
}

export interface AvgPool2dOptions {
  kernelSize: Pair;
  stride?: Pair | null;
  padding?: Pair;
  ceilMode?: boolean;
  /** default true */
  countIncludePad?: boolean;
  out?: OutBuffer;
}

export interface Im2colOptions {
  kernelSize: Pair;
  stride?: Pair;
  padding?: Padding2d;
  dilation?: Pair;
  out?: OutBuffer;
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
  /**
   * Explicit module bytes or URL, overriding the embedded build. With threads > 1 it must be a
   * threads build (simdconv.<isa>-mt.wasm: imports a shared memory).
   */
  wasm?: BufferSource | URL | string;
  /**
   * Threads per call (default 1). n > 1: a pool of workers over one shared memory (Node
   * worker_threads, browser Web Workers; the page must be cross-origin isolated). 'auto':
   * os.availableParallelism() / navigator.hardwareConcurrency, at most 8, and 1 where shared
   * memory is unavailable (engine.threadsReason says why); an explicit n > 1 there throws
   * UnsupportedError. Results are bit-identical whatever the count. See docs/threads.md.
   */
  threads?: number | 'auto';
}

/** Work space and timing facts of the last call, for benchmarks and the demo. */
export interface CallInfo {
  op: string;
  /** the kernel family that ran: 'direct' | 'im2col' | 'pointwise' | 'depthwise' | 'pool' | … */
  algorithm: string;
  /** bytes of scratch the kernels used beyond input, weights and output */
  workspaceBytes: number;
  /** threads that computed the call (1 when it was too small to split, or ran single-threaded) */
  threads: number;
}

/** Options whose `out` is an engine tensor: the op writes into it and returns it (typed as such). */
export interface IntoTensor {
  out: EngineTensor;
}

export interface PreparedConv2d {
  readonly params: Omit<Conv2dParams, 'N' | 'H' | 'W' | 'outH' | 'outW' | 'macs'>;
  run(input: Tensor, options: IntoTensor): EngineTensor;
  run(input: Tensor, options?: OutOptions): Tensor;
  /** As run(), on the pool's workers without blocking the calling thread (see Engine.run). */
  runAsync(input: Tensor, options: IntoTensor): Promise<EngineTensor>;
  runAsync(input: Tensor, options?: OutOptions): Promise<Tensor>;
  dispose(): void;
}

/** The ops Engine.run can call. */
export type AsyncOp = 'conv2d' | 'conv1d' | 'maxPool2d' | 'avgPool2d' | 'globalAvgPool2d' | 'relu' | 'im2col';

export interface Engine {
  readonly isa: Isa;
  /** threads a call may use (1 = no pool) */
  readonly threads: number;
  /** why `threads` is what it is: what was asked, what was found, any fallback */
  readonly threadsReason: string;
  /** info about the most recent call */
  readonly lastCall: CallInfo | null;
  /**
   * Bytes of wasm memory held between calls: prepared layers' packed weights and live engine
   * tensors (each rounded up to 16 bytes, plus 64 bytes of slack). Calls release their scratch.
   */
  readonly reservedBytes: number;
  /**
   * A tensor in the engine's wasm memory (zero-filled, or a copy of `data`, whose length must
   * be the product of `shape`). Ops take it as `input` or `out` with no copy; `tensor.data` is a
   * view of it (take it again after any call: growth invalidates older views). Free it with
   * `tensor.dispose()`; `engine.dispose()` frees all of them.
   */
  tensor(shape: number[], data?: ArrayLike<number>): EngineTensor;
  // each op returns a fresh Tensor, the caller's Float32Array `out` wrapped, or the engine tensor `out`
  conv2d(input: Tensor, weight: Tensor, options: Conv2dOptions & IntoTensor): EngineTensor;
  conv2d(input: Tensor, weight: Tensor, options?: Conv2dOptions): Tensor;
  conv1d(input: Tensor, weight: Tensor, options: Conv1dOptions & IntoTensor): EngineTensor;
  conv1d(input: Tensor, weight: Tensor, options?: Conv1dOptions): Tensor;
  prepareConv2d(weight: Tensor, options?: Omit<Conv2dOptions, 'out'> & { inputShape?: number[] }): PreparedConv2d;
  maxPool2d(input: Tensor, options: MaxPool2dOptions & IntoTensor): EngineTensor;
  maxPool2d(input: Tensor, options: MaxPool2dOptions): Tensor;
  avgPool2d(input: Tensor, options: AvgPool2dOptions & IntoTensor): EngineTensor;
  avgPool2d(input: Tensor, options: AvgPool2dOptions): Tensor;
  globalAvgPool2d(input: Tensor, options: IntoTensor): EngineTensor;
  globalAvgPool2d(input: Tensor, options?: OutOptions): Tensor;
  /** Elementwise max(0, x); `out` may be the input itself (in place), otherwise must not overlap it. */
  relu(input: Tensor, options: IntoTensor): EngineTensor;
  relu(input: Tensor, options?: OutOptions): Tensor;
  im2col(input: Tensor, options: Im2colOptions & IntoTensor): EngineTensor;
  im2col(input: Tensor, options: Im2colOptions): Tensor;
  /**
   * Any op above, awaited: `await engine.run('conv2d', input, weight, options)`. On a browser
   * main thread (which may not block) the pool's workers compute while the caller awaits, and
   * calls are queued; elsewhere it runs the synchronous method. Same results, bit for bit.
   */
  run<O extends AsyncOp>(op: O, ...args: Parameters<Engine[O]>): Promise<Tensor>;
  /** Stops the thread pool's workers and frees the prepared layers and the engine tensors. */
  dispose(): void;
}
