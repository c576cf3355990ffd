// The machine's Wasm SIMD ceilings today, next to simdconv's own GEMM kernel with no binding
// overhead: what bounds the GEMM-shaped layers' ratio to XNNPACK on the machine at hand.
//
//   node --experimental-wasm-relaxed-simd bench/ceiling.mjs
//
// 1. Register-resident peaks of f32x4.relaxed_madd and of f32x4.mul + f32x4.add (bench/peaks.mjs,
//    which every full benchmark run also records at its start and end).
// 2. simdconv's pointwise GEMM (f32_conv2d_gemm, 4×8 tile, packed weights, bias + clamp
//    epilogue) called straight on the built wasm module (build/simdconv.<isa>.wasm), for the
//    suite's 1×1 layers: the kernel alone reading the input in place, no validation, no copies.
// Prints GFLOP/s (median of repeated calls) and each kernel's fraction of its build's peak.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { relaxedSupported } from './simdconv.mjs';
import { registerPeaks, CHAINS } from './peaks.mjs';

const relaxed = relaxedSupported();

/** Median ms of `reps` calls after `warm` warm-up calls. @param {() => void} f */
function median(f, reps = 15, warm = 3) {
  for (let i = 0; i < warm; i++) f();
  const t = [];
  for (let i = 0; i < reps; i++) { const t0 = performance.now(); f(); t.push(performance.now() - t0); }
  return t.sort((a, b) => a - b)[reps >> 1];
}

const peak = await registerPeaks(relaxed);
console.log(`register-resident peak, ${CHAINS} chains: f32x4.mul + f32x4.add ${peak.muladd.toFixed(1)} GFLOP/s`
  + (peak.fma !== null ? `; f32x4.relaxed_madd ${peak.fma.toFixed(1)} GFLOP/s` : ' (relaxed SIMD not validated: run with --experimental-wasm-relaxed-simd)'));

// simdconv's pointwise GEMM on the raw module
const LAYERS = [
  { name: '1×1 256→512 @14²', c: 256, hw: 14, m: 512 },
  { name: '1×1 144→24 @56²', c: 144, hw: 56, m: 24 },
  { name: '1×1 32→192 @28²', c: 32, hw: 28, m: 192 },
  { name: '1×1 64→128 @28² (layer2.0 downsample after its stride-2 gather)', c: 64, hw: 28, m: 128 },
];
console.log('\nsimdconv f32_conv2d_gemm (pointwise, 4×8 tile), kernel only:');
for (const isa of relaxed ? ['simd', 'relaxed'] : ['simd']) {
  const file = fileURLToPath(new URL(`../build/simdconv.${isa}.wasm`, import.meta.url));
  const ex = /** @type {any} */ ((await WebAssembly.instantiate(readFileSync(file))).instance.exports);
  const mem = /** @type {WebAssembly.Memory} */ (ex.memory);
  const base = ex.heap_base();
  for (const l of LAYERS) {
    const p = l.hw * l.hw;
    const k = l.c;
    const bytes = { x: k * p * 4 + 64, w: l.m * k * 4, b: l.m * 4, packed: (Math.ceil(l.m / 4) * (4 + 4 * k)) * 4, y: l.m * p * 4 };
    const at = { x: base, w: 0, b: 0, packed: 0, y: 0 };
    at.w = at.x + bytes.x; at.b = at.w + bytes.w; at.packed = at.b + bytes.b; at.y = at.packed + bytes.packed;
    const end = at.y + bytes.y;
    if (end > mem.buffer.byteLength) mem.grow(Math.ceil((end - mem.buffer.byteLength) / 65536));
    const f = new Float32Array(mem.buffer);
    for (let i = 0; i < (bytes.x + bytes.w + bytes.b) / 4; i++) f[at.x / 4 + i] = ((i * 7919) % 17) / 16 - 0.5;
    ex.pack_f32_gemm_oihw(at.w, at.b, at.packed, 1, l.m, k);
    // B row offsets for a 1–4 column tail (196 = 24·8 + 4), as bindings/conv.ts sets them up
    const offsets = at.y + bytes.y;
    if (offsets + k * 4 > mem.buffer.byteLength) mem.grow(1);
    ex.f32_conv_offsets(offsets, k, 1, 1, 1, 1, 1, 1, 0, p);
    const run = () => ex.f32_conv2d_gemm(0, at.x, l.c, l.hw, l.hw, 1, 1, 1, 1, 1, 1, 0, 0, l.hw, l.hw,
      at.packed, l.m, 0, p, offsets, at.y, -Infinity, Infinity, 0, p);
    // the kernel's output against a naive loop first (all of it), so a call that no longer
    // matches the kernel's signature cannot print a rate
    run();
    const xs = new Float32Array(mem.buffer, at.x, k * p), ws = new Float32Array(mem.buffer, at.w, l.m * k);
    const bs = new Float32Array(mem.buffer, at.b, l.m), ys = new Float32Array(mem.buffer, at.y, l.m * p);
    for (let o = 0; o < l.m; o++) {
      for (let j = 0; j < p; j++) {
        let want = bs[o];
        for (let i = 0; i < k; i++) want += ws[o * k + i] * xs[i * p + j];
        // the data are multiples of 1/16 in [−0.5, 0.5], so every partial sum is exact
        if (ys[o * p + j] !== want) throw new Error(`${isa} ${l.name}: y[${o}][${j}] = ${ys[o * p + j]}, expected ${want}`);
      }
    }
    const ms = median(run, 41, 5);
    const gflops = (2 * l.m * k * p) / (ms * 1e6);
    const of = isa === 'relaxed' ? /** @type {number} */ (peak.fma) : peak.muladd;
    console.log(`  ${isa.padEnd(7)} ${l.name.padEnd(66)} ${ms.toFixed(3)} ms  ${gflops.toFixed(1)} GFLOP/s  = ${(100 * gflops / of).toFixed(0)} % of the ${isa === 'relaxed' ? 'FMA' : 'mul+add'} peak`);
  }
}
