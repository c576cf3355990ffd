/**
 * Jobs: the kernel calls of one op, written once and run by every thread of the call for its
 * own index (tid of nt). The split is a pure function of (arguments, tid, nt), so the calling
 * thread and the workers agree on it without talking, and it never splits a reduction: each
 * output element is computed by exactly one kernel call, with the same code and the same
 * summation order as with one thread — results are bit-identical to threads: 1.
 *
 *   direct      per image: pad (channels) · barrier · output rows, or 4-channel blocks
 *   gemm        output columns (8-column tiles; each thread its own im2col panel), or
 *               4-channel blocks (pointwise), over images × groups
 *   dwconv      per image: pad (channels) · barrier · output channels
 *   dwconv-3x3    output channels (no padded copy; a small scratch per thread)
 *   winograd    per image: pad (channels) · barrier · per dilation phase: 2×2 tile rows, or 4-channel
 *               blocks when the rows split unevenly (each thread its own V, M; it places what it computed)
 *   maxpool / avgpool            pad (planes) · barrier · planes
 *   maxpool2x2 / maxpool3x3 / maxpool-s1 / avgpool2x2 / avgpool3x3 / gavgpool   planes
 *   clamp       16-float chunks;  im2col  8-column tiles over images
 *
 * With one thread the barriers are no-ops and each kernel gets its full range, as before
 * threads existed.
 */
import type { KernelExports } from '../wasm.js';

export type Sync = () => void;

export interface JobDef<F extends string = string> {
  readonly id: number;
  readonly name: string;
  readonly fields: readonly F[];
  run(k: KernelExports, a: Readonly<Record<F, number>>, tid: number, nt: number, sync: Sync): void;
}

/** One call's work, ready to run: which job, its arguments, and how many threads it should use. */
export interface Job<F extends string = string> {
  readonly def: JobDef<F>;
  readonly args: Readonly<Record<F, number>>;
  readonly nt: number;
}

/** [begin, end) of `units` for thread tid of nt: contiguous, sizes differ by at most one. */
export function share(units: number, tid: number, nt: number): [number, number] {
  return [Math.floor((units * tid) / nt), Math.floor((units * (tid + 1)) / nt)];
}

/**
 * Calls fn(segment, lo, hi) for each piece of units [u0, u1) cut at multiples of segLength:
 * unit u is (segment ⌊u / segLength⌋, offset u mod segLength); lo/hi are offsets.
 */
function segments(u0: number, u1: number, segLength: number, fn: (segment: number, lo: number, hi: number) => void): void {
  for (let s = Math.floor(u0 / segLength); s * segLength < u1; s++) {
    const base = s * segLength;
    const lo = Math.max(u0, base) - base;
    const hi = Math.min(u1, base + segLength) - base;
    if (lo < hi) fn(s, lo, hi);
  }
}

function define<const F extends string>(def: JobDef<F>): JobDef<F> {
  return def;
}

/** Fields of the padded phase-split source (conv.ts padLayout); buf = 0: read x in place. */
const PAD = ['x', 'imageBytes', 'C', 'H', 'W', 'padTop', 'padLeft', 'hp', 'sW', 'wq', 'buf', 'padValue'] as const;
type PadArgs = Readonly<Record<(typeof PAD)[number], number>>;

/** Pads image n (channels split over the threads), then waits for all; returns the plane base. */
function padImage(k: KernelExports, a: PadArgs, n: number, tid: number, nt: number, sync: Sync): number {
  const src = a.x + n * a.imageBytes;
  if (a.buf === 0) return src;
  const [c0, c1] = share(a.C, tid, nt);
  if (c0 < c1) k.f32_pad_phase(src, a.C, a.H, a.W, a.padTop, a.padLeft, a.hp, a.sW, a.wq, a.padValue, a.buf, c0, c1);
  sync();
  return a.buf;
}

export const DIRECT = define({
  id: 1,
  name: 'direct',
  fields: [...PAD, 'N', 'rowStride', 'planeStride', 'sH', 'kk', 'offsets', 'packed', 'groups', 'cPerGroup',
    'kPerGroup', 'groupBytes', 'outH', 'outW', 'y', 'outImageBytes', 'actMin', 'actMax', 'byChannels'],
  run(k, a, tid, nt, sync) {
    const blockBytes = (4 + 4 * a.kk) * 4;
    const mb = Math.ceil(a.kPerGroup / 4);
    const planeBytes = a.outH * a.outW * 4;
    const groupIn = a.cPerGroup * a.planeStride * 4;
    for (let n = 0; n < a.N; n++) {
      const xp = padImage(k, a, n, tid, nt, sync);
      const y = a.y + n * a.outImageBytes;
      if (a.byChannels) {
        const [b0, b1] = share(a.groups * mb, tid, nt);
        segments(b0, b1, mb, (g, lo, hi) => {
          k.f32_conv2d_direct(xp + g * groupIn, a.rowStride, a.sH, a.kk, a.offsets, a.packed + g * a.groupBytes + lo * blockBytes,
            Math.min(a.kPerGroup, hi * 4) - lo * 4, a.outH, a.outW, y + (g * a.kPerGroup + lo * 4) * planeBytes,
            a.actMin, a.actMax, 0, a.outH);
        });
      } else {
        const [r0, r1] = share(a.outH, tid, nt);
        for (let g = 0; r0 < r1 && g < a.groups; g++) {
          k.f32_conv2d_direct(xp + g * groupIn, a.rowStride, a.sH, a.kk, a.offsets, a.packed + g * a.groupBytes,
            a.kPerGroup, a.outH, a.outW, y + g * a.kPerGroup * planeBytes, a.actMin, a.actMax, r0, r1);
        }
      }
      if (a.buf !== 0 && n + 1 < a.N) sync(); // the next image's padding overwrites buf
    }
  },
});

export const GEMM = define({
  id: 2,
  name: 'gemm',
  fields: ['im2col', 'x', 'imageBytes', 'N', 'groups', 'cPerGroup', 'H', 'W', 'kH', 'kW', 'sH', 'sW', 'dH', 'dW',
    'padTop', 'padLeft', 'outH', 'outW', 'packed', 'groupBytes', 'kPerGroup', 'col', 'colBytes', 'nc', 'offsets', 'y',
    'outImageBytes', 'actMin', 'actMax', 'byChannels'],
  run(k, a, tid, nt) {
    const P = a.outH * a.outW;
    const groupIn = a.cPerGroup * a.H * a.W * 4;
    const groupOut = a.kPerGroup * P * 4;
    const call = (s: number, packed: number, m: number, yOffset: number, p0: number, p1: number) => {
      const n = Math.floor(s / a.groups);
      const g = s - n * a.groups;
      k.f32_conv2d_gemm(a.im2col, a.x + n * a.imageBytes + g * groupIn, a.cPerGroup, a.H, a.W, a.kH, a.kW, a.sH, a.sW,
        a.dH, a.dW, a.padTop, a.padLeft, a.outH, a.outW, packed + g * a.groupBytes, m, a.col + tid * a.colBytes, a.nc,
        a.offsets, a.y + n * a.outImageBytes + g * groupOut + yOffset, a.actMin, a.actMax, p0, p1);
    };
    if (a.byChannels) {
      const mb = Math.ceil(a.kPerGroup / 4);
      const blockBytes = (4 + 4 * a.cPerGroup * a.kH * a.kW) * 4;
      const [u0, u1] = share(a.N * a.groups * mb, tid, nt);
      segments(u0, u1, mb, (s, lo, hi) =>
        call(s, a.packed + lo * blockBytes, Math.min(a.kPerGroup, hi * 4) - lo * 4, lo * 4 * P * 4, 0, P));
    } else {
      const tiles = Math.ceil(P / 8);
      const [u0, u1] = share(a.N * a.groups * tiles, tid, nt);
      segments(u0, u1, tiles, (s, lo, hi) => call(s, a.packed, a.kPerGroup, 0, lo * 8, Math.min(P, hi * 8)));
    }
  },
});

export const DWCONV = define({
  id: 3,
  name: 'dwconv',
  fields: [...PAD, 'N', 'rowStride', 'planeStride', 'sH', 'dH', 'taps', 'offsets', 'weight', 'bias', 'mult',
    'outH', 'outW', 'y', 'outImageBytes', 'actMin', 'actMax'],
  run(k, a, tid, nt, sync) {
    const [o0, o1] = share(a.C * a.mult, tid, nt);
    for (let n = 0; n < a.N; n++) {
      const xp = padImage(k, a, n, tid, nt, sync);
      if (o0 < o1) {
        k.f32_dwconv(xp, a.rowStride, a.planeStride, a.sH, a.dH, a.taps, a.offsets, a.weight, a.bias, a.C, a.mult,
          a.outH, a.outW, a.y + n * a.outImageBytes, a.actMin, a.actMax, o0, o1);
      }
      if (a.buf !== 0 && n + 1 < a.N) sync();
    }
  },
});

export const DWCONV_3X3 = define({
  id: 11,
  name: 'dwconv-3x3',
  // stride 1 or 2 (f32_dwconv_3x3s1 / f32_dwconv_3x3s2, or on small planes f32_dwconv_3x3_c4: c4 = 1,
  // split in 4-channel groups); each thread its own scratch (bufBytes apart)
  fields: ['stride', 'c4', 'x', 'imageBytes', 'N', 'C', 'H', 'W', 'padTop', 'padLeft', 'buf', 'bufBytes', 'weight', 'bias', 'mult',
    'outH', 'outW', 'y', 'outImageBytes', 'actMin', 'actMax'],
  run(k, a, tid, nt) {
    const K = a.C * a.mult;
    const [b0, b1] = a.c4 ? share(Math.ceil(K / 4), tid, nt) : [0, 0];
    const [o0, o1] = a.c4 ? [4 * b0, Math.min(K, 4 * b1)] : share(K, tid, nt);
    const kernel = a.stride === 1 ? k.f32_dwconv_3x3s1 : k.f32_dwconv_3x3s2;
    for (let n = 0; o0 < o1 && n < a.N; n++) {
      const x = a.x + n * a.imageBytes, buf = a.buf + tid * a.bufBytes, y = a.y + n * a.outImageBytes;
      if (a.c4) {
        k.f32_dwconv_3x3_c4(x, a.H, a.W, a.stride, a.padTop, a.padLeft, buf, a.weight, a.bias, a.mult, a.outH, a.outW, y,
          a.actMin, a.actMax, o0, o1);
      } else {
        kernel(x, a.H, a.W, a.padTop, a.padLeft, buf, a.weight, a.bias, a.mult, a.outH, a.outW, y, a.actMin, a.actMax, o0, o1);
      }
    }
  },
});

/** Bytes of a Winograd thread's transform scratch, ahead of its V and M */
export const WINOGRAD_TMP_BYTES = 512;

export const WINOGRAD = define({
  id: 12,
  name: 'winograd',
  // per thread: work + tid·workBytes = [WINOGRAD_TMP_BYTES of transform scratch][V: vBytes][M];
  // stride 1: F(2×2, 3×3), one per dilation phase; stride 2 (no dilation): the polyphase form
  fields: [...PAD, 'N', 'rowStride', 'planeStride', 'stride', 'dH', 'dW', 'phaseOut', 'tW', 'rb', 'packed', 'xiBytes', 'K',
    'work', 'workBytes', 'vBytes', 'bias', 'outH', 'outW', 'y', 'outImageBytes', 'actMin', 'actMax', 'byChannels'],
  run(k, a, tid, nt, sync) {
    const base = a.work + tid * a.workBytes;
    const tmp = WINOGRAD_TMP_BYTES;
    for (let n = 0; n < a.N; n++) {
      const xp = padImage(k, a, n, tid, nt, sync);
      const y = a.y + n * a.outImageBytes;
      // one phase per (py, px) of the dilation; without dilation the one phase is the output itself
      let out = a.phaseOut;
      for (let py = 0; py < a.dH; py++) {
        for (let px = 0; px < a.dW; px++) {
          const nI = Math.ceil((a.outH - py) / a.dH);
          const nJ = Math.ceil((a.outW - px) / a.dW);
          if (nI <= 0 || nJ <= 0) continue;
          // tile rows, or (few rows for the threads) 4-channel blocks, each thread then transforming
          // the whole input itself
          const tH = Math.ceil(nI / 2);
          const [u0, u1] = share(a.byChannels ? Math.ceil(a.K / 4) : tH, tid, nt);
          const [t0, t1] = a.byChannels ? [0, tH] : [u0, u1];
          const [k0, k1] = a.byChannels ? [4 * u0, Math.min(a.K, 4 * u1)] : [0, a.K];
          if (u0 < u1) {
            k.f32_conv2d_winograd_2x2_3x3(a.stride, xp + (py * a.dW + px) * a.wq * 4, a.C, a.dH * a.rowStride, a.planeStride,
              Math.ceil(nJ / 2), t0, t1, a.rb, a.packed, a.xiBytes, a.K, k0, k1, base + tmp, base + tmp + a.vBytes, base,
              a.bias, nI, nJ, a.phaseOut ? out : y, a.actMin, a.actMax);
            if (a.phaseOut) {
              k.f32_scatter_phase(out + k0 * nI * nJ * 4, k1 - k0, nI, nJ, 2 * t0, Math.min(2 * t1, nI),
                y + k0 * a.outH * a.outW * 4, a.outH, a.outW, py, px, a.dH, a.dW);
            }
          }
          out += a.K * nI * nJ * 4;
        }
      }
      if (a.buf !== 0 && n + 1 < a.N) sync(); // the next image's padding overwrites buf
    }
  },
});

const POOL = [...PAD, 'rowStride', 'planeStride', 'sH', 'taps', 'offsets', 'outH', 'outW', 'y'] as const;

export const MAXPOOL = define({
  id: 4,
  name: 'maxpool',
  fields: POOL,
  run(k, a, tid, nt, sync) {
    const xp = padImage(k, a, 0, tid, nt, sync);
    const [c0, c1] = share(a.C, tid, nt);
    if (c0 < c1) k.f32_maxpool(xp, a.rowStride, a.planeStride, a.sH, a.taps, a.offsets, a.C, a.outH, a.outW, a.y, c0, c1);
  },
});

export const AVGPOOL = define({
  id: 5,
  name: 'avgpool',
  fields: [...POOL, 'rowDiv', 'colDiv'],
  run(k, a, tid, nt, sync) {
    const xp = padImage(k, a, 0, tid, nt, sync);
    const [c0, c1] = share(a.C, tid, nt);
    if (c0 < c1) {
      k.f32_avgpool(xp, a.rowStride, a.planeStride, a.sH, a.taps, a.offsets, a.C, a.outH, a.outW, a.rowDiv, a.colDiv,
        a.y, c0, c1);
    }
  },
});

/** A 2×2 / stride 2 pool read straight from the input, planes split over the threads. */
function pool2x2(id: number, name: string, kernel: 'f32_avgpool_2x2s2' | 'f32_maxpool_2x2s2') {
  return define({
    id,
    name,
    fields: ['x', 'C', 'H', 'W', 'outH', 'outW', 'y'],
    run(k, a, tid, nt) {
      const [c0, c1] = share(a.C, tid, nt);
      if (c0 < c1) k[kernel](a.x, a.C, a.H, a.W, a.outH, a.outW, a.y, c0, c1);
    },
  });
}

export const AVGPOOL_2X2 = pool2x2(13, 'avgpool-2x2s2', 'f32_avgpool_2x2s2');
export const MAXPOOL_2X2 = pool2x2(6, 'maxpool-2x2s2', 'f32_maxpool_2x2s2');

export const MAXPOOL_3X3 = define({
  id: 10,
  name: 'maxpool-3x3s2',
  fields: ['x', 'C', 'H', 'W', 'padH', 'padW', 'outH', 'outW', 'y'],
  run(k, a, tid, nt) {
    const [c0, c1] = share(a.C, tid, nt);
    if (c0 < c1) k.f32_maxpool_3x3s2(a.x, a.C, a.H, a.W, a.padH, a.padW, a.outH, a.outW, a.y, c0, c1);
  },
});

export const MAXPOOL_S1 = define({
  id: 15,
  name: 'maxpool-s1',
  fields: ['x', 'C', 'H', 'W', 'kH', 'kW', 'padH', 'padW', 'outH', 'outW', 'y'],
  run(k, a, tid, nt) {
    const [c0, c1] = share(a.C, tid, nt);
    if (c0 < c1) k.f32_maxpool_s1(a.x, a.C, a.H, a.W, a.kH, a.kW, a.padH, a.padW, a.outH, a.outW, a.y, c0, c1);
  },
});

export const AVGPOOL_3X3 = define({
  id: 14,
  name: 'avgpool-3x3',
  fields: ['x', 'C', 'H', 'W', 'sH', 'sW', 'padH', 'padW', 'outH', 'outW', 'rowDiv', 'colDiv', 'zero', 'y'],
  run(k, a, tid, nt) {
    const [c0, c1] = share(a.C, tid, nt);
    if (c0 < c1) {
      k.f32_avgpool_3x3(a.x, a.C, a.H, a.W, a.sH, a.sW, a.padH, a.padW, a.outH, a.outW, a.rowDiv, a.colDiv, a.zero, a.y,
        c0, c1);
    }
  },
});

export const GLOBAL_AVGPOOL = define({
  id: 7,
  name: 'global-avgpool',
  fields: ['x', 'C', 'n', 'y'],
  run(k, a, tid, nt) {
    const [c0, c1] = share(a.C, tid, nt);
    if (c0 < c1) k.f32_global_avgpool(a.x, a.C, a.n, a.y, c0, c1);
  },
});

export const CLAMP = define({
  id: 8,
  name: 'clamp',
  fields: ['x', 'y', 'n', 'lo', 'hi'],
  run(k, a, tid, nt) {
    const [u0, u1] = share(Math.ceil(a.n / 16), tid, nt);
    const i0 = u0 * 16;
    const i1 = Math.min(a.n, u1 * 16);
    if (i0 < i1) k.f32_clamp(a.x + i0 * 4, a.y + i0 * 4, i1 - i0, a.lo, a.hi);
  },
});

export const IM2COL = define({
  id: 9,
  name: 'im2col',
  fields: ['x', 'imageBytes', 'N', 'C', 'H', 'W', 'kH', 'kW', 'sH', 'sW', 'dH', 'dW', 'padTop', 'padLeft', 'outW',
    'cols', 'y', 'outImageBytes'],
  run(k, a, tid, nt) {
    const tiles = Math.ceil(a.cols / 8);
    const [u0, u1] = share(a.N * tiles, tid, nt);
    segments(u0, u1, tiles, (n, lo, hi) => {
      const p0 = lo * 8;
      const p1 = Math.min(a.cols, hi * 8);
      k.f32_im2col(a.x + n * a.imageBytes, a.C, a.H, a.W, a.kH, a.kW, a.sH, a.sW, a.dH, a.dW, a.padTop, a.padLeft, a.outW,
        p0, p1 - p0, a.y + n * a.outImageBytes + p0 * 4, a.cols * 4, 32);
    });
  },
});

export const JOBS: readonly JobDef[] = [DIRECT, GEMM, DWCONV, MAXPOOL, AVGPOOL, MAXPOOL_2X2, GLOBAL_AVGPOOL, CLAMP, IM2COL,
  MAXPOOL_3X3, DWCONV_3X3, WINOGRAD, AVGPOOL_2X2, AVGPOOL_3X3, MAXPOOL_S1] as
  readonly JobDef[];

export function jobById(id: number): JobDef {
  const def = JOBS.find((j) => j.id === id);
  if (def === undefined) throw new Error(`unknown job id ${id}`);
  return def;
}

/** The job's arguments in field order (what the control block carries). */
export function encodeArgs(def: JobDef, args: Readonly<Record<string, number>>, into: Float64Array): void {
  def.fields.forEach((f, i) => {
    into[i] = args[f]!;
  });
}

export function decodeArgs(def: JobDef, from: Float64Array): Record<string, number> {
  const args: Record<string, number> = {};
  def.fields.forEach((f, i) => {
    args[f] = from[i]!;
  });
  return args;
}
