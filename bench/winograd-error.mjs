// Winograd's rounding against the dot-product bound every algorithm keeps on random data
// (DESIGN.md, "Exactness"): worst |y − y_ref| / (2·γ(n)·Σ|x·w|) over N(0,1) inputs, weights and
// biases, 3×3 / padding 1 on 8×8 (stride 1: F(2×2, 3×3)) or 16×16 (stride 2: the polyphase
// F(2×2, 2×2) form), 4 output channels, per input-channel count.
//
//   npm run build && node --experimental-wasm-relaxed-simd bench/winograd-error.mjs [--trials 300] [--isa simd] [--stride 2]
import { load } from '../dist/index.js';
import * as ref from '../dist/reference/index.js';

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const TRIALS = Number(opt('trials', 300));
const STRIDE = Number(opt('stride', 1));
const CHANNELS = opt('channels', '8,16,64').split(',').map(Number);
const engine = await load({ isa: opt('isa', 'auto') });

let seed = 1;
const uniform = () => {
  seed = (seed * 1103515245 + 12345) >>> 0;
  return seed / 2 ** 32;
};
const normal = (n) => Float32Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform()));
const u = 2 ** -24;

console.log(`Winograd ${STRIDE === 2 ? 'stride 2 (polyphase F(2×2, 2×2))' : 'F(2×2, 3×3)'} error / dot-product bound · ${engine.isa} build · ${TRIALS} trials × 256 outputs`);
for (const C of CHANNELS) {
  const [H, W, K] = [8 * STRIDE, 8 * STRIDE, 4];
  const n = C * 9 + 1;
  const gamma = (n * u) / (1 - n * u);
  let worst = 0;
  for (let trial = 0; trial < TRIALS; trial++) {
    const x = { data: normal(C * H * W), shape: [1, C, H, W] };
    const w = { data: normal(K * C * 9), shape: [K, C, 3, 3] };
    const bias = normal(K);
    const y = engine.conv2d(x, w, { padding: 1, bias, stride: STRIDE, algorithm: 'winograd' }).data;
    const r = ref.conv2d(x, w, { padding: 1, stride: STRIDE, bias }).data;
    const abs = (t) => ({ data: t.data.map(Math.abs), shape: t.shape });
    const terms = ref.conv2d(abs(x), abs(w), { padding: 1, stride: STRIDE, bias: bias.map(Math.abs) }).data;
    for (let i = 0; i < r.length; i++) worst = Math.max(worst, Math.abs(y[i] - r[i]) / (2 * gamma * terms[i]));
  }
  console.log(`  ${String(C).padStart(2)} input channels: worst error / bound ${worst.toFixed(4)}`);
}
engine.dispose();
