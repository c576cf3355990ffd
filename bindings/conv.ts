/**
 * A convolution layer placed in wasm memory: weights packed once (lazily, per kernel family
 * that needs them), then run on any number of inputs. Used by engine.conv2d / conv1d (a
 * layer made and dropped per call) and by engine.prepareConv2d (kept).
 *
 * `plan` prepares one run — packing, padding layout, tap offsets, workspace — and returns the
 * job (threads/jobs.ts) that computes it; the engine runs the job on one thread or on the pool.
 */
import type { Heap } from './memory.js';
import { Scratch } from './memory.js';
import { autoWinograd, chooseConvKernel, depthwiseC4, isDepthwise, isWinograd, panelColumns, type ConvKernel } from './plan.js';
import { COST } from './threads/cost.js';
import { DIRECT, DWCONV, DWCONV_3X3, GEMM, WINOGRAD, WINOGRAD_TMP_BYTES, type Job } from './threads/jobs.js';
import type { KernelExports } from './wasm.js';
import type { ConvAlgorithm, Conv2dParams } from './types.js';

/** The parts of Conv2dParams that do not depend on the input. */
export type ConvLayerShape = Pick<Conv2dParams,
  'C' | 'K' | 'kH' | 'kW' | 'sH' | 'sW' | 'dH' | 'dW' | 'groups' | 'cPerGroup' | 'kPerGroup' | 'hasBias'>;

/** Threads a job of `work` MAC-equivalents over `units` independent pieces may use. */
export type ThreadPolicy = (work: number, units: number) => number;

export const ONE_THREAD: ThreadPolicy = () => 1;

export interface ConvPlan {
  kernel: ConvKernel;
  job: Job;
}

export class ConvLayer {
  private packed = 0;
  private raw = 0;
  /** Winograd U = G g G^T, 16 packed Cout × C matrices */
  private wino = 0;
  private bias = 0;
  private disposed = false;
  /** runs planned and not yet finished (async calls): dispose waits for them */
  private uses = 0;
  private disposeWhenIdle = false;

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
    try {
      this.biasPtr();
    } catch (e) {
      this.heap.release(raw);
      throw e;
    }
    this.raw = raw;
  }

  /** The bias in wasm memory (0 = none), for the kernels that add it in their epilogue. */
  private biasPtr(): number {
    if (this.bias || !this.biasData) return this.bias;
    this.bias = this.heap.alloc(this.biasData.length * 4, this.op, 'options.bias');
    this.heap.f32(this.bias, this.biasData.length).set(this.biasData);
    return this.bias;
  }

  /** no ±Infinity or NaN among the weights (checked in wasm when U is packed) */
  private winoFinite = false;

  /** Bytes of one ξ's packed U matrix (Cout × C, 4-row blocks with a zero bias). */
  private get winoXiBytes(): number {
    return Math.ceil(this.shape.kPerGroup / 4) * (4 + 4 * this.shape.cPerGroup) * 4;
  }

  /**
   * U[ξ][k][c], packed per ξ (in wasm): (G g[k][c] G^T)[ξ] for Winograd F(2×2, 3×3) at stride 1,
   * the polyphase F(2×2, 2×2) parts' at stride 2 — 16 matrices either way.
   */
  private ensureWinograd(): number {
    if (this.wino) return this.wino;
    const { kPerGroup: K, cPerGroup: C } = this.shape;
    const xiBytes = this.winoXiBytes;
    const packed = this.heap.alloc(16 * xiBytes, this.op, 'weight');
    const scratch = new Scratch(this.heap, this.op);
    try {
      const w = scratch.put(this.weight, 'weight');
      this.winoFinite = this.k.f32_all_finite(w, this.weight.length) === 1;
      this.k.pack_f32_winograd_2x2_3x3(w, K, C, packed, xiBytes, this.shape.sH);
    } catch (e) {
      this.heap.release(packed);
      throw e;
    } finally {
      scratch.releaseAll();
    }
    this.wino = packed;
    return packed;
  }

  /** Packs what `algorithm` will most likely need, so the first run pays no packing. */
  warm(algorithm: ConvAlgorithm): void {
    const depthwise = isDepthwise(this.shape);
    if (algorithm === 'depthwise' || (algorithm === 'auto' && depthwise)) this.ensureRaw();
    else if (algorithm === 'winograd' || (algorithm === 'auto' && autoWinograd(this.shape))) this.ensureWinograd();
    else this.ensurePacked();
  }

  /**
   * Prepares a run on the image batch at byte offset x, writing the output at y: weights
   * packed, workspace reserved in `scratch` (the caller releases it after the job has run).
   * Between plan() and done() the layer keeps its weights even if disposed meanwhile.
   */
  plan(p: Conv2dParams, x: number, y: number, algorithm: ConvAlgorithm, scratch: Scratch, threads: ThreadPolicy): ConvPlan {
    if (this.disposed) throw new Error('ConvLayer used after dispose');
    let kernel = chooseConvKernel(p, algorithm);
    if (kernel === 'winograd' && !(this.ensureWinograd() && this.winoFinite && this.k.f32_all_finite(x, p.N * p.C * p.H * p.W))) {
      kernel = chooseConvKernel(p, algorithm, false);
    }
    let job: Job;
    switch (kernel) {
      case 'depthwise': job = this.planDepthwise(p, x, y, scratch, threads); break;
      case 'direct': job = this.planDirect(p, x, y, scratch, threads); break;
      case 'winograd': job = this.planWinograd(p, x, y, scratch, threads); break;
      default: job = this.planGemm(p, x, y, scratch, threads, kernel === 'im2col'); break;
    }
    this.uses++;
    return { kernel, job };
  }

  /** The run planned last has finished (or failed). */
  done(): void {
    this.uses--;
    if (this.uses === 0 && this.disposeWhenIdle) this.dispose();
  }

  private planGemm(p: Conv2dParams, x: number, y: number, scratch: Scratch, threads: ThreadPolicy, im2col: boolean): Job {
    const packed = this.ensurePacked();
    const kk = p.cPerGroup * p.kH * p.kW;
    const P = p.outH * p.outW;
    const nc = panelColumns(kk, P);
    const mb = Math.ceil(p.kPerGroup / 4);
    const tiles = Math.ceil(P / 8);
    // layers with more 4-channel blocks than 8-column tiles (deep, small images) split output
    // channels: each thread then streams only its part of the weights (and with im2col builds
    // the whole panel itself)
    const byChannels = mb > tiles ? 1 : 0;
    const units = p.N * p.groups * (byChannels ? mb : tiles);
    const work = p.macs * COST.mac + (im2col ? p.N * p.groups * kk * P * COST.copy : 0);
    const nt = threads(work, units);
    // one panel per thread; with one thread exactly the panel (as workspaceBytes reports, with the
    // K offsets below when there is a column tail)
    const panel = kk * nc * 4;
    const colBytes = nt > 1 ? Heap16(panel + 64) : panel;
    const col = im2col ? scratch.alloc(colBytes * nt, 'workspace', true) : 0;
    // B row k at k·ldb bytes (32 in the tile-major panel, 4·P in place), for the kernel's
    // pixel-by-pixel column tail (at most its NARROW columns of P % 8; panels and thread shares
    // are multiples of 8 columns): f32_conv_offsets of kk 1×1 "channels". Set up whenever there
    // is a tail, so no copy of NARROW lives here.
    const offsets = P % 8 ? scratch.alloc(kk * 4, 'workspace', true) : 0;
    if (offsets) this.k.f32_conv_offsets(offsets, kk, 1, 1, 1, 1, 1, 1, 0, im2col ? 8 : P);
    return {
      def: GEMM,
      nt,
      args: {
        im2col: im2col ? 1 : 0, x, imageBytes: p.C * p.H * p.W * 4, N: p.N, groups: p.groups, cPerGroup: p.cPerGroup,
        H: p.H, W: p.W, kH: p.kH, kW: p.kW, sH: p.sH, sW: p.sW, dH: p.dH, dW: p.dW, padTop: p.padTop, padLeft: p.padLeft,
        outH: p.outH, outW: p.outW, packed, groupBytes: mb * (4 + 4 * kk) * 4, kPerGroup: p.kPerGroup, col, colBytes, nc,
        offsets, y, outImageBytes: p.K * P * 4, actMin: p.actMin, actMax: p.actMax, byChannels,
      },
    };
  }

  private planDirect(p: Conv2dParams, x: number, y: number, scratch: Scratch, threads: ThreadPolicy): Job {
    const packed = this.ensurePacked();
    const src = padLayout(p, x, scratch, 0);
    const kk = p.cPerGroup * p.kH * p.kW;
    const offsets = scratch.alloc(kk * 4, 'workspace', true);
    this.k.f32_conv_offsets(offsets, p.cPerGroup, p.kH, p.kW, p.dH, p.dW, p.sW, src.wq, src.rowStride, src.planeStride);
    const mb = Math.ceil(p.kPerGroup / 4);
    // rows, unless there are more 4-channel blocks than rows (deep layers on small images,
    // conv1d): then each thread computes whole rows for its share of output channels
    const byChannels = p.groups * mb > p.outH ? 1 : 0;
    const work = p.macs * COST.mac + (src.buf ? p.N * src.paddedFloats * COST.copy : 0);
    const nt = threads(work, byChannels ? p.groups * mb : p.outH);
    return {
      def: DIRECT,
      nt,
      args: {
        x: src.x, imageBytes: src.imageBytes, C: src.C, H: src.H, W: src.W, padTop: src.padTop, padLeft: src.padLeft,
        hp: src.hp, sW: src.sW, wq: src.wq, buf: src.buf, padValue: src.padValue, rowStride: src.rowStride,
        planeStride: src.planeStride,
        N: p.N, sH: p.sH, kk, offsets, packed, groups: p.groups, cPerGroup: p.cPerGroup, kPerGroup: p.kPerGroup,
        groupBytes: mb * (4 + 4 * kk) * 4, outH: p.outH, outW: p.outW, y, outImageBytes: p.K * p.outH * p.outW * 4,
        actMin: p.actMin, actMax: p.actMax, byChannels,
      },
    };
  }

  private planWinograd(p: Conv2dParams, x: number, y: number, scratch: Scratch, threads: ThreadPolicy): Job {
    if (!isWinograd(p)) throw new Error('winograd planned for a geometry it does not compute');
    const packed = this.ensureWinograd();
    const { dH, dW } = p;
    const s2 = p.sH === 2;
    // dilation d: dH·dW output phases, each an ordinary 3×3 convolution of the input rows and
    // columns of its phase; phase (0, 0) has the most tiles
    const tH = Math.ceil(Math.ceil(p.outH / dH) / 2);
    const tW = Math.ceil(Math.ceil(p.outW / dW) / 2);
    // the padded input covers every tile patch: stride 1, columns split by phase (f32_pad_phase
    // with sW = dW), rows up to dH·(2·tH + 2), columns up to dW·(2·tW + 2); stride 2, rows up to
    // 4·tH + 1 and the 20 columns a step of 4 tiles reads
    // (dH = dW = 1 at stride 2)
    const src = padLayout({
      N: p.N, C: p.C, H: p.H, W: p.W, kH: 3, kW: 3, sH: s2 ? 2 : 1, sW: s2 ? 1 : dW, dH, dW,
      padTop: p.padTop, padLeft: p.padLeft, padBottom: p.padBottom, padRight: p.padRight,
      outH: dH * 2 * tH, outW: s2 ? 16 * Math.ceil(tW / 4) + 2 : 2 * tW + (dW > 1 ? 1 : 0),
    }, x, scratch, 0);
    // V and M columns per tile and channel: 16 at stride 1, 25 at stride 2
    const cols = s2 ? 25 : 16;
    // tile rows per block: V and M of a block (cols·(C + Cout) floats a tile) near the budget
    // U (16·C·Cout floats) streams once per block: with many channels the blocks grow with it
    // (512→512 @7²: 256 KB blocks of one 4-tile row 5.24 ms, U/4 = all 16 tiles at once 2.90 ms);
    // stride 2 has fewer tiles per row, and its GEMMs want the columns (128→256 @20²: 1.59 ms
    // with 512 KB blocks of 10 tiles, 1.37 with 1 MB = all 25)
    const perTile = cols * (p.C + p.K) * 4;
    const budget = Math.max(s2 ? WINOGRAD_S2_BLOCK_BYTES : WINOGRAD_BLOCK_BYTES, (16 * p.C * p.K * 4) / 4);
    const rb = Math.max(1, Math.min(tH, Math.floor(budget / perTile / tW)));
    const ld = ((rb * tW + 3) & ~3) + 8;
    const vBytes = cols * p.C * ld * 4;
    const workBytes = Heap16(WINOGRAD_TMP_BYTES + vBytes + cols * p.K * ld * 4);
    // 16 (stride 1) or 25 (stride 2) MACs per 2×2 tile and channel pair instead of 36, plus the transforms
    const work = p.macs * COST.mac * (s2 ? 0.75 : 0.5) + (src.buf ? p.N * src.paddedFloats * COST.copy : 0);
    // tile rows split over the threads, unless that leaves them unevenly loaded (256→256 @14²: 7 rows,
    // 4 + 3 on 2 threads, ×1.74) and there are enough 4-channel blocks: then channels, each thread
    // repeating the (cheap) input transform (×1.9 there)
    const blocks = Math.ceil(p.K / 4);
    const nt = threads(work, Math.max(tH, blocks));
    const byChannels = nt > 1 && tH % nt !== 0 && tH < 8 * nt && blocks >= 4 * nt ? 1 : 0;
    const wk = scratch.alloc(workBytes * nt, 'workspace', true);
    // dilated: each phase's output goes to its own block first, then into place
    const phaseOut = dH * dW > 1 ? scratch.alloc(p.K * p.outH * p.outW * 4, 'workspace', true) : 0;
    return {
      def: WINOGRAD,
      nt,
      args: {
        x: src.x, imageBytes: src.imageBytes, C: src.C, H: src.H, W: src.W, padTop: src.padTop, padLeft: src.padLeft,
        hp: src.hp, sW: src.sW, wq: src.wq, buf: src.buf, padValue: src.padValue, rowStride: src.rowStride,
        planeStride: src.planeStride, stride: p.sH, dH, dW, phaseOut,
        N: p.N, tW, rb, packed, xiBytes: this.winoXiBytes, K: p.K, work: wk, workBytes, vBytes, bias: this.biasPtr(),
        outH: p.outH, outW: p.outW, y, outImageBytes: p.K * p.outH * p.outW * 4, actMin: p.actMin, actMax: p.actMax,
        byChannels,
      },
    };
  }

  private planDepthwise(p: Conv2dParams, x: number, y: number, scratch: Scratch, threads: ThreadPolicy): Job {
    this.ensureRaw();
    if (p.kH === 3 && p.kW === 3 && p.sH === p.sW && p.sH <= 2 && p.dH === 1 && p.dW === 1 &&
      Math.max(p.padTop, p.padLeft, p.padBottom, p.padRight) <= 1) {
      // reads the input in place: no padded copy, a few rows of scratch per thread; or, on small
      // planes, one 4-channel interleaved copy per thread (f32_dwconv_3x3_c4)
      const c4 = depthwiseC4(p);
      const nt = threads(p.macs * COST.dwMac, c4 ? Math.ceil(p.K / 4) : p.K);
      const floats = c4 ? this.k.f32_dwconv_3x3_c4_scratch(p.H, p.W)
        : p.sH === 1 ? this.k.f32_dwconv_3x3s1_scratch(p.W) : this.k.f32_dwconv_3x3s2_scratch(p.W);
      const bufBytes = Heap16(floats * 4);
      const buf = scratch.alloc(bufBytes * nt, 'workspace', true);
      return {
        def: DWCONV_3X3,
        nt,
        args: {
          stride: p.sH, c4: c4 ? 1 : 0, x, imageBytes: p.C * p.H * p.W * 4, N: p.N, C: p.C, H: p.H, W: p.W, padTop: p.padTop, padLeft: p.padLeft,
          buf, bufBytes, weight: this.raw, bias: this.bias, mult: p.kPerGroup, outH: p.outH, outW: p.outW, y,
          outImageBytes: p.K * p.outH * p.outW * 4, actMin: p.actMin, actMax: p.actMax,
        },
      };
    }
    const src = padLayout(p, x, scratch, 0);
    const taps = p.kH * p.kW;
    const offsets = scratch.alloc(taps * 4, 'workspace', true);
    this.k.f32_conv_offsets(offsets, 1, p.kH, p.kW, p.dH, p.dW, p.sW, src.wq, src.rowStride, src.planeStride);
    const work = p.macs * COST.dwMac + (src.buf ? p.N * src.paddedFloats * COST.copy : 0);
    return {
      def: DWCONV,
      nt: threads(work, p.K),
      args: {
        x: src.x, imageBytes: src.imageBytes, C: src.C, H: src.H, W: src.W, padTop: src.padTop, padLeft: src.padLeft,
        hp: src.hp, sW: src.sW, wq: src.wq, buf: src.buf, padValue: src.padValue, rowStride: src.rowStride,
        planeStride: src.planeStride,
        N: p.N, sH: p.sH, dH: p.dH, taps, offsets, weight: this.raw, bias: this.bias, mult: p.kPerGroup,
        outH: p.outH, outW: p.outW, y, outImageBytes: p.K * p.outH * p.outW * 4, actMin: p.actMin, actMax: p.actMax,
      },
    };
  }

  /** Frees the packed weights, now or when the runs in flight are done. */
  dispose(): void {
    if (this.disposed) return;
    if (this.uses > 0) {
      this.disposeWhenIdle = true;
      return;
    }
    this.disposed = true;
    for (const ptr of [this.packed, this.raw, this.bias, this.wino]) if (ptr) this.heap.release(ptr);
    this.packed = this.raw = this.bias = this.wino = 0;
  }
}

/**
 * Target bytes of one Winograd block's V and M (tile rows at a time, so they stay in L2; 256 KB
 * and 512 KB measured alike on 3×3 64→64 @56² … 256→256 @14²).
 */
const WINOGRAD_BLOCK_BYTES = 256 * 1024;
/** The same for the stride-2 form (64→128 @56²: 256 KB 2.25 ms, 1 MB 2.14; 128→256 @20² above). */
const WINOGRAD_S2_BLOCK_BYTES = 1024 * 1024;

/** bytes rounded up to the heap's 16-byte alignment */
function Heap16(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}

/** Geometry of a window op over a padded phase-split input. */
export interface WindowGeometry {
  N: number; C: number; H: number; W: number;
  kH: number; kW: number; sH: number; sW: number; dH: number; dW: number;
  padTop: number; padLeft: number; padBottom: number; padRight: number;
  outH: number; outW: number;
}

/**
 * The input as the window kernels read it (the PAD fields of threads/jobs.ts): the input itself
 * (buf = 0) when no padding and stride 1 along the width, else a padded (with `padValue`)
 * phase-split copy (f32_pad_phase) made per image, inside the job, into one workspace block
 * that covers every tap, ceil-mode overhang included.
 */
export interface PadLayout {
  x: number; imageBytes: number; C: number; H: number; W: number; padTop: number; padLeft: number;
  hp: number; sW: number; wq: number; buf: number; padValue: number;
  rowStride: number; planeStride: number;
  /** floats of one padded image (0 when not padded) */
  paddedFloats: number;
}

export function padLayout(p: WindowGeometry, x: number, scratch: Scratch, value: number): PadLayout {
  const hp = Math.max(p.H + p.padTop + p.padBottom, (p.outH - 1) * p.sH + (p.kH - 1) * p.dH + 1);
  const wp = Math.max(p.W + p.padLeft + p.padRight, (p.outW - 1) * p.sW + (p.kW - 1) * p.dW + 1);
  const inPlace = hp === p.H && wp === p.W && p.padTop === 0 && p.padLeft === 0 && p.sW === 1;
  const wq = inPlace ? p.W : Math.ceil(wp / p.sW);
  const rowStride = p.sW * wq;
  const planeStride = inPlace ? p.H * p.W : hp * rowStride;
  const buf = inPlace ? 0 : scratch.alloc(p.C * planeStride * 4, 'workspace', true);
  // one literal, no spreads: V8 builds spread objects slowly (≈ 5 µs a call here)
  return {
    x, imageBytes: p.C * p.H * p.W * 4, C: p.C, H: p.H, W: p.W, padTop: p.padTop, padLeft: p.padLeft,
    hp: inPlace ? p.H : hp, sW: p.sW, wq, buf, padValue: value, rowStride, planeStride,
    paddedFloats: inPlace ? 0 : p.C * planeStride,
  };
}
