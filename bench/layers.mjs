// Layer suites (bench/layers/*.json) and deterministic input data.
import { readFileSync } from 'node:fs';
import { convShape, poolShape, numel } from './shapes.mjs';

/** Network files in report order. */
const FILES = ['lenet5.json', 'small-cnns.json', 'resnet18.json', 'mobilenetv2.json', 'mobilenetv3.json', 'misc.json'];

/**
 * @typedef {'conv2d' | 'maxPool2d' | 'avgPool2d' | 'globalAvgPool2d'} LayerOp
 * @typedef {object} Layer
 * @property {string} name
 * @property {string} title
 * @property {string} network
 * @property {LayerOp} op
 * @property {number[]} input
 * @property {number[]} [weight]
 * @property {boolean} [bias]
 * @property {Record<string, any>} options  PyTorch-named options as in bindings/types.ts
 * @property {'default' | 'full'} suite
 * @property {string} [note]
 * @property {{ row: string, naiveMs?: number, tfjsMs?: number, ortMs?: number }} [perfNotes]
 * @property {number[]} output  derived
 * @property {number} macs  derived (0 for pools)
 * @property {number} terms  products (conv) or window elements (pools) summed per output; derived
 * @property {import('./shapes.mjs').ConvShape} [conv]  derived
 * @property {import('./shapes.mjs').PoolShape} [pool]  derived
 */

/**
 * @param {'default' | 'full'} suite
 * @param {string} [filter]  substring (case-insensitive) of name or title, or a /regex/
 * @returns {Layer[]}
 */
export function loadLayers(suite, filter) {
  /** @type {Layer[]} */
  const out = [];
  for (const f of FILES) {
    const doc = JSON.parse(readFileSync(new URL(`./layers/${f}`, import.meta.url), 'utf8'));
    for (const raw of doc.layers) {
      if (suite === 'default' && raw.suite !== 'default') continue;
      out.push(derive({ ...raw, network: doc.network }));
    }
  }
  if (!filter) return out;
  const re = filter.startsWith('/') && filter.lastIndexOf('/') > 0
    ? new RegExp(filter.slice(1, filter.lastIndexOf('/')), filter.slice(filter.lastIndexOf('/') + 1) || 'i')
    : null;
  return out.filter((l) => re
    ? re.test(l.name) || re.test(l.title)
    : (l.name + ' ' + l.title).toLowerCase().includes(filter.toLowerCase()));
}

/** @param {any} l @returns {Layer} */
function derive(l) {
  if (l.op === 'conv2d') {
    const c = convShape(l.input, l.weight, l.options);
    return { ...l, conv: c, output: [c.N, c.K, c.outH, c.outW], macs: c.macs, terms: c.terms + (l.bias ? 1 : 0) };
  }
  if (l.op === 'maxPool2d' || l.op === 'avgPool2d') {
    const p = poolShape(l.input, l.options);
    return { ...l, pool: p, output: [p.N, p.C, p.outH, p.outW], macs: 0, terms: p.kH * p.kW };
  }
  if (l.op === 'globalAvgPool2d') {
    const [N, C, H, W] = l.input;
    return { ...l, output: [N, C, 1, 1], macs: 0, terms: H * W };
  }
  throw new Error(`${l.name}: unknown op ${l.op}`);
}

/** mulberry32: small, fast, deterministic. @param {number} seed */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** N(0, 1) float32 values (Box–Muller). @param {number} n @param {number} seed */
export function normal(n, seed) {
  const r = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = 1 - r(), v = r();
    const m = Math.sqrt(-2 * Math.log(u));
    out[i] = m * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = m * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/**
 * Integers in [-lim, lim]: every product and partial sum of a layer up to 2^24 / lim² terms
 * is exact in float32, so any summation order gives the same bits.
 * @param {number} n @param {number} seed @param {number} [lim]
 */
export function integers(n, seed, lim = 8) {
  const r = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(r() * (2 * lim + 1)) - lim;
  return out;
}

/**
 * @typedef {object} LayerData
 * @property {'random' | 'integer'} kind
 * @property {import('../bindings/types.ts').Tensor} x
 * @property {import('../bindings/types.ts').Tensor} [w]
 * @property {Float32Array | null} b
 */

/**
 * @param {Layer} layer @param {'random' | 'integer'} kind @returns {LayerData}
 */
export function makeData(layer, kind) {
  const seed = [...layer.name].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619), 2166136261) >>> 0;
  const gen = kind === 'random' ? normal : integers;
  const x = { data: gen(numel(layer.input), seed ^ 1), shape: [...layer.input] };
  const w = layer.weight ? { data: gen(numel(layer.weight), seed ^ 2), shape: [...layer.weight] } : undefined;
  const b = layer.bias && layer.weight ? gen(layer.weight[0], seed ^ 3) : null;
  return { kind, x, w, b };
}

/** Short geometry string for progress lines. @param {Layer} l */
export function describe(l) {
  if (l.conv) {
    const c = l.conv;
    return `x=[${l.input}] w=[${l.weight}] s=${c.sH}x${c.sW} p=${c.padTop},${c.padLeft},${c.padBottom},${c.padRight} d=${c.dH}x${c.dW} g=${c.groups}`;
  }
  return `x=[${l.input}] ${JSON.stringify(l.options)}`;
}
