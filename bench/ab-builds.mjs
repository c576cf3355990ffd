// Two builds of simdconv side by side in one process, on depthwise, max-pool or average-pool layers
// (k×k, 3×3 unless --k; padding k / 2 unless --pad):
// their calls alternate over interleaved rounds (engine tensors in and out, one thread), so a
// slow spell of the machine hits both alike. Also checks that both give the same bits.
//
//   node --experimental-wasm-relaxed-simd bench/ab-builds.mjs <a/dist/index.js> <b/dist/index.js>
//        [--op dw|maxpool|avgpool] [--shapes CxH,…] [--stride 2] [--k 3] [--pad k/2] [--isa relaxed|simd]
//        [--rounds 31] [--out tensor|array] [--act none|relu|relu6]
//
// --out array: the output comes back as a fresh Float32Array (the input stays an engine tensor) —
// the benchmark's "tensor in" condition, which also times the copy out of wasm memory.
//
// e.g. the build of an older commit: git worktree add /tmp/old <rev> && (cd /tmp/old && npm ci && npm run build)
import { alternate, flag as argFlag, ints, sameBits, twoBuilds } from './ab.mjs';

const args = process.argv.slice(2);
const flag = (name, dflt) => argFlag(args, name, dflt);
const op = flag('--op', 'dw');
const stride = Number(flag('--stride', '2'));
const k = Number(flag('--k', '3'));
const pad = Number(flag('--pad', String(k >> 1)));
if (!['dw', 'maxpool', 'avgpool'].includes(op)) throw new Error(`--op: expected dw, maxpool or avgpool, got ${op}`);
const isa = flag('--isa', 'relaxed');
const rounds = Number(flag('--rounds', '31'));
const outMode = flag('--out', 'tensor');
const activation = flag('--act', 'none');
if (outMode !== 'tensor' && outMode !== 'array') throw new Error(`--out: expected tensor or array, got ${outMode}`);
const shapes = flag('--shapes', op === 'dw' ? '96x112,144x56,32x112' : '64x112,64x56').split(',').map((s) => s.split('x').map(Number));
const { paths, engines } = await twoBuilds(args, 'bench/ab-builds.mjs <a/dist/index.js> <b/dist/index.js> [--op dw|maxpool|avgpool] [--shapes CxH,…] [--stride 2] [--k 3] [--pad k/2] [--isa relaxed|simd] [--rounds 31] [--out tensor|array] [--act none|relu|relu6]', isa);

console.log(`A = ${paths[0]}, B = ${paths[1]}; ${isa}, one thread, ${outMode === 'tensor' ? 'resident tensors' : 'engine tensor in, fresh array out'}, ${rounds} interleaved rounds`);
for (const [C, H] of shapes) {
  const x = ints(C * H * H), w = ints(C * k * k), b = ints(C);
  const calls = engines.map((e) => {
    const xt = e.tensor([1, C, H, H], x);
    if (op === 'dw') {
      const p = e.prepareConv2d({ shape: [C, 1, k, k], data: w }, { stride, padding: pad, groups: C, bias: b, activation, algorithm: 'depthwise', inputShape: [1, C, H, H] });
      const out = e.tensor(p.run(xt).shape);
      return { run: outMode === 'tensor' ? () => p.run(xt, { out }) : () => p.run(xt), bits: () => p.run(xt).data };
    }
    const o = { kernelSize: k, stride, padding: pad };
    const pool = op === 'maxpool' ? (opts) => e.maxPool2d(xt, opts) : (opts) => e.avgPool2d(xt, opts);
    const out = e.tensor(pool(o).shape);
    return { run: outMode === 'tensor' ? () => pool({ ...o, out }) : () => pool(o), bits: () => pool(o).data };
  });
  const [ba, bb] = calls.map((c) => c.bits());
  const same = sameBits(ba, bb);
  const [ma, mb] = alternate([calls[0].run, calls[1].run], rounds, Math.max(10, Math.floor(1e7 / (C * H * H))));
  console.log(`${op}${k === 3 ? '' : ` ${k}×${k}`} ${C}×${H}² s${stride}${activation === 'none' ? '' : ` ${activation}`}: A ${ma.toFixed(4)} ms, B ${mb.toFixed(4)} ms (medians), B/A ${(mb / ma).toFixed(3)}; ${same ? 'same bits' : 'DIFFERENT BITS'}`);
}
