// The pointwise GEMM with and without K-blocking side by side in one process (bindings/plan.ts
// kBlock): 1×1 layers of real networks, alternating interleaved rounds, engine tensors in and
// out, one thread; checks that both give the same bits (integer data). The measurements behind
// the kBlock rule.
//
//   npm run build && node --experimental-wasm-relaxed-simd bench/kblock.mjs [--isa relaxed|simd]
//        [--act none|relu|relu6] [--shapes CinxCoutxH,…] [--rounds 15]
import { load } from '../dist/index.js';
import { kBlock, setKBlockRows } from '../dist/plan.js';
import { alternate, flag as argFlag, ints, sameBits } from './ab.mjs';

const args = process.argv.slice(2);
const flag = (name, dflt) => argFlag(args, name, dflt);
const isa = flag('--isa', 'relaxed');
const activation = flag('--act', 'none');
const rounds = Number(flag('--rounds', '15'));
// MobileNetV2's 7² and 14² 1×1 layers, ResNet-18 layer4's, and a 10² one between
const shapes = flag('--shapes', '960x160x7,160x960x7,960x320x7,320x1280x7,576x160x7,512x512x7,256x512x7,960x160x10,576x96x14,384x64x14')
  .split(',').map((s) => s.split('x').map(Number));
const e = await load({ isa, threads: 1 });

console.log(`pointwise GEMM, ${isa}, activation ${activation}, one thread, resident tensors, ${rounds} interleaved rounds`);
for (const [C, M, H] of shapes) {
  const x = e.tensor([1, C, H, H], ints(C * H * H));
  const p = e.prepareConv2d({ shape: [M, C, 1, 1], data: ints(M * C) },
    { bias: ints(M), activation, algorithm: 'auto', inputShape: [1, C, H, H] });
  const out = e.tensor(p.run(x).shape);
  const run = (rows) => { const old = setKBlockRows(rows); try { p.run(x, { out }); } finally { setKBlockRows(old); } };
  const bits = [0, null].map((b) => { run(b); return out.data.slice(); });
  const same = sameBits(bits[0], bits[1]);
  const kb = kBlock(C, H * H);
  const flops = 2 * C * M * H * H;
  const [a, b] = alternate([() => run(0), () => run(null)], rounds, Math.max(5, Math.floor(2e8 / flops)));
  const gf = (ms) => (flops / ms / 1e6).toFixed(1);
  console.log(`${C}→${M} @${H}² (${e.lastCall?.algorithm ?? 'auto'}): whole K ${a.toFixed(4)} ms (${gf(a)} GFLOP/s), `
    + `${kb ? `parts of ${kb} rows` : 'rule: whole K'} ${b.toFixed(4)} ms (${gf(b)} GFLOP/s), ${(b / a).toFixed(3)}×; ${same ? 'same bits' : 'BITS DIFFER'}`);
  x.dispose(); out.dispose(); p.dispose();
}
