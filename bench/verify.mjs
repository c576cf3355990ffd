// Output checks run before anything is timed.
//
// Exact tier (integer-valued data): every partial sum is exactly representable, so every
// summation order, blocking and FMA must give the reference's bits (+0 and −0 count as equal).
//
// Bounded tier (random N(0,1) data): for an output that sums n terms (products, plus the bias),
// any float32 evaluation order satisfies |y − y_exact| ≤ γ(n)·Σ|x·w| (Higham, Accuracy and
// Stability of Numerical Algorithms, §3.1), so two implementations differ by at most
//   |y − y_ref| ≤ 2·γ(n)·Σ|x·w|,   γ(n) = n·u / (1 − n·u),  u = 2^-24.
// Σ|x·w| is computed here in float64 with the benchmark's own loop (not the code under test).
// Averages add one division (and possibly a reciprocal): n is taken as terms + 2 for them.
import { numel } from './shapes.mjs';

const U = 2 ** -24;
/** @param {number} n */
export const gamma = (n) => (n * U) / (1 - n * U);

/**
 * Σ|x·w| + |b| per output element, float64, NCHW.
 * @param {import('./layers.mjs').Layer} layer @param {import('./layers.mjs').LayerData} d
 * @returns {Float64Array}
 */
export function absSums(layer, d) {
  const x = d.x.data;
  if (layer.op === 'conv2d') {
    const c = /** @type {import('./shapes.mjs').ConvShape} */ (layer.conv);
    const w = /** @type {Float32Array} */ (d.w?.data);
    const { N, C, H, W, K, kH, kW, sH, sW, dH, dW, padTop, padLeft, cPerGroup, kPerGroup, outH, outW } = c;
    const out = new Float64Array(N * K * outH * outW);
    const ax = Float64Array.from(x, Math.abs), aw = Float64Array.from(w, Math.abs);
    let i = 0;
    for (let n = 0; n < N; n++)
      for (let k = 0; k < K; k++) {
        const c0 = Math.floor(k / kPerGroup) * cPerGroup;
        for (let oh = 0; oh < outH; oh++)
          for (let ow = 0; ow < outW; ow++) {
            let s = d.b ? Math.abs(d.b[k]) : 0;
            for (let ci = 0; ci < cPerGroup; ci++) {
              const xb = (n * C + c0 + ci) * H, wb = (k * cPerGroup + ci) * kH;
              for (let kh = 0; kh < kH; kh++) {
                const ih = oh * sH - padTop + kh * dH;
                if (ih < 0 || ih >= H) continue;
                for (let kw = 0; kw < kW; kw++) {
                  const iw = ow * sW - padLeft + kw * dW;
                  if (iw >= 0 && iw < W) s += ax[(xb + ih) * W + iw] * aw[(wb + kh) * kW + kw];
                }
              }
            }
            out[i++] = s;
          }
      }
    return out;
  }
  if (layer.op === 'globalAvgPool2d') {
    const [N, C, H, W] = layer.input;
    const out = new Float64Array(N * C);
    for (let j = 0; j < N * C; j++) {
      let s = 0;
      for (let k = 0; k < H * W; k++) s += Math.abs(x[j * H * W + k]);
      out[j] = s / (H * W);
    }
    return out;
  }
  if (layer.op === 'avgPool2d' || layer.op === 'maxPool2d') {
    const p = /** @type {import('./shapes.mjs').PoolShape} */ (layer.pool);
    const out = new Float64Array(p.N * p.C * p.outH * p.outW);
    let i = 0;
    for (let nc = 0; nc < p.N * p.C; nc++)
      for (let oh = 0; oh < p.outH; oh++)
        for (let ow = 0; ow < p.outW; ow++) {
          let s = 0, cnt = 0;
          for (let kh = 0; kh < p.kH; kh++) {
            const ih = oh * p.sH - p.padH + kh * p.dH;
            if (ih < 0 || ih >= p.H) continue;
            for (let kw = 0; kw < p.kW; kw++) {
              const iw = ow * p.sW - p.padW + kw * p.dW;
              if (iw >= 0 && iw < p.W) { s += Math.abs(x[(nc * p.H + ih) * p.W + iw]); cnt++; }
            }
          }
          out[i++] = layer.op === 'maxPool2d' ? 0 : s / Math.max(cnt, 1);
        }
    return out;
  }
  throw new Error(`absSums: ${layer.op}`);
}

/** Number of rounding steps the bound covers for one output of this layer. @param {import('./layers.mjs').Layer} layer */
export function boundTerms(layer) {
  return layer.op === 'conv2d' ? layer.terms : layer.terms + 2;
}

/**
 * @typedef {object} Check
 * @property {boolean} ok
 * @property {'exact' | 'bound'} tier
 * @property {number} mismatches
 * @property {number} maxAbsErr
 * @property {number} maxRatio  max |y − y_ref| / bound (exact tier: 0 or Infinity)
 * @property {string} [detail]  first failure, for the log
 */

/**
 * Bit-for-bit equality (+0 == −0, NaN == NaN).
 * @param {ArrayLike<number>} y @param {ArrayLike<number>} ref @returns {Check}
 */
export function checkExact(y, ref) {
  if (y.length !== ref.length) return { ok: false, tier: 'exact', mismatches: Math.max(y.length, ref.length), maxAbsErr: Infinity, maxRatio: Infinity, detail: `length ${y.length} ≠ ${ref.length}` };
  let bad = 0, maxErr = 0, first = -1;
  for (let i = 0; i < y.length; i++) {
    const a = y[i], b = ref[i];
    if (a === b || (a !== a && b !== b)) continue;
    bad++;
    if (first < 0) first = i;
    const e = Math.abs(a - b);
    if (!(e <= maxErr)) maxErr = e;
  }
  return {
    ok: bad === 0, tier: 'exact', mismatches: bad, maxAbsErr: maxErr, maxRatio: bad ? Infinity : 0,
    detail: bad ? `${bad}/${y.length} differ; first at ${first}: ${y[first]} vs ref ${ref[first]}` : undefined,
  };
}

/**
 * |y − ref| ≤ 2·γ(n)·absSum, per element.
 * @param {ArrayLike<number>} y @param {ArrayLike<number>} ref @param {Float64Array} abs @param {number} n
 * @returns {Check}
 */
export function checkBound(y, ref, abs, n) {
  if (y.length !== ref.length) return { ok: false, tier: 'bound', mismatches: Math.max(y.length, ref.length), maxAbsErr: Infinity, maxRatio: Infinity, detail: `length ${y.length} ≠ ${ref.length}` };
  const g2 = 2 * gamma(n);
  let bad = 0, maxErr = 0, maxRatio = 0, first = -1;
  for (let i = 0; i < y.length; i++) {
    const e = Math.abs(y[i] - ref[i]);
    const bound = g2 * abs[i];
    const ok = e <= bound || (y[i] === ref[i]) || (y[i] !== y[i] && ref[i] !== ref[i]);
    if (!ok) { bad++; if (first < 0) first = i; }
    if (e > maxErr || e !== e) maxErr = e !== e ? Infinity : e;
    const r = bound > 0 ? e / bound : (e === 0 ? 0 : Infinity);
    if (r > maxRatio || r !== r) maxRatio = r !== r ? Infinity : r;
  }
  return {
    ok: bad === 0, tier: 'bound', mismatches: bad, maxAbsErr: maxErr, maxRatio,
    detail: bad ? `${bad}/${y.length} outside 2γ(${n})Σ|x·w|; first at ${first}: ${y[first]} vs ref ${ref[first]} (bound ${(g2 * abs[first]).toExponential(2)})` : undefined,
  };
}

/** Shape check helper. @param {ArrayLike<number>} y @param {number[]} shape */
export const sizeMatches = (y, shape) => y.length === numel(shape);
