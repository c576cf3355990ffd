// The machine's register-resident Wasm SIMD peaks, measured now: 12 independent accumulator
// chains of f32x4.relaxed_madd (a fused multiply-add where V8 emits one) and of f32x4.mul +
// f32x4.add (what a SIMD128 build without relaxed SIMD, XNNPACK's in TF.js 4.22 among them, can
// use), compiled from the source below with the project's AssemblyScript. On a shared VM they move
// from hour to hour, so bench/ceiling.mjs prints them and every full benchmark run records them.
import asc from 'assemblyscript/dist/asc.js';

export const CHAINS = 12;
const ITER = 5_000_000;

const peakSource = (/** @type {string} */ name, /** @type {(a: string) => string} */ step) => `
export function ${name}(n: i32, s: f32): f32 {
  const b = f32x4.splat(s);
  const c = f32x4.splat(0.999);
  ${Array.from({ length: CHAINS }, (_, i) => `let a${i} = f32x4.splat(${i + 1});`).join(' ')}
  for (let i = 0; i < n; i++) {
    ${Array.from({ length: CHAINS }, (_, i) => `a${i} = ${step(`a${i}`)};`).join(' ')}
  }
  let s0 = a0;
  ${Array.from({ length: CHAINS - 1 }, (_, i) => `s0 = f32x4.add(s0, a${i + 1});`).join(' ')}
  return f32x4.extract_lane(s0, 0);
}`;

/** @type {Promise<any> | undefined} */
let compiledExports;

/**
 * GFLOP/s of both peaks (fma null when relaxed SIMD is not validated), each the median of 7 calls.
 * @param {boolean} relaxed whether this runtime validates relaxed SIMD
 * @returns {Promise<{ muladd: number, fma: number | null }>}
 */
export async function registerPeaks(relaxed) {
  compiledExports ??= (async () => {
    const source = peakSource('muladd', (a) => `f32x4.add(f32x4.mul(${a}, c), b)`)
      + (relaxed ? peakSource('fma', (a) => `f32x4.relaxed_madd(${a}, c, b)`) : '');
    const compiled = await asc.compileString(source, {
      optimizeLevel: 3, runtime: 'stub', enable: relaxed ? ['simd', 'relaxed-simd'] : ['simd'],
    });
    if (compiled.error || !compiled.binary) throw new Error(`asc: ${compiled.error?.message}\n${compiled.stderr.toString()}`);
    return /** @type {any} */ (await WebAssembly.instantiate(compiled.binary)).instance.exports;
  })();
  const ex = await compiledExports;
  /** @param {string} name */
  const gflops = (name) => {
    for (let i = 0; i < 2; i++) ex[name](ITER, 0.001);
    const t = [];
    for (let i = 0; i < 7; i++) { const t0 = performance.now(); ex[name](ITER, 0.001); t.push(performance.now() - t0); }
    const ms = t.sort((a, b) => a - b)[3];
    return (ITER * CHAINS * 8) / (ms * 1e6); // 4 lanes × (mul + add)
  };
  return { muladd: gflops('muladd'), fma: relaxed ? gflops('fma') : null };
}
