// The README's performance table from a full-suite result file, and the summary figures quoted
// under it (geometric means and minima of the ratios to XNNPACK over the conv layers above
// 1 MFLOP).
//
//   node bench/readme-table.mjs bench/results/full-<date>.json [--write]
//
// Prints the table and the figures; --write replaces the table between the README's
// <!-- bench-table --> and <!-- /bench-table --> markers. An XNNPACK "op" time marked * was
// slower than its op + dataSync(): the resident ratios then use the latter (run-layer.mjs).
import { readFileSync, writeFileSync } from 'node:fs';
import { fmtMs, fmtRatio } from './report.mjs';

const [file, ...flags] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/readme-table.mjs <full-suite result .json> [--write]');
  process.exit(2);
}
const run = JSON.parse(readFileSync(file, 'utf8'));

/** name in the suite → title in the README */
const ROWS = [
  ['lenet5.c1', 'LeNet-5 C1 1→6 5×5 @32²'], ['lenet5.s2', 'LeNet-5 S2 avg pool 2×2/2 6×28²'],
  ['lenet5.c5', 'LeNet-5 C5 16→120 5×5 @5²'], ['simplecnn.conv1', 'SimpleCNN 3→16 3×3 @32²'],
  ['mnistcnn.conv2', 'MNIST CNN 32→64 3×3 @14² (Winograd)'], ['resnet18.conv1', 'ResNet-18 stem 7×7 s2'],
  ['resnet18.maxpool', 'ResNet-18 max pool 3×3/2 p1 64×112²'],
  ['resnet18.layer1.0.conv1', 'ResNet-18 3×3 64→64 @56² (Winograd)'], ['resnet18.layer2.0.conv1', 'ResNet-18 3×3 s2 64→128 @56² (Winograd s2)'],
  ['resnet18.layer2.0.downsample', 'ResNet-18 1×1 s2 64→128 @56²'],
  ['resnet18.layer2.0.conv2', 'ResNet-18 3×3 128→128 @28² (Winograd)'], ['resnet18.layer3.0.conv1', 'ResNet-18 3×3 s2 128→256 @28² (Winograd s2)'],
  ['resnet18.layer3.0.conv2', 'ResNet-18 3×3 256→256 @14² (Winograd)'], ['resnet18.layer4.0.downsample', 'ResNet-18 1×1 s2 256→512 @14²'],
  ['resnet18.layer4.0.downsample-s1', '1×1 256→512 @14²'], ['resnet18.layer4.0.conv2', 'ResNet-18 3×3 512→512 @7² (Winograd)'],
  ['resnet18.avgpool', 'ResNet-18 global avg pool 512×7²'],
  ['mobilenetv2.features.0', 'MobileNetV2 3→32 3×3 s2 @224²'],
  ['mobilenetv2.features.1.dw', 'MobileNetV2 depthwise 3×3 32 @112²'], ['mobilenetv2.features.2.dw', 'MobileNetV2 depthwise 3×3 s2 96 @112²'],
  ['mobilenetv2.features.3.dw', 'MobileNetV2 depthwise 3×3 144 @56²'], ['mobilenetv2.features.3.project', 'MobileNetV2 1×1 144→24 @56²'],
  ['mobilenetv2.features.4.dw', 'MobileNetV2 depthwise 3×3 s2 144 @56²'], ['mobilenetv2.features.5.expand', 'MobileNetV2 1×1 32→192 @28²'],
  ['mobilenetv2.features.5.dw', 'MobileNetV2 depthwise 3×3 192 @28²'], ['mobilenetv2.features.7.dw', 'MobileNetV2 depthwise 3×3 s2 192 @28²'],
  ['mobilenetv2.features.8.dw', 'MobileNetV2 depthwise 3×3 384 @14²'], ['mobilenetv2.features.14.dw', 'MobileNetV2 depthwise 3×3 s2 576 @14²'],
  ['mobilenetv2.features.15.dw', 'MobileNetV2 depthwise 3×3 960 @7²'], ['mobilenetv2.features.15.project', 'MobileNetV2 1×1 960→160 @7²'],
  ['mobilenetv2.features.18', 'MobileNetV2 1×1 320→1280 @7²'],
  ['mobilenetv3l.features.4.dw', 'MobileNetV3-Large depthwise 5×5 s2 72 @56²'], ['mobilenetv3l.features.5.dw', 'MobileNetV3-Large depthwise 5×5 120 @28²'],
  ['dilated.3x3d2', 'dilated 3×3 d2 64→64 @56² (Winograd)'], ['maxpool.2x2s2', 'max pool 2×2/2 64×112²'],
];
const PLACES = /** @type {const} */ (['', '-tensor-in', '-resident']);

/** @param {any} l the layer's result @param {string} isa @param {string} place */
function impl(l, isa, place) {
  const base = l.layer.op === 'conv2d' ? 'auto' : l.layer.op;
  const r = l.impls.find((/** @type {any} */ i) => i.id === `${isa}/${base}${place}`);
  if (!r?.timing) throw new Error(`${l.layer.name}: no timing for ${isa}/${base}${place}`);
  return r;
}
/** @param {any} l @param {string} id */
const peer = (l, id) => l.impls.find((/** @type {any} */ i) => i.id === id)?.timing?.medianMs;

const out = [
  '| layer | relaxed auto ms: arrays / tensor in / resident | XNNPACK ms: op + dataSync / op | ORT ms | relaxed vs XNNPACK: tensor in / resident | simd vs XNNPACK: tensor in / resident |',
  '|---|---:|---:|---:|---:|---:|',
];
/** ratios of the conv layers above 1 MFLOP, per `${isa}${place}` */
/** @type {Record<string, number[]>} */
const big = {};
for (const [name, title] of ROWS) {
  const l = run.layers.find((/** @type {any} */ x) => x.layer.name === name);
  if (!l) {
    // runs from before the layer joined the suite
    console.error(`${name} is not in ${file}: row left out`);
    continue;
  }
  const relaxed = PLACES.map((p) => impl(l, 'relaxed', p));
  const simd = PLACES.map((p) => impl(l, 'simd', p));
  const gflops = l.layer.macs > 5e6 ? ` (${(2 * l.layer.macs / relaxed[2].timing.medianMs / 1e6).toFixed(1)} GFLOP/s)` : '';
  out.push(`| ${title} | ${relaxed.map((r) => fmtMs(r.timing.medianMs)).join(' / ')}${gflops} | ${fmtMs(peer(l, 'tfjs'))} / ${fmtMs(peer(l, 'tfjs-resident'))}${peer(l, 'tfjs-resident') > peer(l, 'tfjs') ? '*' : ''} | ${fmtMs(peer(l, 'ort'))} | ${fmtRatio(relaxed[1].vsXnnpack)} / ${fmtRatio(relaxed[2].vsXnnpack)} | ${fmtRatio(simd[1].vsXnnpack)} / ${fmtRatio(simd[2].vsXnnpack)} |`);
  if (l.layer.macs * 2 > 1e6) {
    for (const [isa, rs] of /** @type {const} */ ([['relaxed', relaxed], ['simd', simd]])) {
      rs.forEach((r, i) => { (big[`${isa}${PLACES[i]}`] ??= []).push(r.vsXnnpack); });
    }
  }
}
const table = out.join('\n');
console.log(table, '\n');
for (const [k, v] of Object.entries(big)) {
  const geo = Math.exp(v.reduce((s, x) => s + Math.log(x), 0) / v.length);
  const below = v.filter((x) => x < 1.3).map((x) => x.toFixed(3));
  console.log(`${k.padEnd(18)} over ${v.length} conv layers > 1 MFLOP: geometric mean ${geo.toFixed(2)}×, min ${Math.min(...v).toFixed(2)}×, max ${Math.max(...v).toFixed(2)}×; ${v.length - below.length} at ≥ 1.3× (below: ${below.join(', ') || 'none'})`);
}
if (flags.includes('--write')) {
  const readme = readFileSync('README.md', 'utf8');
  const a = readme.indexOf('<!-- bench-table -->');
  const b = readme.indexOf('<!-- /bench-table -->');
  if (a < 0 || b < a) throw new Error('README.md has no <!-- bench-table --> … <!-- /bench-table --> markers');
  writeFileSync('README.md', `${readme.slice(0, a)}<!-- bench-table -->\n${table}\n${readme.slice(b)}`);
  console.log('\nREADME.md table replaced');
}
