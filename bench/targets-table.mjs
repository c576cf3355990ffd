// Issue #3's targets from full-suite runs (bench/results/full-<date>.json, or the run cli.mjs has
// just measured): for targets.mjs (the README's table) and cli.mjs (each full run's report). The
// first run is "this run"; with more, every figure also gets its range over all of them.
// Ratios are simdconv's speed over TF.js wasm (XNNPACK) in the same run (`vsXnnpack`: tensor in
// against its op + dataSync(), resident against its op alone, or op + dataSync() when that was
// faster); GFLOP/s = 2 · direct multiply-adds / median ms of the resident call (for Winograd an
// effective rate).
import { fmtRatio } from './report.mjs';
import { impl, isBigConv } from './result-file.mjs';

/** @param {any} r @param {string} name */
const layerOf = (r, name) => r.layers.find((/** @type {any} */ l) => l.layer.name === name);
/** @param {any} l */
const conv = (l) => l.layer.conv;
/**
 * ResNet-18's 3×3 layers (not the 7×7 stem) and the 1×1 layers with a reduction of at least 64
 * channels: the GEMM-shaped layers of the GFLOP/s targets. (MobileNetV2's 1×1 32→192, K = 32,
 * is a short reduction: its store per 32 multiply-adds keeps it below the others.)
 * @param {any} l
 */
const isGemmShaped = (l) => l.layer.op === 'conv2d' && conv(l).groups === 1
  && ((l.layer.name.startsWith('resnet18.') && conv(l).kH === 3) || (conv(l).kH === 1 && conv(l).kW === 1 && conv(l).C >= 64));
/** MobileNetV2's depthwise 3×3 layers. @param {any} l */
const isDw3 = (l) => l.layer.name.startsWith('mobilenetv2.') && l.layer.op === 'conv2d' && conv(l).groups > 1 && conv(l).kH === 3;
/** @param {any} l */
const isMaxPool = (l) => l.layer.op === 'maxPool2d';
const SMALL = ['lenet5.c1', 'simplecnn.conv1'];

/** @param {number[]} v */
const geomean = (v) => Math.exp(v.reduce((s, x) => s + Math.log(x), 0) / v.length);
/** @param {number} x */
const f1 = (x) => x.toFixed(1);
/** "a–b" of numbers formatted by fmt, or "a" when equal. @param {number[]} v @param {(x: number) => string} fmt */
function range(v, fmt) {
  const lo = fmt(Math.min(...v));
  const hi = fmt(Math.max(...v));
  return lo === hi ? lo : `${lo.replace(/×$/, '')}–${hi}`;
}
/** A layer's short name for the table: its title without the network and up to a comma. @param {any} l */
const short = (l) => l.layer.title.replace(/,.*$/, '').replace(/ \(.*\)$/, '')
  .replace(/^(MobileNetV2|MobileNetV3-Large|ResNet-18( layer[\d.]+( downsample)?)?|GoogLeNet inception \(3a\) branch) /, '')
  .replace(/^(depthwise 3×3|pointwise) /, '');

/** @typedef {{ this: string, runs?: string, met: string }} Row */

/**
 * The targets as a Markdown table. Each run needs `tag` (a short name: "T1015Z") and `git`.
 * @param {any[]} runs @returns {string}
 */
export function targetsTable(runs) {
  const [run] = runs;
  /** @type {[string, Row][]} */
  const rows = [];
  /** ratio of `${isa}${place}` per layer of r matching pick @param {any} r @param {(l: any) => boolean} pick @param {string} isa @param {string} place */
  const ratios = (r, pick, isa, place) => r.layers.filter(pick).map((/** @type {any} */ l) => ({ l, x: impl(l, isa, place).vsXnnpack }));
  /** resident GFLOP/s per layer @param {any} r @param {(l: any) => boolean} pick @param {string} isa */
  const gflops = (r, pick, isa) => r.layers.filter(pick).map((/** @type {any} */ l) => ({ l, x: 2 * l.layer.macs / impl(l, isa, '-resident').timing.medianMs / 1e6 }));
  /** @param {{ l: any, x: number }[]} v */
  const minOf = (v) => v.reduce((a, b) => (b.x < a.x ? b : a));

  /** "k of n runs" meeting ok(r), when several runs are given @param {(r: any) => boolean} ok */
  const runsMet = (ok) => (runs.length > 1 ? `; ${runs.filter(ok).length} of ${runs.length} runs` : '');

  // geometric mean ≥ 1.4× (relaxed)
  {
    const g = (/** @type {any} */ r, /** @type {string} */ place) => geomean(ratios(r, isBigConv, 'relaxed', place).map((e) => e.x));
    const ok = (/** @type {any} */ r) => g(r, '-tensor-in') >= 1.4 && g(r, '-resident') >= 1.4;
    rows.push(['relaxed: geometric mean ≥ 1.4× over the conv layers > 1 MFLOP (tensor in / resident)', {
      this: `${fmtRatio(g(run, '-tensor-in'))} / ${fmtRatio(g(run, '-resident'))} (${ratios(run, isBigConv, 'relaxed', '').length} layers)`,
      runs: `${range(runs.map((r) => g(r, '-tensor-in')), fmtRatio)} / ${range(runs.map((r) => g(r, '-resident')), fmtRatio)}`,
      met: `${ok(run) ? '✓' : '✗'}${runsMet(ok)}`,
    }]);
  }
  // every layer ≥ line (relaxed 1.3×, simd 1.0×)
  for (const [isa, line] of /** @type {const} */ ([['relaxed', 1.3], ['simd', 1.0]])) {
    const below = (/** @type {any} */ r, /** @type {string} */ place) => ratios(r, isBigConv, isa, place).filter((e) => e.x < line);
    const cell = (/** @type {string} */ place) => {
      const v = ratios(run, isBigConv, isa, place);
      const b = below(run, place);
      const m = minOf(v);
      return `${v.length - b.length} of ${v.length} (min ${fmtRatio(m.x)}${b.length ? `: ${b.map((e) => `${short(e.l)} ${fmtRatio(e.x)}`).join(', ')}` : ''})`;
    };
    const ok = (/** @type {any} */ r) => below(r, '-tensor-in').length === 0 && below(r, '-resident').length === 0;
    const mins = (/** @type {string} */ place) => range(runs.map((r) => minOf(ratios(r, isBigConv, isa, place)).x), fmtRatio);
    rows.push([`${isa}: ≥ ${line.toFixed(1)}× on every conv layer > 1 MFLOP (tensor in / resident)`, {
      this: `tensor in ${cell('-tensor-in')}; resident ${cell('-resident')}`,
      runs: `min ${mins('-tensor-in')} / ${mins('-resident')}`,
      met: `${ok(run) ? '✓' : '✗'}${runsMet(ok)}`,
    }]);
  }
  // GFLOP/s on the GEMM-shaped layers
  for (const [isa, line] of /** @type {const} */ ([['relaxed', 45], ['simd', 34]])) {
    const below = (/** @type {any} */ r) => gflops(r, isGemmShaped, isa).filter((e) => e.x < line);
    const v = gflops(run, isGemmShaped, isa);
    const b = below(run);
    const ok = (/** @type {any} */ r) => below(r).length === 0;
    rows.push([`${isa}: ≥ ${line} GFLOP/s on ResNet-18's 3×3 and the 1×1 layers with ≥ 64 input channels (resident)`, {
      this: `${v.length - b.length} of ${v.length}, ${range(v.map((e) => e.x), f1)}${b.length ? ` (below: ${b.map((e) => `${short(e.l)} ${f1(e.x)}`).join(', ')})` : ''}`,
      runs: `min ${range(runs.map((r) => minOf(gflops(r, isGemmShaped, isa)).x), f1)}`,
      met: `${ok(run) ? '✓' : '✗'}${runsMet(ok)}`,
    }]);
  }
  // per-layer targets: depthwise 3×3 and max pooling ≥ 2×, small layers ≥ 1.0×
  /** @param {string} title @param {string[]} names @param {number} line */
  function perLayer(title, names, line) {
    const cells = names.map((name) => {
      const here = layerOf(run, name);
      const pair = (/** @type {any} */ l) => [impl(l, 'relaxed', '-tensor-in').vsXnnpack, impl(l, 'relaxed', '-resident').vsXnnpack];
      const [t, s] = pair(here);
      const seen = runs.map((r) => layerOf(r, name)).filter(Boolean);
      const ok = (/** @type {any} */ l) => pair(l).every((x) => x >= line);
      return {
        this: `${short(here)} ${fmtRatio(t)} / ${fmtRatio(s)}`,
        runs: `${short(here)} ${range(seen.map((l) => pair(l)[0]), fmtRatio)} / ${range(seen.map((l) => pair(l)[1]), fmtRatio)}${seen.length < runs.length ? ` (${seen.length} runs)` : ''}`,
        ok: ok(here),
        name: short(here),
        runsOk: seen.filter(ok).length,
        seen: seen.length,
      };
    });
    const met = cells.filter((c) => c.ok).length;
    rows.push([`${title} (relaxed, tensor in / resident)`, {
      this: cells.map((c) => c.this).join('; '),
      runs: cells.map((c) => c.runs).join('; '),
      met: `${met} of ${cells.length}${runs.length > 1 ? `; both ways in every run: ${cells.filter((c) => c.runsOk === c.seen).map((c) => c.name).join(', ') || 'none'}` : ''}`,
    }]);
  }
  perLayer('depthwise 3×3 ≥ 2× (MobileNetV2)', run.layers.filter(isDw3).map((/** @type {any} */ l) => l.layer.name), 2);
  perLayer('max pooling ≥ 2×', run.layers.filter(isMaxPool).map((/** @type {any} */ l) => l.layer.name), 2);
  perLayer('small layers ≥ 1.0×', SMALL, 1);
  // per-call overhead and sizes
  {
    /** @param {any} r @param {string} name */
    const us = (r, name) => 1000 * r.overhead.find((/** @type {any} */ o) => o.name === name).timing.medianMs;
    const pr = (/** @type {any} */ r) => us(r, 'simdconv relaxed: prepared.run');
    const tf = (/** @type {any} */ r) => us(r, 'TF.js wasm (XNNPACK): same conv');
    rows.push(['per-call overhead: tiny (1→1 1×1 conv on 4 × 4; µs, median)', {
      this: `prepared.run ${pr(run).toFixed(2)}, on engine tensors ${us(run, 'simdconv relaxed: prepared.run, engine tensors in and out').toFixed(2)}, functional conv2d ${us(run, 'simdconv relaxed: conv2d (functional)').toFixed(2)}; TF.js ${tf(run).toFixed(2)}`,
      runs: `prepared.run ${range(runs.map(pr), (x) => x.toFixed(2))}; TF.js ${range(runs.map(tf), (x) => x.toFixed(2))}`,
      met: `${pr(run) < tf(run) ? '✓ below TF.js' : '✗'}${runsMet((r) => pr(r) < tf(r))}`,
    }]);
    const kib = (/** @type {number} */ b) => `${(b / 1024).toFixed(1)} KiB`;
    const sizes = run.sizes.filter((/** @type {any} */ s) => s.name.startsWith('simdconv'));
    const xnn = run.sizes.find((/** @type {any} */ s) => s.name.startsWith('TF.js'));
    rows.push(['load: small .wasm files', {
      this: `${sizes.map((/** @type {any} */ s) => `${s.name.replace(/^simdconv build\/simdconv\./, '')} ${kib(s.bytes)} (${kib(s.gzip)} gzip)`).join(', ')}; XNNPACK's ${kib(xnn.bytes)}`,
      // the issue asks for the bytes, not a limit
      met: 'reported',
    }]);
  }

  const head = runs.length > 1
    ? [`| target (issue #3) | this run (${run.tag}, git ${run.git}) | range over ${runs.length} runs (${runs.map((r) => r.tag).join(', ')}) | met |`, '|---|---|---|---|']
    : [`| target (issue #3) | this run (${run.tag}, git ${run.git}) | met |`, '|---|---|---|'];
  return [...head, ...rows.map(([t, r]) => (runs.length > 1 ? `| ${t} | ${r.this} | ${r.runs ?? '—'} | ${r.met} |` : `| ${t} | ${r.this} | ${r.met.replace(/;.*$/, '')} |`))].join('\n');
}
