/**
 * Property tests (fast-check) over random small configurations.
 *  - Valid conv2d / conv1d / pooling calls: every engine build equals the reference bit for bit
 *    on integer data (the exact tier), with a random applicable algorithm.
 *  - The reference against independent formulations: grouped conv = per-group im2col × W in
 *    float64; conv1d = conv2d with H = 1; avg pool = all-ones depthwise conv ÷ kH·kW; max pool =
 *    max over im2col rows.
 *  - Invalid calls: each kind of bad argument throws the right SimdConvError subclass naming the
 *    right argument, from the reference and (with the same message) from every engine, which
 *    afterwards still computes a valid call correctly.
 * Seeds are fixed so CI is reproducible; SIMDCONV_FC_SEED overrides them to explore.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ArgumentError, DataTypeError, MemoryLimitError, ShapeError, SimdConvError,
} from '../bindings/errors.js';
import { resolveConv2dLayer } from '../bindings/params.js';
import * as ref from '../bindings/reference/index.js';
import type {
  Activation, AvgPool2dOptions, Conv1dOptions, Conv2dOptions, ConvAlgorithm, Engine, MaxPool2dOptions, Padding2d, Tensor,
} from '../bindings/types.js';
import { forEachEngine } from './helpers/engines.js';
import { expectBitExact, thrown } from './helpers/expect.js';
import { algorithmsFor, fmt } from './helpers/geometry.js';
import { intData, tensor } from './helpers/random.js';

const SEED = process.env.SIMDCONV_FC_SEED ? Number(process.env.SIMDCONV_FC_SEED) : 20261123;
const RUNS = 100;

// ---------------------------------------------------------------------------------------------
// valid configurations
// ---------------------------------------------------------------------------------------------

interface ConvConfig {
  x: Tensor;
  w: Tensor;
  options: Conv2dOptions;
  algorithms: ConvAlgorithm[];
  name: string;
}

const activationArb = fc.constantFrom<Activation | undefined>(undefined, 'none', 'relu', 'relu6', { min: -5, max: 7 });

const conv2dArb = fc
  .record({
    N: fc.integer({ min: 1, max: 2 }),
    groups: fc.integer({ min: 1, max: 3 }),
    cPerGroup: fc.integer({ min: 1, max: 3 }),
    kPerGroup: fc.integer({ min: 1, max: 3 }),
    k: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
    s: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    d: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    padKind: fc.constantFrom('none', 'number', 'pair', 'quad', 'same', 'valid'),
    pads: fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })),
    extra: fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 7 })),
    bias: fc.boolean(),
    activation: activationArb,
    seed: fc.integer({ min: 1, max: 1 << 30 }),
  })
  .map((r): ConvConfig => {
    let [sH, sW] = r.s;
    if (r.padKind === 'same') [sH, sW] = [1, 1];
    const [kH, kW] = r.k;
    const [dH, dW] = r.d;
    const [a, b, c2, d2] = r.pads;
    let padding: Padding2d | undefined;
    let pt = 0, pl = 0, pb = 0, pr = 0;
    switch (r.padKind) {
      case 'number': padding = a; pt = pl = pb = pr = a; break;
      case 'pair': padding = [a, b]; pt = pb = a; pl = pr = b; break;
      case 'quad': padding = [a, b, c2, d2]; [pt, pl, pb, pr] = [a, b, c2, d2]; break;
      case 'same': padding = 'same'; pt = Math.floor((dH * (kH - 1)) / 2); pb = dH * (kH - 1) - pt; pl = Math.floor((dW * (kW - 1)) / 2); pr = dW * (kW - 1) - pl; break;
      case 'valid': padding = 'valid'; break;
    }
    const H = Math.max(1, dH * (kH - 1) + 1 - pt - pb) + r.extra[0];
    const W = Math.max(1, dW * (kW - 1) + 1 - pl - pr) + r.extra[1];
    const C = r.cPerGroup * r.groups;
    const K = r.kPerGroup * r.groups;
    const xShape = [r.N, C, H, W];
    const wShape = [K, r.cPerGroup, kH, kW];
    const options: Conv2dOptions = {
      stride: [sH, sW],
      dilation: [dH, dW],
      groups: r.groups,
      bias: r.bias ? intData(K, r.seed + 2) : null,
      ...(padding !== undefined && { padding }),
      ...(r.activation !== undefined && { activation: r.activation }),
    };
    return {
      x: tensor(xShape, 'int', r.seed),
      w: tensor(wShape, 'int', r.seed + 1),
      options,
      algorithms: algorithmsFor({ x: xShape, w: wShape, s: [sH, sW], p: padding, d: [dH, dW], g: r.groups }),
      name: `conv2d x=${fmt(xShape)} w=${fmt(wShape)} s=${fmt([sH, sW])} p=${fmt(padding)} d=${fmt([dH, dW])} g=${r.groups}`,
    };
  });

interface Conv1dConfig {
  x: Tensor;
  w: Tensor;
  options: Conv1dOptions;
  algorithms: ConvAlgorithm[];
  name: string;
}

const conv1dArb = fc
  .record({
    N: fc.integer({ min: 1, max: 2 }),
    groups: fc.integer({ min: 1, max: 3 }),
    cPerGroup: fc.integer({ min: 1, max: 3 }),
    kPerGroup: fc.integer({ min: 1, max: 3 }),
    k: fc.integer({ min: 1, max: 6 }),
    s: fc.integer({ min: 1, max: 4 }),
    d: fc.integer({ min: 1, max: 3 }),
    padKind: fc.constantFrom('none', 'number', 'pair', 'same', 'valid'),
    pads: fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 })),
    extra: fc.integer({ min: 0, max: 12 }),
    bias: fc.boolean(),
    activation: activationArb,
    seed: fc.integer({ min: 1, max: 1 << 30 }),
  })
  .map((r): Conv1dConfig => {
    const s = r.padKind === 'same' ? 1 : r.s;
    let padding: Conv1dOptions['padding'];
    let pl = 0, pr = 0;
    switch (r.padKind) {
      case 'number': padding = r.pads[0]; pl = pr = r.pads[0]; break;
      case 'pair': padding = [r.pads[0], r.pads[1]]; [pl, pr] = r.pads; break;
      case 'same': padding = 'same'; pl = Math.floor((r.d * (r.k - 1)) / 2); pr = r.d * (r.k - 1) - pl; break;
      case 'valid': padding = 'valid'; break;
    }
    const L = Math.max(1, r.d * (r.k - 1) + 1 - pl - pr) + r.extra;
    const C = r.cPerGroup * r.groups;
    const K = r.kPerGroup * r.groups;
    const xShape = [r.N, C, L];
    const wShape = [K, r.cPerGroup, r.k];
    const options: Conv1dOptions = {
      stride: s,
      dilation: r.d,
      groups: r.groups,
      bias: r.bias ? intData(K, r.seed + 2) : null,
      ...(padding !== undefined && { padding }),
      ...(r.activation !== undefined && { activation: r.activation }),
    };
    const p2d = typeof padding === 'number' ? [0, padding] : padding;
    return {
      x: tensor(xShape, 'int', r.seed),
      w: tensor(wShape, 'int', r.seed + 1),
      options,
      algorithms: algorithmsFor({ x: xShape, w: [K, r.cPerGroup, 1, r.k], s: [1, s], p: p2d, g: r.groups }),
      name: `conv1d x=${fmt(xShape)} w=${fmt(wShape)} s=${s} p=${fmt(padding)} d=${r.d} g=${r.groups}`,
    };
  });

interface PoolConfig {
  x: Tensor;
  max: MaxPool2dOptions;
  avg: AvgPool2dOptions;
  name: string;
}

const poolArb = fc
  .record({
    N: fc.integer({ min: 1, max: 2 }),
    C: fc.integer({ min: 1, max: 5 }),
    k: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
    s: fc.option(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }))),
    padPick: fc.tuple(fc.nat(), fc.nat()),
    d: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    ceilMode: fc.boolean(),
    countIncludePad: fc.boolean(),
    extra: fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 9 })),
    seed: fc.integer({ min: 1, max: 1 << 30 }),
  })
  .map((r): PoolConfig => {
    const [kH, kW] = r.k;
    const padding: [number, number] = [r.padPick[0] % ((kH >> 1) + 1), r.padPick[1] % ((kW >> 1) + 1)];
    const [dH, dW] = r.d;
    const H = Math.max(1, dH * (kH - 1) + 1 - 2 * padding[0]) + r.extra[0];
    const W = Math.max(1, dW * (kW - 1) + 1 - 2 * padding[1]) + r.extra[1];
    const common = { kernelSize: r.k, stride: r.s, padding, ceilMode: r.ceilMode };
    return {
      x: tensor([r.N, r.C, H, W], 'int', r.seed),
      max: { ...common, dilation: r.d },
      avg: { ...common, countIncludePad: r.countIncludePad },
      name: `pool x=${fmt([r.N, r.C, H, W])} k=${fmt(r.k)} s=${fmt(r.s)} p=${fmt(padding)} d=${fmt(r.d)} ceil=${r.ceilMode}`,
    };
  });

// ---------------------------------------------------------------------------------------------
// the reference against independent formulations (no engine needed)
// ---------------------------------------------------------------------------------------------

function clampRange(a: Activation | undefined): [number, number] {
  if (a === undefined || a === 'none') return [-Infinity, Infinity];
  if (a === 'relu') return [0, Infinity];
  if (a === 'relu6') return [0, 6];
  return [a.min, a.max];
}

describe('reference properties', () => {
  it('grouped conv2d = per-group im2col × W (float64, exact on integers)', () => {
    fc.assert(
      fc.property(conv2dArb, ({ x, w, options }) => {
        const [N, C, H, W] = x.shape as [number, number, number, number];
        const [K, cg, kH, kW] = w.shape as [number, number, number, number];
        const g = options.groups ?? 1;
        const kg = K / g;
        const y = ref.conv2d(x, w, options);
        const [, , outH, outW] = y.shape as [number, number, number, number];
        const [lo, hi] = clampRange(options.activation);
        const rows = cg * kH * kW;
        const cols = outH * outW;
        for (let gi = 0; gi < g; gi++) {
          // the group's channels as their own tensor
          const xs = new Float32Array(N * cg * H * W);
          for (let n = 0; n < N; n++) xs.set(x.data.subarray((n * C + gi * cg) * H * W, (n * C + (gi + 1) * cg) * H * W), n * cg * H * W);
          const { stride, padding, dilation } = options;
          const colsT = ref.im2col({ data: xs, shape: [N, cg, H, W] }, { kernelSize: [kH, kW], ...(stride !== undefined && { stride }), ...(padding !== undefined && { padding }), ...(dilation !== undefined && { dilation }) });
          expect(colsT.shape).toEqual([N, rows, cols]);
          for (let n = 0; n < N; n++) {
            for (let kk = 0; kk < kg; kk++) {
              const k = gi * kg + kk;
              for (let j = 0; j < cols; j++) {
                let acc = options.bias ? options.bias[k]! : 0;
                for (let r = 0; r < rows; r++) acc += w.data[k * rows + r]! * colsT.data[(n * rows + r) * cols + j]!;
                const want = Math.min(hi, Math.max(lo, acc));
                const got = y.data[(n * K + k) * cols + j]!;
                if (got !== want) throw new Error(`group ${gi} n=${n} k=${k} position ${j}: reference ${got}, im2col×W ${want}`);
              }
            }
          }
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('conv1d = conv2d on [N, C, 1, L] with a 1×k kernel', () => {
    fc.assert(
      fc.property(conv1dArb, ({ x, w, options }) => {
        const y1 = ref.conv1d(x, w, options);
        const { padding, stride, dilation, ...rest } = options;
        const p2: Padding2d | undefined =
          padding === undefined || typeof padding === 'string' ? padding : typeof padding === 'number' ? [0, padding] : [0, padding[0], 0, padding[1]];
        const y2 = ref.conv2d(
          { data: x.data, shape: [x.shape[0]!, x.shape[1]!, 1, x.shape[2]!] },
          { data: w.data, shape: [w.shape[0]!, w.shape[1]!, 1, w.shape[2]!] },
          { ...rest, stride: [1, stride ?? 1], dilation: [1, dilation ?? 1], ...(p2 !== undefined && { padding: p2 }) },
        );
        expect(y2.shape).toEqual([y1.shape[0], y1.shape[1], 1, y1.shape[2]]);
        expectBitExact(y1.data, y2.data, 'conv1d vs conv2d', y1.shape);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('avg pool (floor mode, count_include_pad) = all-ones depthwise conv ÷ kH·kW; max pool (no padding) = max over im2col rows', () => {
    fc.assert(
      fc.property(poolArb, ({ x, max, avg }) => {
        const [, C] = x.shape as [number, number];
        const [kH, kW] = avg.kernelSize as [number, number];
        const floorAvg = { ...avg, ceilMode: false, countIncludePad: true };
        const a = ref.avgPool2d(x, floorAvg);
        const ones = { data: new Float32Array(C * kH * kW).fill(1), shape: [C, 1, kH, kW] };
        const sums = ref.conv2d(x, ones, { groups: C, stride: avg.stride ?? avg.kernelSize, padding: avg.padding ?? 0 });
        expectBitExact(a, { data: sums.data.map((v) => Math.fround(v / (kH * kW))), shape: sums.shape }, 'avg = conv/k²');

        // max pool without padding (when the dilated kernel fits the bare input)
        const [N, , H, W] = x.shape as [number, number, number, number];
        const [dH, dW] = max.dilation as [number, number];
        if (H < dH * (kH - 1) + 1 || W < dW * (kW - 1) + 1) return;
        const m = ref.maxPool2d(x, { ...max, padding: 0, ceilMode: false });
        const cols = ref.im2col({ data: x.data, shape: [N * C, 1, H, W] }, {
          kernelSize: [kH, kW], stride: max.stride ?? max.kernelSize, dilation: max.dilation ?? 1,
        });
        const [, rows, L] = cols.shape as [number, number, number];
        const want = new Float32Array(N * C * L).fill(-Infinity);
        for (let p = 0; p < N * C; p++) for (let r = 0; r < rows; r++) for (let j = 0; j < L; j++) want[p * L + j] = Math.max(want[p * L + j]!, cols.data[(p * rows + r) * L + j]!);
        expectBitExact(m.data, want, 'max = max over im2col rows', m.shape);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// invalid calls
// ---------------------------------------------------------------------------------------------

type Impl = Pick<Engine, 'conv2d' | 'conv1d' | 'maxPool2d' | 'avgPool2d' | 'globalAvgPool2d' | 'relu' | 'im2col' | 'prepareConv2d'>;
type ErrorClass = typeof ShapeError | typeof ArgumentError | typeof DataTypeError | typeof MemoryLimitError;

interface Invalid {
  name: string;
  error: ErrorClass;
  argument: string;
  /** performs the bad call on `impl`, built from a valid conv config `c` and pool config `p` */
  call: (impl: Impl, c: ConvConfig, p: PoolConfig) => unknown;
}

const bad = (name: string, error: ErrorClass, argument: string, call: Invalid['call']): Invalid => ({ name, error, argument, call });
const withOpt = (c: ConvConfig, extra: Record<string, unknown>) => ({ ...c.options, ...extra }) as Conv2dOptions;
const conv = (impl: Impl, c: ConvConfig, extra: Record<string, unknown>) => impl.conv2d(c.x, c.w, withOpt(c, extra));
const K = (c: ConvConfig) => c.w.shape[0]!;
const C = (c: ConvConfig) => c.x.shape[1]!;

const INVALID: Invalid[] = [
  // tensors
  bad('input null', DataTypeError, 'input', (i, c) => i.conv2d(null as unknown as Tensor, c.w, c.options)),
  bad('input.data Float64Array', DataTypeError, 'input.data', (i, c) => i.conv2d({ data: new Float64Array(c.x.data) as unknown as Float32Array, shape: c.x.shape }, c.w, c.options)),
  bad('input.data plain array', DataTypeError, 'input.data', (i, c) => i.conv2d({ data: Array.from(c.x.data) as unknown as Float32Array, shape: c.x.shape }, c.w, c.options)),
  bad('weight.data Int32Array', DataTypeError, 'weight.data', (i, c) => i.conv2d(c.x, { data: Int32Array.from(c.w.data) as unknown as Float32Array, shape: c.w.shape }, c.options)),
  bad('input rank 3', ShapeError, 'input', (i, c) => i.conv2d({ data: c.x.data, shape: [c.x.shape[0]! * C(c), c.x.shape[2]!, c.x.shape[3]!] }, c.w, c.options)),
  bad('weight rank 5', ShapeError, 'weight', (i, c) => i.conv2d(c.x, { data: c.w.data, shape: [...c.w.shape, 1] }, c.options)),
  bad('input zero-size dim', ShapeError, 'input', (i, c) => i.conv2d({ data: new Float32Array(0), shape: [0, C(c), c.x.shape[2]!, c.x.shape[3]!] }, c.w, c.options)),
  bad('input fractional dim', ShapeError, 'input', (i, c) => i.conv2d({ data: c.x.data, shape: [c.x.shape[0]!, C(c), c.x.shape[2]! + 0.5, c.x.shape[3]!] }, c.w, c.options)),
  bad('input shape not an array', ShapeError, 'input', (i, c) => i.conv2d({ data: c.x.data, shape: '1,2,3,4' as unknown as number[] }, c.w, c.options)),
  bad('input.data too short', ShapeError, 'input.data', (i, c) => i.conv2d({ data: c.x.data.subarray(1), shape: c.x.shape }, c.w, c.options)),
  bad('weight.data too long', ShapeError, 'weight.data', (i, c) => i.conv2d(c.x, { data: new Float32Array(c.w.data.length + 3), shape: c.w.shape }, c.options)),
  bad('channel mismatch', ShapeError, 'input', (i, c) => {
    const shape = [c.x.shape[0]!, C(c) + 1, c.x.shape[2]!, c.x.shape[3]!];
    return i.conv2d(tensor(shape, 'int', 3), c.w, c.options);
  }),
  bad('kernel larger than the padded input', ShapeError, 'weight', (i, c) =>
    i.conv2d({ data: new Float32Array(C(c)), shape: [1, C(c), 1, 1] }, tensor([K(c), c.w.shape[1]!, 3, 1], 'int', 4), { groups: c.options.groups ?? 1 })),
  // memory
  bad('input larger than wasm memory', MemoryLimitError, 'input', (i, c) => i.conv2d({ data: c.x.data, shape: [1, C(c), 65536, 65536] }, c.w, c.options)),
  bad('output larger than wasm memory', MemoryLimitError, 'output', (i, c) =>
    i.conv2d({ data: new Float32Array(C(c)), shape: [1, C(c), 1, 1] }, tensor([K(c), c.w.shape[1]!, 1, 1], 'int', 5), { groups: c.options.groups ?? 1, padding: 40000 })),
  // options
  bad('options not an object', ArgumentError, 'options', (i, c) => i.conv2d(c.x, c.w, 5 as unknown as Conv2dOptions)),
  bad('groups not dividing Cout', ArgumentError, 'options.groups', (i, c) => conv(i, c, { groups: K(c) + 1 })),
  ...[0, -1, 1.5, NaN, '2'].map((g) => bad(`groups ${fmt(g)}`, ArgumentError, 'options.groups', (i, c) => conv(i, c, { groups: g }))),
  ...[0, -1, 1.5, NaN, Infinity, [1], [1, 1, 1], '1', [1, 0], null].map((s) => bad(`stride ${fmt(s)}`, ArgumentError, 'options.stride', (i, c) => conv(i, c, { stride: s }))),
  ...[0, -2, 2.5, NaN, [1, Infinity], 'x'].map((d) => bad(`dilation ${fmt(d)}`, ArgumentError, 'options.dilation', (i, c) => conv(i, c, { dilation: d }))),
  ...[-1, 1.5, NaN, Infinity, 'full', [1, 2, 3], [-1, 0], [1, 1, 1, -1], {}].map((p) => bad(`padding ${fmt(p)}`, ArgumentError, 'options.padding', (i, c) => conv(i, c, { padding: p }))),
  bad("padding 'same' with stride 2", ArgumentError, 'options.padding', (i, c) => conv(i, c, { padding: 'same', stride: [1, 2] })),
  bad('bias Float64Array', DataTypeError, 'options.bias', (i, c) => conv(i, c, { bias: new Float64Array(K(c)) })),
  bad('bias plain array', DataTypeError, 'options.bias', (i, c) => conv(i, c, { bias: new Array(K(c)).fill(0) })),
  bad('bias too long', ShapeError, 'options.bias', (i, c) => conv(i, c, { bias: new Float32Array(K(c) + 1) })),
  ...['gelu', 'RELU', { min: 1, max: 0 }, { min: NaN, max: 1 }, { min: 0 }, 6].map((a) => bad(`activation ${fmt(a)}`, ArgumentError, 'options.activation', (i, c) => conv(i, c, { activation: a }))),
  ...['fft', 'DIRECT', 3].map((a) => bad(`algorithm ${fmt(a)}`, ArgumentError, 'options.algorithm', (i, c) => conv(i, c, { algorithm: a }))),
  bad("algorithm 'depthwise' with groups < C", ArgumentError, 'options.algorithm', (i) =>
    i.conv2d(tensor([1, 2, 5, 5], 'int', 6), tensor([2, 2, 3, 3], 'int', 7), { algorithm: 'depthwise' })),
  bad("algorithm 'pointwise' with a 3×3 kernel", ArgumentError, 'options.algorithm', (i) =>
    i.conv2d(tensor([1, 2, 5, 5], 'int', 6), tensor([2, 2, 3, 3], 'int', 7), { algorithm: 'pointwise' })),
  bad("algorithm 'pointwise' with stride 2", ArgumentError, 'options.algorithm', (i) =>
    i.conv2d(tensor([1, 2, 5, 5], 'int', 6), tensor([2, 2, 1, 1], 'int', 7), { algorithm: 'pointwise', stride: 2 })),
  bad("algorithm 'pointwise' with padding", ArgumentError, 'options.algorithm', (i) =>
    i.conv2d(tensor([1, 2, 5, 5], 'int', 6), tensor([2, 2, 1, 1], 'int', 7), { algorithm: 'pointwise', padding: [0, 0, 1, 0] })),
  bad("algorithm 'winograd' with 7 input channels", ArgumentError, 'options.algorithm', (i) =>
    i.conv2d(tensor([1, 7, 5, 5], 'int', 6), tensor([2, 7, 3, 3], 'int', 7), { algorithm: 'winograd' })),
  bad("algorithm 'winograd' with stride 3", ArgumentError, 'options.algorithm', (i) =>
    i.conv2d(tensor([1, 8, 5, 5], 'int', 6), tensor([2, 8, 3, 3], 'int', 7), { algorithm: 'winograd', stride: 3 })),
  bad("algorithm 'winograd' with stride [2, 1]", ArgumentError, 'options.algorithm', (i) =>
    i.conv2d(tensor([1, 8, 5, 5], 'int', 6), tensor([2, 8, 3, 3], 'int', 7), { algorithm: 'winograd', stride: [2, 1] })),
  bad("algorithm 'winograd' with stride 2 and dilation 2", ArgumentError, 'options.algorithm', (i) =>
    i.conv2d(tensor([1, 8, 7, 7], 'int', 6), tensor([2, 8, 3, 3], 'int', 7), { algorithm: 'winograd', stride: 2, dilation: 2 })),
  bad("algorithm 'winograd' with a 5×5 kernel", ArgumentError, 'options.algorithm', (i) =>
    i.conv2d(tensor([1, 8, 5, 5], 'int', 6), tensor([2, 8, 5, 5], 'int', 7), { algorithm: 'winograd' })),
  bad("algorithm 'winograd' on conv1d", ArgumentError, 'options.algorithm', (i) =>
    i.conv1d(tensor([1, 8, 9], 'int', 6), tensor([2, 8, 3], 'int', 7), { algorithm: 'winograd' })),
  bad('out Float64Array', DataTypeError, 'options.out', (i, c) => conv(i, c, { out: new Float64Array(10) })),
  bad('out too short', ShapeError, 'options.out', (i, c) => conv(i, c, { out: new Float32Array(ref.conv2d(c.x, c.w, c.options).data.length - 1) })),
  bad('out overlapping input.data', ArgumentError, 'options.out', (i) => {
    const x = tensor([1, 1, 4, 4], 'int', 8);
    return i.conv2d(x, tensor([1, 1, 1, 1], 'int', 9), { out: x.data.subarray(0, 16) });
  }),
  bad('prepareConv2d inputShape with the wrong channels', ShapeError, 'options.inputShape', (i, c) =>
    i.prepareConv2d(c.w, { ...withOpt(c, {}), inputShape: [1, C(c) + 1, 9, 9] })),
  // conv1d
  bad('conv1d stride pair', ArgumentError, 'options.stride', (i) => i.conv1d(tensor([1, 2, 9], 'int', 1), tensor([3, 2, 3], 'int', 2), { stride: [1, 2] as unknown as number })),
  bad('conv1d padding quad', ArgumentError, 'options.padding', (i) => i.conv1d(tensor([1, 2, 9], 'int', 1), tensor([3, 2, 3], 'int', 2), { padding: [1, 1, 1, 1] as unknown as number })),
  bad("conv1d 'same' with stride 3", ArgumentError, 'options.padding', (i) => i.conv1d(tensor([1, 2, 9], 'int', 1), tensor([3, 2, 3], 'int', 2), { padding: 'same', stride: 3 })),
  bad('conv1d input rank 4', ShapeError, 'input', (i) => i.conv1d(tensor([1, 2, 1, 9], 'int', 1), tensor([3, 2, 3], 'int', 2))),
  bad('conv1d weight rank 4', ShapeError, 'weight', (i) => i.conv1d(tensor([1, 2, 9], 'int', 1), tensor([3, 2, 1, 3], 'int', 2))),
  bad('conv1d kernel larger than the padded input', ShapeError, 'weight', (i) => i.conv1d(tensor([1, 2, 4], 'int', 1), tensor([3, 2, 4], 'int', 2), { dilation: 2, padding: 1 })),
  // pooling
  bad('maxPool2d options missing', ArgumentError, 'options', (i, _c, p) => i.maxPool2d(p.x, undefined as unknown as MaxPool2dOptions)),
  bad('maxPool2d kernelSize missing', ArgumentError, 'options.kernelSize', (i, _c, p) => i.maxPool2d(p.x, { ...p.max, kernelSize: undefined as unknown as number })),
  bad('maxPool2d kernelSize 0', ArgumentError, 'options.kernelSize', (i, _c, p) => i.maxPool2d(p.x, { ...p.max, kernelSize: 0 })),
  bad('maxPool2d stride 0', ArgumentError, 'options.stride', (i, _c, p) => i.maxPool2d(p.x, { ...p.max, stride: [1, 0] })),
  bad('maxPool2d padding above half the kernel', ArgumentError, 'options.padding', (i, _c, p) => {
    const k = p.max.kernelSize as [number, number];
    return i.maxPool2d(p.x, { ...p.max, padding: [(k[0] >> 1) + 1, 0] });
  }),
  bad('maxPool2d padding -1', ArgumentError, 'options.padding', (i, _c, p) => i.maxPool2d(p.x, { ...p.max, padding: -1 })),
  bad('maxPool2d dilation 0', ArgumentError, 'options.dilation', (i, _c, p) => i.maxPool2d(p.x, { ...p.max, dilation: 0 })),
  bad('maxPool2d ceilMode string', ArgumentError, 'options.ceilMode', (i, _c, p) => i.maxPool2d(p.x, { ...p.max, ceilMode: 'yes' as unknown as boolean })),
  bad('maxPool2d kernel larger than the padded input', ShapeError, 'options.kernelSize', (i, _c, p) =>
    i.maxPool2d(p.x, { kernelSize: [p.x.shape[2]! + 1, 1], stride: 1 })),
  bad('maxPool2d input rank 3', ShapeError, 'input', (i, _c, p) => i.maxPool2d({ data: p.x.data, shape: p.x.shape.slice(1).map((d, j) => (j === 0 ? d * p.x.shape[0]! : d)) }, p.max)),
  bad('avgPool2d countIncludePad 1', ArgumentError, 'options.countIncludePad', (i, _c, p) => i.avgPool2d(p.x, { ...p.avg, countIncludePad: 1 as unknown as boolean })),
  bad('avgPool2d input.data Float64Array', DataTypeError, 'input.data', (i, _c, p) => i.avgPool2d({ data: new Float64Array(p.x.data) as unknown as Float32Array, shape: p.x.shape }, p.avg)),
  bad('avgPool2d out too long', ShapeError, 'options.out', (i, _c, p) => i.avgPool2d(p.x, { ...p.avg, out: new Float32Array(ref.avgPool2d(p.x, p.avg).data.length + 1) })),
  bad('globalAvgPool2d input rank 2', ShapeError, 'input', (i, _c, p) => i.globalAvgPool2d({ data: p.x.data, shape: [p.x.shape[0]! * p.x.shape[1]!, p.x.shape[2]! * p.x.shape[3]!] })),
  bad('relu shape []', ShapeError, 'input', (i) => i.relu({ data: new Float32Array(1), shape: [] })),
  bad('relu input.data Uint8Array', DataTypeError, 'input.data', (i) => i.relu({ data: new Uint8Array(4) as unknown as Float32Array, shape: [4] })),
  bad('im2col kernelSize missing', ArgumentError, 'options.kernelSize', (i, _c, p) => i.im2col(p.x, {} as { kernelSize: number })),
  bad("im2col padding 'full'", ArgumentError, 'options.padding', (i, _c, p) => i.im2col(p.x, { kernelSize: 1, padding: 'full' as unknown as number })),
];

/** The reference as an Impl; it has no prepared form, so prepareConv2d only resolves the layer. */
const refImpl = { ...ref, prepareConv2d: (w: Tensor, o?: Conv2dOptions & { inputShape?: number[] }) => resolveConv2dLayer(w, o) } as unknown as Impl;

function expectRejection(error: unknown, bad: Invalid, who: string): asserts error is SimdConvError {
  expect(error, `${who}: ${bad.name} must throw`).toBeInstanceOf(SimdConvError);
  expect(error, `${who}: ${bad.name} → ${(error as Error).name}: ${(error as Error).message}`).toBeInstanceOf(bad.error);
  expect((error as SimdConvError).argument, `${who}: ${bad.name}: ${(error as Error).message}`).toBe(bad.argument);
}

describe('invalid calls through the reference', () => {
  it.each(INVALID.map((b) => [b.name, b] as const))('%s', (_name, b) => {
    fc.assert(
      fc.property(conv2dArb, poolArb, (c, p) => {
        const error = thrown(() => b.call(refImpl, c, p));
        expectRejection(error, b, 'reference');
        expect(error.message.startsWith(`${error.op}: ${b.argument} must be `), error.message).toBe(true);
        expect(error.code).toMatch(/^ERR_SIMDCONV_/);
      }),
      { numRuns: 5, seed: SEED },
    );
  });

  it('messages name what was expected and what was given', () => {
    const x = tensor([1, 3, 4, 5], 'int', 1);
    const w = tensor([2, 3, 3, 3], 'int', 2);
    expect(thrown(() => ref.conv2d(x, w, { stride: 0 }))).toHaveProperty('message', 'conv2d: options.stride must be an integer ≥ 1 or a pair [h, w] of them (got 0)');
    const short = thrown(() => ref.conv2d({ data: x.data.subarray(12), shape: x.shape }, w)) as SimdConvError;
    expect(short.message).toContain('60');
    expect(short.message).toContain('48');
    const big = thrown(() => ref.conv2d(tensor([1, 3, 2, 2], 'int', 1), w)) as SimdConvError;
    expect(big.message).toContain('kernel is larger than the padded input');
    expect(big.message).toContain('3×3');
    expect(big.message).toContain('2×2');
    const pad = thrown(() => ref.conv2d(x, w, { padding: 'full' as unknown as number })) as SimdConvError;
    for (const allowed of ["'same'", "'valid'", '[top, left, bottom, right]']) expect(pad.message).toContain(allowed);
    const conv1dError = thrown(() => ref.conv1d(tensor([1, 3, 8], 'int', 1), tensor([2, 3, 3], 'int', 2), { stride: 0 })) as SimdConvError;
    expect(conv1dError.message).toBe('conv1d: options.stride must be an integer ≥ 1 (got 0)');
  });
});

forEachEngine((isa, engine) => {
  const check = (e: Engine, x: Tensor, w: Tensor, options: Conv2dOptions, algorithms: ConvAlgorithm[], pick: number, name: string) => {
    const algorithm = algorithms[pick % algorithms.length]!;
    expectBitExact(e.conv2d(x, w, { ...options, algorithm }), ref.conv2d(x, w, options), `${isa} ${name} algo=${algorithm}`);
  };

  it(`conv2d: random valid configurations equal the reference [${isa}]`, async () => {
    const e = await engine();
    fc.assert(
      fc.property(conv2dArb, fc.nat(), (c, pick) => check(e, c.x, c.w, c.options, c.algorithms, pick, c.name)),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it(`conv1d: random valid configurations equal the reference [${isa}]`, async () => {
    const e = await engine();
    fc.assert(
      fc.property(conv1dArb, fc.nat(), (c, pick) => {
        const algorithm = c.algorithms[pick % c.algorithms.length]!;
        expectBitExact(e.conv1d(c.x, c.w, { ...c.options, algorithm }), ref.conv1d(c.x, c.w, c.options), `${isa} ${c.name} algo=${algorithm}`);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it(`pooling: random valid configurations equal the reference [${isa}]`, async () => {
    const e = await engine();
    fc.assert(
      fc.property(poolArb, (p) => {
        expectBitExact(e.maxPool2d(p.x, p.max), ref.maxPool2d(p.x, p.max), `${isa} max ${p.name}`);
        expectBitExact(e.avgPool2d(p.x, p.avg), ref.avgPool2d(p.x, p.avg), `${isa} avg ${p.name} countIncludePad=${p.avg.countIncludePad}`);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it(`invalid calls throw the reference's error and leave the engine working [${isa}]`, async () => {
    const e = await engine();
    fc.assert(
      fc.property(fc.constantFrom(...INVALID), conv2dArb, poolArb, fc.nat(), (b, c, p, pick) => {
        const refError = thrown(() => b.call(refImpl, c, p));
        const engineError = thrown(() => b.call(e, c, p));
        expectRejection(engineError, b, isa);
        expect(engineError.message).toBe((refError as Error).message);
        check(e, c.x, c.w, c.options, c.algorithms, pick, `after '${b.name}': ${c.name}`);
        expectBitExact(e.avgPool2d(p.x, p.avg), ref.avgPool2d(p.x, p.avg), `${isa} after '${b.name}': avg ${p.name}`);
      }),
      { numRuns: 3 * INVALID.length, seed: SEED },
    );
  });
});
