/**
 * A convolution layer placed in wasm memory: weights packed once (lazily, per kernel family
 * that needs them), then run on any number of inputs. Used by engine.conv2d / conv1d (a
 * layer made and dropped per call) and by engine.prepareConv2d (kept).
 */
import type { Heap } from './memory.js';
import { Scratch } from './memory.js';
import { chooseConvKernel, panelColumns, type ConvKernel } from './plan.js';
import type { KernelExports } from './wasm.js';
import type { ConvAlgorithm, Conv2dParams } from './types.js';

/** The parts of Conv2dParams that do not depend on the input. */
export type ConvLayerShape = Pick<Conv2dParams,
  'C' | 'K' | 'kH' | 'kW' | 'groups' | 'cPerGroup' | 'kPerGroup' | 'hasBias'>;

export interface ConvRun {
  kernel: ConvKernel;
  workspaceBytes: number;
}

export class ConvLayer {
  private packed = 0;
  private raw = 0;
  private bias = 0;
  private disposed = false;

  constructor(
    private readonly k: KernelExports,
    private readonly heap: Heap,
    readonly shape: ConvLayerShape,
    private readonly weight: Float32Array,
    private readonly biasData: Float32Array | null,
    private readonly op: string,
  ) {}

  /** Packs for the GEMM-shaped kernels (direct, im2col, pointwise). */
  private ensurePacked(): number {
    if (this.packed) return this.packed;
    const { groups, kPerGroup: m, cPerGroup, kH, kW } = this.shape;
    const kk = cPerGroup * kH * kW;
    const bytes = groups * Math.ceil(m / 4) * (4 + 4 * kk) * 4;
    const scratch = new Scratch(this.heap, this.op);
    try {
      const packed = this.heap.alloc(bytes, this.op, 'weight');
      try {
        const w = scratch.put(this.weight, 'weight');
        const b = this.biasData ? scratch.put(this.biasData, 'options.bias') : 0;
        this.k.pack_f32_gemm_oihw(w, b, packed, groups, m, kk);
      } catch (e) {
        this.heap.release(packed);
        throw e;
      }
      this.packed = packed;
      return packed;
    } finally {
      scratch.releaseAll();
    }
  }

  /** Raw OIHW weights and bias in wasm memory, for the depthwise kernel. */
  private ensureRaw(): void {
    if (this.raw) return;
    const raw = this.heap.alloc(this.weight.length * 4, this.op, 'weight');
    this.heap.f32(raw, this.weight.length).set(this.weight);
    if (this.biasData) {
      try {
        this.bias = this.heap.alloc(this.biasData.length * 4, this.op, 'options.bias');
      } catch (e) {
        this.heap.release(raw);
        throw e;
      }
      this.heap.f32(this.bias, this.biasData.length).set(this.biasData);
    }
    this.raw = raw;
  }

  /** Packs what `algorithm` will most likely need, so the first run pays no packing. */
  warm(algorithm: ConvAlgorithm): void {
    const depthwise = this.shape.groups === this.shape.C && this.shape.cPerGroup === 1;
    if (algorithm === 'depthwise' || (algorithm === 'auto' && depthwise)) this.ensureRaw();
    else this.ensurePacked();
  }

  /**
   * Runs the layer on the image batch at byte offset x, writing the output at y.
   * All scratch is released before returning, error or not.
   */
  run(p: Conv2dParams, x: number, y: number, algorithm: ConvAlgorithm): ConvRun {
    if (this.disposed) throw new Error('ConvLayer used after dispose');
    const kernel = chooseConvKernel(p, algorithm);
    const scratch = new Scratch(this.heap, this.op);
    try {
      switch (kernel) {
        case 'depthwise': this.runDepthwise(p, x, y, scratch); break;
        case 'direct': this.runDirect(p, x, y, scratch); break;
        default: this.runGemm(p, x, y, scratch, kernel === 'im2col'); break;
      }
      return { kernel, workspaceBytes: scratch.workspaceBytes };
    } finally {
      scratch.releaseAll();
    }
  }

  private runGemm(p: Conv2dParams, x: number, y: number, scratch: Scratch, im2col: boolean): void {
    const packed = this.ensurePacked();
    const kk = p.cPerGroup * p.kH * p.kW;
    const P = p.outH * p.outW;
    const nc = panelColumns(kk, P);
    const col = im2col ? scratch.alloc(kk * nc * 4, 'workspace', true) : 0;
    const groupBytes = Math.ceil(p.kPerGroup / 4) * (4 + 4 * kk) * 4;
    const inImage = p.C * p.H * p.W * 4;
    const outImage = p.K * P * 4;
    for (let n = 0; n < p.N; n++) {
      for (let g = 0; g < p.groups; g++) {
        this.k.f32_conv2d_gemm(im2col ? 1 : 0, x + n * inImage + g * p.cPerGroup * p.H * p.W * 4,
          p.cPerGroup, p.H, p.W, p.kH, p.kW, p.sH, p.sW, p.dH, p.dW, p.padTop, p.padLeft, p.outH, p.outW,
          packed + g * groupBytes, p.kPerGroup, col, nc, y + n * outImage + g * p.kPerGroup * P * 4,
          p.actMin, p.actMax);
      }
    }
  }

  private runDirect(p: Conv2dParams, x: number, y: number, scratch: Scratch): void {
    const packed = this.ensurePacked();
    const src = padded(this.k, p, x, scratch, 0);
    const kk = p.cPerGroup * p.kH * p.kW;
    const offsets = scratch.alloc(kk * 4, 'workspace', true);
    this.k.f32_conv_offsets(offsets, p.cPerGroup, p.kH, p.kW, p.dH, p.dW, p.sW, src.wq, src.rowStride, src.planeStride);
    const groupBytes = Math.ceil(p.kPerGroup / 4) * (4 + 4 * kk) * 4;
    const P = p.outH * p.outW;
    for (let n = 0; n < p.N; n++) {
      const xp = src.image(n);
      for (let g = 0; g < p.groups; g++) {
        this.k.f32_conv2d_direct(xp + g * p.cPerGroup * src.planeStride * 4, src.rowStride, p.sH, kk, offsets,
          packed + g * groupBytes, p.kPerGroup, p.outH, p.outW, y + (n * p.K + g * p.kPerGroup) * P * 4,
          p.actMin, p.actMax);
      }
    }
  }

  private runDepthwise(p: Conv2dParams, x: number, y: number, scratch: Scratch): void {
    this.ensureRaw();
    const src = padded(this.k, p, x, scratch, 0);
    const taps = p.kH * p.kW;
    const offsets = scratch.alloc(taps * 4, 'workspace', true);
    this.k.f32_conv_offsets(offsets, 1, p.kH, p.kW, p.dH, p.dW, p.sW, src.wq, src.rowStride, src.planeStride);
    const P = p.outH * p.outW;
    for (let n = 0; n < p.N; n++) {
      this.k.f32_dwconv(src.image(n), src.rowStride, src.planeStride, p.sH, p.dH, taps, offsets, this.raw, this.bias,
        p.C, p.kPerGroup, p.outH, p.outW, y + n * p.K * P * 4, p.actMin, p.actMax);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const ptr of [this.packed, this.raw, this.bias]) if (ptr) this.heap.release(ptr);
    this.packed = this.raw = this.bias = 0;
  }
}

/** Geometry of a window op over a padded phase-split input. */
export interface WindowGeometry {
  N: number; C: number; H: number; W: number;
  kH: number; kW: number; sH: number; sW: number; dH: number; dW: number;
  padTop: number; padLeft: number; padBottom: number; padRight: number;
  outH: number; outW: number;
}

export interface PaddedSource {
  wq: number;
  rowStride: number;
  planeStride: number;
  /** byte offset of image n's first plane */
  image(n: number): number;
}

/**
 * The input as the window kernels read it: the input itself when no padding and stride 1
 * along the width, else a padded (with `value`) phase-split copy (f32_pad_phase), made once
 * per image into one workspace block that covers every tap, ceil-mode overhang included.
 */
export function padded(k: KernelExports, p: WindowGeometry, x: number, scratch: Scratch, value: number): PaddedSource {
  const hp = Math.max(p.H + p.padTop + p.padBottom, (p.outH - 1) * p.sH + (p.kH - 1) * p.dH + 1);
  const wp = Math.max(p.W + p.padLeft + p.padRight, (p.outW - 1) * p.sW + (p.kW - 1) * p.dW + 1);
  const image = p.C * p.H * p.W * 4;
  if (hp === p.H && wp === p.W && p.padTop === 0 && p.padLeft === 0 && p.sW === 1) {
    return { wq: p.W, rowStride: p.W, planeStride: p.H * p.W, image: (n) => x + n * image };
  }
  const wq = Math.ceil(wp / p.sW);
  const rowStride = p.sW * wq;
  const planeStride = hp * rowStride;
  const buf = scratch.alloc(p.C * planeStride * 4, 'workspace', true);
  let current = -1;
  return {
    wq, rowStride, planeStride,
    image(n) {
      if (n !== current) {
        k.f32_pad_phase(x + n * image, p.C, p.H, p.W, p.padTop, p.padLeft, hp, p.sW, wq, value, buf);
        current = n;
      }
      return buf;
    },
  };
}

