// TensorFlow.js wasm backend (XNNPACK) as a peer.
//
// What is timed, per call: the tf op on tensors already resident in the backend (input and
// weights were converted to NHWC / HWIO and uploaded once, outside the timed region; XNNPACK
// caches its packed-weight operator per filter tensor), then `dataSync()` — which copies the
// output out of the wasm heap into a fresh Float32Array, as simdconv returns a fresh array —
// then `dispose()` of the output tensor; and, as a second row ("resident"), the op and dispose()
// without `dataSync()`. Not timed: the NCHW↔NHWC conversions and the input
// upload. simdconv's `auto-tensor-in` rows are timed under the same conditions (engine tensor
// input, output copied into a fresh array); its plain rows also copy the input in, which for the
// memory-bound layers (depthwise, pooling) costs about as much as the kernel.
// Ops: conv2d / depthwiseConv2d (tf.fused.* when the layer has a bias), maxPool, avgPool, and
// global average pooling as avgPool with a full H×W window.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { statSync } from 'node:fs';
import { nchwToNhwc, nhwcToNchw, oihwToHwio, depthwiseToHwcm } from './layout.mjs';

const require = createRequire(import.meta.url);

/** @typedef {import('../layers.mjs').Layer} Layer */
/** @typedef {import('../layers.mjs').LayerData} LayerData */

/**
 * @typedef {object} PeerInstance
 * @property {boolean} async
 * @property {() => Float32Array | Promise<Float32Array>} call  the timed function
 * @property {() => void} [callResident]  the op with input and output left in the peer's memory (no copy out)
 * @property {(out: Float32Array) => Float32Array} toNCHW  untimed, for verification
 * @property {() => void | Promise<void>} dispose
 *
 * @typedef {object} Peer
 * @property {string} id
 * @property {string} label
 * @property {Record<string, string | number | boolean>} info
 * @property {(layer: Layer) => string | null} unsupported  reason, or null if the layer is supported
 * @property {(layer: Layer, data: LayerData) => Promise<PeerInstance>} prepare
 */

/** @returns {Promise<Peer>} */
export async function createTfjsPeer() {
  const tf = await import('@tensorflow/tfjs-core');
  const wasmBackend = await import('@tensorflow/tfjs-backend-wasm');
  const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  const simdFile = join(dist, 'tfjs-backend-wasm-simd.wasm');
  statSync(simdFile);
  // Only the SIMD binary is reachable: if the backend picked another build, loading would fail.
  wasmBackend.setWasmPaths({
    'tfjs-backend-wasm.wasm': join(dist, 'NOT-USED-non-simd-build.wasm'),
    'tfjs-backend-wasm-simd.wasm': simdFile,
    'tfjs-backend-wasm-threaded-simd.wasm': join(dist, 'NOT-USED-threaded-build.wasm'),
  });
  tf.env().set('WASM_HAS_SIMD_SUPPORT', true);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  tf.env().set('PROD', true);
  wasmBackend.setThreadsCount(1);
  if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") failed');
  await tf.ready();
  const threads = wasmBackend.getThreadsCount();
  if (threads !== 1) throw new Error(`XNNPACK reports ${threads} threads, expected 1`);

  /** @param {Layer} l */
  const unsupported = (l) => {
    if (l.op === 'conv2d') {
      const c = /** @type {import('../shapes.mjs').ConvShape} */ (l.conv);
      if (c.groups !== 1 && !(c.groups === c.C && c.K % c.C === 0)) return 'grouped conv (only groups = 1 or depthwise)';
      if ((c.sH > 1 || c.sW > 1) && (c.dH > 1 || c.dW > 1)) return 'stride > 1 with dilation > 1';
      return null;
    }
    if (l.op === 'maxPool2d' || l.op === 'avgPool2d') {
      const p = /** @type {import('../shapes.mjs').PoolShape} */ (l.pool);
      if (p.dH > 1 || p.dW > 1) return 'pool dilation';
      if (p.ceilMode) return 'ceilMode';
      if (l.op === 'avgPool2d' && p.countIncludePad && (p.padH || p.padW)) return 'countIncludePad with padding (TF excludes padding)';
      return null;
    }
    if (l.op === 'globalAvgPool2d') return null;
    return `op ${l.op}`;
  };

  /** @param {Layer} l @param {LayerData} d @returns {Promise<PeerInstance>} */
  const prepare = async (l, d) => {
    const [N, C, H, W] = l.input;
    const x = tf.tensor4d(nchwToNhwc(d.x.data, l.input), [N, H, W, C]);
    const [oN, oC, oH, oW] = l.output;
    const toNCHW = (/** @type {Float32Array} */ y) => nhwcToNchw(y, [oN, oC, oH, oW]);
    /** @type {import('@tensorflow/tfjs-core').Tensor[]} */
    const owned = [x];
    /** @type {() => import('@tensorflow/tfjs-core').Tensor} */
    let op;
    if (l.op === 'conv2d') {
      const c = /** @type {import('../shapes.mjs').ConvShape} */ (l.conv);
      const wd = /** @type {NonNullable<LayerData['w']>} */ (d.w);
      /** @type {[[number, number], [number, number], [number, number], [number, number]]} */
      const pad = [[0, 0], [c.padTop, c.padBottom], [c.padLeft, c.padRight], [0, 0]];
      const strides = /** @type {[number, number]} */ ([c.sH, c.sW]);
      const dilations = /** @type {[number, number]} */ ([c.dH, c.dW]);
      const bias = d.b ? tf.tensor1d(d.b) : undefined;
      if (bias) owned.push(bias);
      if (c.groups === 1) {
        const filter = tf.tensor4d(oihwToHwio(wd.data, wd.shape), [c.kH, c.kW, c.C, c.K]);
        owned.push(filter);
        op = bias
          ? () => tf.fused.conv2d({ x, filter, strides, pad, dataFormat: 'NHWC', dilations, bias })
          : () => tf.conv2d(x, filter, strides, pad, 'NHWC', dilations);
      } else {
        const filter = tf.tensor4d(depthwiseToHwcm(wd.data, wd.shape, c.C), [c.kH, c.kW, c.C, c.K / c.C]);
        owned.push(filter);
        const symmetric = c.padTop === c.padBottom && c.padTop === c.padLeft && c.padTop === c.padRight;
        if (bias && !symmetric) throw new Error('tf.fused.depthwiseConv2d takes only symmetric numeric padding');
        op = bias
          ? () => tf.fused.depthwiseConv2d({ x, filter, strides, pad: c.padTop, dataFormat: 'NHWC', dilations, bias })
          : () => tf.depthwiseConv2d(x, filter, strides, pad, 'NHWC', dilations);
      }
    } else if (l.op === 'maxPool2d' || l.op === 'avgPool2d') {
      const p = /** @type {import('../shapes.mjs').PoolShape} */ (l.pool);
      if (p.padH !== p.padW) throw new Error('tf pooling: only symmetric numeric padding');
      const fn = l.op === 'maxPool2d' ? tf.maxPool : tf.avgPool;
      op = () => fn(/** @type {any} */ (x), [p.kH, p.kW], [p.sH, p.sW], p.padH);
    } else {
      // A full-window tf.avgPool (XNNPACK average pooling); tf.mean(x, [1, 2]) gives the same
      // values but transposes first in this backend and is ≈ 10× slower on 512×7².
      op = () => tf.avgPool(/** @type {any} */ (x), [H, W], 1, 'valid');
    }
    return {
      async: false,
      call: () => {
        const y = op();
        const out = /** @type {Float32Array} */ (y.dataSync());
        y.dispose();
        return out;
      },
      // the op alone, its output left in the wasm heap (the backend runs ops synchronously):
      // timed against simdconv's engine-tensor rows, which copy nothing out either
      callResident: () => { op().dispose(); },
      toNCHW: l.op === 'globalAvgPool2d' ? (y) => y : toNCHW,
      dispose: () => { for (const t of owned) t.dispose(); },
    };
  };

  return {
    id: 'tfjs',
    label: 'TF.js wasm (XNNPACK)',
    info: {
      version: tf.version_core,
      backend: tf.getBackend(),
      wasmFile: 'tfjs-backend-wasm-simd.wasm',
      wasmBytes: statSync(simdFile).size,
      simd: /** @type {boolean} */ (tf.env().getBool('WASM_HAS_SIMD_SUPPORT')),
      threads,
    },
    unsupported,
    prepare,
  };
}
