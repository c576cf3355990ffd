/**
 * The wasm heap, owned by the bindings: a first-fit allocator with coalescing over the
 * module's linear memory (the kernels never allocate). Every block is 16-byte aligned and is
 * followed by SLACK readable bytes, because the SIMD kernels read whole vectors past the last
 * element of a row (those lanes are computed and dropped). Views are made fresh from
 * memory.buffer on each use, so growth never leaves a stale view behind.
 */
import { MemoryLimitError } from './errors.js';
import type { EngineTensor } from './tensor.js';

const ALIGN = 16;
const SLACK = 64;
const PAGE = 65536;
/** Largest memory the engine grows to: 2 GiB keeps every byte offset a positive i32. */
export const MEMORY_LIMIT = 2 ** 31;

export class Heap {
  private readonly memory: WebAssembly.Memory;
  private readonly base: number;
  private top: number;
  /** free blocks, sorted by address: [ptr, size] */
  private free: Array<[number, number]> = [];
  private readonly sizes = new Map<number, number>();

  constructor(memory: WebAssembly.Memory, heapBase: number) {
    this.memory = memory;
    this.base = heapBase;
    this.top = heapBase;
  }

  /** Bytes a request of `bytes` really takes (alignment and slack included). */
  static footprint(bytes: number): number {
    return Math.ceil((bytes + SLACK) / ALIGN) * ALIGN;
  }

  /**
   * Reserves `bytes` (plus slack); throws MemoryLimitError naming `argument` of `op` when the
   * memory cannot hold it. Nothing is reserved when it throws.
   */
  alloc(bytes: number, op: string, argument: string): number {
    const size = Heap.footprint(bytes);
    for (let i = 0; i < this.free.length; i++) {
      const [ptr, fsize] = this.free[i];
      if (fsize >= size) {
        if (fsize === size) this.free.splice(i, 1);
        else this.free[i] = [ptr + size, fsize - size];
        this.sizes.set(ptr, size);
        return ptr;
      }
    }
    // extend the last free block if it touches the top, else bump
    let ptr = this.top;
    const last = this.free[this.free.length - 1];
    if (last && last[0] + last[1] === this.top) ptr = last[0];
    const end = ptr + size;
    if (end > MEMORY_LIMIT) throw new MemoryLimitError(op, argument, end - this.base, MEMORY_LIMIT - this.base);
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      try {
        this.memory.grow(Math.ceil((end - have) / PAGE));
      } catch {
        throw new MemoryLimitError(op, argument, end - this.base, have - this.base);
      }
    }
    if (ptr !== this.top) this.free.pop();
    this.top = Math.max(this.top, end);
    this.sizes.set(ptr, size);
    return ptr;
  }

  release(ptr: number): void {
    const size = this.sizes.get(ptr);
    if (size === undefined) return;
    this.sizes.delete(ptr);
    let i = 0;
    while (i < this.free.length && this.free[i][0] < ptr) i++;
    this.free.splice(i, 0, [ptr, size]);
    // coalesce with the next, then the previous block
    if (i + 1 < this.free.length && ptr + size === this.free[i + 1][0]) {
      this.free[i][1] += this.free[i + 1][1];
      this.free.splice(i + 1, 1);
    }
    if (i > 0 && this.free[i - 1][0] + this.free[i - 1][1] === ptr) {
      this.free[i - 1][1] += this.free[i][1];
      this.free.splice(i, 1);
    }
  }

  /** The memory's current buffer (a new object after each growth). */
  get buffer(): ArrayBufferLike {
    return this.memory.buffer;
  }

  /** A Float32Array view of `length` floats at byte offset `ptr` (valid until the next growth). */
  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, length);
  }

  /** Bytes currently reserved, engine tensors included (for tests that check nothing leaks). */
  get reservedBytes(): number {
    let total = 0;
    for (const size of this.sizes.values()) total += size;
    return total;
  }
}

/**
 * Scratch for one call: reserves blocks and releases all of them at the end, error or not.
 * Engine tensors the call reads or writes in place are pinned until then, so that disposing
 * one while an async call is in flight does not free its block under the workers.
 */
export class Scratch {
  private readonly ptrs: number[] = [];
  private pinned: EngineTensor[] | null = null;
  workspaceBytes = 0;
  constructor(private readonly heap: Heap, private readonly op: string) {}

  alloc(bytes: number, argument: string, workspace = false): number {
    const ptr = this.heap.alloc(bytes, this.op, argument);
    this.ptrs.push(ptr);
    if (workspace) this.workspaceBytes += bytes;
    return ptr;
  }

  /** Copies `data` into a new block and returns its offset. */
  put(data: Float32Array, argument: string): number {
    const ptr = this.alloc(data.length * 4, argument);
    this.heap.f32(ptr, data.length).set(data);
    return ptr;
  }

  /** Keeps `tensor`'s block reserved until releaseAll(); returns its byte offset. */
  pin(tensor: EngineTensor): number {
    tensor._pin();
    (this.pinned ??= []).push(tensor);
    return tensor._ptr;
  }

  releaseAll(): void {
    for (const ptr of this.ptrs) this.heap.release(ptr);
    this.ptrs.length = 0;
    if (this.pinned === null) return;
    for (const tensor of this.pinned) tensor._unpin();
    this.pinned = null;
  }
}
