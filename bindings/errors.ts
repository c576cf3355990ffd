/**
 * Errors thrown by simdconv. Every error names the op, the argument at fault (a path such as
 * 'weight', 'options.stride', 'input.data'), what was expected and what was given:
 *
 *   conv2d: options.stride must be an integer ≥ 1 (got 0)
 *
 * `code` is stable and meant for programs; `message` is meant for people.
 */

/** Short, readable rendering of an offending value for messages. */
export function formatValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'boolean' || typeof value === 'symbol') return String(value);
  if (typeof value === 'function') return 'a function';
  if (ArrayBuffer.isView(value)) {
    const name = value.constructor?.name ?? 'ArrayBufferView';
    const length = (value as unknown as { length?: number }).length ?? value.byteLength;
    return `${name}(${length})`;
  }
  if (Array.isArray(value)) {
    if (value.length > 8) return `an Array(${value.length})`;
    return `[${value.map(formatValue).join(', ')}]`;
  }
  try {
    const json = JSON.stringify(value);
    if (json !== undefined) return json.length > 80 ? `${json.slice(0, 77)}...` : json;
  } catch {
    /* cyclic or exotic: fall through */
  }
  return Object.prototype.toString.call(value);
}

export class SimdConvError extends Error {
  /** Stable machine-readable code: 'ERR_SIMDCONV_SHAPE', 'ERR_SIMDCONV_ARGUMENT', … */
  declare readonly code: string;
  /** The op that rejected the call ('conv2d', 'maxPool2d', 'load', …). */
  readonly op: string;
  /** Path of the argument at fault: 'input', 'weight', 'input.data', 'options.padding', … */
  readonly argument: string;
  /** The offending value as given. */
  readonly value: unknown;
  /** What would have been accepted, as a phrase ("an integer ≥ 1"). */
  readonly expected: string;

  /** @param got overrides the rendering of `value` in the message (e.g. "48 elements"). */
  constructor(op: string, argument: string, expected: string, value: unknown, got?: string) {
    super(`${op}: ${argument} must be ${expected} (got ${got ?? formatValue(value)})`);
    this.op = op;
    this.argument = argument;
    this.value = value;
    this.expected = expected;
  }
}

/** Rank, shape, channel-count or length mismatch between tensors / buffers. */
export class ShapeError extends SimdConvError {}

/** An option with a bad value, type or range (stride 0, padding 'full', min > max, …). */
export class ArgumentError extends SimdConvError {}

/** Data of the wrong type: a tensor's `data` (or `bias`, `out`) that is not a Float32Array. */
export class DataTypeError extends SimdConvError {}

/**
 * The call would need more WebAssembly memory than can exist (wasm32: 4 GiB) or than the engine
 * may grow to. `argument` names what does not fit ('input', 'output', 'workspace', …).
 *
 *   throw new MemoryLimitError('conv2d', 'output', requiredBytes, limitBytes);
 *   // conv2d: output must be at most 4294967296 bytes of wasm memory (got 25600000000 bytes)
 */
export class MemoryLimitError extends SimdConvError {
  /** Bytes the call would need. */
  readonly bytes: number;
  /** Bytes available at most. */
  readonly limitBytes: number;

  constructor(op: string, argument: string, bytes: number, limitBytes: number) {
    super(op, argument, `at most ${limitBytes} bytes of wasm memory`, bytes, `${bytes} bytes`);
    this.bytes = bytes;
    this.limitBytes = limitBytes;
  }
}

/**
 * The runtime cannot do what was asked: no Wasm SIMD, or an ISA that does not validate.
 *
 *   throw new UnsupportedError('load', 'options.isa', "an ISA this runtime validates ('simd')", 'relaxed');
 */
export class UnsupportedError extends SimdConvError {}

/**
 * A worker thread failed during the call (it threw, or its thread exited). The call's result
 * is lost, nothing else is: the engine has stopped the pool and starts a fresh one on the next
 * threaded call. `argument` is 'threads'; `worker` is the failing worker's index (0-based,
 * the calling thread not counted) and `detail` what it reported.
 *
 *   conv2d: worker 1 of the thread pool failed: RuntimeError: unreachable (the pool is restarted on the next call)
 */
export class WorkerError extends SimdConvError {
  readonly worker: number;
  readonly detail: string;

  constructor(op: string, worker: number, detail: string) {
    super(op, 'threads', 'a thread pool whose workers do not fail', detail);
    this.worker = worker;
    this.detail = detail;
    this.message = `${op}: worker ${worker} of the thread pool failed: ${detail} (the pool is restarted on the next call)`;
  }
}

// name and code live on the prototypes, so they are right in stack traces and not own fields.
for (const [cls, name, code] of [
  [SimdConvError, 'SimdConvError', 'ERR_SIMDCONV'],
  [ShapeError, 'ShapeError', 'ERR_SIMDCONV_SHAPE'],
  [ArgumentError, 'ArgumentError', 'ERR_SIMDCONV_ARGUMENT'],
  [DataTypeError, 'DataTypeError', 'ERR_SIMDCONV_DATA_TYPE'],
  [MemoryLimitError, 'MemoryLimitError', 'ERR_SIMDCONV_MEMORY_LIMIT'],
  [UnsupportedError, 'UnsupportedError', 'ERR_SIMDCONV_UNSUPPORTED'],
  [WorkerError, 'WorkerError', 'ERR_SIMDCONV_WORKER'],
] as const) {
  Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, configurable: true });
  Object.defineProperty(cls.prototype, 'code', { value: code, configurable: true });
}
