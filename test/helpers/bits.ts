/** Bit-for-bit comparison for the thread tests: the split must not change a single bit. */
import { expect } from 'vitest';
import type { Tensor } from '../../bindings/types.js';

/** Same float32 bits, element for element (no ±0 or NaN leniency). */
export function expectSameBits(got: Tensor, want: Tensor, what: string): void {
  expect(got.shape, `${what}: shape`).toEqual(want.shape);
  const a = new Uint32Array(got.data.buffer, got.data.byteOffset, got.data.length);
  const b = new Uint32Array(want.data.buffer, want.data.byteOffset, want.data.length);
  expect(a.length, `${what}: length`).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      expect.fail(`${what}: element ${i} differs: ${got.data[i]} (0x${a[i]!.toString(16)}) vs threads: 1 ${want.data[i]} (0x${b[i]!.toString(16)})`);
    }
  }
}
