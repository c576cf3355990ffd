// onnxruntime-web (wasm execution provider, MLAS kernels) as a peer.
//
// Each layer becomes a one-node ONNX model built in memory (./onnx-proto.mjs) with the weights
// as initializers, so ORT packs them once at session creation. numThreads = 1, graph
// optimisation 'all'. ORT 1.30 ships only SIMD wasm builds; the binary
// (ort-wasm-simd-threaded.wasm) is read from node_modules and handed over as bytes, so nothing
// is fetched.
//
// What is timed, per call: `await session.run({ x })` and reading the output's `.data` — this
// includes ORT copying the input into its wasm heap and the output back into a fresh
// Float32Array (as simdconv does), plus the Promise round-trip of the async API.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { encodeModel } from './onnx-proto.mjs';

const require = createRequire(import.meta.url);

/** @typedef {import('../layers.mjs').Layer} Layer */
/** @typedef {import('../layers.mjs').LayerData} LayerData */

/**
 * The ONNX model for one layer.
 * @param {Layer} l @param {LayerData} d @returns {Uint8Array}
 */
export function layerModel(l, d) {
  const inputs = [{ name: 'x', dims: l.input }];
  const outputs = [{ name: 'y', dims: l.output }];
  if (l.op === 'conv2d') {
    const c = /** @type {import('../shapes.mjs').ConvShape} */ (l.conv);
    const wd = /** @type {NonNullable<LayerData['w']>} */ (d.w);
    const initializers = [{ name: 'w', dims: wd.shape, data: wd.data }];
    const nodeInputs = ['x', 'w'];
    if (d.b) {
      initializers.push({ name: 'b', dims: [c.K], data: d.b });
      nodeInputs.push('b');
    }
    return encodeModel({
      nodes: [{
        opType: 'Conv', inputs: nodeInputs, outputs: ['y'],
        attributes: {
          kernel_shape: [c.kH, c.kW], strides: [c.sH, c.sW], dilations: [c.dH, c.dW], group: c.groups,
          pads: [c.padTop, c.padLeft, c.padBottom, c.padRight],
        },
      }],
      inputs, outputs, initializers,
    });
  }
  if (l.op === 'maxPool2d' || l.op === 'avgPool2d') {
    const p = /** @type {import('../shapes.mjs').PoolShape} */ (l.pool);
    /** @type {Record<string, number | number[]>} */
    const attributes = {
      kernel_shape: [p.kH, p.kW], strides: [p.sH, p.sW], pads: [p.padH, p.padW, p.padH, p.padW],
      ceil_mode: p.ceilMode ? 1 : 0,
    };
    if (l.op === 'maxPool2d') attributes.dilations = [p.dH, p.dW];
    else attributes.count_include_pad = p.countIncludePad ? 1 : 0;
    return encodeModel({
      nodes: [{ opType: l.op === 'maxPool2d' ? 'MaxPool' : 'AveragePool', inputs: ['x'], outputs: ['y'], attributes }],
      inputs, outputs,
    });
  }
  if (l.op === 'globalAvgPool2d') {
    return encodeModel({ nodes: [{ opType: 'GlobalAveragePool', inputs: ['x'], outputs: ['y'] }], inputs, outputs });
  }
  throw new Error(`ort: op ${l.op}`);
}

/** @returns {Promise<import('./tfjs.mjs').Peer>} */
export async function createOrtPeer() {
  const ort = await import('onnxruntime-web');
  const dist = dirname(require.resolve('onnxruntime-web'));
  const wasmFile = join(dist, 'ort-wasm-simd-threaded.wasm');
  const wasmBinary = readFileSync(wasmFile);
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmBinary = wasmBinary;
  ort.env.wasm.wasmPaths = { mjs: pathToFileURL(join(dist, 'ort-wasm-simd-threaded.mjs')) };
  ort.env.logLevel = 'error';

  /** @type {import('onnxruntime-web').InferenceSession.SessionOptions} */
  const sessionOptions = {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  };

  /** @param {Layer} l @param {LayerData} d @returns {Promise<import('./tfjs.mjs').PeerInstance>} */
  const prepare = async (l, d) => {
    const session = await ort.InferenceSession.create(layerModel(l, d), sessionOptions);
    const feeds = { x: new ort.Tensor('float32', d.x.data, d.x.shape) };
    return {
      async: true,
      call: async () => /** @type {Float32Array} */ ((await session.run(feeds)).y.data),
      toNCHW: (y) => y,
      dispose: () => session.release(),
    };
  };

  return {
    id: 'ort',
    label: 'onnxruntime-web (MLAS)',
    info: {
      version: ort.env.versions.web ?? '?',
      wasmFile: 'ort-wasm-simd-threaded.wasm',
      wasmBytes: wasmBinary.length,
      simd: true,
      threads: 1,
    },
    unsupported: (l) => (['conv2d', 'maxPool2d', 'avgPool2d', 'globalAvgPool2d'].includes(l.op) ? null : `op ${l.op}`),
    prepare,
  };
}
