// Shape arithmetic for the page's explanations. The numbers come from bindings/formulas.ts;
// this module adds the "filled-in formula" strings the page shows beside them.

import { outputSize, receptiveField, paramCount, denseParamCount } from '../../bindings/formulas.js';

export { paramCount, denseParamCount };

export const sub = (n: number): string => String(n).replace(/\d/g, (d) => '₀₁₂₃₄₅₆₇₈₉'[Number(d)]);
const m = (n: number): string => (n < 0 ? `(−${-n})` : String(n));

/** Output size along one axis, or 0 when the (dilated) kernel does not fit the padded input. */
export function outSize(inSize: number, k: number, s: number, p: number, d: number): number {
  if (inSize < 1) return 0;
  try {
    return outputSize(inSize, k, { stride: s, padding: p, dilation: d });
  } catch {
    return 0;
  }
}

/** "⌊(5 + 2·0 − 1·(3 − 1) − 1) / 1⌋ + 1 = ⌊2 / 1⌋ + 1 = 3" */
export function outputSizeFormula(inSize: number, k: number, s: number, p: number, d: number): { text: string; value: number } {
  const value = outSize(inSize, k, s, p, d);
  const num = inSize + 2 * p - d * (k - 1) - 1;
  const tail = value > 0 ? `⌊${m(num)} / ${s}⌋ + 1 = ${value}` : `⌊${m(num)} / ${s}⌋ + 1 < 1: the kernel does not fit`;
  return { text: `⌊(${inSize} + 2·${p} − ${d}·(${k} − 1) − 1) / ${s}⌋ + 1 = ${tail}`, value };
}

export interface RfLayer {
  k: number;
  s: number;
  d: number;
  p: number;
}

export interface RfRow {
  /** receptive field after this layer (in input pixels) */
  rf: number;
  /** Π of the strides before this layer: input pixels between neighbouring units of its input */
  jumpIn: number;
  /** spatial size after this layer (0: does not fit) */
  out: number;
}

/** Per-layer receptive field and output size for a stack on an inSize×inSize input. */
export function rfStack(layers: RfLayer[], inSize: number): RfRow[] {
  const steps = receptiveField(layers.map(({ k, s, d }) => ({ kernelSize: k, stride: s, dilation: d })));
  let size = inSize;
  return layers.map((L, i) => {
    size = outSize(size, L.k, L.s, L.p, L.d);
    return { rf: steps[i].receptiveField, jumpIn: i === 0 ? 1 : steps[i - 1].jump, out: size };
  });
}
