/**
 * The reference on examples computed by hand (not by the code under test). Every expected
 * number below is worked out in the comment next to it.
 */
import { describe, expect, it } from 'vitest';
import { resolveConv1d, resolveConv2d } from '../bindings/params.js';
import { avgPool2d, conv1d, conv2d, globalAvgPool2d, im2col, maxPool2d, relu } from '../bindings/reference/index.js';
import type { Tensor } from '../bindings/types.js';
import { expectBitExact } from './helpers/expect.js';

function t(shape: number[], values: number[]): Tensor {
  return { data: Float32Array.from(values), shape };
}

const ramp = (n: number, from = 1) => Array.from({ length: n }, (_, i) => from + i);

describe('reference conv2d — TEACHING.md 5×5 with Sobel-x', () => {
  const X = t([1, 1, 5, 5], [
    1, 2, 0, 1, 2,
    0, 1, 2, 1, 0,
    2, 0, 1, 2, 1,
    1, 2, 0, 1, 2,
    0, 2, 1, 0, 1,
  ]);
  const sobelX = t([1, 1, 3, 3], [-1, 0, 1, -2, 0, 2, -1, 0, 1]);

  it('gives the hand-computed 3×3 map', () => {
    // Sobel-x weighs each row's difference d(r, j) = X[r][j+2] − X[r][j] by 1, 2, 1:
    //   out(i, j) = d(i, j) + 2·d(i+1, j) + d(i+2, j)
    // d(r, 0..2):  r0 [1,2,0,1,2] → −1, −1,  2     r1 [0,1,2,1,0] →  2,  0, −2
    //              r2 [2,0,1,2,1] → −1,  2,  0     r3 [1,2,0,1,2] → −1, −1,  2
    //              r4 [0,2,1,0,1] →  1, −2,  0
    // row 0: −1+4−1 = 2    −1+0+2 = 1     2−4+0 = −2
    // row 1:  2−2−1 = −1    0+4−1 = 3    −2+0+2 = 0
    // row 2: −1−2+1 = −2    2−2−2 = −2    0+4+0 = 4
    // (TEACHING.md prints the first row as [2, −1, −2]; its middle value is wrong:
    //  patch rows [2 0 1 | 1 2 1 | 0 1 2] give (−2+1) + (−2+2) + (0+2) = 1.)
    const y = conv2d(X, sobelX);
    expect(y.shape).toEqual([1, 1, 3, 3]);
    expectBitExact(y.data, Float32Array.from([2, 1, -2, -1, 3, 0, -2, -2, 4]), 'sobel-x', y.shape);
    // TEACHING.md's own worked position (0,0): −1·1 + 0·2 + 1·0 − 2·0 + 0·1 + 2·2 − 1·2 + 0·0 + 1·1 = 2
    expect(y.data[0]).toBe(2);
  });
});

describe('reference conv1d', () => {
  it('ramp [1,2,3,4,5] ⋆ [1,0,−1] = [−2,−2,−2] (length 5 − 3 + 1 = 3)', () => {
    // [1−3, 2−4, 3−5]
    const y = conv1d(t([1, 1, 5], [1, 2, 3, 4, 5]), t([1, 1, 3], [1, 0, -1]));
    expect(y.shape).toEqual([1, 1, 3]);
    expectBitExact(y.data, Float32Array.from([-2, -2, -2]), 'ramp');
  });

  it("'same' with an even kernel puts the extra zero at the end (right)", () => {
    // k = 2: total padding d·(k−1) = 1 → left ⌊1/2⌋ = 0, right 1. out[i] = x[i] + 10·x[i+1]:
    // [1+20, 2+30, 3+40, 4+0] = [21, 32, 43, 4]  (extra zero on the left would give [10, 21, 32, 43])
    const y = conv1d(t([1, 1, 4], [1, 2, 3, 4]), t([1, 1, 2], [1, 10]), { padding: 'same' });
    expectBitExact(y.data, Float32Array.from([21, 32, 43, 4]), 'same even');
    // k = 4, d = 1: total 3 → left 1, right 2; k = 2, d = 3: total 3 → left 1, right 2
    const p4 = resolveConv1d(t([1, 1, 6], ramp(6)), t([1, 1, 4], [1, 1, 1, 1]), { padding: 'same' });
    expect([p4.padLeft, p4.padRight, p4.outW]).toEqual([1, 2, 6]);
    const pd = resolveConv1d(t([1, 1, 6], ramp(6)), t([1, 1, 2], [1, 1]), { padding: 'same', dilation: 3 });
    expect([pd.padLeft, pd.padRight, pd.outW]).toEqual([1, 2, 6]);
  });

  it('rounds to float32 after every add, in the order c, kx (bias first)', () => {
    // 2^24 + 1 is not a float32: fround(2^24 + 1) = 2^24 (tie to even).
    // [2^24, 1, 1]·[1,1,1]: 2^24 → 2^24 + 1 → 2^24, then again 2^24 (exact sum would be 2^24 + 2)
    const big = 2 ** 24;
    const ones = t([1, 1, 3], [1, 1, 1]);
    expect(conv1d(t([1, 1, 3], [big, 1, 1]), ones).data[0]).toBe(big);
    // [1, 1, 2^24]: 1 + 1 = 2, 2 + 2^24 = 2^24 + 2 (a float32) — order matters
    expect(conv1d(t([1, 1, 3], [1, 1, big]), ones).data[0]).toBe(big + 2);
    // bias 2^24 is the starting value: 2^24 + 1 → 2^24, + 1 → 2^24 (bias last would give 2^24 + 2)
    expect(conv1d(t([1, 1, 2], [1, 1]), t([1, 1, 2], [1, 1]), { bias: Float32Array.of(big) }).data[0]).toBe(big);
    // channels outermost: x = [[1, 1], [2^24, 0]] with w = [[1, 1], [1, 1]] (k = 2, one output):
    // c0: 0 + 1 + 1 = 2; c1: 2 + 2^24 = 2^24 + 2, + 0 → 2^24 + 2.
    // (taps outermost would give kx0: 1 + 2^24 → 2^24; kx1: 2^24 + 1 → 2^24, + 0 → 2^24)
    expect(conv1d(t([1, 2, 2], [1, 1, big, 0]), t([1, 2, 2], [1, 1, 1, 1])).data[0]).toBe(big + 2);
  });
});

describe('reference conv2d — hand examples', () => {
  it('stride 2: 2×2 box over 1..16 sums the four blocks', () => {
    // 1  2  3  4
    // 5  6  7  8      blocks: 1+2+5+6 = 14, 3+4+7+8 = 22
    // 9 10 11 12              9+10+13+14 = 46, 11+12+15+16 = 54
    // 13 14 15 16
    const y = conv2d(t([1, 1, 4, 4], ramp(16)), t([1, 1, 2, 2], [1, 1, 1, 1]), { stride: 2 });
    expect(y.shape).toEqual([1, 1, 2, 2]);
    expectBitExact(y.data, Float32Array.from([14, 22, 46, 54]), 'stride 2');
  });

  it('stride [2, 1] and a bias', () => {
    // x 3×3 = 1..9, w 1×2 = [1, −1] (x[j] − x[j+1] = −1 everywhere), stride rows 2: rows 0 and 2;
    // bias 0.5 → −0.5 at each of the 2×2 outputs
    const y = conv2d(t([1, 1, 3, 3], ramp(9)), t([1, 1, 1, 2], [1, -1]), { stride: [2, 1], bias: Float32Array.of(0.5) });
    expect(y.shape).toEqual([1, 1, 2, 2]);
    expectBitExact(y.data, Float32Array.from([-0.5, -0.5, -0.5, -0.5]), 'stride [2,1]');
  });

  it('dilation 2: taps two apart', () => {
    // x[i][j] = 5i + j on 5×5; w = [[1, 2], [3, 4]] at taps (0,0), (0,2), (2,0), (2,2);
    // out(i, j) = x[i][j] + 2·x[i][j+2] + 3·x[i+2][j] + 4·x[i+2][j+2] = 10·(5i + j) + 4 + 30 + 48
    //           = 50i + 10j + 82;  output 5 − 2·(2−1) − 1 + 1 = 3 per side
    const y = conv2d(t([1, 1, 5, 5], ramp(25, 0)), t([1, 1, 2, 2], [1, 2, 3, 4]), { dilation: 2 });
    expect(y.shape).toEqual([1, 1, 3, 3]);
    expectBitExact(y.data, Float32Array.from([82, 92, 102, 132, 142, 152, 182, 192, 202]), 'dilation 2');
  });

  it('groups 2: each output channel sees only its group', () => {
    // x channels [1, 2, 3, 4] (1×1 images), w [2, 2, 1, 1]: out0 = 1·1 + 10·2 = 21 (+0.5),
    // out1 = 100·3 + 1000·4 = 4300 (−1)
    const y = conv2d(t([1, 4, 1, 1], [1, 2, 3, 4]), t([2, 2, 1, 1], [1, 10, 100, 1000]), {
      groups: 2,
      bias: Float32Array.of(0.5, -1),
    });
    expect(y.shape).toEqual([1, 2, 1, 1]);
    expectBitExact(y.data, Float32Array.from([21.5, 4299]), 'groups 2');
  });

  it('depthwise with channel multiplier 2 (groups = C = 2, K = 4)', () => {
    // channel 0 = [1, 2], channel 1 = [3, 4] (1×2 images), kernels 1×1: outputs 0,1 read channel 0
    // (×1, ×−1), outputs 2,3 read channel 1 (×2, ×10)
    const y = conv2d(t([1, 2, 1, 2], [1, 2, 3, 4]), t([4, 1, 1, 1], [1, -1, 2, 10]), { groups: 2 });
    expectBitExact(y.data, Float32Array.from([1, 2, -1, -2, 6, 8, 30, 40]), 'depthwise ×2');
  });

  it("'same' with an even 2×2 kernel pads only bottom and right", () => {
    // x = [[1, 2], [3, 4]], w = [[1, 10], [100, 1000]]; total padding 1 per axis → (0 before, 1 after)
    // (0,0): 1 + 20 + 300 + 4000 = 4321   (0,1): 2 + 400 = 402
    // (1,0): 3 + 40 = 43                  (1,1): 4
    const y = conv2d(t([1, 1, 2, 2], [1, 2, 3, 4]), t([1, 1, 2, 2], [1, 10, 100, 1000]), { padding: 'same' });
    expect(y.shape).toEqual([1, 1, 2, 2]);
    expectBitExact(y.data, Float32Array.from([4321, 402, 43, 4]), 'same 2×2');
    // 4×4 kernel: total 3 → top/left 1, bottom/right 2
    const p = resolveConv2d(t([1, 1, 5, 5], ramp(25)), t([1, 1, 4, 4], new Array(16).fill(1)), { padding: 'same' });
    expect([p.padTop, p.padLeft, p.padBottom, p.padRight, p.outH, p.outW]).toEqual([1, 1, 2, 2, 5, 5]);
  });

  it('[top, left, bottom, right] padding', () => {
    // x 1×1 = [5], w 1×1 = [2]: padding [1, 0, 0, 2] → output 2×3 with the value at (1, 0)
    const y = conv2d(t([1, 1, 1, 1], [5]), t([1, 1, 1, 1], [2]), { padding: [1, 0, 0, 2] });
    expect(y.shape).toEqual([1, 1, 2, 3]);
    expectBitExact(y.data, Float32Array.from([0, 0, 0, 10, 0, 0]), 'pad4');
  });

  it('activation clamps after the sum; NaN stays NaN', () => {
    // 1×1 kernel [1] on [−2, 3, 9, NaN]
    const x = t([1, 1, 1, 4], [-2, 3, 9, NaN]);
    const w = t([1, 1, 1, 1], [1]);
    expectBitExact(conv2d(x, w, { activation: 'relu' }).data, Float32Array.from([0, 3, 9, NaN]), 'relu');
    expectBitExact(conv2d(x, w, { activation: 'relu6' }).data, Float32Array.from([0, 3, 6, NaN]), 'relu6');
    expectBitExact(conv2d(x, w, { activation: { min: -1, max: 2 } }).data, Float32Array.from([-1, 2, 2, NaN]), 'clamp');
  });

  it('writes into options.out and returns it', () => {
    const out = new Float32Array(4).fill(99);
    const y = conv2d(t([1, 1, 4, 4], ramp(16)), t([1, 1, 2, 2], [1, 1, 1, 1]), { stride: 2, out });
    expect(y.data).toBe(out);
    expectBitExact(out, Float32Array.from([14, 22, 46, 54]), 'out');
  });
});

describe('reference pooling', () => {
  it('max pool: a NaN anywhere in the window gives NaN', () => {
    // windows 2×2: {1, NaN, 5, 6} → NaN; {3, 4, 7, 8} → 8
    const a = maxPool2d(t([1, 1, 2, 4], [1, NaN, 3, 4, 5, 6, 7, 8]), { kernelSize: 2 });
    expectBitExact(a.data, Float32Array.from([NaN, 8]), 'NaN first');
    // NaN as the last tap: {1, 2, 5, 6} → 6; {3, 4, 7, NaN} → NaN
    const b = maxPool2d(t([1, 1, 2, 4], [1, 2, 3, 4, 5, 6, 7, NaN]), { kernelSize: 2 });
    expectBitExact(b.data, Float32Array.from([6, NaN]), 'NaN last');
  });

  it('max pool: padding never wins, −Infinity is a value', () => {
    // all-negative 2×2 input, k 2, s 1, p 1 → 3×3 windows, each max over its in-bounds elements
    // x = [[−5, −3], [−4, −Inf]]
    // (0,0) {−5} (0,1) {−5,−3} (0,2) {−3}; (1,0) {−5,−4} (1,1) all → −3 (1,2) {−3,−Inf} → −3;
    // (2,0) {−4} (2,1) {−4,−Inf} → −4 (2,2) {−Inf}
    const y = maxPool2d(t([1, 1, 2, 2], [-5, -3, -4, -Infinity]), { kernelSize: 2, stride: 1, padding: 1 });
    expectBitExact(y.data, Float32Array.from([-5, -3, -3, -4, -3, -3, -4, -4, -Infinity]), 'max pad');
  });

  it('max pool with dilation and ceil mode', () => {
    // row 1..7, kernel [1, 2], dilation [1, 3], stride [1, 2], ceil:
    // span = 7 − 3·1 − 1 = 3 → ⌈3/2⌉ + 1 = 3 windows; last starts at 4 < 7 (kept).
    // taps (w0, w0+3): (1,4) → 4, (3,6) → 6, (5, 8→out) → 5
    const y = maxPool2d(t([1, 1, 1, 7], ramp(7)), { kernelSize: [1, 2], stride: [1, 2], dilation: [1, 3], ceilMode: true });
    expect(y.shape).toEqual([1, 1, 1, 3]);
    expectBitExact(y.data, Float32Array.from([4, 6, 5]), 'max dilation ceil');
  });

  it('avg pool 2×2/2 pad 1 on 1..9: countIncludePad true and false', () => {
    // windows start at −1 and 1 per axis:
    // (0,0) {1}: 1/4 = 0.25 | 1/1 = 1          (0,1) {2,3}: 5/4 = 1.25 | 5/2 = 2.5
    // (1,0) {4,7}: 11/4 = 2.75 | 11/2 = 5.5     (1,1) {5,6,8,9}: 28/4 = 7 | 28/4 = 7
    const x = t([1, 1, 3, 3], ramp(9));
    const incl = avgPool2d(x, { kernelSize: 2, stride: 2, padding: 1 });
    expect(incl.shape).toEqual([1, 1, 2, 2]);
    expectBitExact(incl.data, Float32Array.from([0.25, 1.25, 2.75, 7]), 'count_include_pad=true');
    const excl = avgPool2d(x, { kernelSize: 2, stride: 2, padding: 1, countIncludePad: false });
    expectBitExact(excl.data, Float32Array.from([1, 2.5, 5.5, 7]), 'count_include_pad=false');
  });

  it('avg pool ceil mode: the overhanging window divides by its size clipped to the padded input', () => {
    // row [1..6], kernel [1, 3], stride [1, 2], padding [0, 1], ceil:
    // W: span 6 + 2 − 3 = 5 → ⌈5/2⌉ + 1 = 4 windows (floor mode: 3); last starts at 5 < 6 + 1 (kept)
    // w0 = −1: [−1, 2) {1,2} sum 3, padded size 3, in-bounds 2
    // w0 =  1: [1, 4)  {2,3,4} sum 9, 3, 3
    // w0 =  3: [3, 6)  {4,5,6} sum 15, 3, 3
    // w0 =  5: [5, 8) clipped to the padded input [5, 7): {6} sum 6, padded size 2 (not 3), in-bounds 1
    const x = t([1, 1, 1, 6], ramp(6));
    const o = { kernelSize: [1, 3] as [number, number], stride: [1, 2] as [number, number], padding: [0, 1] as [number, number], ceilMode: true };
    const incl = avgPool2d(x, o);
    expect(incl.shape).toEqual([1, 1, 1, 4]);
    expectBitExact(incl.data, Float32Array.from([1, 3, 5, 3]), 'ceil count_include_pad=true');
    const excl = avgPool2d(x, { ...o, countIncludePad: false });
    expectBitExact(excl.data, Float32Array.from([1.5, 3, 5, 6]), 'ceil count_include_pad=false');
    // without ceil mode the fourth window does not exist
    expect(avgPool2d(x, { ...o, ceilMode: false }).shape).toEqual([1, 1, 1, 3]);
  });

  it('ceil mode drops a window that would start in the right padding', () => {
    // in 5, k 2, s 2, pad 1: ⌈(5 + 2 − 2)/2⌉ + 1 = 4, but (4−1)·2 = 6 ≥ 5 + 1 → 3 windows
    // w0 = −1 {1}: 1/2 = 0.5; w0 = 1 {2,3}: 2.5; w0 = 3 {4,5}: 4.5
    const y = avgPool2d(t([1, 1, 1, 5], ramp(5)), { kernelSize: [1, 2], stride: [1, 2], padding: [0, 1], ceilMode: true });
    expect(y.shape).toEqual([1, 1, 1, 3]);
    expectBitExact(y.data, Float32Array.from([0.5, 2.5, 4.5]), 'ceil drop');
  });

  it('global average pool: one mean per channel', () => {
    // channel 0: 1..6 → 21/6 = 3.5; channel 1: −1, −2, −3, 0, 0, 12 → 6/6 = 1
    const y = globalAvgPool2d(t([1, 2, 2, 3], [1, 2, 3, 4, 5, 6, -1, -2, -3, 0, 0, 12]));
    expect(y.shape).toEqual([1, 2, 1, 1]);
    expectBitExact(y.data, Float32Array.from([3.5, 1]), 'global');
  });
});

describe('reference relu and im2col', () => {
  it('relu: max(0, x), NaN stays NaN, any shape, in place allowed', () => {
    const x = t([2, 3], [-1, 0, 2.5, NaN, -Infinity, Infinity]);
    expectBitExact(relu(x).data, Float32Array.from([0, 0, 2.5, NaN, 0, Infinity]), 'relu');
    const y = relu(x, { out: x.data });
    expect(y.data).toBe(x.data);
    expectBitExact(x.data, Float32Array.from([0, 0, 2.5, NaN, 0, Infinity]), 'relu in place');
  });

  it('im2col on 3×3: rows c·kH·kW + ky·kW + kx, columns oh·outW + ow', () => {
    // channel 0 = 1..9, channel 1 = 10·(1..9); kernel 2×2, stride 1 → 2×2 positions (0,0) (0,1) (1,0) (1,1)
    //   (ky,kx) = (0,0): x[oh][ow]     → 1 2 4 5
    //             (0,1): x[oh][ow+1]   → 2 3 5 6
    //             (1,0): x[oh+1][ow]   → 4 5 7 8
    //             (1,1): x[oh+1][ow+1] → 5 6 8 9      rows 4..7: the same ×10 for channel 1
    const x = t([1, 2, 3, 3], [...ramp(9), ...ramp(9).map((v) => 10 * v)]);
    const y = im2col(x, { kernelSize: 2 });
    expect(y.shape).toEqual([1, 8, 4]);
    const c0 = [1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9];
    expectBitExact(y.data, Float32Array.from([...c0, ...c0.map((v) => 10 * v)]), 'im2col 2×2');
  });

  it('im2col with padding and stride: padding taps are 0', () => {
    // 1..9, kernel 3, stride 2, padding 1 → outH = outW = ⌊(3 + 2 − 3)/2⌋ + 1 = 2; positions read
    // (ih, iw) = (2·oh − 1 + ky, 2·ow − 1 + kx).  Row (0,0): (−1,−1) (−1,1) (1,−1) (1,1) → 0 0 0 5
    // row (1,1): (0,0) (0,2) (2,0) (2,2) → 1 3 7 9;  row (2,2): (1,1) (1,3) (3,1) (3,3) → 5 0 0 0
    const y = im2col(t([1, 1, 3, 3], ramp(9)), { kernelSize: 3, stride: 2, padding: 1 });
    expect(y.shape).toEqual([1, 9, 4]);
    expectBitExact(y.data.subarray(0, 4), Float32Array.from([0, 0, 0, 5]), 'row (0,0)');
    expectBitExact(y.data.subarray(16, 20), Float32Array.from([1, 3, 7, 9]), 'row (1,1)');
    expectBitExact(y.data.subarray(32, 36), Float32Array.from([5, 0, 0, 0]), 'row (2,2)');
  });
});
