// simdconv threads: 1 vs 2 threads (and os.availableParallelism() if more) per layer, in one
// run, on arrays and on engine tensors ("res": nothing copied in or out), plus onnxruntime-web
// with 1 and 2 intra-op threads when it loads. Standalone: imports
// the built package (run `npm run build` first).
//
//   node --experimental-wasm-relaxed-simd bench/threads.mjs [--rounds 7] [--budget 150] [--no-ort]
//
// Per layer each implementation is timed in `rounds` interleaved rounds of ≈ budget ms (after a
// warm-up), so load changes hit all alike; the median of the pooled per-call samples is
// reported with GFLOP/s = 2·MACs / time and the speed-up over 1 thread. Threaded outputs are
// checked bit for bit against 1 thread first. The machine's load average is printed before and
// after: on a shared machine, read the ratios with it.
import os from 'node:os';
import { load } from '../dist/index.js';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const ROUNDS = opt('rounds', 7);
const BUDGET_MS = opt('budget', 150);
const WITH_ORT = !args.includes('--no-ort');

const LAYERS = [
  { title: 'ResNet-18 3×3 64→64 p1 @56²', x: [1, 64, 56, 56], w: [64, 64, 3, 3], options: { padding: 1 } },
  { title: 'ResNet-18 3×3 256→256 p1 @14²', x: [1, 256, 14, 14], w: [256, 256, 3, 3], options: { padding: 1 } },
  { title: 'ResNet-18 3×3 s2 128→256 p1 @28²', x: [1, 128, 28, 28], w: [256, 128, 3, 3], options: { stride: 2, padding: 1 } },
  { title: '1×1 256→512 @14²', x: [1, 256, 14, 14], w: [512, 256, 1, 1], options: {} },
  { title: 'MobileNetV2 dw 3×3 144 @56²', x: [1, 144, 56, 56], w: [144, 1, 3, 3], options: { padding: 1, groups: 144 } },
  { title: 'MobileNetV2 dw 3×3 s2 96 @112²', x: [1, 96, 112, 112], w: [96, 1, 3, 3], options: { stride: 2, padding: 1, groups: 96 } },
  { title: 'LeNet-5 C1 1→6 5×5 @32²', x: [1, 1, 32, 32], w: [6, 1, 5, 5], options: {} },
];

function random(shape, seed) {
  let a = seed >>> 0;
  const n = shape.reduce((p, d) => p * d, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    data[i] = (((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * 2 - 1;
  }
  return { data, shape };
}

function outShape(l) {
  const [N, , H, W] = l.x;
  const [K, , kH, kW] = l.w;
  const p = l.options.padding ?? 0;
  const s = l.options.stride ?? 1;
  return [N, K, Math.floor((H + 2 * p - kH) / s) + 1, Math.floor((W + 2 * p - kW) / s) + 1];
}

function macs(l) {
  const [N, K, oH, oW] = outShape(l);
  return N * K * oH * oW * l.w[1] * l.w[2] * l.w[3];
}

/** One round of ≈ BUDGET_MS; returns per-call ms. */
async function round(fn, isAsync) {
  const samples = [];
  const end = performance.now() + BUDGET_MS;
  do {
    const t0 = performance.now();
    if (isAsync) await fn();
    else fn();
    samples.push(performance.now() - t0);
  } while (performance.now() < end || samples.length < 3);
  return samples;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function sameBits(a, b) {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

async function ortPeer() {
  try {
    const { createRequire } = await import('node:module');
    const { dirname, join } = await import('node:path');
    const { readFileSync } = await import('node:fs');
    const { pathToFileURL } = await import('node:url');
    const { layerModel } = await import('./peers/ort.mjs');
    const require = createRequire(import.meta.url);
    const ort = await import('onnxruntime-web');
    const dist = dirname(require.resolve('onnxruntime-web'));
    ort.env.wasm.numThreads = 2;
    ort.env.wasm.proxy = false;
    ort.env.wasm.wasmBinary = readFileSync(join(dist, 'ort-wasm-simd-threaded.wasm'));
    ort.env.wasm.wasmPaths = { mjs: pathToFileURL(join(dist, 'ort-wasm-simd-threaded.mjs')) };
    ort.env.logLevel = 'error';
    return {
      version: ort.env.versions.web ?? '?',
      async prepare(l, x, w, threads) {
        const conv = {
          K: l.w[0], kH: l.w[2], kW: l.w[3], sH: l.options.stride ?? 1, sW: l.options.stride ?? 1, dH: 1, dW: 1, groups: l.options.groups ?? 1,
          padTop: l.options.padding ?? 0, padLeft: l.options.padding ?? 0, padBottom: l.options.padding ?? 0, padRight: l.options.padding ?? 0,
        };
        const model = layerModel({ op: 'conv2d', input: l.x, output: outShape(l), conv }, { x, w });
        const session = await ort.InferenceSession.create(model, {
          executionProviders: ['wasm'], graphOptimizationLevel: 'all', executionMode: 'sequential',
          intraOpNumThreads: threads, interOpNumThreads: 1,
        });
        const feeds = { x: new ort.Tensor('float32', x.data, x.shape) };
        return { run: async () => (await session.run(feeds)).y.data, dispose: () => session.release() };
      },
    };
  } catch (e) {
    console.log(`onnxruntime-web unavailable: ${e instanceof Error ? e.message : e}`);
    return null;
  }
}

const cores = os.availableParallelism();
const counts = [...new Set([1, 2, cores])].sort((a, b) => a - b);
const engines = new Map();
for (const n of counts) engines.set(n, await load({ threads: n }));
const isa = engines.get(1).isa;
const ort = WITH_ORT ? await ortPeer() : null;

const load0 = os.loadavg();
console.log(`simdconv threads bench · Node ${process.version} · isa ${isa} · ${cores} logical CPUs (${os.cpus()[0]?.model ?? '?'})`);
console.log(`engines: ${counts.map((n) => `threads ${n}`).join(', ')}${ort ? ` · onnxruntime-web ${ort.version} (1 and 2 intra-op threads)` : ''}`);
console.log(`${ROUNDS} rounds × ${BUDGET_MS} ms per implementation and layer · load average before: ${load0.map((v) => v.toFixed(2)).join(' ')}\n`);

const rows = [];
for (const [i, l] of LAYERS.entries()) {
  const x = random(l.x, 1 + i);
  const w = random(l.w, 101 + i);
  const impls = [];
  let want = null;
  for (const [n, e] of engines) {
    const layer = e.prepareConv2d(w, l.options);
    const y = layer.run(x);
    if (want === null) want = y.data;
    else if (!sameBits(y.data, want)) throw new Error(`${l.title}: threads ${n} differs from threads 1`);
    const used = e.lastCall.threads;
    impls.push({ name: `simdconv ${n}t`, threads: n, used, algorithm: e.lastCall.algorithm, run: () => layer.run(x), dispose: () => {}, isAsync: false });
    // the same on engine tensors (no copies in or out: a threaded engine's shared memory makes
    // V8's copies slower, which the array rows include)
    const xt = e.tensor(l.x, x.data);
    const yt = e.tensor(y.shape);
    layer.run(xt, { out: yt });
    if (!sameBits(yt.data, want)) throw new Error(`${l.title}: threads ${n} on engine tensors differs from threads 1`);
    impls.push({
      name: `simdconv ${n}t res`, base: 'resident', threads: n, used: e.lastCall.threads, run: () => layer.run(xt, { out: yt }),
      dispose: () => { layer.dispose(); xt.dispose(); yt.dispose(); }, isAsync: false,
    });
  }
  if (ort) {
    for (const t of [1, 2]) {
      try {
        const s = await ort.prepare(l, x, w, t);
        await s.run();
        impls.push({ name: `ort ${t}t`, threads: t, used: t, run: s.run, dispose: s.dispose, isAsync: true });
      } catch (e) {
        console.log(`  ort ${t}t: ${e instanceof Error ? e.message : e}`);
      }
    }
  }
  for (const im of impls) for (let k = 0; k < 3; k++) await (im.isAsync ? im.run() : Promise.resolve(im.run()));
  const samples = new Map(impls.map((im) => [im, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const im of impls) for (const v of await round(im.run, im.isAsync)) samples.get(im).push(v);
  }
  const flop = 2 * macs(l);
  const base = median(samples.get(impls[0]));
  const residentBase = median(samples.get(impls.find((im) => im.base === 'resident')));
  const ortBase = impls.find((im) => im.name === 'ort 1t');
  const ortBaseMs = ortBase ? median(samples.get(ortBase)) : NaN;
  console.log(`${l.title}  (${(macs(l) / 1e6).toFixed(1)} M MACs, ${impls[0].algorithm})`);
  for (const im of impls) {
    const ms = median(samples.get(im));
    const ratio = im.name.startsWith('ort') ? ortBaseMs / ms : (im.base === 'resident' ? residentBase : base) / ms;
    const note = im.used !== im.threads ? ` (ran on ${im.used}: below the split threshold)` : '';
    console.log(`  ${im.name.padEnd(19)} ${ms.toFixed(3).padStart(9)} ms  ${(flop / ms / 1e6).toFixed(1).padStart(6)} GFLOP/s  ×${ratio.toFixed(2)} vs 1t${note}`);
    rows.push({ layer: l.title, impl: im.name, ms, gflops: flop / ms / 1e6, speedup: ratio, used: im.used });
    im.dispose();
  }
  console.log('');
}
const load1 = os.loadavg();
console.log(`load average after: ${load1.map((v) => v.toFixed(2)).join(' ')}`);
for (const e of engines.values()) e.dispose();
process.exit(0);
