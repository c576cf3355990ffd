/**
 * Every engine op × every algorithm × every build against the reference, over awkward
 * geometries (test/helpers/geometry.ts): bit for bit on integer data, within the dot-product
 * bound on N(0,1) data. Plus the prepared form, `out` buffers and lastCall.
 */
import { describe, expect, it } from 'vitest';
import { SimdConvError, ShapeError } from '../bindings/errors.js';
import * as ref from '../bindings/reference/index.js';
import type { ConvAlgorithm, Engine, MaxPool2dOptions, Tensor } from '../bindings/types.js';
import { forEachEngine } from './helpers/engines.js';
import { conv1dAbsTerms, conv2dAbsTerms, expectBitExact, expectWithinBounds, expectWithinDotBound, gamma } from './helpers/expect.js';
import {
  AVG_POOL_CASES, CONV1D_CASES, CONV2D_CASES, GLOBAL_POOL_SHAPES, MAX_POOL_CASES, POINTWISE_CASES, RELU_SHAPES,
  algorithmsFor, conv1dName, conv2dName, fmt, isDepthwise3x3InPlace, poolName,
  type Conv2dCase,
} from './helpers/geometry.js';
import { depthwiseC4, pointwiseCopies, rowsCrowdASet, setDepthwiseC4MaxPlane } from '../bindings/plan.js';
import { conv1dAlgorithms, conv1dInputs, conv2dInputs, im2colOptions, poolOptions } from './helpers/inputs.js';
import { absTensor, product, signedZeroData, tensor, type Tier } from './helpers/random.js';

const TIERS: Tier[] = ['int', 'normal'];

function expectLastCall(e: Engine, op: string, algorithm?: ConvAlgorithm): void {
  const info = e.lastCall;
  expect(info, 'lastCall').not.toBeNull();
  expect(info!.op).toBe(op);
  expect(typeof info!.algorithm).toBe('string');
  expect(Number.isSafeInteger(info!.workspaceBytes) && info!.workspaceBytes >= 0, `workspaceBytes ${info!.workspaceBytes}`).toBe(true);
  if (algorithm !== undefined && algorithm !== 'auto') expect(info!.algorithm, 'the forced kernel family ran').toBe(algorithm);
}

const convRuns = CONV2D_CASES.flatMap((c, i) =>
  algorithmsFor(c).flatMap((a) => TIERS.map((tier) => [`${conv2dName(c)} algo=${a} ${tier}`, c, a, tier, 1000 + 10 * i] as const)),
);
const conv1dRuns = CONV1D_CASES.flatMap((c, i) =>
  conv1dAlgorithms(c).flatMap((a) => TIERS.map((tier) => [`${conv1dName(c)} algo=${a} ${tier}`, c, a, tier, 5000 + 10 * i] as const)),
);

forEachEngine((isa, engine) => {
  describe('conv2d', () => {
    it.each(convRuns)(`%s [${isa}]`, async (name, c, algorithm, tier, seed) => {
      const e = await engine();
      const { x, w, options } = conv2dInputs(c, tier, seed);
      const expected = ref.conv2d(x, w, options);
      const y = e.conv2d(x, w, { ...options, algorithm });
      expectLastCall(e, 'conv2d', algorithm);
      if (tier === 'int') {
        expectBitExact(y, expected, name);
      } else {
        const { terms, n } = conv2dAbsTerms(x, w, options);
        expectWithinDotBound(y, expected, terms, n, name);
      }
    });
  });

  it(`conv2d gives the reference's signed zeros with every algorithm [${isa}]`, async () => {
    // −0 and +0 in the input, the weights and the bias (and −1, −2, 1): a zero output's sign
    // depends on which zeros it sums (only −0 + −0 is −0), the same in any order. Without padding
    // bit-exact; with padding the kernels add weight · 0 for the padded taps, which the reference
    // skips, so there a zero may come back as +0 for −0 (README, "Exactness") — every other bit
    // is still checked
    const e = await engine();
    let strict = 0;
    let padded = 0;
    for (const [i, c] of CONV2D_CASES.entries()) {
      const { options } = conv2dInputs(c, 'int', 0);
      const x = { data: signedZeroData(product(c.x), 9300 + 3 * i), shape: [...c.x] };
      const w = { data: signedZeroData(product(c.w), 9301 + 3 * i), shape: [...c.w] };
      const bias = options.bias ? signedZeroData(c.w[0], 9302 + 3 * i) : options.bias;
      const want = ref.conv2d(x, w, { ...options, bias });
      const hasPadding = c.p !== undefined && c.p !== 'valid' && [c.p].flat().some((v) => v !== 0);
      for (const algorithm of algorithmsFor(c)) {
        const label = `${conv2dName(c)} algo=${algorithm} signed zeros`;
        const y = e.conv2d(x, w, { ...options, bias, algorithm });
        if (!hasPadding) {
          expectBitExact(y, want, label);
          strict++;
          continue;
        }
        const wrong = Array.from(want.data.keys()).filter((j) =>
          !Object.is(y.data[j], want.data[j]) && !(Object.is(y.data[j], 0) && Object.is(want.data[j], -0)));
        expect(wrong, `${label}: outputs other than a −0 returned as +0`).toEqual([]);
        padded++;
      }
    }
    expect(strict, 'runs without padding').toBeGreaterThan(50);
    expect(padded, 'runs with padding').toBeGreaterThan(50);
  });

  describe('depthwise 3×3: the row form and the 4-channel form', () => {
    // bindings/plan.ts picks one by plane size; here every geometry that reaches them runs in
    // both: each exact on integer data and within the bound on normal data; the two give the
    // same bits at stride 1 (the same operations in the same order) — at stride 2 the row form
    // adds the kernel rows' sums in another order (and its masked edge steps run one chain), so
    // there only on integer data
    const runs = CONV2D_CASES.filter(isDepthwise3x3InPlace).flatMap((c, i) =>
      TIERS.map((tier) => [`${conv2dName(c)} ${tier}`, c, tier, 17000 + 10 * i] as const));
    it.each(runs)(`%s [${isa}]`, async (name, c, tier, seed) => {
      const e = await engine();
      const { x, w, options } = conv2dInputs(c, tier, seed);
      const expected = ref.conv2d(x, w, options);
      const ys: Tensor[] = [];
      for (const maxPlane of [0, Infinity]) {
        const saved = setDepthwiseC4MaxPlane(maxPlane);
        try {
          ys.push(e.conv2d(x, w, { ...options, algorithm: 'depthwise' }));
        } finally {
          setDepthwiseC4MaxPlane(saved);
        }
        const form = `${name} ${maxPlane ? '4-channel' : 'row'} form`;
        if (tier === 'int') {
          expectBitExact(ys.at(-1)!, expected, form);
        } else {
          const { terms, n } = conv2dAbsTerms(x, w, options);
          expectWithinDotBound(ys.at(-1)!, expected, terms, n, form);
        }
      }
      if (tier === 'int' || (c.s ?? 1) === 1) expectBitExact(ys[1]!, ys[0]!, `${name}: the two forms`);
    });

    it(`runs the 4-channel form on planes of at most 32 × 32 (stride 1), 12 × 12 or with a right padding column read (stride 2) [${isa}]`, () => {
      const s1 = (H: number, W: number) => depthwiseC4({ H, W, sH: 1, outW: W, padLeft: 1 });
      const s2 = (H: number, W: number, padLeft: number, outW: number) => depthwiseC4({ H, W, sH: 2, outW, padLeft });
      expect(s1(32, 32)).toBe(true);
      expect(s1(28, 28)).toBe(true);
      expect(s1(7, 146)).toBe(true);
      expect(s1(33, 32)).toBe(false);
      expect(s1(112, 112)).toBe(false);
      expect(s2(12, 12, 1, 6)).toBe(true);
      expect(s2(14, 14, 1, 7)).toBe(false);
      expect(s2(113, 113, 1, 57)).toBe(true); // output 56's window: columns 111 … 113
      expect(s2(113, 113, 0, 56)).toBe(false);
      expect(s2(112, 112, 1, 56)).toBe(false);
    });
  });

  describe('pointwise layers in place and over copied panels', () => {
    // bindings/plan.ts runs a pointwise layer either reading the input in place or as im2col +
    // GEMM over copied panels (pointwiseCopies); every pointwise geometry runs both ways and by
    // the rule: each exact on integer data and within the bound on normal data, and the two the
    // same bits on both (the same GEMM over the same sums in the same order)
    const geometries = [...POINTWISE_CASES, ...CONV2D_CASES.filter((c) => algorithmsFor(c).includes('pointwise'))];
    const runs = geometries.flatMap((c, i) => TIERS.map((tier) => [`${conv2dName(c)} ${tier}`, c, tier, 19000 + 10 * i] as const));
    it.each(runs)(`%s [${isa}]`, async (name, c, tier, seed) => {
      const e = await engine();
      const { x, w, options } = conv2dInputs(c, tier, seed);
      const expected = ref.conv2d(x, w, options);
      const inPlace = e.conv2d(x, w, { ...options, algorithm: 'pointwise' });
      for (const algorithm of ['pointwise', 'im2col', 'auto'] as const) {
        const y = algorithm === 'pointwise' ? inPlace : e.conv2d(x, w, { ...options, algorithm });
        const form = `${name}, ${algorithm === 'auto' ? `auto (${e.lastCall!.algorithm})` : algorithm}`;
        if (tier === 'int') {
          expectBitExact(y, expected, form);
        } else {
          const { terms, n } = conv2dAbsTerms(x, w, options);
          expectWithinDotBound(y, expected, terms, n, form);
        }
        expectBitExact(y, inPlace, `${form}: as in place`);
      }
    });

    it(`copies where K·M ≥ 32768, rows crowd a cache set, or are unaligned with a long reduction [${isa}]`, () => {
      expect(pointwiseCopies(160, 49, 8)).toBe(true); // 7 × 7: rows of 49 floats, not 16-byte aligned
      expect(pointwiseCopies(159, 49, 8)).toBe(false);
      expect(pointwiseCopies(256, 81, 8)).toBe(true); // 9 × 9
      expect(pointwiseCopies(16, 7, 8)).toBe(false); // one tile
      expect(pointwiseCopies(256, 64, 8)).toBe(true); // 8 × 8: 256-byte rows on 16 sets
      expect(pointwiseCopies(128, 64, 8)).toBe(false);
      expect(pointwiseCopies(9, 1024, 8)).toBe(true); // 32 × 32: every row on one set (8 ways)
      expect(pointwiseCopies(8, 1024, 8)).toBe(false);
      expect(pointwiseCopies(16, 1023, 8)).toBe(true); // 31 × 33: 4092-byte rows, a set per 16 rows
      expect(pointwiseCopies(129, 3136, 8)).toBe(true); // 56 × 56: 16 sets, 128 lines
      expect(pointwiseCopies(128, 3136, 8)).toBe(false);
      expect(pointwiseCopies(320, 100, 8)).toBe(false); // 10 × 10: 400-byte rows spread over the sets
      expect(pointwiseCopies(513, 100, 8)).toBe(true); // past 8 · 64 lines some set holds 9
      expect(pointwiseCopies(256, 196, 128)).toBe(true); // K·M = 32768: 14 × 14 rows spread, copied
      expect(pointwiseCopies(256, 196, 127)).toBe(false);
      expect(pointwiseCopies(96, 196, 576)).toBe(true);
      expect(pointwiseCopies(128, 7, 512)).toBe(false); // one tile
      expect(rowsCrowdASet(4096, 9)).toBe(true);
      expect(rowsCrowdASet(4096, 8)).toBe(false);
      expect(rowsCrowdASet(196, 280)).toBe(false); // 7 × 7 rows: 1.5 lines each, spread over the sets
      expect(rowsCrowdASet(196, 300)).toBe(true);
    });
  });

  describe('auto', () => {
    // the rule of bindings/plan.ts (derived there from measurements), on shapes just past its edges
    const cases: [string, number[], number[], Record<string, unknown>, string][] = [
      // strided 3×3 past stride-2 Winograd's C·Cout ceiling (256²): the im2col / direct edges
      ['3×3 s2, K = 576, rows of 7', [1, 64, 14, 14], [1032, 64, 3, 3], { stride: 2, padding: 1 }, 'im2col'],
      ['3×3 s2, K = 576, rows of 28 (a 4-pixel tail)', [1, 64, 56, 56], [1032, 64, 3, 3], { stride: 2, padding: 1 }, 'im2col'],
      ['3×3 s2, K = 576, rows of 8 (full tiles)', [1, 64, 16, 16], [1032, 64, 3, 3], { stride: 2, padding: 1 }, 'direct'],
      ['3×3 s2, K = 576, rows of 30 (94 % of the tiles)', [1, 64, 60, 60], [1032, 64, 3, 3], { stride: 2, padding: 1 }, 'direct'],
      ['3×3 s2, K = 576, a 2×2 output', [1, 64, 4, 4], [1032, 64, 3, 3], { stride: 2, padding: 1 }, 'direct'],
      ['3×3 s2, K = 576, a 3×3 output', [1, 64, 6, 6], [1032, 64, 3, 3], { stride: 2, padding: 1 }, 'im2col'],
      ['3×3 s2, K = 504', [1, 56, 14, 14], [1176, 56, 3, 3], { stride: 2, padding: 1 }, 'direct'],
      // stride-2 Winograd's edges: 16 input channels, C·Cout = 256²
      ['3×3 s2, 16 channels', [1, 16, 14, 14], [8, 16, 3, 3], { stride: 2, padding: 1 }, 'winograd'],
      ['3×3 s2, 15 channels', [1, 15, 14, 14], [8, 15, 3, 3], { stride: 2, padding: 1 }, 'direct'],
      ['3×3 s2, C·Cout = 256²', [1, 256, 8, 8], [256, 256, 3, 3], { stride: 2, padding: 1 }, 'winograd'],
      ['3×3 s2, C·Cout > 256²', [1, 256, 8, 8], [260, 256, 3, 3], { stride: 2, padding: 1 }, 'im2col'],
      ['3×3 s2, dilation 2', [1, 64, 16, 16], [8, 64, 3, 3], { stride: 2, padding: 2, dilation: 2 }, 'direct'],
      ['5×5, K = 1200', [1, 48, 12, 12], [8, 48, 5, 5], { padding: 2 }, 'direct'],
      ['7×7 s2 stem', [1, 3, 32, 32], [8, 3, 7, 7], { stride: 2, padding: 3 }, 'direct'],
      ['1×1 s2', [1, 4, 8, 8], [8, 4, 1, 1], { stride: 2 }, 'im2col'],
      // pointwise in place or over copied panels (pointwiseCopies)
      ['1×1 on 10×10', [1, 4, 10, 10], [8, 4, 1, 1], {}, 'pointwise'],
      ['1×1 on 8×8, K = 256 (rows on 16 cache sets)', [1, 256, 8, 8], [8, 256, 1, 1], {}, 'im2col'],
      ['1×1 on 8×8, K = 128', [1, 128, 8, 8], [8, 128, 1, 1], {}, 'pointwise'],
      ['1×1 on 9×9, K = 160 (unaligned rows)', [1, 160, 9, 9], [8, 160, 1, 1], {}, 'im2col'],
      ['1×1 on 9×9, K = 159', [1, 159, 9, 9], [8, 159, 1, 1], {}, 'pointwise'],
      ['1×1 on 2×3 (one tile)', [1, 4, 2, 3], [8, 4, 1, 1], {}, 'pointwise'],
      ['1×1 on 32×32, K = 9 (rows on one cache set)', [1, 9, 32, 32], [4, 9, 1, 1], {}, 'im2col'],
      ['1×1 on 32×32, K = 8', [1, 8, 32, 32], [4, 8, 1, 1], {}, 'pointwise'],
      ['1×1 on 10×10, K·M = 32768', [1, 128, 10, 10], [256, 128, 1, 1], {}, 'im2col'],
      ['1×1 on 10×10, K·M = 32640', [1, 128, 10, 10], [255, 128, 1, 1], {}, 'pointwise'],
      ['3×3, 8 channels', [1, 8, 6, 6], [4, 8, 3, 3], { padding: 1 }, 'winograd'],
      ['3×3, 7 channels', [1, 7, 6, 6], [4, 7, 3, 3], { padding: 1 }, 'direct'],
      ['depthwise 3×3', [1, 6, 6, 6], [6, 1, 3, 3], { groups: 6, padding: 1 }, 'depthwise'],
    ];
    it.each(cases)(`%s [${isa}]`, async (name, xs, ws, options, want) => {
      const e = await engine();
      e.conv2d(tensor(xs, 'int', 3), tensor(ws, 'int', 4), options);
      expect(e.lastCall!.algorithm, name).toBe(want);
    });
  });

  describe('conv2d with NaN and ±Infinity', () => {
    // every algorithm propagates them as the reference does; Winograd (whose transforms could turn
    // ±Infinity into NaN) hands such calls to direct / im2col
    const winogradOrDepthwise = CONV2D_CASES.filter((c) => algorithmsFor(c).includes('winograd') || (c.g ?? 1) === c.x[1]);
    // … and two stride-2 Winograd geometries (the list's first 8 hold none)
    const geometries = [...winogradOrDepthwise.slice(0, 8),
      ...CONV2D_CASES.filter((c) => algorithmsFor(c).includes('winograd') && c.s === 2).slice(0, 2)];
    const unpaddable = (c: Conv2dCase) => c.w[2] <= c.x[2] && c.w[3] <= c.x[3] && (c.d ?? 1) === 1;
    const runs = geometries.flatMap((c, i) => algorithmsFor(c).flatMap((a) =>
      (['input', 'weight'] as const).filter((where) => where === 'input' || unpaddable(c))
        .map((where) => [`${conv2dName(c)} algo=${a} non-finite ${where}`, c, a, where, 13000 + 10 * i] as const)));
    it.each(runs)(`%s [${isa}]`, async (name, c, algorithm, where, seed) => {
      const e = await engine();
      const { x, w, options: given } = conv2dInputs(c, 'int', seed);
      // non-finite weights without padding: the reference skips padded taps, the kernels multiply
      // the zeros (0 · ∞ = NaN, as an im2col over a zero-padded input does)
      const options = where === 'weight' ? { ...given, padding: 0 } : given;
      const t = where === 'input' ? x.data : w.data;
      t[0] = Infinity;
      t[t.length >> 1] = -Infinity;
      if (t.length > 2) t[t.length - 1] = NaN;
      const y = e.conv2d(x, w, { ...options, algorithm });
      expectBitExact(y, ref.conv2d(x, w, options), name);
      expect(e.lastCall!.algorithm, 'Winograd does not run on non-finite data').not.toBe('winograd');
      // and the next call on finite data runs as asked
      t.fill(1);
      const again = e.conv2d(x, w, { ...options, algorithm });
      expectBitExact(again, ref.conv2d(x, w, options), `${name}, then finite`);
      if (algorithm === 'winograd') expect(e.lastCall!.algorithm).toBe('winograd');
    });
  });

  describe('conv1d', () => {
    it.each(conv1dRuns)(`%s [${isa}]`, async (name, c, algorithm, tier, seed) => {
      const e = await engine();
      const { x, w, options } = conv1dInputs(c, tier, seed);
      const expected = ref.conv1d(x, w, options);
      const y = e.conv1d(x, w, { ...options, algorithm });
      expectLastCall(e, 'conv1d', algorithm);
      if (tier === 'int') {
        expectBitExact(y, expected, name);
      } else {
        const { terms, n } = conv1dAbsTerms(x, w, options);
        expectWithinDotBound(y, expected, terms, n, name);
      }
    });
  });

  describe('pooling', () => {
    const maxRuns = MAX_POOL_CASES.flatMap((c, i) => TIERS.map((tier) => [`${poolName('maxPool2d', c)} ${tier}`, c, tier, 7000 + i] as const));
    it.each(maxRuns)(`%s [${isa}]`, async (name, c, tier, seed) => {
      const e = await engine();
      const x = tensor(c.x, tier, seed);
      const y = e.maxPool2d(x, poolOptions(c));
      expectLastCall(e, 'maxPool2d');
      expectBitExact(y, ref.maxPool2d(x, poolOptions(c)), name);
    });

    it(`maxPool2d keeps the first of −0 and +0 in the reference's order where it can [${isa}]`, async () => {
      // PyTorch keeps the first maximum in row-major order, so a window holding −0 before +0 gives
      // −0. The generic and stride-1 kernels and the fast paths' scalar edges fold in that order
      // (bit-exact);
      // the fast paths' vector steps take each column's maximum first, so there a zero may come
      // back with the other sign (README, "Exactness"): only its value is checked
      const e = await engine();
      let generic = 0;
      let strideOne = 0;
      let signsDiffer = 0;
      for (const [i, c] of MAX_POOL_CASES.entries()) {
        const x = { data: signedZeroData(product(c.x), 9100 + i), shape: [...c.x] };
        const o = poolOptions(c);
        const y = e.maxPool2d(x, o);
        const want = ref.maxPool2d(x, o);
        const label = `${poolName('maxPool2d', c)} signed zeros`;
        if (e.lastCall!.algorithm === 'maxpool' || e.lastCall!.algorithm === 'maxpool-s1') {
          generic++;
          if (e.lastCall!.algorithm === 'maxpool-s1') strideOne++;
          expectBitExact(y, want, label);
          continue;
        }
        expect(y.shape, label).toEqual(want.shape);
        const wrong: number[] = [];
        for (let j = 0; j < want.data.length; j++) {
          const [a, b] = [y.data[j]!, want.data[j]!];
          if (Object.is(a, b)) continue;
          if (a === 0 && b === 0) signsDiffer++;
          else wrong.push(j);
        }
        expect(wrong, `${label}: outputs other than a zero's sign`).toEqual([]);
      }
      expect(generic, 'cases through the generic and stride-1 kernels').toBeGreaterThanOrEqual(18);
      expect(strideOne, 'cases through the stride-1 kernel').toBeGreaterThanOrEqual(13);
      expect(signsDiffer, 'zeros of the other sign, all from the fast paths').toBeGreaterThan(0);
      // outputs fewer than a vector step wide: the fast paths' scalar edges alone, bit-exact
      const edges: [number[], MaxPool2dOptions, string][] = [
        [[1, 8, 2, 7], { kernelSize: 2 }, 'maxpool-2x2s2'],
        [[2, 5, 9, 6], { kernelSize: 3, stride: 2, padding: 1 }, 'maxpool-3x3s2'],
        [[1, 7, 8, 7], { kernelSize: 3, stride: 2 }, 'maxpool-3x3s2'],
      ];
      for (const [i, [shape, o, algorithm]] of edges.entries()) {
        const x = { data: signedZeroData(product(shape), 9200 + i), shape };
        const y = e.maxPool2d(x, o);
        expect(e.lastCall!.algorithm).toBe(algorithm);
        expectBitExact(y, ref.maxPool2d(x, o), `maxPool2d x=${fmt(shape)} ${fmt(o)} signed zeros, scalar edges`);
      }
    });

    it(`maxPool2d propagates NaN and ±Infinity like the reference [${isa}]`, async () => {
      const e = await engine();
      const x = tensor([1, 3, 9, 11], 'normal', 77);
      x.data[5] = NaN;
      x.data[40] = Infinity;
      x.data[41] = -Infinity;
      x.data[x.data.length - 1] = NaN;
      const opts: MaxPool2dOptions[] = [{ kernelSize: 2 }, { kernelSize: 3, stride: 2, padding: 1, ceilMode: true }, { kernelSize: [2, 3], dilation: 2 },
        { kernelSize: 3, stride: 1, padding: 1 }, { kernelSize: 5, stride: 1, padding: 2 }, { kernelSize: [2, 4], stride: 1, padding: [1, 2] }];
      for (const o of opts) {
        expectBitExact(e.maxPool2d(x, o), ref.maxPool2d(x, o), `NaN max ${fmt(o)}`);
      }
    });

    it(`maxPool2d 3×3/2 and 2×2/2 find a NaN in every row they read [${isa}]`, async () => {
      // the 3×3/2 and 2×2/2 kernels pool each plane with pmax and redo it with NaN-propagating max
      // when the sums of what they loaded are NaN: a NaN in each of the five rows a 3×3/2 two-row
      // step reads (row 3 shared by both outputs), at vector columns and at the scalar right edge;
      // in the top row at an odd column (no padding: the first step's row 0, which only that step
      // reads, as the first of its rows — the others were summed by the step above); ±∞ in one
      // plane (their sum is NaN: a redone plane) and planes with none
      const [C, H, W] = [8, 19, 37];
      const x = tensor([1, C, H, W], 'normal', 78);
      const at = (c: number, r: number, col: number) => (c * H + r) * W + col;
      for (let r = 1; r <= 5; r++) x.data[at(r - 1, r, 4 * r + 1)] = NaN;
      x.data[at(5, 12, 36)] = NaN;
      x.data[at(7, 0, 5)] = NaN;
      x.data[at(6, 7, 9)] = Infinity;
      x.data[at(6, 10, 20)] = -Infinity;
      const e = await engine();
      for (const o of [{ kernelSize: 3, stride: 2, padding: 1 }, { kernelSize: 3, stride: 2 }, { kernelSize: 3, stride: 2, ceilMode: true }]) {
        const y = e.maxPool2d(x, o);
        expect(e.lastCall!.algorithm).toBe('maxpool-3x3s2');
        expectBitExact(y, ref.maxPool2d(x, o), `NaN max 3×3/2 ${fmt(o)}`);
      }
      const y = e.maxPool2d(x, { kernelSize: 2 });
      expect(e.lastCall!.algorithm).toBe('maxpool-2x2s2');
      expectBitExact(y, ref.maxPool2d(x, { kernelSize: 2 }), 'NaN max 2×2/2');
    });

    it(`maxPool2d at stride 1 finds a NaN wherever it lies [${isa}]`, async () => {
      // f32_maxpool_s1 pools a plane with pmax (which keeps a NaN only as its first operand) when a
      // scan finds no NaN in it, else with PyTorch's step: plane p holds one NaN at position p, so
      // one call puts a NaN at every position (the scan's vector steps and scalar tail, every
      // window position and edge step), among NaN-free planes
      const e = await engine();
      const geometries: [number, number, MaxPool2dOptions][] = [
        [9, 11, { kernelSize: 3, stride: 1, padding: 1 }], [6, 13, { kernelSize: 3, stride: 1, padding: 1 }],
        [7, 9, { kernelSize: 3, stride: 1 }], [8, 10, { kernelSize: 5, stride: 1, padding: 2 }],
        [6, 9, { kernelSize: [2, 4], stride: 1, padding: [1, 2] }], [5, 12, { kernelSize: [3, 5], stride: 1, padding: [1, 2] }],
        [4, 9, { kernelSize: [1, 3], stride: 1 }], [5, 7, { kernelSize: [2, 1], stride: 1, padding: [1, 0] }],
        [4, 4, { kernelSize: 7, stride: 1, padding: 3 }], [6, 3, { kernelSize: 3, stride: 1 }],
      ];
      for (const [H, W, o] of geometries) {
        const C = H * W + 2;
        const x = tensor([1, C, H, W], 'normal', 79);
        for (let p = 0; p < H * W; p++) x.data[p * H * W + p] = NaN;
        const y = e.maxPool2d(x, o);
        expect(e.lastCall!.algorithm, fmt(o)).toBe('maxpool-s1');
        expectBitExact(y, ref.maxPool2d(x, o), `NaN at every position, ${H}×${W} ${fmt(o)}`);
      }
    });

    // Average pooling sums each window in the reference's order and divides once: exact in both tiers.
    const avgRuns = AVG_POOL_CASES.flatMap((c, i) => TIERS.map((tier) => [`${poolName('avgPool2d', c)} ${tier}`, c, tier, 8000 + i] as const));
    it.each(avgRuns)(`%s [${isa}]`, async (name, c, tier, seed) => {
      const e = await engine();
      const x = tensor(c.x, tier, seed);
      const y = e.avgPool2d(x, poolOptions(c));
      expectLastCall(e, 'avgPool2d');
      expectBitExact(y, ref.avgPool2d(x, poolOptions(c)), name);
    });

    it(`avgPool2d: 3×3 windows at stride 1 or 2 across run in place, other windows through the padded copy [${isa}]`, async () => {
      const e = await engine();
      const seen = { 'avgpool-3x3': 0, avgpool: 0, 'avgpool-2x2s2': 0 } as Record<string, number>;
      for (const [i, c] of AVG_POOL_CASES.entries()) {
        const x = tensor(c.x, 'int', 8500 + i);
        e.avgPool2d(x, poolOptions(c));
        const [kH, kW] = typeof c.k === 'number' ? [c.k, c.k] : c.k;
        const sW = c.s === null || c.s === undefined ? kW : typeof c.s === 'number' ? c.s : c.s[1];
        const want = kH === 3 && kW === 3 && (sW === 1 || sW === 2) ? 'avgpool-3x3' : e.lastCall!.algorithm === 'avgpool-2x2s2' ? 'avgpool-2x2s2' : 'avgpool';
        expect(e.lastCall!.algorithm, poolName('avgPool2d', c)).toBe(want);
        seen[want]!++;
      }
      expect(seen['avgpool-3x3'], 'cases through f32_avgpool_3x3').toBeGreaterThanOrEqual(14);
      expect(seen.avgpool, 'cases through the generic kernel').toBeGreaterThanOrEqual(7);
    });

    it(`avgPool2d keeps signed zeros, NaN and ±Infinity as the reference does [${isa}]`, async () => {
      // every window's sum starts from +0 and so is never −0; the in-place 3×3 kernel adds +0 for
      // the taps outside the input where the reference skips them — the same bits
      const e = await engine();
      for (const [i, c] of AVG_POOL_CASES.entries()) {
        // about half −0 (and +0 turned into −0), so windows of −0 alone occur
        const data = signedZeroData(product(c.x), 9400 + i).map((v) => (v === 0 || v === 1 ? -0 : v));
        const x = { data, shape: [...c.x] };
        expectBitExact(e.avgPool2d(x, poolOptions(c)), ref.avgPool2d(x, poolOptions(c)), `${poolName('avgPool2d', c)} signed zeros`);
      }
      const x = tensor([1, 3, 9, 11], 'normal', 79);
      x.data[5] = NaN;
      x.data[40] = Infinity;
      x.data[41] = -Infinity;
      x.data[150] = Infinity;
      x.data[x.data.length - 1] = NaN;
      for (const o of [{ kernelSize: 3, stride: 2, padding: 1, ceilMode: true }, { kernelSize: 3, stride: 1, padding: 1 }, { kernelSize: 2 }, { kernelSize: [2, 3] as [number, number], stride: 1 }]) {
        expectBitExact(e.avgPool2d(x, o), ref.avgPool2d(x, o), `NaN avg ${fmt(o)}`);
      }
    });

    const globalRuns = GLOBAL_POOL_SHAPES.flatMap((s, i) => TIERS.map((tier) => [`globalAvgPool2d x=${fmt(s)} ${tier}`, s, tier, 9000 + i] as const));
    it.each(globalRuns)(`%s [${isa}]`, async (name, shape, tier, seed) => {
      const e = await engine();
      const x = tensor(shape, tier, seed);
      const y = e.globalAvgPool2d(x);
      expectLastCall(e, 'globalAvgPool2d');
      const expected = ref.globalAvgPool2d(x);
      if (tier === 'int') {
        // integer sums below 2^24 are exact in any order, and the one division is correctly rounded
        expectBitExact(y, expected, name);
      } else {
        // any summation order of m = H·W terms, then one division: 2·γ(m+1)·mean|x|
        const m = shape[2] * shape[3];
        const mean = ref.globalAvgPool2d(absTensor(x)).data;
        const bound = mean.map((v) => (2 * gamma(m + 1) * v) / (1 - gamma(m)));
        expectWithinBounds(y, expected, bound, `${name} (m=${m})`);
      }
    });
  });

  describe('relu and im2col', () => {
    it.each(RELU_SHAPES.map((s, i) => [`relu x=${fmt(s)}`, s, 9500 + i] as const))(`%s [${isa}]`, async (name, shape, seed) => {
      const e = await engine();
      const x = tensor(shape, 'normal', seed);
      x.data[0] = NaN;
      if (x.data.length > 2) {
        x.data[1] = -0;
        x.data[2] = -Infinity;
      }
      // −0 in the last element too: past the vector steps when the length is not a multiple of 4
      if (x.data.length > 3) x.data[x.data.length - 1] = -0;
      const y = e.relu(x);
      expectLastCall(e, 'relu');
      expect(y.shape).toEqual(shape);
      expectBitExact(y, ref.relu(x), name);
    });

    const im2colRuns = CONV2D_CASES.filter((c) => (c.g ?? 1) === 1).map((c, i) => [
      `im2col x=${fmt(c.x)} k=${fmt(c.w.slice(2))} s=${fmt(c.s ?? 1)} p=${fmt(c.p ?? 0)} d=${fmt(c.d ?? 1)}`, c, 9700 + i,
    ] as const);
    it.each(im2colRuns)(`%s [${isa}]`, async (name, c, seed) => {
      const e = await engine();
      const x = tensor(c.x, 'normal', seed);
      const options = im2colOptions(c);
      const y = e.im2col(x, options);
      expectLastCall(e, 'im2col');
      expectBitExact(y, ref.im2col(x, options), name);
    });
  });

  describe('prepared conv2d', () => {
    const prepared: { c: Conv2dCase; inputs: [number, number, number, number][] }[] = [
      { c: { x: [1, 3, 7, 5], w: [4, 3, 3, 2], p: 'same', d: [1, 2] }, inputs: [[1, 3, 7, 5], [2, 3, 5, 9], [1, 3, 1, 1]] },
      { c: { x: [1, 8, 9, 9], w: [8, 1, 3, 3], s: 2, p: 1, g: 8, act: 'relu6' }, inputs: [[1, 8, 9, 9], [3, 8, 4, 13], [1, 8, 2, 2]] },
      { c: { x: [1, 16, 5, 5], w: [24, 16, 1, 1] }, inputs: [[1, 16, 5, 5], [2, 16, 1, 7], [1, 16, 11, 3]] },
      { c: { x: [1, 6, 8, 9], w: [9, 2, 3, 3], g: 3, s: [2, 1], p: [1, 0, 2, 1] }, inputs: [[1, 6, 8, 9], [2, 6, 3, 3]] },
    ];
    const runs = prepared.flatMap(({ c, inputs }, i) =>
      algorithmsFor(c).map((a) => [`prepareConv2d w=${fmt(c.w)} s=${fmt(c.s ?? 1)} p=${fmt(c.p ?? 0)} d=${fmt(c.d ?? 1)} g=${c.g ?? 1} algo=${a}`, c, inputs, a, 11000 + 20 * i] as const),
    );
    it.each(runs)(`%s [${isa}]`, async (name, c, inputs, algorithm, seed) => {
      const e = await engine();
      const { w, options } = conv2dInputs(c, 'int', seed);
      const layer = e.prepareConv2d(w, { ...options, algorithm });
      try {
        expect(layer.params.K).toBe(c.w[0]);
        expect(layer.params.C).toBe(c.w[1] * (c.g ?? 1));
        expect([layer.params.kH, layer.params.kW]).toEqual([c.w[2], c.w[3]]);
        expect(layer.params.groups).toBe(c.g ?? 1);
        for (const [j, shape] of inputs.entries()) {
          const x = tensor(shape, 'int', seed + 3 + j);
          const expected = ref.conv2d(x, w, options);
          expectBitExact(layer.run(x), expected, `${name} run x=${fmt(shape)}`);
          expectLastCall(e, 'conv2d', algorithm);
          const out = new Float32Array(expected.data.length).fill(NaN);
          const y = layer.run(x, { out });
          expect(y.data).toBe(out);
          expect(y.shape).toEqual(expected.shape);
          expectBitExact(out, expected, `${name} run x=${fmt(shape)} out`);
        }
        // the layer validates each input like the functional call
        const wrongChannels = tensor([1, c.w[1] * (c.g ?? 1) + 1, 5, 5], 'int', seed);
        expect(() => layer.run(wrongChannels)).toThrow(ShapeError);
      } finally {
        layer.dispose();
      }
      expect(() => layer.run(tensor(inputs[0]!, 'int', seed))).toThrow(SimdConvError);
      // the engine is still fine after the layer is gone
      const x = tensor(inputs[0]!, 'int', seed + 9);
      expectBitExact(e.conv2d(x, w, options), ref.conv2d(x, w, options), `${name} after dispose`);
    });

    it(`prepareConv2d checks options.inputShape against the weight [${isa}]`, async () => {
      const e = await engine();
      const w = tensor([4, 3, 3, 3], 'int', 1);
      const ok = e.prepareConv2d(w, { inputShape: [1, 3, 8, 8] });
      ok.dispose();
      let error: unknown;
      try {
        e.prepareConv2d(w, { inputShape: [1, 5, 8, 8] });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ShapeError);
      expect((error as SimdConvError).argument).toBe('options.inputShape');
    });
  });

  describe('out buffers', () => {
    it(`every op writes into options.out and returns it [${isa}]`, async () => {
      const e = await engine();
      const x = tensor([2, 4, 9, 7], 'int', 123);
      const w = tensor([6, 2, 3, 3], 'int', 124);
      const calls: [string, (out?: Float32Array) => Tensor, Tensor][] = [
        ['conv2d', (out) => e.conv2d(x, w, { groups: 2, padding: 1, ...(out && { out }) }), ref.conv2d(x, w, { groups: 2, padding: 1 })],
        ['conv1d', (out) => e.conv1d({ data: x.data, shape: [2, 4, 63] }, { data: w.data, shape: [6, 2, 9] }, { groups: 2, stride: 2, ...(out && { out }) }),
          ref.conv1d({ data: x.data, shape: [2, 4, 63] }, { data: w.data, shape: [6, 2, 9] }, { groups: 2, stride: 2 })],
        ['maxPool2d', (out) => e.maxPool2d(x, { kernelSize: 3, stride: 2, ...(out && { out }) }), ref.maxPool2d(x, { kernelSize: 3, stride: 2 })],
        ['avgPool2d', (out) => e.avgPool2d(x, { kernelSize: 2, padding: 1, ...(out && { out }) }), ref.avgPool2d(x, { kernelSize: 2, padding: 1 })],
        ['globalAvgPool2d', (out) => e.globalAvgPool2d(x, out && { out }), ref.globalAvgPool2d(x)],
        ['relu', (out) => e.relu(x, out && { out }), ref.relu(x)],
      ];
      for (const [op, call, expected] of calls) {
        const out = new Float32Array(expected.data.length).fill(NaN);
        const y = call(out);
        expect(y.data, op).toBe(out);
        expect(y.shape, op).toEqual(expected.shape);
        expectBitExact(out, expected, `${op} out`);
        // without out: a fresh array, not a view of wasm memory that a later call would overwrite
        const fresh = call();
        expect(fresh.data).not.toBe(out);
        const copy = fresh.data.slice();
        call();
        expectBitExact(fresh.data, copy, `${op} result survives the next call`);
        // a wrong-length out is rejected like the reference rejects it
        let engineError: unknown;
        let refError: unknown;
        try { call(new Float32Array(expected.data.length + 1)); } catch (err) { engineError = err; }
        try {
          if (op === 'conv2d') ref.conv2d(x, w, { groups: 2, padding: 1, out: new Float32Array(expected.data.length + 1) });
          else if (op === 'relu') ref.relu(x, { out: new Float32Array(expected.data.length + 1) });
          else if (op === 'globalAvgPool2d') ref.globalAvgPool2d(x, { out: new Float32Array(expected.data.length + 1) });
          else if (op === 'maxPool2d') ref.maxPool2d(x, { kernelSize: 3, stride: 2, out: new Float32Array(expected.data.length + 1) });
          else if (op === 'avgPool2d') ref.avgPool2d(x, { kernelSize: 2, padding: 1, out: new Float32Array(expected.data.length + 1) });
          else ref.conv1d({ data: x.data, shape: [2, 4, 63] }, { data: w.data, shape: [6, 2, 9] }, { groups: 2, stride: 2, out: new Float32Array(expected.data.length + 1) });
        } catch (err) { refError = err; }
        expect(engineError, op).toBeInstanceOf(ShapeError);
        expect((engineError as SimdConvError).argument).toBe('options.out');
        expect((engineError as Error).message).toBe((refError as Error).message);
      }
    });
  });
});
