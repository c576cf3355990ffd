/**
 * Deterministic data for tests. mulberry32 is tiny, fast and has a full 2^32 period — plenty for
 * test tensors. Same seed, same data, on every machine.
 */
import type { Tensor } from '../../bindings/types.js';

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Integers uniform in [lo, hi]: the bit-exact tier (every partial sum is exactly representable). */
export function intData(length: number, seed: number, lo = -8, hi = 8): Float32Array {
  const rnd = mulberry32(seed);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = lo + Math.floor(rnd() * (hi - lo + 1));
  return out;
}

/**
 * −0, +0, −1 and −2 in equal shares (and a 1 in 16): windows whose maximum is a zero held with
 * both signs, for the max-pool tie order.
 */
export function signedZeroData(length: number, seed: number): Float32Array {
  const rnd = mulberry32(seed);
  const values = [-0, 0, -1, -2];
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const r = rnd();
    out[i] = r < 1 / 16 ? 1 : values[Math.floor(rnd() * 4)]!;
  }
  return out;
}

/** N(0, 1) samples (Box–Muller), rounded to float32: the bounded tier. */
export function normalData(length: number, seed: number): Float32Array {
  const rnd = mulberry32(seed);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i += 2) {
    const u = 1 - rnd();
    const v = rnd();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < length) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

export type Tier = 'int' | 'normal';

export function tensor(shape: readonly number[], tier: Tier, seed: number): Tensor {
  const n = product(shape);
  return { data: tier === 'int' ? intData(n, seed) : normalData(n, seed), shape: [...shape] };
}

export function data(length: number, tier: Tier, seed: number): Float32Array {
  return tier === 'int' ? intData(length, seed) : normalData(length, seed);
}

export function absTensor(t: Tensor): Tensor {
  return { data: t.data.map(Math.abs), shape: [...t.shape] };
}
