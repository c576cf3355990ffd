// The README's performance table from a full-suite result file: every layer of the run, in the
// suite's order.
//
//   node bench/readme-table.mjs bench/results/full-<date>.json [--write]
//
// Prints the table; --write replaces the table between the README's <!-- bench-table --> and
// <!-- /bench-table --> markers. An XNNPACK "op" time marked * was slower than its op +
// dataSync(): the resident ratios then use the latter (run-layer.mjs). The targets of issue #3
// (geometric means, minima, GFLOP/s) come from bench/targets.mjs.
import { fmtMs, fmtRatio } from './report.mjs';
import { impl, peerMs, readRun } from './result-file.mjs';
import { replaceBetween } from './readme-section.mjs';

const [file, ...flags] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/readme-table.mjs <full-suite result .json> [--write]');
  process.exit(2);
}
const run = readRun(file);
const PLACES = /** @type {const} */ (['', '-tensor-in', '-resident']);

const out = [
  '| layer | relaxed auto ms: arrays / tensor in / resident | XNNPACK ms: op + dataSync / op | ORT ms | relaxed vs XNNPACK: tensor in / resident | simd vs XNNPACK: tensor in / resident |',
  '|---|---:|---:|---:|---:|---:|',
];
for (const l of run.layers) {
  const relaxed = PLACES.map((p) => impl(l, 'relaxed', p));
  const simd = PLACES.map((p) => impl(l, 'simd', p));
  // the algorithm 'auto' ran, for the conv layers
  const ran = l.layer.op === 'conv2d' ? ` (${relaxed[2].ran})` : '';
  const gflops = l.layer.macs > 5e6 ? ` (${(2 * l.layer.macs / relaxed[2].timing.medianMs / 1e6).toFixed(1)} GFLOP/s)` : '';
  const op = peerMs(l, 'tfjs-resident');
  out.push(`| ${l.layer.title}${ran} | ${relaxed.map((r) => fmtMs(r.timing.medianMs)).join(' / ')}${gflops} | ${fmtMs(peerMs(l, 'tfjs'))} / ${fmtMs(op)}${op > peerMs(l, 'tfjs') ? '*' : ''} | ${fmtMs(peerMs(l, 'ort'))} | ${fmtRatio(relaxed[1].vsXnnpack)} / ${fmtRatio(relaxed[2].vsXnnpack)} | ${fmtRatio(simd[1].vsXnnpack)} / ${fmtRatio(simd[2].vsXnnpack)} |`);
}
const table = out.join('\n');
console.log(table);
if (flags.includes('--write')) {
  replaceBetween('README.md', 'bench-table', table);
  console.log('\nREADME.md table replaced');
}
