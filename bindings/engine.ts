/**
 * The engine: each op validates (params.ts), places its operands in wasm memory, runs the
 * kernels and returns a fresh tensor (or fills `out`). Scratch is released on every path, so
 * an error leaves the engine as it was.
 *
 * Every op is prepared as a Call — operands placed (copied in, or used where they are when they
 * are engine tensors), workspace reserved, one job (threads/jobs.ts) describing the kernel
 * calls — then executed: on the calling thread alone, on the thread pool with the caller taking
 * part (sync methods, hosts that may block), or on the pool's workers while the caller awaits
 * (`run`, `runAsync`). The split never changes a result's bits.
 */
import { ConvLayer, ONE_THREAD, padLayout, type ThreadPolicy } from './conv.js';
import { ArgumentError, formatValue } from './errors.js';
import { Heap, Scratch } from './memory.js';
import {
  bindConv2dInput, resolveAvgPool2d, resolveConv1d, resolveConv2d, resolveConv2dLayer,
  resolveGlobalAvgPool2d, resolveIm2col, resolveMaxPool2d, resolveRelu, resolveTensor, type ResolvedConv2d,
} from './params.js';
import { EngineTensor } from './tensor.js';
import { COST, threadsFor } from './threads/cost.js';
import { AVGPOOL, AVGPOOL_2X2, AVGPOOL_3X3, CLAMP, GLOBAL_AVGPOOL, IM2COL, MAXPOOL, MAXPOOL_2X2, MAXPOOL_3X3, MAXPOOL_S1, type Job } from './threads/jobs.js';
import type { ThreadPool } from './threads/pool.js';
import type {
  AsyncOp, AvgPool2dOptions, CallInfo, Conv1dOptions, Conv2dOptions, Engine, Im2colOptions, IntoTensor, Isa,
  MaxPool2dOptions, OutBuffer, OutOptions, Pool2dParams, PreparedConv2d, Tensor,
} from './types.js';
import type { KernelExports } from './wasm.js';

/** How the engine runs jobs: its thread count, why, and the pool (none with one thread). */
export interface Threading {
  threads: number;
  reason: string;
  pool: ThreadPool | null;
  /** bytes below the heap reserved for the pool's control block */
  reserved: number;
  /** test hook: overrides MIN_WORK_PER_THREAD (0 = split every job as far as it goes) */
  minWorkPerThread?: number;
}

type Mode = 'sync' | 'async';

/** One prepared op: operands in place, a job to run (or none), then finish and release. */
interface Call {
  op: string;
  algorithm: string;
  workspaceBytes: number;
  job: Job | null;
  finish(): Tensor;
  release(): void;
}

/** What an op's body returns to call(): the kernel family and its job. */
interface Planned {
  algorithm: string;
  job: Job | null;
  done?: () => void;
}

const NO_SYNC = () => {};

export class SimdConvEngine implements Engine {
  readonly isa: Isa;
  readonly threads: number;
  readonly threadsReason: string;
  lastCall: CallInfo | null = null;
  private readonly k: KernelExports;
  private readonly heap: Heap;
  private readonly pool: ThreadPool | null;
  private readonly minWork: number | undefined;
  private readonly layers = new Set<ConvLayer>();
  private readonly tensors = new Set<EngineTensor>();
  private disposed = false;

  constructor(kernels: KernelExports, isa: Isa, threading?: Threading) {
    this.k = kernels;
    this.isa = isa;
    this.threads = threading?.threads ?? 1;
    this.threadsReason = threading?.reason ?? 'threads: 1 (the default)';
    this.pool = threading?.pool ?? null;
    this.minWork = threading?.minWorkPerThread;
    this.heap = new Heap(kernels.memory, kernels.heap_base() + (threading?.reserved ?? 0));
  }

  /**
   * Bytes of wasm memory held between calls: prepared layers and live engine tensors (each
   * block with its alignment and slack), nothing else.
   */
  get reservedBytes(): number {
    return this.heap.reservedBytes;
  }

  tensor(shape: number[], data?: ArrayLike<number>): EngineTensor {
    this.live('tensor');
    const t = resolveTensor(shape, data);
    // another tensor's view would be detached if this allocation grows the memory: copy it first
    const values = data !== undefined && ArrayBuffer.isView(data) && data.buffer === this.heap.buffer ? (data as Float32Array).slice() : data;
    const ptr = this.heap.alloc(t.length * 4, 'tensor', 'shape');
    const tensor = new EngineTensor(this.heap, ptr, t.shape, t.length, this.tensors);
    if (values === undefined) tensor.data.fill(0);
    else tensor.data.set(values);
    return tensor;
  }

  /** The byte offset of an engine tensor of this engine, pinned for the call; other engines' tensors are refused. */
  private place(t: EngineTensor, op: string, argument: string, scratch: Scratch): number {
    if (t._heap !== this.heap) throw new ArgumentError(op, argument, 'an engine tensor of this engine', t, `a tensor of another engine, shape ${formatValue(t.shape)}`);
    return scratch.pin(t);
  }

  private live(op: string): void {
    if (this.disposed) throw new ArgumentError(op, 'engine', 'an engine that has not been disposed', 'a disposed engine');
  }

  /** Threads a job may use: the pool when this host can run it that way, else one. */
  private policy(mode: Mode): ThreadPolicy {
    const pool = this.pool;
    if (pool === null) return ONE_THREAD;
    const max = pool.blocking ? pool.size : mode === 'async' ? pool.workers : 1;
    return (work, units) => threadsFor(work, units, max, this.minWork);
  }

  /** Runs a job; returns the threads that ran it. */
  private runJob(job: Job, op: string): number {
    const pool = this.pool;
    if (job.nt > 1 && pool !== null && pool.blocking && !pool.busy) {
      pool.runSync(this.k, job, job.nt, op);
      return job.nt;
    }
    job.def.run(this.k, job.args, 0, 1, NO_SYNC);
    return 1;
  }

  private async runJobAsync(job: Job, op: string): Promise<number> {
    const pool = this.pool;
    if (job.nt > 1 && pool !== null && !pool.blocking) {
      await pool.runAsync(job, job.nt, op);
      return job.nt;
    }
    return this.runJob(job, op);
  }

  private finish(call: Call, threads: number): Tensor {
    this.lastCall = { op: call.op, algorithm: call.algorithm, workspaceBytes: call.workspaceBytes, threads };
    return call.finish();
  }

  private execute(call: Call): Tensor {
    try {
      return this.finish(call, call.job ? this.runJob(call.job, call.op) : 1);
    } finally {
      call.release();
    }
  }

  private async executeAsync(call: Call): Promise<Tensor> {
    try {
      return this.finish(call, call.job ? await this.runJobAsync(call.job, call.op) : 1);
    } finally {
      call.release();
    }
  }

  /**
   * Places the output and the input in wasm memory — an engine tensor of this engine where it
   * is, otherwise a scratch block (the input copied in) — then lets `body` add workspace and
   * build the job. Everything is released by the Call (or here, if body throws). `inPlace`: the
   * op may overwrite a scratch copy of its input with the output (elementwise ops).
   */
  private call(
    p: { op: string; outLength: number; outShape: number[]; out: OutBuffer | null },
    input: Tensor,
    body: (x: number, y: number, scratch: Scratch) => Planned,
    inPlace = false,
  ): Call {
    const scratch = new Scratch(this.heap, p.op);
    try {
      const resident = input instanceof EngineTensor;
      const out = p.out instanceof EngineTensor ? this.place(p.out, p.op, 'options.out', scratch)
        : inPlace && !resident ? 0 : scratch.alloc(p.outLength * 4, 'output');
      const x = resident ? this.place(input, p.op, 'input', scratch) : scratch.put(input.data, 'input');
      const y = out === 0 ? x : out;
      const { algorithm, job, done } = body(x, y, scratch);
      return {
        op: p.op, algorithm, job, workspaceBytes: scratch.workspaceBytes,
        finish: () => this.result(y, p.outLength, p.outShape, p.out),
        release: () => {
          scratch.releaseAll();
          done?.();
        },
      };
    } catch (e) {
      scratch.releaseAll();
      throw e;
    }
  }

  // ------------------------------------------------------------------------------------------
  // conv2d, conv1d, prepared layers
  // ------------------------------------------------------------------------------------------

  conv2d(input: Tensor, weight: Tensor, options: Conv2dOptions & IntoTensor): EngineTensor;
  conv2d(input: Tensor, weight: Tensor, options?: Conv2dOptions): Tensor;
  conv2d(input: Tensor, weight: Tensor, options: Conv2dOptions = {}): Tensor {
    return this.execute(this.conv2dCall(input, weight, options, 'sync'));
  }

  conv1d(input: Tensor, weight: Tensor, options: Conv1dOptions & IntoTensor): EngineTensor;
  conv1d(input: Tensor, weight: Tensor, options?: Conv1dOptions): Tensor;
  conv1d(input: Tensor, weight: Tensor, options: Conv1dOptions = {}): Tensor {
    return this.execute(this.conv1dCall(input, weight, options, 'sync'));
  }

  private conv2dCall(input: Tensor, weight: Tensor, options: Conv2dOptions, mode: Mode): Call {
    this.live('conv2d');
    return this.convOnce(resolveConv2d(input, weight, options), input, mode);
  }

  private conv1dCall(input: Tensor, weight: Tensor, options: Conv1dOptions, mode: Mode): Call {
    this.live('conv1d');
    return this.convOnce(resolveConv1d(input, weight, options), input, mode);
  }

  private convOnce(p: ResolvedConv2d, input: Tensor, mode: Mode): Call {
    const layer = new ConvLayer(this.k, this.heap, p, this.unshared(p.weight), p.bias && this.unshared(p.bias), p.op);
    try {
      const call = this.layerCall(layer, p, input, mode);
      const release = call.release;
      call.release = () => {
        release();
        layer.dispose();
      };
      return call;
    } catch (e) {
      layer.dispose();
      throw e;
    }
  }

  /** `a`, or a copy if it is a view of this engine's memory (an allocation that grows it would detach it). */
  private unshared(a: Float32Array): Float32Array {
    return a.buffer === this.heap.buffer ? a.slice() : a;
  }

  private layerCall(layer: ConvLayer, p: ResolvedConv2d, input: Tensor, mode: Mode): Call {
    return this.call(p, input, (x, y, scratch) => {
      const { kernel, job } = layer.plan(p, x, y, p.algorithm, scratch, this.policy(mode));
      return { algorithm: kernel, job, done: () => layer.done() };
    });
  }

  prepareConv2d(weight: Tensor, options: Omit<Conv2dOptions, 'out'> & { inputShape?: number[] } = {}): PreparedConv2d {
    this.live('prepareConv2d');
    const shape = resolveConv2dLayer(weight, options);
    const layer = new ConvLayer(this.k, this.heap, shape, shape.weight.slice(), shape.bias ? shape.bias.slice() : null, shape.op);
    layer.warm(shape.algorithm);
    this.layers.add(layer);
    let disposed = false;
    const engine = this;
    const prepare = (input: Tensor, runOptions: OutOptions, mode: Mode): Call => {
      engine.live('conv2d');
      if (disposed) {
        throw new ArgumentError('conv2d', 'layer', 'a prepared layer that has not been disposed', 'a disposed layer');
      }
      return engine.layerCall(layer, bindConv2dInput(shape, input, runOptions.out), input, mode);
    };
    // overloaded as in PreparedConv2d: an engine tensor `out` comes back as itself
    function run(input: Tensor, runOptions: IntoTensor): EngineTensor;
    function run(input: Tensor, runOptions?: OutOptions): Tensor;
    function run(input: Tensor, runOptions: OutOptions = {}): Tensor {
      return engine.execute(prepare(input, runOptions, 'sync'));
    }
    function runAsync(input: Tensor, runOptions: IntoTensor): Promise<EngineTensor>;
    function runAsync(input: Tensor, runOptions?: OutOptions): Promise<Tensor>;
    async function runAsync(input: Tensor, runOptions: OutOptions = {}): Promise<Tensor> {
      return engine.executeAsync(prepare(input, runOptions, 'async'));
    }
    return {
      params: shape,
      run,
      runAsync,
      dispose(): void {
        if (disposed) return;
        disposed = true;
        layer.dispose();
        engine.layers.delete(layer);
      },
    };
  }

  // ------------------------------------------------------------------------------------------
  // pooling, relu, im2col
  // ------------------------------------------------------------------------------------------

  maxPool2d(input: Tensor, options: MaxPool2dOptions & IntoTensor): EngineTensor;
  maxPool2d(input: Tensor, options: MaxPool2dOptions): Tensor;
  maxPool2d(input: Tensor, options: MaxPool2dOptions): Tensor {
    return this.execute(this.maxPool2dCall(input, options, 'sync'));
  }

  avgPool2d(input: Tensor, options: AvgPool2dOptions & IntoTensor): EngineTensor;
  avgPool2d(input: Tensor, options: AvgPool2dOptions): Tensor;
  avgPool2d(input: Tensor, options: AvgPool2dOptions): Tensor {
    return this.execute(this.avgPool2dCall(input, options, 'sync'));
  }

  globalAvgPool2d(input: Tensor, options: IntoTensor): EngineTensor;
  globalAvgPool2d(input: Tensor, options?: OutOptions): Tensor;
  globalAvgPool2d(input: Tensor, options: OutOptions = {}): Tensor {
    return this.execute(this.globalAvgPool2dCall(input, options, 'sync'));
  }

  relu(input: Tensor, options: IntoTensor): EngineTensor;
  relu(input: Tensor, options?: OutOptions): Tensor;
  relu(input: Tensor, options: OutOptions = {}): Tensor {
    return this.execute(this.reluCall(input, options, 'sync'));
  }

  im2col(input: Tensor, options: Im2colOptions & IntoTensor): EngineTensor;
  im2col(input: Tensor, options: Im2colOptions): Tensor;
  im2col(input: Tensor, options: Im2colOptions): Tensor {
    return this.execute(this.im2colCall(input, options, 'sync'));
  }

  private maxPool2dCall(input: Tensor, options: MaxPool2dOptions, mode: Mode): Call {
    this.live('maxPool2d');
    const p = resolveMaxPool2d(input, options);
    const threads = this.policy(mode);
    const planes = p.N * p.C;
    return this.call(p, input, (x, y, scratch): Planned => {
      if (p.kH === 2 && p.kW === 2 && p.sH === 2 && p.sW === 2 && p.padH === 0 && p.padW === 0 &&
        p.dH === 1 && p.dW === 1 && 2 * p.outH <= p.H && 2 * p.outW <= p.W) {
        return {
          algorithm: 'maxpool-2x2s2',
          job: {
            def: MAXPOOL_2X2, nt: threads(p.outLength * 4 * COST.poolTap, planes),
            args: { x, C: planes, H: p.H, W: p.W, outH: p.outH, outW: p.outW, y },
          },
        };
      }
      if (p.kH === 3 && p.kW === 3 && p.sH === 2 && p.sW === 2 && p.padH <= 1 && p.padW <= 1 && p.dH === 1 && p.dW === 1) {
        return {
          algorithm: 'maxpool-3x3s2',
          job: {
            def: MAXPOOL_3X3, nt: threads(p.outLength * 9 * COST.poolTap, planes),
            args: {
              x, C: planes, H: p.H, W: p.W, padH: p.padH, padW: p.padW, outH: p.outH, outW: p.outW, y,
            },
          },
        };
      }
      if (p.sH === 1 && p.sW === 1 && p.dH === 1 && p.dW === 1 && p.padW <= 8) {
        return {
          algorithm: 'maxpool-s1',
          job: {
            def: MAXPOOL_S1, nt: threads(p.outLength * p.kH * p.kW * COST.poolTap, planes),
            args: {
              x, C: planes, H: p.H, W: p.W, kH: p.kH, kW: p.kW, padH: p.padH, padW: p.padW, outH: p.outH, outW: p.outW, y,
            },
          },
        };
      }
      const src = padLayout(poolGeometry(p), x, scratch, -Infinity);
      const offsets = this.tapOffsets(p, src, scratch);
      const taps = p.kH * p.kW;
      return {
        algorithm: 'maxpool',
        job: {
          def: MAXPOOL, nt: threads(p.outLength * taps * COST.poolTap + src.paddedFloats * COST.copy, planes),
          args: {
            x: src.x, imageBytes: src.imageBytes, C: src.C, H: src.H, W: src.W, padTop: src.padTop, padLeft: src.padLeft,
            hp: src.hp, sW: src.sW, wq: src.wq, buf: src.buf, padValue: src.padValue, rowStride: src.rowStride,
            planeStride: src.planeStride, sH: p.sH, taps, offsets, outH: p.outH, outW: p.outW, y,
          },
        },
      };
    });
  }

  private avgPool2dCall(input: Tensor, options: AvgPool2dOptions, mode: Mode): Call {
    this.live('avgPool2d');
    const p = resolveAvgPool2d(input, options);
    const threads = this.policy(mode);
    return this.call(p, input, (x, y, scratch): Planned => {
      if (p.kH === 2 && p.kW === 2 && p.sH === 2 && p.sW === 2 && p.padH === 0 && p.padW === 0 &&
        2 * p.outH <= p.H && 2 * p.outW <= p.W) {
        const planes = p.N * p.C;
        return {
          algorithm: 'avgpool-2x2s2',
          job: {
            def: AVGPOOL_2X2, nt: threads(p.outLength * 4 * COST.poolTap, planes),
            args: { x, C: planes, H: p.H, W: p.W, outH: p.outH, outW: p.outW, y },
          },
        };
      }
      const rowDiv = scratch.alloc(p.outH * 4, 'workspace', true);
      const colLen = Math.ceil(p.outW / 8) * 8;
      const colDiv = scratch.alloc(colLen * 4, 'workspace', true);
      this.heap.f32(rowDiv, p.outH).set(divisors(p.outH, p.sH, p.padH, p.kH, p.H, p.countIncludePad));
      const cols = this.heap.f32(colDiv, colLen);
      cols.fill(1);
      cols.set(divisors(p.outW, p.sW, p.padW, p.kW, p.W, p.countIncludePad));
      if (p.kH === 3 && p.kW === 3 && (p.sW === 1 || p.sW === 2) && p.padH <= 1 && p.padW <= 1) {
        const zeroFloats = this.k.f32_avgpool_3x3_zero_floats(p.W);
        const zero = scratch.alloc(zeroFloats * 4, 'workspace', true);
        this.heap.f32(zero, zeroFloats).fill(0);
        const planes = p.N * p.C;
        return {
          algorithm: 'avgpool-3x3',
          job: {
            def: AVGPOOL_3X3, nt: threads(p.outLength * 9 * COST.poolTap, planes),
            args: {
              x, C: planes, H: p.H, W: p.W, sH: p.sH, sW: p.sW, padH: p.padH, padW: p.padW, outH: p.outH, outW: p.outW,
              rowDiv, colDiv, zero, y,
            },
          },
        };
      }
      const src = padLayout(poolGeometry(p), x, scratch, 0);
      const offsets = this.tapOffsets(p, src, scratch);
      const taps = p.kH * p.kW;
      return {
        algorithm: 'avgpool',
        job: {
          def: AVGPOOL, nt: threads(p.outLength * taps * COST.poolTap + src.paddedFloats * COST.copy, p.N * p.C),
          args: {
            x: src.x, imageBytes: src.imageBytes, C: src.C, H: src.H, W: src.W, padTop: src.padTop, padLeft: src.padLeft,
            hp: src.hp, sW: src.sW, wq: src.wq, buf: src.buf, padValue: src.padValue, rowStride: src.rowStride,
            planeStride: src.planeStride, sH: p.sH, taps, offsets, outH: p.outH, outW: p.outW, y, rowDiv, colDiv,
          },
        },
      };
    });
  }

  private globalAvgPool2dCall(input: Tensor, options: OutOptions, mode: Mode): Call {
    this.live('globalAvgPool2d');
    const p = resolveGlobalAvgPool2d(input, options);
    const threads = this.policy(mode);
    return this.call(p, input, (x, y) => ({
      algorithm: 'global-avgpool',
      job: {
        def: GLOBAL_AVGPOOL, nt: threads(p.N * p.C * p.H * p.W * COST.copy, p.N * p.C),
        args: { x, C: p.N * p.C, n: p.H * p.W, y },
      },
    }));
  }

  /** In place on the scratch copy of a plain input; an engine tensor input is only overwritten when it is also `out`. */
  private reluCall(input: Tensor, options: OutOptions, mode: Mode): Call {
    this.live('relu');
    const p = resolveRelu(input, options);
    const n = p.length;
    const threads = this.policy(mode);
    return this.call(p, input, (x, y) => ({
      algorithm: 'clamp',
      job: { def: CLAMP, nt: threads(n * COST.copy, Math.ceil(n / 16)), args: { x, y, n, lo: 0, hi: Infinity } },
    }), true);
  }

  private im2colCall(input: Tensor, options: Im2colOptions, mode: Mode): Call {
    this.live('im2col');
    const p = resolveIm2col(input, options);
    const threads = this.policy(mode);
    const cols = p.outH * p.outW;
    return this.call(p, input, (x, y) => ({
      algorithm: 'im2col',
      job: {
        def: IM2COL, nt: threads(p.outLength * COST.copy, p.N * Math.ceil(cols / 8)),
        args: {
          x, imageBytes: p.C * p.H * p.W * 4, N: p.N, C: p.C, H: p.H, W: p.W, kH: p.kH, kW: p.kW, sH: p.sH, sW: p.sW,
          dH: p.dH, dW: p.dW, padTop: p.padTop, padLeft: p.padLeft, outW: p.outW, cols, y,
          outImageBytes: p.C * p.kH * p.kW * cols * 4,
        },
      },
    }));
  }

  // ------------------------------------------------------------------------------------------
  // async form, lifetime, test hooks
  // ------------------------------------------------------------------------------------------

  run<O extends AsyncOp>(op: O, ...args: Parameters<Engine[O]>): Promise<Tensor> {
    return (async () => {
      const a = args as unknown[];
      let call: Call;
      switch (op as AsyncOp) {
        case 'conv2d': call = this.conv2dCall(a[0] as Tensor, a[1] as Tensor, (a[2] ?? {}) as Conv2dOptions, 'async'); break;
        case 'conv1d': call = this.conv1dCall(a[0] as Tensor, a[1] as Tensor, (a[2] ?? {}) as Conv1dOptions, 'async'); break;
        case 'maxPool2d': call = this.maxPool2dCall(a[0] as Tensor, a[1] as MaxPool2dOptions, 'async'); break;
        case 'avgPool2d': call = this.avgPool2dCall(a[0] as Tensor, a[1] as AvgPool2dOptions, 'async'); break;
        case 'globalAvgPool2d': call = this.globalAvgPool2dCall(a[0] as Tensor, (a[1] ?? {}) as OutOptions, 'async'); break;
        case 'relu': call = this.reluCall(a[0] as Tensor, (a[1] ?? {}) as OutOptions, 'async'); break;
        case 'im2col': call = this.im2colCall(a[0] as Tensor, a[1] as Im2colOptions, 'async'); break;
        default:
          throw new ArgumentError('run', 'op', "one of 'conv2d', 'conv1d', 'maxPool2d', 'avgPool2d', 'globalAvgPool2d', 'relu', 'im2col'", op);
      }
      return this.executeAsync(call);
    })();
  }

  /**
   * Test hook (not part of the API): the next job that runs on more than one thread has its
   * last worker throw ('throw') or end its thread ('exit') before computing.
   * @internal
   */
  _injectWorkerFault(kind: 'throw' | 'exit'): void {
    if (this.pool === null) throw new Error('no thread pool');
    this.pool.injectFault(kind);
  }

  dispose(): void {
    if (this.disposed) return;
    for (const tensor of this.tensors) tensor.dispose(); // removes itself from the set
    for (const layer of this.layers) layer.dispose();
    this.layers.clear();
    this.pool?.dispose();
    this.disposed = true;
  }

  private tapOffsets(p: Pool2dParams, src: { wq: number; rowStride: number; planeStride: number }, scratch: Scratch): number {
    const offsets = scratch.alloc(p.kH * p.kW * 4, 'workspace', true);
    this.k.f32_conv_offsets(offsets, 1, p.kH, p.kW, p.dH, p.dW, p.sW, src.wq, src.rowStride, src.planeStride);
    return offsets;
  }

  /** The output: `out` itself when it is an engine tensor (written in place), else copied out of wasm memory. */
  private result(y: number, length: number, shape: number[], out: OutBuffer | null): Tensor {
    if (out instanceof EngineTensor) return out;
    const view = this.heap.f32(y, length);
    if (out) {
      out.set(view);
      return { data: out, shape };
    }
    // the copy constructor: not view.slice() (V8's slice of a view on wasm memory measured ≈ 6×
    // slower once, 1.8 MB: 0.24 vs 0.075 ms; 1.0–1.3× in later runs, 0.15–1.6 MB), nor a zeroed
    // fresh array overwritten by set() (calls returning a fresh output took 0.75–1.02× the time
    // with the constructor, mostly ≈ 0.9×; Node 20, bench/ab-builds.mjs --out array). Most of the
    // cost is the allocation itself (a 150 KB array ≈ 15–20 µs, its copy ≈ 3 µs).
    return { data: new Float32Array(view), shape };
  }
}

/** Pooling over N·C planes as one image of N·C channels. */
function poolGeometry(p: Pool2dParams) {
  return {
    N: 1, C: p.N * p.C, H: p.H, W: p.W, kH: p.kH, kW: p.kW, sH: p.sH, sW: p.sW, dH: p.dH, dW: p.dW,
    padTop: p.padH, padLeft: p.padW, padBottom: p.padH, padRight: p.padW, outH: p.outH, outW: p.outW,
  };
}

/**
 * PyTorch's avg_pool2d divisor along one axis: the window clipped to the padded input
 * (count_include_pad) or to the input itself. The 2-D divisor is the product of both axes.
 */
function divisors(out: number, stride: number, pad: number, k: number, size: number, includePad: boolean): Float32Array {
  const d = new Float32Array(out);
  for (let o = 0; o < out; o++) {
    const start = o * stride - pad;
    const end = Math.min(start + k, size + pad);
    d[o] = includePad ? end - start : Math.min(end, size) - Math.max(start, 0);
  }
  return d;
}
