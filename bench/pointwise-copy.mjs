// 1×1 convolutions (stride 1, no padding) two ways, side by side in one process: the pointwise
// GEMM reading the input in place (B's rows are the input planes, H·W floats apart) and the same
// GEMM over copied panels (the im2col path, whose panels are tile-major: each 8-column tile's
// rows contiguous, assembly/conv/f32-im2col.ts). Alternating interleaved rounds, engine tensors
// in and out, one thread; checks both give the same bits (integer data). The measurements behind
// the rule in bindings/plan.ts (pointwiseCopies).
//
//   npm run build && node --experimental-wasm-relaxed-simd bench/pointwise-copy.mjs [--isa relaxed|simd]
//        [--act none|relu|relu6] [--shapes CinxCoutxHxW,…] [--rounds 9]
import { load } from '../dist/index.js';
import { alternate, flag as argFlag, ints, sameBits } from './ab.mjs';

const args = process.argv.slice(2);
const flag = (name, dflt) => argFlag(args, name, dflt);
const isa = flag('--isa', 'relaxed');
const activation = flag('--act', 'none');
const rounds = Number(flag('--rounds', '9'));
// MobileNetV2's 1×1 layers, ResNet-50's bottleneck 1×1 layers, and power-of-two planes (CIFAR,
// U-Net sizes) whose rows fall on few cache sets
const shapes = flag('--shapes', [
  '32x16x112x112', '16x96x112x112', '96x24x56x56', '24x144x56x56', '144x24x56x56', '144x32x28x28', '32x192x28x28',
  '192x32x28x28', '192x64x14x14', '64x384x14x14', '384x64x14x14', '576x96x14x14', '96x576x14x14', '576x160x7x7',
  '160x960x7x7', '960x160x7x7', '960x320x7x7', '320x1280x7x7',
  '64x256x56x56', '256x64x56x56', '512x128x28x28', '128x512x28x28', '1024x256x14x14', '256x1024x14x14', '2048x512x7x7', '512x2048x7x7',
  '16x32x64x64', '64x128x64x64', '144x24x64x64', '32x32x128x128', '64x64x32x32', '128x128x16x16', '256x256x8x8',
].join(',')).split(',').map((s) => s.split('x').map(Number));
const e = await load({ isa, threads: 1 });

console.log(`1×1 conv, ${isa}, activation ${activation}, one thread, resident tensors, ${rounds} interleaved rounds`);
const ratios = [];
for (const [C, M, H, W] of shapes) {
  const x = e.tensor([1, C, H, W], ints(C * H * W));
  const weight = { shape: [M, C, 1, 1], data: ints(M * C) };
  const bias = ints(M);
  const [pw, cp] = ['pointwise', 'im2col'].map((algorithm) =>
    e.prepareConv2d(weight, { bias, activation, algorithm, inputShape: [1, C, H, W] }));
  const out = e.tensor([1, M, H, W]);
  const bits = [pw, cp].map((p) => { p.run(x, { out }); return out.data.slice(); });
  const flops = 2 * C * M * H * W;
  const [a, b] = alternate([() => pw.run(x, { out }), () => cp.run(x, { out })], rounds, Math.max(5, Math.floor(1e8 / flops)));
  const gf = (ms) => (flops / ms / 1e6).toFixed(1);
  ratios.push(b / a);
  console.log(`${C}→${M} @${H}×${W}: in place ${a.toFixed(4)} ms (${gf(a)} GFLOP/s), copied ${b.toFixed(4)} ms (${gf(b)} GFLOP/s), `
    + `${(b / a).toFixed(3)}×; ${sameBits(bits[0], bits[1]) ? 'same bits' : 'BITS DIFFER'}`);
  x.dispose(); out.dispose(); pw.dispose(); cp.dispose();
}
