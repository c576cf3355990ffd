// Fixed costs: per-call overhead on a tiny layer, and the size of each .wasm binary.
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync, constants } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { measure } from './timing.mjs';
import { errMsg } from './simdconv.mjs';
import { convShape } from './shapes.mjs';

const require = createRequire(import.meta.url);

/** The tiny layer: 1→1 1×1 conv on 1×1×4×4. */
export const TINY = /** @type {import('./layers.mjs').Layer} */ (/** @type {unknown} */ ({
  name: 'tiny.1x1', title: '1→1 1×1 @4²', network: 'overhead', op: 'conv2d',
  input: [1, 1, 4, 4], weight: [1, 1, 1, 1], bias: false, options: {}, suite: 'default',
  conv: convShape([1, 1, 4, 4], [1, 1, 1, 1], {}), output: [1, 1, 4, 4], macs: 16, terms: 1,
}));

/**
 * @param {{ builds: import('./simdconv.mjs').EngineBuild[], peers: { peer: import('./peers/tfjs.mjs').Peer | null, id: string, label: string }[], budgetMs: number, log: (m: string) => void }} ctx
 * @returns {Promise<{ name: string, timing?: import('./timing.mjs').Timing, error?: string }[]>}
 */
export async function measureOverhead(ctx) {
  const x = { data: new Float32Array(16).map((_, i) => i - 8), shape: [1, 1, 4, 4] };
  const w = { data: new Float32Array([0.5]), shape: [1, 1, 1, 1] };
  /** @type {{ name: string, timing?: import('./timing.mjs').Timing, error?: string }[]} */
  const rows = [];
  /** @param {string} name @param {() => unknown} fn @param {boolean} [async] */
  const add = async (name, fn, async = false) => {
    try {
      if (async) await fn(); else fn();
      const timing = await measure(name, fn, { async, budgetMs: ctx.budgetMs, estimateMs: 0, batch: async ? 100 : 1000 });
      rows.push({ name, timing });
      ctx.log(`overhead · ${name}: ${(timing.medianMs * 1000).toFixed(2)} µs`);
    } catch (e) {
      rows.push({ name, error: errMsg(e) });
      ctx.log(`overhead · ${name}: error ${errMsg(e)}`);
    }
  };
  /** @param {{ data: Float32Array }} t */
  const noop = (t) => t;
  await add('no-op JS function call', () => noop(x));
  await add('new Float32Array(16)', () => new Float32Array(16));
  for (const b of ctx.builds) {
    const e = b.engine;
    if (!e) { rows.push({ name: `simdconv ${b.isa}`, error: b.error ?? 'unavailable' }); continue; }
    await add(`simdconv ${b.isa}: conv2d (functional)`, () => e.conv2d(x, w));
    let p;
    try {
      p = e.prepareConv2d(w, { inputShape: x.shape });
      const prepared = p;
      await add(`simdconv ${b.isa}: prepared.run`, () => prepared.run(x));
      // the same on engine tensors (input and out made once): the binding alone, no copies
      const xt = e.tensor(x.shape, x.data);
      const yt = e.tensor(x.shape);
      try {
        await add(`simdconv ${b.isa}: prepared.run, engine tensors in and out`, () => prepared.run(xt, { out: yt }));
      } finally {
        xt.dispose();
        yt.dispose();
      }
    } catch (err) {
      rows.push({ name: `simdconv ${b.isa}: prepared.run`, error: errMsg(err) });
    } finally {
      p?.dispose();
    }
    await add(`simdconv ${b.isa}: relu (16 values)`, () => e.relu(x));
  }
  for (const p of ctx.peers) {
    if (!p.peer) continue;
    let inst;
    try {
      inst = await p.peer.prepare(TINY, { kind: 'random', x, w, b: null });
      await add(`${p.label}: same conv`, inst.call, inst.async);
      const resident = inst.callResident;
      if (resident) await add(`${p.label}: same conv, no dataSync()`, resident);
    } catch (err) {
      rows.push({ name: `${p.label}: same conv`, error: errMsg(err) });
    } finally {
      await inst?.dispose();
    }
  }
  return rows;
}

/** @returns {{ name: string, bytes: number | null, gzip: number | null, note?: string }[]} */
export function wasmSizes() {
  const root = fileURLToPath(new URL('../', import.meta.url));
  /** @type {[string, string][]} */
  const files = [
    ['simdconv build/simdconv.simd.wasm', join(root, 'build/simdconv.simd.wasm')],
    ['simdconv build/simdconv.relaxed.wasm', join(root, 'build/simdconv.relaxed.wasm')],
  ];
  try {
    files.push(['TF.js tfjs-backend-wasm-simd.wasm (XNNPACK, all TF ops)', join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), 'tfjs-backend-wasm-simd.wasm')]);
  } catch { /* not installed */ }
  try {
    files.push(['onnxruntime-web ort-wasm-simd-threaded.wasm (all ONNX ops)', join(dirname(require.resolve('onnxruntime-web')), 'ort-wasm-simd-threaded.wasm')]);
  } catch { /* not installed */ }
  return files.map(([name, path]) => {
    if (!existsSync(path)) return { name, bytes: null, gzip: null, note: 'not built' };
    const buf = readFileSync(path);
    return { name, bytes: buf.length, gzip: gzipSync(buf, { level: constants.Z_BEST_COMPRESSION }).length };
  });
}
