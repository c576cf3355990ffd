/**
 * The engine: each op validates (params.ts), places its operands in wasm memory, runs the
 * kernels and returns a fresh tensor (or fills `out`). Scratch is released on every path, so
 * an error leaves the engine as it was.
 */
import { ConvLayer, padded } from './conv.js';
import { ArgumentError } from './errors.js';
import { Heap, Scratch } from './memory.js';
import {
  bindConv2dInput, resolveAvgPool2d, resolveConv1d, resolveConv2d, resolveConv2dLayer,
  resolveGlobalAvgPool2d, resolveIm2col, resolveMaxPool2d, resolveRelu, type ResolvedConv2d, type ResolvedPool2d,
} from './params.js';
import type {
  AvgPool2dOptions, CallInfo, Conv1dOptions, Conv2dOptions, Engine, Im2colOptions, Isa,
  MaxPool2dOptions, Pool2dParams, PreparedConv2d, Tensor,
} from './types.js';
import type { KernelExports } from './wasm.js';

export class SimdConvEngine implements Engine {
  readonly isa: Isa;
  lastCall: CallInfo | null = null;
  private readonly k: KernelExports;
  private readonly heap: Heap;
  private readonly layers = new Set<ConvLayer>();
  private disposed = false;

  constructor(kernels: KernelExports, isa: Isa) {
    this.k = kernels;
    this.isa = isa;
    this.heap = new Heap(kernels.memory, kernels.heap_base());
  }

  /** Bytes of wasm memory held by prepared layers and nothing else between calls. */
  get reservedBytes(): number {
    return this.heap.reservedBytes;
  }

  private live(op: string): void {
    if (this.disposed) throw new ArgumentError(op, 'engine', 'an engine that has not been disposed', 'a disposed engine');
  }

  conv2d(input: Tensor, weight: Tensor, options: Conv2dOptions = {}): Tensor {
    this.live('conv2d');
    return this.convOnce(resolveConv2d(input, weight, options), input);
  }

  conv1d(input: Tensor, weight: Tensor, options: Conv1dOptions = {}): Tensor {
    this.live('conv1d');
    return this.convOnce(resolveConv1d(input, weight, options), input);
  }

  private convOnce(p: ResolvedConv2d, input: Tensor): Tensor {
    const layer = new ConvLayer(this.k, this.heap, p, p.weight, p.bias, p.op);
    try {
      return this.runLayer(layer, p, input);
    } finally {
      layer.dispose();
    }
  }

  private runLayer(layer: ConvLayer, p: ResolvedConv2d, input: Tensor): Tensor {
    const scratch = new Scratch(this.heap, p.op);
    try {
      const y = scratch.alloc(p.outLength * 4, 'output');
      const x = scratch.put(input.data, 'input');
      const run = layer.run(p, x, y, p.algorithm);
      this.lastCall = { op: p.op, algorithm: run.kernel, workspaceBytes: run.workspaceBytes };
      return this.result(y, p.outLength, p.outShape, p.out);
    } finally {
      scratch.releaseAll();
    }
  }

  prepareConv2d(weight: Tensor, options: Omit<Conv2dOptions, 'out'> & { inputShape?: number[] } = {}): PreparedConv2d {
    this.live('prepareConv2d');
    const shape = resolveConv2dLayer(weight, options);
    const layer = new ConvLayer(this.k, this.heap, shape, shape.weight.slice(), shape.bias ? shape.bias.slice() : null, shape.op);
    layer.warm(shape.algorithm);
    this.layers.add(layer);
    let disposed = false;
    const engine = this;
    return {
      params: shape,
      run(input: Tensor, runOptions: { out?: Float32Array } = {}): Tensor {
        engine.live('conv2d');
        if (disposed) {
          throw new ArgumentError('conv2d', 'layer', 'a prepared layer that has not been disposed', 'a disposed layer');
        }
        return engine.runLayer(layer, bindConv2dInput(shape, input, runOptions.out), input);
      },
      dispose(): void {
        if (disposed) return;
        disposed = true;
        layer.dispose();
        engine.layers.delete(layer);
      },
    };
  }

  maxPool2d(input: Tensor, options: MaxPool2dOptions): Tensor {
    this.live('maxPool2d');
    const p = resolveMaxPool2d(input, options);
    return this.pool(p, input, (x, y, scratch) => {
      if (p.kH === 2 && p.kW === 2 && p.sH === 2 && p.sW === 2 && p.padH === 0 && p.padW === 0 &&
        p.dH === 1 && p.dW === 1 && 2 * p.outH <= p.H && 2 * p.outW <= p.W) {
        this.k.f32_maxpool_2x2s2(x, p.N * p.C, p.H, p.W, p.outH, p.outW, y);
        return 'maxpool-2x2s2';
      }
      const src = padded(this.k, poolGeometry(p), x, scratch, -Infinity);
      const offsets = this.tapOffsets(p, src, scratch);
      this.k.f32_maxpool(src.image(0), src.rowStride, src.planeStride, p.sH, p.kH * p.kW, offsets,
        p.N * p.C, p.outH, p.outW, y);
      return 'maxpool';
    });
  }

  avgPool2d(input: Tensor, options: AvgPool2dOptions): Tensor {
    this.live('avgPool2d');
    const p = resolveAvgPool2d(input, options);
    return this.pool(p, input, (x, y, scratch) => {
      const src = padded(this.k, poolGeometry(p), x, scratch, 0);
      const offsets = this.tapOffsets(p, src, scratch);
      const rowDiv = scratch.alloc(p.outH * 4, 'workspace', true);
      const colLen = Math.ceil(p.outW / 8) * 8;
      const colDiv = scratch.alloc(colLen * 4, 'workspace', true);
      this.heap.f32(rowDiv, p.outH).set(divisors(p.outH, p.sH, p.padH, p.kH, p.H, p.countIncludePad));
      const cols = this.heap.f32(colDiv, colLen);
      cols.fill(1);
      cols.set(divisors(p.outW, p.sW, p.padW, p.kW, p.W, p.countIncludePad));
      this.k.f32_avgpool(src.image(0), src.rowStride, src.planeStride, p.sH, p.kH * p.kW, offsets,
        p.N * p.C, p.outH, p.outW, rowDiv, colDiv, y);
      return 'avgpool';
    });
  }

  globalAvgPool2d(input: Tensor, options: { out?: Float32Array } = {}): Tensor {
    this.live('globalAvgPool2d');
    const p = resolveGlobalAvgPool2d(input, options);
    return this.pool(p, input, (x, y) => {
      this.k.f32_global_avgpool(x, p.N * p.C, p.H * p.W, y);
      return 'global-avgpool';
    });
  }

  relu(input: Tensor, options: { out?: Float32Array } = {}): Tensor {
    this.live('relu');
    const p = resolveRelu(input, options);
    const n = p.length;
    const scratch = new Scratch(this.heap, 'relu');
    try {
      const x = scratch.put(input.data, 'input');
      this.k.f32_clamp(x, x, n, 0, Infinity);
      this.lastCall = { op: 'relu', algorithm: 'clamp', workspaceBytes: 0 };
      return this.result(x, n, p.outShape, p.out);
    } finally {
      scratch.releaseAll();
    }
  }

  im2col(input: Tensor, options: Im2colOptions): Tensor {
    this.live('im2col');
    const p = resolveIm2col(input, options);
    const rows = p.C * p.kH * p.kW;
    const cols = p.outH * p.outW;
    const outLen = p.N * rows * cols;
    const scratch = new Scratch(this.heap, 'im2col');
    try {
      const y = scratch.alloc(outLen * 4, 'output');
      const x = scratch.put(input.data, 'input');
      for (let n = 0; n < p.N; n++) {
        this.k.f32_im2col(x + n * p.C * p.H * p.W * 4, p.C, p.H, p.W, p.kH, p.kW, p.sH, p.sW, p.dH, p.dW,
          p.padTop, p.padLeft, p.outW, 0, cols, y + n * rows * cols * 4, cols);
      }
      this.lastCall = { op: 'im2col', algorithm: 'im2col', workspaceBytes: 0 };
      return this.result(y, outLen, p.outShape, p.out);
    } finally {
      scratch.releaseAll();
    }
  }

  dispose(): void {
    if (this.disposed) return;
    for (const layer of this.layers) layer.dispose();
    this.layers.clear();
    this.disposed = true;
  }

  private pool(p: ResolvedPool2d, input: Tensor, body: (x: number, y: number, scratch: Scratch) => string): Tensor {
    const outLen = p.outLength;
    const scratch = new Scratch(this.heap, p.op);
    try {
      const y = scratch.alloc(outLen * 4, 'output');
      const x = scratch.put(input.data, 'input');
      const algorithm = body(x, y, scratch);
      this.lastCall = { op: p.op, algorithm, workspaceBytes: scratch.workspaceBytes };
      return this.result(y, outLen, p.outShape, p.out);
    } finally {
      scratch.releaseAll();
    }
  }

  private tapOffsets(p: Pool2dParams, src: { wq: number; rowStride: number; planeStride: number }, scratch: Scratch): number {
    const offsets = scratch.alloc(p.kH * p.kW * 4, 'workspace', true);
    this.k.f32_conv_offsets(offsets, 1, p.kH, p.kW, p.dH, p.dW, p.sW, src.wq, src.rowStride, src.planeStride);
    return offsets;
  }

  private result(y: number, length: number, shape: number[], out: Float32Array | null): Tensor {
    const view = this.heap.f32(y, length);
    if (out) {
      out.set(view);
      return { data: out, shape };
    }
    return { data: view.slice(), shape };
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
