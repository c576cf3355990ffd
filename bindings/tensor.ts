/**
 * Engine-owned tensors (`engine.tensor(shape, data?)`): a block of the engine's wasm heap —
 * 16-byte aligned, with the slack the SIMD kernels may read past the end — that ops read as
 * `input` and write as `out` in place, with no copy in or out.
 *
 * `data` is a Float32Array view of the block, made again whenever `memory.buffer` has changed:
 * growing a non-shared memory detaches every earlier view, and a shared memory's earlier views
 * keep their old length. So a view taken earlier is invalid after any later call that grows the
 * memory; `tensor.data` itself is always valid.
 */
import { ArgumentError, formatValue } from './errors.js';
import type { Heap } from './memory.js';
import type { Tensor } from './types.js';

export class EngineTensor implements Tensor {
  /** The tensor's shape (its length is the product). Fixed at creation. */
  readonly shape: number[];
  /** Number of elements (the product of `shape`). */
  readonly length: number;
  /** @internal the heap (and so the engine) that owns the block */
  readonly _heap: Heap;
  /** @internal byte offset of the block in wasm memory */
  readonly _ptr: number;
  private view: Float32Array;
  private isDisposed = false;
  /** calls in flight that read or write the block: dispose() frees it when they are done */
  private uses = 0;
  private readonly live: Set<EngineTensor>;

  /** @internal made by engine.tensor() only */
  constructor(heap: Heap, ptr: number, shape: number[], length: number, live: Set<EngineTensor>) {
    this._heap = heap;
    this._ptr = ptr;
    this.shape = shape;
    this.length = length;
    this.view = heap.f32(ptr, length);
    this.live = live;
    live.add(this);
  }

  /**
   * The elements, as a view of wasm memory (no copy: writes go straight to the tensor). A view
   * kept from earlier is invalid once any call has grown the engine's memory; read `data` again.
   */
  get data(): Float32Array {
    if (this.isDisposed) throw disposedError('EngineTensor.data', 'tensor', this);
    if (this.view.buffer !== this._heap.buffer) this.view = this._heap.f32(this._ptr, this.length);
    return this.view;
  }

  /** True once dispose() (or engine.dispose()) has run: the tensor can no longer be used. */
  get disposed(): boolean {
    return this.isDisposed;
  }

  /** A copy of the elements in an ordinary Float32Array (stays valid whatever the engine does). */
  toArray(): Float32Array {
    return new Float32Array(this.data);
  }

  /** Frees the block (once the calls in flight that use it are done). Idempotent. */
  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.live.delete(this);
    if (this.uses === 0) this._heap.release(this._ptr);
  }

  /** @internal a call in flight uses the block */
  _pin(): void {
    this.uses++;
  }

  /** @internal that call is done */
  _unpin(): void {
    if (--this.uses === 0 && this.isDisposed) this._heap.release(this._ptr);
  }
}

export function disposedError(op: string, argument: string, tensor: EngineTensor): ArgumentError {
  return new ArgumentError(op, argument, 'an engine tensor that has not been disposed', tensor, `a disposed tensor of shape ${formatValue(tensor.shape)}`);
}

