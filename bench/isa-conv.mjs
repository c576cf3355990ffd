// The two builds of this checkout side by side in one process — simd (f32x4.mul + f32x4.add)
// and relaxed (f32x4.relaxed_madd) — on the GEMM layers that sit nearest the GFLOP/s and
// simd ≥ 1.0× lines (the strided 1×1 layers, which gather first, and MobileNetV2's 144→24):
// prepared with 'auto', engine tensors in and out, one thread, calls alternating over
// interleaved rounds (ab.mjs), three times over. Prints ms and GFLOP/s (2 · MACs / time) per
// build, and the simd / relaxed time ratio; a full run's numbers for these layers can then be
// read against what the machine gives them when nothing else is timed in between.
//
//   npm run build && node --experimental-wasm-relaxed-simd bench/isa-conv.mjs [--rounds 15]
import { alternate, convData, flag, residentConv, sameBits, size } from './ab.mjs';
import { load } from '../dist/index.js';

const rounds = Number(flag(process.argv.slice(2), '--rounds', '15'));
const engines = await Promise.all(/** @type {const} */ (['simd', 'relaxed']).map((isa) => load({ isa, threads: 1 })));
const LAYERS = [
  { name: 'ResNet-18 1×1 s2 64→128 @56²', x: [1, 64, 56, 56], w: [128, 64, 1, 1], opts: { stride: 2 } },
  { name: 'the same at stride 1 on its gathered size, 1×1 64→128 @28²', x: [1, 64, 28, 28], w: [128, 64, 1, 1], opts: {} },
  { name: 'ResNet-18 1×1 s2 256→512 @14²', x: [1, 256, 14, 14], w: [512, 256, 1, 1], opts: { stride: 2 } },
  { name: 'MobileNetV2 1×1 144→24 @56²', x: [1, 144, 56, 56], w: [24, 144, 1, 1], opts: {} },
];

console.log(`simd vs relaxed build, one thread, resident tensors, ${rounds} interleaved rounds, three times`);
for (const L of LAYERS) {
  const data = convData(L);
  const setups = engines.map((e) => residentConv(e, L, data));
  // integer data: every summation order exact, so FMA and mul + add give the same bits
  const same = sameBits(setups[0].out.data, setups[1].out.data);
  const flop = 2 * size(L.w) * size(setups[0].out.shape.slice(2));
  const gf = (/** @type {number} */ ms) => (flop / ms / 1e6).toFixed(1);
  const times = [0, 1, 2].map(() => alternate([setups[0].run, setups[1].run], rounds, 5));
  console.log(`${L.name} (${setups[0].algorithm}): ${times.map(([s, r]) => `simd ${s.toFixed(3)} ms (${gf(s)} GFLOP/s), relaxed ${r.toFixed(3)} (${gf(r)}), simd/relaxed ${(s / r).toFixed(2)}`).join('; ')}; ${same ? 'same bits' : 'DIFFERENT BITS'}`);
}
