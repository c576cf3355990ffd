// simdconv under test: the built package (dist/index.js), both wasm builds, every algorithm that
// applies to a layer; and the naive reference (dist/reference/index.js).
import { existsSync } from 'node:fs';
import { pathToFileURL, fileURLToPath } from 'node:url';

const ROOT = new URL('../', import.meta.url);

/** A module using f32x4.relaxed_madd: (v128, v128, v128) → v128. */
export const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b,
  0x03, 0x02, 0x01, 0x00,
  0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b,
]);
/** The same with f32x4.add on two operands: baseline SIMD128. */
export const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x07, 0x01, 0x60, 0x02, 0x7b, 0x7b, 0x01, 0x7b,
  0x03, 0x02, 0x01, 0x00,
  0x0a, 0x0b, 0x01, 0x09, 0x00, 0x20, 0x00, 0x20, 0x01, 0xfd, 0xe4, 0x01, 0x0b,
]);

export const relaxedSupported = () => WebAssembly.validate(RELAXED_PROBE);

/** @param {string} rel */
const rootPath = (rel) => fileURLToPath(new URL(rel, ROOT));

/**
 * The naive reference ops: dist/reference/index.js when built, else the bench's stand-in.
 * @returns {Promise<{ ops: any, source: string, label: string }>}
 */
export async function loadReference() {
  const built = rootPath('dist/reference/index.js');
  if (existsSync(built)) {
    return { ops: await import(pathToFileURL(built).href), source: 'dist/reference/index.js', label: 'naive (reference)' };
  }
  return { ops: await import('./fallback-reference.mjs'), source: 'bench/fallback-reference.mjs', label: 'naive (bench fallback)' };
}

/**
 * @typedef {object} EngineBuild
 * @property {'simd' | 'relaxed'} isa
 * @property {import('../bindings/types.ts').Engine | null} engine
 * @property {string | null} error  why this build is unavailable
 */

/**
 * Loads dist/index.js and one engine per build.
 * @param {('simd' | 'relaxed')[]} isas
 * @returns {Promise<{ available: boolean, error: string | null, builds: EngineBuild[] }>}
 */
export async function loadEngines(isas) {
  const built = rootPath('dist/index.js');
  if (!existsSync(built)) return { available: false, error: 'dist/index.js not found (run `npm run build`)', builds: [] };
  let mod;
  try {
    mod = await import(pathToFileURL(built).href);
  } catch (e) {
    return { available: false, error: `import dist/index.js: ${errMsg(e)}`, builds: [] };
  }
  /** @type {EngineBuild[]} */
  const builds = [];
  for (const isa of isas) {
    if (isa === 'relaxed' && !relaxedSupported()) {
      builds.push({ isa, engine: null, error: 'runtime does not validate relaxed SIMD (needs --experimental-wasm-relaxed-simd on Node 20)' });
      continue;
    }
    try {
      // single-threaded for now (--threads n > 1 comes with the threads build)
      const engine = await mod.load({ isa, threads: 1 });
      const threads = /** @type {any} */ (engine).threads;
      if (threads !== undefined && threads !== 1) throw new Error(`load({ isa: '${isa}', threads: 1 }) gave an engine with ${threads} threads`);
      if (engine.isa !== isa) throw new Error(`load({ isa: '${isa}' }) returned an engine with isa '${engine.isa}'`);
      builds.push({ isa, engine, error: null });
    } catch (e) {
      builds.push({ isa, engine: null, error: errMsg(e) });
    }
  }
  return { available: true, error: null, builds };
}

/** @param {unknown} e */
export const errMsg = (e) => (e instanceof Error ? e.message : String(e));

/**
 * Algorithms worth forcing on a conv layer; the engine may still refuse some (reported n/a).
 * @param {import('./layers.mjs').Layer} l
 * @returns {('direct' | 'im2col' | 'depthwise' | 'pointwise' | 'winograd' | 'auto')[]}
 */
export function algorithmsFor(l) {
  const c = /** @type {import('./shapes.mjs').ConvShape} */ (l.conv);
  /** @type {('direct' | 'im2col' | 'depthwise' | 'pointwise' | 'winograd' | 'auto')[]} */
  const algs = ['direct', 'im2col'];
  if (c.groups > 1 && c.groups === c.C && c.cPerGroup === 1) algs.push('depthwise');
  if (c.kH === 1 && c.kW === 1 && c.groups === 1) algs.push('pointwise');
  const stride = (c.sH === 1 && c.sW === 1) || (c.sH === 2 && c.sW === 2 && c.dH === 1 && c.dW === 1);
  if (c.kH === 3 && c.kW === 3 && stride && c.groups === 1 && c.cPerGroup >= 8) {
    algs.push('winograd');
  }
  algs.push('auto');
  return algs;
}

/**
 * @typedef {object} Variant
 * @property {string} id  e.g. 'simd/im2col'
 * @property {'simd' | 'relaxed'} isa
 * @property {string} algorithm  requested
 * @property {boolean} prepared  weights packed once (prepareConv2d) vs functional call
 * @property {boolean} [resident]  input and output are engine tensors made before timing: no copy in or out
 * @property {boolean} [tensorIn]  the input is an engine tensor made before timing; the output a fresh array
 * @property {(d: import('./layers.mjs').LayerData) => { call: () => Float32Array, dispose: () => void }} bind
 *   builds the timed call for one data set (preparing weights outside the timed region)
 */

/**
 * The simdconv variants for a layer on one engine.
 * @param {import('./layers.mjs').Layer} l @param {'simd' | 'relaxed'} isa @param {import('../bindings/types.ts').Engine} engine
 * @returns {Variant[]}
 */
export function variantsFor(l, isa, engine) {
  if (l.op === 'conv2d') {
    const c = /** @type {import('./shapes.mjs').ConvShape} */ (l.conv);
    /** @type {{ stride: [number, number], padding: [number, number, number, number], dilation: [number, number], groups: number }} */
    const base = { stride: [c.sH, c.sW], padding: [c.padTop, c.padLeft, c.padBottom, c.padRight], dilation: [c.dH, c.dW], groups: c.groups };
    /** @type {Variant[]} */
    const vs = algorithmsFor(l).map((algorithm) => ({
      id: `${isa}/${algorithm}`, isa, algorithm, prepared: true,
      bind: (d) => {
        const p = engine.prepareConv2d(/** @type {any} */ (d.w), { ...base, bias: d.b, algorithm: /** @type {any} */ (algorithm), inputShape: l.input });
        return { call: () => p.run(d.x).data, dispose: () => p.dispose() };
      },
    }));
    vs.push({
      id: `${isa}/auto-unprepared`, isa, algorithm: 'auto', prepared: false,
      bind: (d) => ({ call: () => engine.conv2d(d.x, /** @type {any} */ (d.w), { ...base, bias: d.b, algorithm: 'auto' }).data, dispose: () => {} }),
    });
    for (const where of /** @type {const} */ (['tensor-in', 'resident'])) {
      vs.push({
        id: `${isa}/auto-${where}`, isa, algorithm: 'auto', prepared: true, [where === 'resident' ? 'resident' : 'tensorIn']: true,
        bind: (d) => {
          const p = engine.prepareConv2d(/** @type {any} */ (d.w), { ...base, bias: d.b, algorithm: 'auto', inputShape: l.input });
          const { x, options, dispose } = residentOperands(engine, l, d, {}, where === 'resident');
          return { call: () => p.run(x, options).data, dispose: () => { dispose(); p.dispose(); } };
        },
      });
    }
    return vs;
  }
  const op = /** @type {'maxPool2d' | 'avgPool2d' | 'globalAvgPool2d'} */ (l.op);
  /** @param {import('../bindings/types.ts').Tensor} x @param {any} options */
  const pool = (x, options) => (op === 'globalAvgPool2d' ? engine.globalAvgPool2d(x, options) : engine[op](x, options));
  return [{
    id: `${isa}/${op}`, isa, algorithm: 'pool', prepared: false,
    bind: (d) => ({ call: () => pool(d.x, l.options).data, dispose: () => {} }),
  }, ...(/** @type {const} */ (['tensor-in', 'resident'])).map((where) => ({
    id: `${isa}/${op}-${where}`, isa, algorithm: 'pool', prepared: false, [where === 'resident' ? 'resident' : 'tensorIn']: true,
    bind: (/** @type {import('./layers.mjs').LayerData} */ d) => {
      const { x, options, dispose } = residentOperands(engine, l, d, l.options, where === 'resident');
      return { call: () => pool(x, options).data, dispose };
    },
  }))];
}

/**
 * The layer's input as an engine tensor, made once before timing, and `options` plus (when
 * `withOut`) an engine tensor `out`: the timed call then copies nothing in or out; without `out`
 * it copies its output into a fresh array — what the TF.js peer's `dataSync()` does.
 * @param {import('../bindings/types.ts').Engine} engine @param {import('./layers.mjs').Layer} l
 * @param {import('./layers.mjs').LayerData} d @param {Record<string, any>} options @param {boolean} withOut
 */
function residentOperands(engine, l, d, options, withOut) {
  const x = engine.tensor(l.input, d.x.data);
  const out = withOut ? engine.tensor(l.output) : null;
  return { x, options: out ? { ...options, out } : options, dispose: () => { x.dispose(); out?.dispose(); } };
}

/**
 * The reference op for a layer as a call on one data set.
 * @param {any} ref @param {import('./layers.mjs').Layer} l @param {import('./layers.mjs').LayerData} d
 * @returns {() => Float32Array}
 */
export function referenceCall(ref, l, d) {
  if (l.op === 'conv2d') return () => ref.conv2d(d.x, d.w, { ...l.options, bias: d.b }).data;
  if (l.op === 'maxPool2d') return () => ref.maxPool2d(d.x, l.options).data;
  if (l.op === 'avgPool2d') return () => ref.avgPool2d(d.x, l.options).data;
  return () => ref.globalAvgPool2d(d.x).data;
}
