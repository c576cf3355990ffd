import { describe, expect, it } from 'vitest';
import { ArgumentError, ShapeError, SimdConvError } from '../bindings/errors.js';
import { denseParamCount, outputSize, paramCount, receptiveField } from '../bindings/formulas.js';

describe('outputSize', () => {
  it('⌊(in + 2p − d·(k−1) − 1)/s⌋ + 1 on textbook cases', () => {
    expect(outputSize(5, 3)).toBe(3); // 5 − 3 + 1
    expect(outputSize(224, 3, { padding: 1 })).toBe(224); // 'same' at stride 1
    expect(outputSize(224, 7, { stride: 2, padding: 3 })).toBe(112); // ResNet stem: ⌊(224 + 6 − 7)/2⌋ + 1 = 112
    expect(outputSize(224, 2, { stride: 2 })).toBe(112); // 2×2/2 pooling halves: 224 → 112
    expect(outputSize(7, 3, { dilation: 2 })).toBe(3); // effective kernel 5: 7 − 5 + 1
    expect(outputSize(10, 3, { stride: 3 })).toBe(3); // ⌊7/3⌋ + 1
    expect(outputSize(4, 4, { padding: [1, 2] })).toBe(4); // 4 + 3 − 4 + 1
  });

  it('ceil mode rounds up but the last window must start inside input or left padding', () => {
    expect(outputSize(10, 3, { stride: 3, ceilMode: true })).toBe(4); // ⌈7/3⌉ + 1 = 4, start 9 < 10
    expect(outputSize(5, 2, { stride: 2, padding: 1, ceilMode: true })).toBe(3); // ⌈5/2⌉ + 1 = 4, start 6 ≥ 5 + 1 → 3
    expect(outputSize(12, 1, { stride: 3, ceilMode: true })).toBe(4); // ⌈11/3⌉ + 1 = 5, start 12 ≥ 12 → 4
    expect(outputSize(6, 3, { stride: 2, padding: 1, ceilMode: true })).toBe(4); // ⌈5/2⌉ + 1 = 4, start 6 < 7
    expect(outputSize(6, 3, { stride: 2, padding: 1 })).toBe(3);
  });

  it('rejects a kernel larger than the padded input and bad arguments', () => {
    expect(() => outputSize(2, 3)).toThrow(ShapeError);
    expect(() => outputSize(2, 3)).toThrow(/larger than the padded input/);
    expect(outputSize(2, 3, { padding: 1 })).toBe(2);
    for (const [args, argument] of [
      [[0, 3], 'inputSize'],
      [[5, 1.5], 'kernelSize'],
      [[5, 3, { stride: 0 }], 'options.stride'],
      [[5, 3, { dilation: NaN }], 'options.dilation'],
      [[5, 3, { padding: -1 }], 'options.padding'],
      [[5, 3, { padding: [1, 2, 3] }], 'options.padding'],
    ] as const) {
      let error: unknown;
      try {
        (outputSize as (...a: unknown[]) => number)(...args);
      } catch (e) {
        error = e;
      }
      expect(error, `${argument}`).toBeInstanceOf(ArgumentError);
      expect((error as SimdConvError).argument).toBe(argument);
    }
  });
});

describe('receptiveField', () => {
  it('stacked 3×3 stride-1 layers: 1 + 2L', () => {
    const steps = receptiveField(Array.from({ length: 5 }, () => ({ kernelSize: 3 })));
    expect(steps.map((s) => s.receptiveField)).toEqual([3, 5, 7, 9, 11]);
    expect(steps.map((s) => s.jump)).toEqual([1, 1, 1, 1, 1]);
  });

  it('RF_L = RF_{L−1} + (k_L − 1)·d_L·Π_{i<L} s_i', () => {
    // conv 7×7/2: 1 + 6·1 = 7, jump 2; pool 3×3/2: 7 + 2·2 = 11, jump 4; conv 3×3: 11 + 2·4 = 19, jump 4;
    // dilated 3×3 d2: 19 + 2·2·4 = 35, jump 4
    const steps = receptiveField([
      { kernelSize: 7, stride: 2 },
      { kernelSize: 3, stride: 2 },
      { kernelSize: 3 },
      { kernelSize: 3, dilation: 2 },
    ]);
    expect(steps).toEqual([
      { receptiveField: 7, jump: 2 },
      { receptiveField: 11, jump: 4 },
      { receptiveField: 19, jump: 4 },
      { receptiveField: 35, jump: 4 },
    ]);
    expect(receptiveField([])).toEqual([]);
  });

  it('validates each layer', () => {
    expect(() => receptiveField([{ kernelSize: 3 }, { kernelSize: 0 }])).toThrow(/layers\[1\]\.kernelSize/);
    expect(() => receptiveField([{ kernelSize: 3, stride: -1 }])).toThrow(ArgumentError);
  });
});

describe('parameter counts', () => {
  it('conv: 3→64 3×3 = 3·3·3·64 + 64 = 1,792; two 3×3 vs one 5×5 = 18·C² vs 25·C²', () => {
    expect(paramCount({ inChannels: 3, outChannels: 64, kernelSize: 3 })).toBe(1792);
    expect(paramCount({ inChannels: 3, outChannels: 64, kernelSize: 3, bias: false })).toBe(1728);
    const C = 32;
    const two3x3 = 2 * paramCount({ inChannels: C, outChannels: C, kernelSize: 3, bias: false });
    expect(two3x3).toBe(18 * C * C);
    expect(paramCount({ inChannels: C, outChannels: C, kernelSize: 5, bias: false })).toBe(25 * C * C);
    // LeNet-5 C1: 1→6 5×5 = 150 + 6; depthwise 3×3 on 32 channels: 32·1·9 + 32 = 320
    expect(paramCount({ inChannels: 1, outChannels: 6, kernelSize: [5, 5] })).toBe(156);
    expect(paramCount({ inChannels: 32, outChannels: 32, kernelSize: 3, groups: 32 })).toBe(320);
    expect(paramCount({ inChannels: 4, outChannels: 6, kernelSize: [3, 1], groups: 2 })).toBe(6 * 2 * 3 + 6);
  });

  it('dense: 224·224·3 → 1000 = 150,529,000; 32·32·3 → 512 weights = 1,572,864', () => {
    expect(denseParamCount(224 * 224 * 3, 1000)).toBe(150_529_000);
    expect(denseParamCount(32 * 32 * 3, 512, false)).toBe(1_572_864);
  });

  it('rejects groups that do not divide both channel counts', () => {
    expect(() => paramCount({ inChannels: 3, outChannels: 64, kernelSize: 3, groups: 2 })).toThrow(ArgumentError);
    expect(() => paramCount({ inChannels: 3, outChannels: 64, kernelSize: [3, 0] })).toThrow(/options\.kernelSize/);
    expect(() => denseParamCount(0, 10)).toThrow(ArgumentError);
  });
});
