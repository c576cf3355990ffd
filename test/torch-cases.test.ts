/**
 * ../shared/torch-cases.json (PyTorch 1.13 torch.nn.functional, float32 CPU) through the
 * reference and through every engine build × algorithm.
 *
 * Criteria (DESIGN.md "Exactness"):
 *  - conv, `exact` cases (integer data): bit for bit.
 *  - conv, random cases: |y − y_torch| ≤ 2·γ(n)·Σ|x·w| per output, n = C/groups·kH·kW (+1 bias).
 *  - max pool: bit for bit always (a max involves no rounding).
 *  - avg pool: PyTorch and we both compute fl(Σ window)/divisor, each within
 *    γ(m−1)·Σ|x|/div·(1+u) + u·|Σx|/div ≤ γ(m)·Σ|x|/div of the exact mean (m = kH·kW terms at
 *    most; one more rounding if either side multiplies by a rounded reciprocal), so the two agree
 *    within 2·γ(m+1)·Σ|x|/div. Σ|x|/div is the reference avg pool of |x|.
 *  - global avg pool: PyTorch takes x.mean((−1,−2)) with its own reduction order: the same bound
 *    with m = H·W.
 * Engine avg pool is additionally compared bit for bit with the reference (it sums each window
 * in the reference's order and divides once).
 */
import { describe, expect, it } from 'vitest';
import * as ref from '../bindings/reference/index.js';
import type { ConvAlgorithm, Engine, Tensor } from '../bindings/types.js';
import { forEachEngine } from './helpers/engines.js';
import { conv1dAbsTerms, conv2dAbsTerms, expectBitExact, expectWithinBounds, expectWithinDotBound, gamma } from './helpers/expect.js';
import { algorithmsFor } from './helpers/geometry.js';
import { absTensor } from './helpers/random.js';
import { loadTorchCases, type TorchCase } from './helpers/torch-cases.js';

const cases = loadTorchCases();

/** The op's result for a case, computed by `impl` (the reference or an engine). */
/** The ops as plain functions returning a Tensor (the engine's and the reference's alike). */
type Impl = { [K in 'conv2d' | 'conv1d' | 'maxPool2d' | 'avgPool2d' | 'globalAvgPool2d']: (...args: Parameters<Engine[K]>) => Tensor };

function run(impl: Impl, c: TorchCase, algorithm?: ConvAlgorithm): Tensor {
  switch (c.op) {
    case 'conv2d':
      return impl.conv2d(c.input, c.weight, algorithm ? { ...c.options, algorithm } : c.options);
    case 'conv1d':
      return impl.conv1d(c.input, c.weight, algorithm ? { ...c.options, algorithm } : c.options);
    case 'maxPool2d':
      return impl.maxPool2d(c.input, c.options);
    case 'avgPool2d':
      return impl.avgPool2d(c.input, c.options);
    case 'globalAvgPool2d':
      return impl.globalAvgPool2d(c.input);
  }
}

/** Checks `actual` against PyTorch's output with the criterion for this case. */
function checkAgainstTorch(c: TorchCase, actual: Tensor, label: string): void {
  expect(actual.shape, `${label}: shape`).toEqual(c.output.shape);
  switch (c.op) {
    case 'conv2d':
    case 'conv1d': {
      if (c.exact) return expectBitExact(actual, c.output, label);
      const { terms, n } = c.op === 'conv2d' ? conv2dAbsTerms(c.input, c.weight, c.options) : conv1dAbsTerms(c.input, c.weight, c.options);
      return expectWithinDotBound(actual, c.output, terms, n, label);
    }
    case 'maxPool2d':
      return expectBitExact(actual, c.output, label);
    case 'avgPool2d':
    case 'globalAvgPool2d': {
      const mean = c.op === 'avgPool2d' ? ref.avgPool2d(absTensor(c.input), c.options) : ref.globalAvgPool2d(absTensor(c.input));
      const [, , H, W] = c.input.shape as [number, number, number, number];
      const kernel = c.op === 'avgPool2d' ? pairOf(c.options.kernelSize) : [H, W];
      const m = kernel[0]! * kernel[1]!;
      const g = gamma(m + 1);
      // mean of |x| is itself rounded (relative error ≤ γ(m)); divide by (1 − γ(m)) to stay an upper bound
      const bound = mean.data.map((v) => (2 * g * v) / (1 - gamma(m)));
      return expectWithinBounds(actual, c.output, bound, `${label} (avg bound, m=${m})`);
    }
  }
}

function pairOf(v: number | [number, number]): [number, number] {
  return typeof v === 'number' ? [v, v] : v;
}

function algorithmsOf(c: TorchCase): (ConvAlgorithm | undefined)[] {
  if (c.op !== 'conv2d' && c.op !== 'conv1d') return [undefined];
  const w = c.op === 'conv1d' ? [c.weight.shape[0]!, c.weight.shape[1]!, 1, c.weight.shape[2]!] : c.weight.shape;
  const s = c.op === 'conv1d' ? ([1, c.options.stride ?? 1] as [number, number]) : c.options.stride;
  const p = c.op === 'conv1d' && typeof c.options.padding === 'number' ? [0, c.options.padding] : c.options.padding;
  const d = c.op === 'conv1d' ? ([1, c.options.dilation ?? 1] as [number, number]) : c.options.dilation;
  return algorithmsFor({ x: c.input.shape, w, s, p, d, g: c.options.groups });
}

describe('torch-cases.json', () => {
  it('has the 150 cases of every op', () => {
    expect(cases.length).toBe(150);
    const ops = new Set(cases.map((c) => c.op));
    expect([...ops].sort()).toEqual(['avgPool2d', 'conv1d', 'conv2d', 'globalAvgPool2d', 'maxPool2d']);
  });
});

describe('torch-cases through the reference', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    checkAgainstTorch(c, run(ref, c), `reference ${c.name}`);
  });
});

forEachEngine((isa, engine) => {
  const runs = cases.flatMap((c) => algorithmsOf(c).map((a) => [`${c.name}${a ? ` algo=${a}` : ''}`, c, a] as const));
  it.each(runs)(`%s [${isa}]`, async (_name, c, algorithm) => {
    const e = await engine();
    const y = run(e, c, algorithm);
    checkAgainstTorch(c, y, `${isa} ${c.name} ${algorithm ?? ''}`);
    if (c.op === 'avgPool2d') expectBitExact(y, ref.avgPool2d(c.input, c.options), `${isa} ${c.name} vs reference`);
    if (c.op === 'maxPool2d') expectBitExact(y, ref.maxPool2d(c.input, c.options), `${isa} ${c.name} vs reference`);
  });
});
