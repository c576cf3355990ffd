// Shape arithmetic for the benchmark's own use (peers' padding arguments, MACs, bounds).
// PyTorch semantics, NCHW. Independent of bindings/params.ts on purpose: the benchmark
// must not trust the code it measures to describe the problem.

/** @param {number | number[] | undefined} v @param {number} dflt @returns {[number, number]} */
export function pair(v, dflt) {
  if (v === undefined || v === null) return [dflt, dflt];
  if (typeof v === 'number') return [v, v];
  if (v.length === 2) return [v[0], v[1]];
  throw new RangeError(`expected number or [h, w], got ${JSON.stringify(v)}`);
}

/**
 * @typedef {object} ConvShape
 * @property {number} N @property {number} C @property {number} H @property {number} W
 * @property {number} K @property {number} kH @property {number} kW
 * @property {number} sH @property {number} sW @property {number} dH @property {number} dW
 * @property {number} padTop @property {number} padLeft @property {number} padBottom @property {number} padRight
 * @property {number} groups @property {number} cPerGroup @property {number} kPerGroup
 * @property {number} outH @property {number} outW
 * @property {number} macs  N·K·outH·outW·cPerGroup·kH·kW
 * @property {number} terms  products summed per output (cPerGroup·kH·kW)
 */

/**
 * @param {number[]} x NCHW
 * @param {number[]} w [K, C/groups, kH, kW]
 * @param {{ stride?: number | number[], padding?: number | number[] | string, dilation?: number | number[], groups?: number }} [o]
 * @returns {ConvShape}
 */
export function convShape(x, w, o = {}) {
  const [N, C, H, W] = x;
  const [K, cPerGroup, kH, kW] = w;
  const groups = o.groups ?? 1;
  const [sH, sW] = pair(o.stride, 1);
  const [dH, dW] = pair(o.dilation, 1);
  let padTop, padLeft, padBottom, padRight;
  const p = o.padding ?? 0;
  if (p === 'valid') {
    padTop = padLeft = padBottom = padRight = 0;
  } else if (p === 'same') {
    const tH = dH * (kH - 1), tW = dW * (kW - 1);
    padTop = Math.floor(tH / 2); padBottom = tH - padTop;
    padLeft = Math.floor(tW / 2); padRight = tW - padLeft;
  } else if (typeof p === 'number') {
    padTop = padLeft = padBottom = padRight = p;
  } else if (Array.isArray(p) && p.length === 2) {
    padTop = padBottom = p[0]; padLeft = padRight = p[1];
  } else if (Array.isArray(p) && p.length === 4) {
    [padTop, padLeft, padBottom, padRight] = p;
  } else {
    throw new RangeError(`bad padding ${JSON.stringify(p)}`);
  }
  if (C !== cPerGroup * groups) throw new RangeError(`C=${C} != weight C/groups ${cPerGroup} × groups ${groups}`);
  if (K % groups) throw new RangeError(`K=${K} not divisible by groups ${groups}`);
  const outH = Math.floor((H + padTop + padBottom - dH * (kH - 1) - 1) / sH) + 1;
  const outW = Math.floor((W + padLeft + padRight - dW * (kW - 1) - 1) / sW) + 1;
  const terms = cPerGroup * kH * kW;
  return {
    N, C, H, W, K, kH, kW, sH, sW, dH, dW, padTop, padLeft, padBottom, padRight,
    groups, cPerGroup, kPerGroup: K / groups, outH, outW, terms,
    macs: N * K * outH * outW * terms,
  };
}

/**
 * @typedef {object} PoolShape
 * @property {number} N @property {number} C @property {number} H @property {number} W
 * @property {number} kH @property {number} kW @property {number} sH @property {number} sW
 * @property {number} padH @property {number} padW @property {number} dH @property {number} dW
 * @property {boolean} ceilMode @property {boolean} countIncludePad
 * @property {number} outH @property {number} outW
 */

/**
 * PyTorch pooling output size (with the ceil-mode rule that the last window must start inside
 * the input or left padding).
 * @param {number[]} x
 * @param {{ kernelSize: number | number[], stride?: number | number[] | null, padding?: number | number[], dilation?: number | number[], ceilMode?: boolean, countIncludePad?: boolean }} o
 * @returns {PoolShape}
 */
export function poolShape(x, o) {
  const [N, C, H, W] = x;
  const [kH, kW] = pair(o.kernelSize, 1);
  const [sH, sW] = o.stride == null ? [kH, kW] : pair(o.stride, 1);
  const [padH, padW] = pair(o.padding, 0);
  const [dH, dW] = pair(o.dilation, 1);
  const ceilMode = !!o.ceilMode;
  /** @param {number} n @param {number} k @param {number} s @param {number} p @param {number} d */
  const out = (n, k, s, p, d) => {
    const span = n + 2 * p - d * (k - 1) - 1;
    let o2 = Math.floor((ceilMode ? span + s - 1 : span) / s) + 1;
    if (ceilMode && (o2 - 1) * s >= n + p) o2--;
    return o2;
  };
  return {
    N, C, H, W, kH, kW, sH, sW, padH, padW, dH, dW, ceilMode,
    countIncludePad: o.countIncludePad ?? true,
    outH: out(H, kH, sH, padH, dH), outW: out(W, kW, sW, padW, dW),
  };
}

/** @param {number[]} shape */
export const numel = (shape) => shape.reduce((a, b) => a * b, 1);
