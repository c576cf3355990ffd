// Two builds of simdconv side by side in one process on the GEMM-bound conv layers that sit
// nearest the targets' lines (MobileNetV2's 3→32 stem, 1×1 layers): prepared with 'auto', engine
// tensors in and out, one thread; calls alternate over interleaved rounds (ab.mjs), three times
// over, so a slow spell of the machine hits both alike. Also checks that both give the same bits.
//
//   node --experimental-wasm-relaxed-simd bench/ab-conv.mjs <a/dist/index.js> <b/dist/index.js> [--isa relaxed|simd] [--rounds 31]
import { alternate, convData, flag, residentConv, sameBits, twoBuilds } from './ab.mjs';

const args = process.argv.slice(2);
const isa = flag(args, '--isa', 'relaxed');
const rounds = Number(flag(args, '--rounds', '31'));
const { paths, engines } = await twoBuilds(args, 'bench/ab-conv.mjs <a/dist/index.js> <b/dist/index.js> [--isa relaxed|simd] [--rounds 31]', isa);
const LAYERS = [
  { name: 'MobileNetV2 3→32 3×3 s2 p1 @224²', x: [1, 3, 224, 224], w: [32, 3, 3, 3], opts: { stride: 2, padding: 1 } },
  { name: '1×1 256→512 @14²', x: [1, 256, 14, 14], w: [512, 256, 1, 1], opts: {} },
  { name: 'MobileNetV2 1×1 32→192 @28²', x: [1, 32, 28, 28], w: [192, 32, 1, 1], opts: {} },
  { name: 'MobileNetV2 1×1 144→24 @56²', x: [1, 144, 56, 56], w: [24, 144, 1, 1], opts: {} },
];
console.log(`A = ${paths[0]}, B = ${paths[1]}; ${isa}, one thread, resident tensors, ${rounds} interleaved rounds, three times`);
for (const L of LAYERS) {
  const data = convData(L);
  const setups = engines.map((e) => residentConv(e, L, data));
  const same = sameBits(setups[0].out.data, setups[1].out.data);
  const times = [0, 1, 2].map(() => alternate([setups[0].run, setups[1].run], rounds, 5));
  console.log(`${L.name} (${setups.map((s) => s.algorithm).join(' / ')}): ${times.map(([a, b]) => `A ${a.toFixed(3)} B ${b.toFixed(3)} ms, B/A ${(b / a).toFixed(2)}`).join('; ')}; ${same ? 'same bits' : 'DIFFERENT BITS'}`);
}
