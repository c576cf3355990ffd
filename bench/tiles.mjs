// The GEMM microkernel's register tile, chosen by measurement: MR×NR tiles (MR rows of A =
// output channels, NR columns of B = output pixels) compiled here from one AssemblyScript
// template, each in the form of simdconv's f32_gemm_4x8 — A packed in MR-row blocks (MR biases,
// then K steps of MR floats), B tile-major (each NR-column tile's K rows of NR floats in one
// run), MR·NR/4 accumulators from the bias, per K step NR/4 vector loads of B, MR broadcasts of
// A and MR·NR/4 multiply-adds — and timed side by side in interleaved rounds on GEMM shapes of
// the suite's layers, B within L2 as the GEMM driver's panels are. Both arithmetic forms: the
// simd build's f32x4.mul + f32x4.add and the relaxed build's f32x4.relaxed_madd (when the
// runtime validates it). V8 gives a Wasm function 15 usable vector registers: 4×8, 3×12 and
// 2×16 need 14, 13 and 14 (accumulators, B vectors, one or more broadcasts); 6×8 needs 12
// accumulators alone and spills.
//
//   node --experimental-wasm-relaxed-simd bench/tiles.mjs [--rounds 15]
import asc from 'assemblyscript/dist/asc.js';
import { relaxedSupported } from './simdconv.mjs';
import { flag } from './ab.mjs';

const rounds = Number(flag(process.argv.slice(2), '--rounds', '15'));
const relaxed = relaxedSupported();
const TILES = [[4, 8], [2, 16], [3, 12], [6, 8]];
// M and N multiples of 12 and 48 (every tile divides them), near the suite's layers; B ≤ 256 KiB
const SHAPES = [
  { name: '1×1 64→128 @28² (layer2.0 downsample, gathered)', m: 120, k: 64, n: 768 },
  { name: '1×1 144→24 @56², one 256 KiB panel', m: 24, k: 144, n: 432 },
  { name: '1×1 256→512 @14²', m: 504, k: 256, n: 192 },
  { name: '3×3 64→64 as im2col (K = 576), one panel', m: 60, k: 576, n: 96 },
];

/** AssemblyScript source of gemm_<form>_<mr>x<nr>(m, k, n, a, b, c): C[m][n] = bias + A·B. */
function tileSource(form, mr, nr) {
  const nv = nr / 4;
  const acc = (r, v) => `acc${r}x${v}`;
  const all = (f) => Array.from({ length: mr }, (_, r) => Array.from({ length: nv }, (_, v) => f(r, v))).flat();
  const madd = form === 'fma' ? (x, y, z) => `f32x4.relaxed_madd(${x}, ${y}, ${z})` : (x, y, z) => `f32x4.add(f32x4.mul(${x}, ${y}), ${z})`;
  return `
export function gemm_${form}_${mr}x${nr}(m: i32, k: i32, n: i32, a: usize, b: usize, c: usize): void {
  const blockBytes = <usize>(${mr} + ${mr} * k) << 2;
  const tileBytes = <usize>(k * ${nr}) << 2;
  const ldc = <usize>n << 2;
  for (let i = 0; i < m; i += ${mr}) {
    const ab = a + <usize>(i / ${mr}) * blockBytes;
    const wend = ab + blockBytes;
    for (let j = 0; j < n; j += ${nr}) {
      ${all((r, v) => `let ${acc(r, v)} = v128.load32_splat(ab, ${4 * r});`).join(' ')}
      let w = ab + ${4 * mr};
      let pb = b + <usize>(j / ${nr}) * tileBytes;
      while (w < wend) {
        ${Array.from({ length: nv }, (_, v) => `const b${v} = v128.load(pb, ${16 * v});`).join(' ')}
        ${Array.from({ length: mr }, (_, r) => `const a${r} = v128.load32_splat(w, ${4 * r});`).join(' ')}
        ${all((r, v) => `${acc(r, v)} = ${madd(`b${v}`, `a${r}`, acc(r, v))};`).join(' ')}
        w += ${4 * mr};
        pb += ${4 * nr};
      }
      const cj = c + <usize>i * ldc + (<usize>j << 2);
      ${all((r, v) => `v128.store(cj + ${r} * ldc, ${acc(r, v)}, ${16 * v});`).join(' ')}
    }
  }
}`;
}

const forms = relaxed ? ['muladd', 'fma'] : ['muladd'];
const source = forms.flatMap((form) => TILES.map(([mr, nr]) => tileSource(form, mr, nr))).join('\n');
const compiled = await asc.compileString(source, {
  optimizeLevel: 3, runtime: 'stub', enable: relaxed ? ['simd', 'relaxed-simd'] : ['simd'], initialMemory: 64,
});
if (compiled.error || !compiled.binary) throw new Error(`asc: ${compiled.error?.message}\n${compiled.stderr.toString()}`);
const ex = /** @type {any} */ ((await WebAssembly.instantiate(compiled.binary)).instance.exports);
const mem = /** @type {WebAssembly.Memory} */ (ex.memory);

/**
 * Lays out one shape's operands for an MR×NR tile (A packed, B tile-major, both from the
 * row-major a[m][k], bias[m], b[k][n] made by `value(i)`); returns the call and C's view.
 */
function setup(fn, mr, nr, { m, k, n }, value) {
  const a = 65536;
  const aBytes = (m / mr) * (mr + mr * k) * 4;
  const b = a + aBytes + 64;
  const c = b + k * n * 4 + 64;
  const end = c + m * n * 4;
  if (end > mem.buffer.byteLength) mem.grow(Math.ceil((end - mem.buffer.byteLength) / 65536));
  const f = new Float32Array(mem.buffer);
  const A = (i, kk) => value(i * k + kk);
  const bias = (i) => value(m * k + i);
  const B = (kk, j) => value(m * k + m + kk * n + j);
  for (let i0 = 0; i0 < m; i0 += mr) {
    const blk = a / 4 + (i0 / mr) * (mr + mr * k);
    for (let r = 0; r < mr; r++) f[blk + r] = bias(i0 + r);
    for (let kk = 0; kk < k; kk++) for (let r = 0; r < mr; r++) f[blk + mr + kk * mr + r] = A(i0 + r, kk);
  }
  for (let j0 = 0; j0 < n; j0 += nr) {
    for (let kk = 0; kk < k; kk++) for (let jj = 0; jj < nr; jj++) f[b / 4 + j0 * k + kk * nr + jj] = B(kk, j0 + jj);
  }
  return { run: () => fn(m, k, n, a, b, c), out: () => new Float32Array(mem.buffer, c, m * n), A, B, bias };
}

// every tile first on small integers (every summation order exact): each C must equal a naive
// loop's bit for bit, or the timings mean nothing
const small = (i) => ((i * 7919) % 9) - 4;
for (const form of forms) {
  for (const [mr, nr] of TILES) {
    for (const s of SHAPES) {
      const t = setup(ex[`gemm_${form}_${mr}x${nr}`], mr, nr, s, small);
      t.run();
      const y = t.out();
      for (let i = 0; i < s.m; i++) {
        for (let j = 0; j < s.n; j++) {
          let want = t.bias(i);
          for (let kk = 0; kk < s.k; kk++) want += t.A(i, kk) * t.B(kk, j);
          if (y[i * s.n + j] !== want) throw new Error(`${form} ${mr}×${nr} on ${s.name}: C[${i}][${j}] = ${y[i * s.n + j]}, expected ${want}`);
        }
      }
    }
  }
}

/** Median ms of each call over interleaved rounds. */
function interleaved(calls) {
  const t = calls.map(() => []);
  const reps = calls.map((f) => {
    const t0 = performance.now();
    f();
    return Math.max(3, Math.ceil(4 / Math.max(performance.now() - t0, 0.01)));
  });
  for (let r = 0; r < rounds; r++) {
    const order = calls.map((_, i) => i);
    if (r & 1) order.reverse();
    for (const i of order) {
      const t0 = performance.now();
      for (let j = 0; j < reps[i]; j++) calls[i]();
      t[i].push((performance.now() - t0) / reps[i]);
    }
  }
  return t.map((v) => v.sort((x, y) => x - y)[v.length >> 1]);
}

console.log(`GEMM register tiles, one thread, ${rounds} interleaved rounds; GFLOP/s = 2·M·K·N / median (each tile first checked against a naive loop, bit for bit on integer data)`);
for (const form of forms) {
  console.log(`\n${form === 'fma' ? 'f32x4.relaxed_madd (the relaxed build)' : 'f32x4.mul + f32x4.add (the simd build)'}:`);
  console.log(`  ${'shape (M × K × N)'.padEnd(70)} ${TILES.map(([mr, nr]) => `${mr}×${nr}`.padStart(7)).join(' ')}`);
  for (const s of SHAPES) {
    const calls = TILES.map(([mr, nr]) => setup(ex[`gemm_${form}_${mr}x${nr}`], mr, nr, s, (i) => ((i * 7919) % 17) / 16 - 0.5).run);
    const ms = interleaved(calls);
    const gf = ms.map((t) => (2 * s.m * s.k * s.n) / (t * 1e6));
    console.log(`  ${`${s.name} (${s.m} × ${s.k} × ${s.n})`.padEnd(70)} ${gf.map((g) => g.toFixed(1).padStart(7)).join(' ')}`);
  }
}
