// 3×3 depthwise in its two forms side by side in one process — along each plane's rows
// (f32_dwconv_3x3s1 / f32_dwconv_3x3s2) and 4 channels at a time (f32_dwconv_3x3_c4) — on
// MobileNetV2-like shapes (padding 1): alternating interleaved rounds, engine tensors in and out,
// one thread. Says whether both give the same bits (integer data; they do at stride 1). The
// measurements behind bindings/plan.ts's depthwiseC4 rule.
//
//   npm run build && node --experimental-wasm-relaxed-simd bench/dw-c4.mjs [--stride 1|2]
//        [--isa relaxed|simd] [--act none|relu|relu6] [--shapes CxH,…] [--rounds 15]
import { load } from '../dist/index.js';
import { setDepthwiseC4MaxPlane } from '../dist/plan.js';
import { alternate, flag as argFlag, ints, sameBits } from './ab.mjs';

const args = process.argv.slice(2);
const flag = (name, dflt) => argFlag(args, name, dflt);
const isa = flag('--isa', 'relaxed');
const activation = flag('--act', 'none');
const rounds = Number(flag('--rounds', '15'));
const stride = Number(flag('--stride', '1'));
const shapes = flag('--shapes', '960x7,64x10,576x14,384x14,256x16,192x20,128x24,192x28,144x56,32x112')
  .split(',').map((s) => s.split('x').map(Number));
const e = await load({ isa, threads: 1 });
const FORMS = { rows: 0, c4: Infinity };
const n0 = (C, H) => C * H * H / stride / stride;

console.log(`stride ${stride}, ${isa}, activation ${activation}, one thread, resident tensors, ${rounds} interleaved rounds`);
for (const [C, H] of shapes) {
  const x = e.tensor([1, C, H, H], ints(C * H * H));
  const p = e.prepareConv2d({ shape: [C, 1, 3, 3], data: ints(C * 9) },
    { stride, padding: 1, groups: C, bias: ints(C), activation, algorithm: 'depthwise', inputShape: [1, C, H, H] });
  const out = e.tensor(p.run(x).shape);
  const run = (form) => { const old = setDepthwiseC4MaxPlane(FORMS[form]); try { p.run(x, { out }); } finally { setDepthwiseC4MaxPlane(old); } };
  const bits = Object.keys(FORMS).map((form) => { run(form); return out.data.slice(); });
  const same = sameBits(bits[0], bits[1]);
  const [a, b] = alternate([() => run('rows'), () => run('c4')], rounds, Math.max(10, Math.floor(3e6 / n0(C, H))));
  console.log(`${C}×${H}²: rows ${a.toFixed(4)} ms, 4 channels ${b.toFixed(4)} ms (medians), ${(b / a).toFixed(3)}×; ${same ? 'same bits' : 'BITS DIFFER'}`);
  x.dispose(); out.dispose(); p.dispose();
}
