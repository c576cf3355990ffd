/**
 * Finding, validating and instantiating simdconv's wasm builds. The binaries are embedded as
 * base64 in generated modules (one per ISA, imported lazily so a bundler can split them), so
 * no path configuration is needed; explicit bytes or a URL override that.
 */
import { ArgumentError, UnsupportedError } from './errors.js';
import { MEMORY_LIMIT } from './memory.js';
import type { Isa, LoadOptions } from './types.js';

/** The kernels' exports, as the bindings call them (pointers are byte offsets). */
export interface KernelExports {
  memory: WebAssembly.Memory;
  heap_base(): number;
  relaxed(): number;
  pack_f32_gemm_oihw(weight: number, bias: number, packed: number, groups: number, m: number, k: number): void;
  pack_f32_winograd_2x2_3x3(weight: number, m: number, c: number, packed: number, xiBytes: number, stride: number): void;
  f32_pad_phase(src: number, c: number, h: number, w: number, padTop: number, padLeft: number,
    hp: number, sW: number, wq: number, value: number, dst: number, cBegin: number, cEnd: number): void;
  f32_im2col(x: number, c: number, h: number, w: number, kH: number, kW: number, sH: number, sW: number,
    dH: number, dW: number, padTop: number, padLeft: number, outW: number, p0: number, ncols: number,
    dst: number, rowBytes: number, tileBytes: number): void;
  f32_conv2d_gemm(im2col: number, x: number, c: number, h: number, w: number, kH: number, kW: number,
    sH: number, sW: number, dH: number, dW: number, padTop: number, padLeft: number, outH: number, outW: number,
    packed: number, m: number, col: number, nc: number, offsets: number, y: number, actMin: number,
    actMax: number, pBegin: number, pEnd: number): void;
  f32_conv2d_direct(xp: number, rowStride: number, sH: number, k: number, offsets: number, packed: number,
    m: number, outH: number, outW: number, y: number, actMin: number, actMax: number, oyBegin: number, oyEnd: number): void;
  f32_conv_offsets(dst: number, c: number, kH: number, kW: number, dH: number, dW: number, sW: number,
    wq: number, rowStride: number, planeStride: number): void;
  f32_dwconv(xp: number, rowStride: number, planeStride: number, sH: number, dH: number, taps: number,
    offsets: number, weight: number, bias: number, c: number, mult: number, outH: number, outW: number,
    y: number, actMin: number, actMax: number, ocBegin: number, ocEnd: number): void;
  f32_conv2d_winograd_2x2_3x3(stride: number, xp: number, c: number, rowStride: number, planeStride: number, tW: number, ty0: number,
    ty1: number, rb: number, packed: number, xiBytes: number, k: number, k0: number, k1: number, v: number, m: number,
    tmp: number,
    bias: number, outH: number, outW: number, y: number, actMin: number, actMax: number): void;
  f32_all_finite(x: number, n: number): number;
  f32_scatter_phase(src: number, k: number, nI: number, nJ: number, i0: number, i1: number, y: number, outH: number,
    outW: number, py: number, px: number, dH: number, dW: number): void;
  f32_dwconv_3x3s2(x: number, h: number, w: number, padTop: number, padLeft: number, buf: number, weight: number,
    bias: number, mult: number, outH: number, outW: number, y: number, actMin: number, actMax: number,
    ocBegin: number, ocEnd: number): void;
  f32_dwconv_3x3s2_scratch(w: number): number;
  f32_dwconv_3x3s1(x: number, h: number, w: number, padTop: number, padLeft: number, buf: number, weight: number,
    bias: number, mult: number, outH: number, outW: number, y: number, actMin: number, actMax: number,
    ocBegin: number, ocEnd: number): void;
  f32_dwconv_3x3s1_scratch(w: number): number;
  f32_dwconv_3x3_c4(x: number, h: number, w: number, stride: number, padTop: number, padLeft: number, buf: number, weight: number,
    bias: number, mult: number, outH: number, outW: number, y: number, actMin: number, actMax: number,
    ocBegin: number, ocEnd: number): void;
  f32_dwconv_3x3_c4_scratch(h: number, w: number): number;
  f32_maxpool(xp: number, rowStride: number, planeStride: number, sH: number, taps: number, offsets: number,
    c: number, outH: number, outW: number, y: number, cBegin: number, cEnd: number): void;
  f32_maxpool_2x2s2(x: number, c: number, h: number, w: number, outH: number, outW: number, y: number,
    cBegin: number, cEnd: number): void;
  f32_maxpool_3x3s2(x: number, c: number, h: number, w: number, padH: number, padW: number, outH: number,
    outW: number, y: number, cBegin: number, cEnd: number): void;
  f32_maxpool_s1(x: number, c: number, h: number, w: number, kH: number, kW: number, padH: number, padW: number,
    outH: number, outW: number, y: number, cBegin: number, cEnd: number): void;
  f32_avgpool(xp: number, rowStride: number, planeStride: number, sH: number, taps: number, offsets: number,
    c: number, outH: number, outW: number, rowDiv: number, colDiv: number, y: number, cBegin: number, cEnd: number): void;
  f32_avgpool_2x2s2(x: number, c: number, h: number, w: number, outH: number, outW: number, y: number,
    cBegin: number, cEnd: number): void;
  f32_avgpool_3x3(x: number, c: number, h: number, w: number, sH: number, sW: number, padH: number, padW: number,
    outH: number, outW: number, rowDiv: number, colDiv: number, zero: number, y: number, cBegin: number, cEnd: number): void;
  f32_avgpool_3x3_zero_floats(w: number): number;
  f32_global_avgpool(x: number, c: number, n: number, y: number, cBegin: number, cEnd: number): void;
  f32_clamp(x: number, y: number, n: number, lo: number, hi: number): void;
}

// () -> v128 { v128.const 0 }
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0,
  10, 22, 1, 20, 0, 253, 12, ...new Array<number>(16).fill(0), 11,
]);
// () -> v128 { f32x4.relaxed_madd(v128.const 0, v128.const 0, v128.const 0) }
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0,
  10, 61, 1, 59, 0,
  253, 12, ...new Array<number>(16).fill(0),
  253, 12, ...new Array<number>(16).fill(0),
  253, 12, ...new Array<number>(16).fill(0),
  253, 133, 2, 11,
]);

/** What this runtime validates: Wasm SIMD128, and relaxed SIMD on top. */
export function detectIsa(): { simd: boolean; relaxed: boolean } {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.validate !== 'function') {
    return { simd: false, relaxed: false };
  }
  const simd = WebAssembly.validate(SIMD_PROBE);
  return { simd, relaxed: simd && WebAssembly.validate(RELAXED_PROBE) };
}

export function chooseIsa(requested: LoadOptions['isa'] = 'auto'): Isa {
  const isNode = typeof process !== 'undefined' && !!process.versions?.node;
  const { simd, relaxed } = detectIsa();
  if (requested !== 'auto' && requested !== 'simd' && requested !== 'relaxed') {
    throw new ArgumentError('load', 'options.isa', "'auto', 'simd' or 'relaxed'", requested);
  }
  if (!simd) {
    throw new UnsupportedError('load', 'runtime',
      'a runtime that validates WebAssembly SIMD128 (Node ≥ 16.4, Chrome ≥ 91, Firefox ≥ 89, Safari ≥ 16.4)',
      'no Wasm SIMD128', 'a runtime without Wasm SIMD128');
  }
  if (requested === 'relaxed' && !relaxed) {
    throw new UnsupportedError('load', 'options.isa',
      isNode ? "an ISA this runtime validates: 'simd' or 'auto' (relaxed SIMD needs --experimental-wasm-relaxed-simd on Node 20)"
        : "an ISA this runtime validates: 'simd' or 'auto' (relaxed SIMD needs Chrome ≥ 114 or Firefox ≥ 146)",
      'relaxed');
  }
  if (requested === 'auto') return relaxed ? 'relaxed' : 'simd';
  return requested;
}

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const g = globalThis as { Buffer?: { from(s: string, enc: string): Uint8Array } };
  if (g.Buffer) return new Uint8Array(g.Buffer.from(b64, 'base64'));
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function embeddedBytes(isa: Isa, threads = false): Promise<BufferSource> {
  const mod = threads
    ? isa === 'relaxed' ? await import('./generated/relaxed-mt.js') : await import('./generated/simd-mt.js')
    : isa === 'relaxed' ? await import('./generated/relaxed.js') : await import('./generated/simd.js');
  return decodeBase64(mod.wasmBase64);
}

async function bytesFrom(source: BufferSource | URL | string): Promise<BufferSource> {
  if (typeof source !== 'string' && !(source instanceof URL)) return source;
  const url = source instanceof URL ? source : new URL(source, typeof location === 'object' ? location.href : undefined);
  if (url.protocol === 'file:') {
    const fs = await import('node:fs/promises');
    return new Uint8Array(await fs.readFile(url));
  }
  const res = await fetch(url);
  if (!res.ok) throw new ArgumentError('load', 'options.wasm', 'a reachable .wasm URL', String(url), `${String(url)}: HTTP ${res.status}`);
  return res.arrayBuffer();
}

export async function instantiate(isa: Isa, override?: LoadOptions['wasm']): Promise<KernelExports> {
  const bytes = override !== undefined ? await bytesFrom(override) : await embeddedBytes(isa);
  if (!WebAssembly.validate(bytes)) {
    throw new UnsupportedError('load', override !== undefined ? 'options.wasm' : 'runtime',
      'a module this runtime validates (a relaxed build needs a runtime with relaxed SIMD)', `simdconv.${isa}.wasm`);
  }
  const module = await WebAssembly.compile(bytes);
  const instance = await WebAssembly.instantiate(module, {});
  const exports = instance.exports as unknown as KernelExports;
  if (override !== undefined && (exports.relaxed() === 1) !== (isa === 'relaxed')) {
    throw new ArgumentError('load', 'options.wasm',
      `the ${isa} build (or pass isa: '${exports.relaxed() ? 'relaxed' : 'simd'}')`, exports.relaxed() ? 'the relaxed build' : 'the simd build');
  }
  return exports;
}

/** Pages of the shared memory's maximum: the threads builds declare exactly this (build-wasm.mjs). */
const SHARED_MAX_PAGES = MEMORY_LIMIT / 65536;

export interface SharedModule {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** the calling thread's instance */
  kernels: KernelExports;
}

/**
 * Compiles the threads build of `isa` (imports a shared memory) and instantiates it for the
 * calling thread over a new shared memory; workers instantiate the same module over it.
 * Throws UnsupportedError if the runtime does not validate it or the override is not a
 * threads build.
 */
export async function instantiateShared(isa: Isa, override?: LoadOptions['wasm']): Promise<SharedModule> {
  const bytes = override !== undefined ? await bytesFrom(override) : await embeddedBytes(isa, true);
  if (!WebAssembly.validate(bytes)) {
    throw new UnsupportedError('load', override !== undefined ? 'options.wasm' : 'options.threads',
      'a threads build this runtime validates (Wasm threads and SIMD), or threads: 1', `simdconv.${isa}-mt.wasm`);
  }
  const module = await WebAssembly.compile(bytes);
  const importsMemory = WebAssembly.Module.imports(module).some((i) => i.kind === 'memory');
  if (!importsMemory) {
    throw new UnsupportedError('load', 'options.wasm',
      `a threads build (simdconv.${isa}-mt.wasm, which imports a shared memory) when threads > 1`, 'a build with its own memory');
  }
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: 2, maximum: SHARED_MAX_PAGES, shared: true });
  } catch (e) {
    // a shared memory reserves its maximum up front: 32-bit / memory-starved runtimes refuse
    throw new UnsupportedError('load', 'options.threads',
      `1 here: this runtime cannot reserve a ${MEMORY_LIMIT / 2 ** 30} GiB shared memory`, String(e));
  }
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const kernels = instance.exports as unknown as KernelExports;
  if ((kernels.relaxed() === 1) !== (isa === 'relaxed')) {
    throw new ArgumentError('load', 'options.wasm',
      `the ${isa} build (or pass isa: '${kernels.relaxed() ? 'relaxed' : 'simd'}')`, kernels.relaxed() ? 'the relaxed build' : 'the simd build');
  }
  return { module, memory, kernels };
}
