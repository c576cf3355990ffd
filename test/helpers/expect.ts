/**
 * Comparisons for the two tiers of DESIGN.md "Exactness":
 *  - expectBitExact: identical float32 bits, except +0 == −0 and NaN == NaN;
 *  - expectWithinDotBound: |y − y_ref| ≤ 2·γ(n)·Σ|x·w| per element, γ(n) = n·u/(1 − n·u),
 *    u = 2^-24 (Higham, Accuracy and Stability of Numerical Algorithms, §3.1).
 * Failures name the first bad element with its coordinates in the output shape.
 */
import { assert, expect } from 'vitest';
import { conv1d as refConv1d, conv2d as refConv2d } from '../../bindings/reference/index.js';
import type { Conv1dOptions, Conv2dOptions, Tensor } from '../../bindings/types.js';
import { absTensor } from './random.js';

/** unit roundoff of float32 */
export const U = 2 ** -24;

export function gamma(n: number): number {
  if (n * U >= 1) throw new Error(`gamma(${n}) undefined: n·u ≥ 1`);
  return (n * U) / (1 - n * U);
}

type Values = Tensor | Float32Array;

function arrayOf(v: Values): Float32Array {
  return v instanceof Float32Array ? v : v.data;
}

function shapeOf(...vs: (Values | number[] | undefined)[]): number[] | undefined {
  for (const v of vs) {
    if (Array.isArray(v)) return v;
    if (v !== undefined && !(v instanceof Float32Array)) return v.shape;
  }
  return undefined;
}

/** Row-major coordinates of a flat index, e.g. "[n=0, c=2, h=3, w=1]" for a 4-D shape. */
export function coordinates(index: number, shape: number[] | undefined): string {
  if (shape === undefined) return `[${index}]`;
  const names = shape.length === 4 ? ['n', 'c', 'h', 'w'] : shape.length === 3 ? ['n', 'c', 'l'] : shape.map((_, i) => `d${i}`);
  const parts: string[] = [];
  let rest = index;
  for (let i = shape.length - 1; i >= 0; i--) {
    parts.unshift(`${names[i]}=${rest % shape[i]!}`);
    rest = Math.floor(rest / shape[i]!);
  }
  return `[${parts.join(', ')}]`;
}

const view = new DataView(new ArrayBuffer(4));
function bits(x: number): string {
  view.setFloat32(0, x, true);
  return `0x${view.getUint32(0, true).toString(16).padStart(8, '0')}`;
}

function show(x: number): string {
  return `${Object.is(x, -0) ? '-0' : String(x)} (${bits(x)})`;
}

/** Equal bits up to NaN payloads: −0 and +0 differ, any NaN matches any NaN. */
function sameValue(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

export function expectBitExact(actual: Values, expected: Values, label: string, shape?: number[]): void {
  const a = arrayOf(actual);
  const e = arrayOf(expected);
  const dims = shapeOf(shape, expected, actual);
  if (!(actual instanceof Float32Array) && !(expected instanceof Float32Array)) {
    expect(actual.shape, `${label}: shape`).toEqual(expected.shape);
  }
  expect(a.length, `${label}: length`).toBe(e.length);
  let first = -1;
  let count = 0;
  for (let i = 0; i < e.length; i++) {
    if (!sameValue(a[i]!, e[i]!)) {
      if (first < 0) first = i;
      count++;
    }
  }
  if (first >= 0) {
    assert.fail(
      `${label}: ${count} of ${e.length} elements differ; first at index ${first} ${coordinates(first, dims)}: ` +
        `got ${show(a[first]!)}, expected ${show(e[first]!)}`,
    );
  }
}

/**
 * |actual − ref| ≤ bound[i] per element; non-finite references must be matched exactly
 * (NaN == NaN, ±Infinity equal).
 */
export function expectWithinBounds(actual: Values, ref: Values, bound: ArrayLike<number>, label: string, shape?: number[]): void {
  const a = arrayOf(actual);
  const r = arrayOf(ref);
  const dims = shapeOf(shape, ref, actual);
  if (!(actual instanceof Float32Array) && !(ref instanceof Float32Array)) {
    expect(actual.shape, `${label}: shape`).toEqual(ref.shape);
  }
  expect(a.length, `${label}: length`).toBe(r.length);
  let first = -1;
  let count = 0;
  for (let i = 0; i < r.length; i++) {
    const ok = Number.isFinite(r[i]!) || Number.isFinite(a[i]!) ? Math.abs(a[i]! - r[i]!) <= bound[i]! : sameValue(a[i]!, r[i]!);
    if (!ok) {
      if (first < 0) first = i;
      count++;
    }
  }
  if (first >= 0) {
    assert.fail(
      `${label}: ${count} of ${r.length} elements outside the error bound; first at index ${first} ${coordinates(first, dims)}: ` +
        `got ${a[first]}, reference ${r[first]}, |diff| ${Math.abs(a[first]! - r[first]!)} > bound ${bound[first]}`,
    );
  }
}

/**
 * The dot-product bound |y − y_ref| ≤ 2·γ(n)·Σ|x·w| for outputs that each sum n products.
 * `absTerms` is Σ|x·w| per output (include |bias| and count it in n when there is one). It is
 * itself computed in float32, low by at most a factor (1 − γ(n)), so it is divided by that.
 */
export function expectWithinDotBound(actual: Values, ref: Values, absTerms: Values, n: number, label: string, shape?: number[]): void {
  const g = gamma(n);
  const terms = arrayOf(absTerms);
  const bound = new Float64Array(terms.length);
  for (let i = 0; i < terms.length; i++) bound[i] = (2 * g * terms[i]!) / (1 - g);
  expectWithinBounds(actual, ref, bound, `${label} (dot bound, n=${n})`, shape);
}

/** Σ|x·w| (+ |b|) per output of a conv2d: the reference run on absolute values, no activation. */
export function conv2dAbsTerms(input: Tensor, weight: Tensor, options: Conv2dOptions = {}): { terms: Tensor; n: number } {
  const { out: _out, activation: _act, algorithm: _alg, ...geometry } = options;
  const bias = options.bias ? options.bias.map(Math.abs) : null;
  const terms = refConv2d(absTensor(input), absTensor(weight), { ...geometry, bias });
  const [, cPerGroup, kH, kW] = weight.shape as [number, number, number, number];
  return { terms, n: cPerGroup * kH * kW + (bias ? 1 : 0) };
}

export function conv1dAbsTerms(input: Tensor, weight: Tensor, options: Conv1dOptions = {}): { terms: Tensor; n: number } {
  const { out: _out, activation: _act, algorithm: _alg, ...geometry } = options;
  const bias = options.bias ? options.bias.map(Math.abs) : null;
  const terms = refConv1d(absTensor(input), absTensor(weight), { ...geometry, bias });
  const [, cPerGroup, k] = weight.shape as [number, number, number];
  return { terms, n: cPerGroup * k + (bias ? 1 : 0) };
}

/** The error `fn` throws, or undefined. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}
