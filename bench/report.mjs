// Tables for the console and Markdown, and the result files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** @typedef {import('./run-layer.mjs').ImplResult} ImplResult */
/** @typedef {import('./layers.mjs').Layer} Layer */
/** @typedef {{ layer: Layer, impls: ImplResult[] }} LayerResult */

/** @param {number | undefined} ms */
export function fmtMs(ms) {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(2);
  if (ms >= 0.01) return ms.toFixed(3);
  return ms.toFixed(4);
}
/** @param {number | undefined} x @param {number} [digits] */
const fmtNum = (x, digits = 1) => (x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits));
/** @param {number | undefined} r */
export function fmtRatio(r) {
  if (r === undefined || !Number.isFinite(r)) return '—';
  return r >= 100 ? `${r.toFixed(0)}×` : r >= 10 ? `${r.toFixed(1)}×` : `${r.toFixed(2)}×`;
}
/** @param {number | undefined} b */
export function fmtBytes(b) {
  if (b === undefined || b === null || !Number.isFinite(b)) return '—';
  if (b === 0) return '0';
  if (b < 1024) return `${b} B`;
  if (b < 1024 * 1024) return `${(b / 1024).toFixed(1)} KiB`;
  return `${(b / 1024 / 1024).toFixed(2)} MiB`;
}

/** "equal to reference" cell. @param {ImplResult} r */
function eqCell(r) {
  if (r.kind === 'naive') return 'is reference';
  const parts = [];
  if (r.exact) parts.push(r.exact.ok ? (r.exact.tier === 'exact' ? '✓ bits' : `✓ int≤bound`) : '✗ bits');
  if (r.bound) parts.push(r.bound.ok ? `✓ ≤bound (${r.bound.maxRatio.toFixed(2)})` : `✗ ${r.bound.mismatches} > bound`);
  return parts.join(' · ') || '—';
}

/** @param {ImplResult} r */
function implName(r) {
  if (r.kind !== 'simdconv' || !r.algorithm) return r.label;
  const ran = r.ran && r.ran !== r.algorithm && r.algorithm !== 'pool' ? `→${r.ran}` : '';
  return `simdconv ${r.id}${ran}`;
}

/**
 * Detail rows for one layer.
 * @param {LayerResult} lr
 * @returns {{ head: string[], rows: string[][] }}
 */
export function layerTable({ layer, impls }) {
  const conv = layer.macs > 0;
  const head = ['implementation', 'median ms', ...(conv ? ['GFLOP/s'] : []), 'vs XNNPACK', 'vs naive', 'workspace', 'equal to reference', 'samples'];
  const rows = impls.map((r) => {
    if (r.status !== 'ok') {
      const what = r.status === 'fail' ? '✗ not timed: ' : r.status === 'error' ? 'error: ' : 'n/a: ';
      return [implName(r), what + (r.reason ?? ''), ...(conv ? [''] : []), '', '', '', r.status === 'fail' ? eqCell(r) : '', ''];
    }
    return [
      implName(r),
      fmtMs(r.timing?.medianMs),
      ...(conv ? [fmtNum(r.gflops)] : []),
      r.id === 'tfjs' ? '1' : fmtRatio(r.vsXnnpack),
      r.id === 'naive' ? '1' : fmtRatio(r.vsNaive),
      r.kind === 'simdconv' ? fmtBytes(r.workspaceBytes) : '—',
      eqCell(r),
      `${r.timing?.samples ?? ''}${r.timing?.capped ? ' (capped)' : ''}`,
    ];
  });
  return { head, rows };
}

/**
 * One row per layer: naive, the peers, the best simdconv variant, and auto per build in the three
 * data placements (ordinary arrays; engine tensor in and fresh array out, as the TF.js peer is
 * timed; engine tensors in and out).
 * @param {LayerResult[]} all
 */
export function summaryTable(all) {
  const head = ['layer', 'M MACs', 'naive ms', 'XNNPACK ms: op + dataSync / op', 'ORT ms', 'XNNPACK GFLOP/s', 'best ms (build/alg)', 'best GFLOP/s', 'relaxed auto ms: arrays / tensor in / resident', 'relaxed auto vs XNNPACK: arrays / tensor in / resident', 'simd auto vs XNNPACK: arrays / tensor in / resident'];
  const rows = all.map(({ layer, impls }) => {
    const ok = impls.filter((r) => r.status === 'ok' && r.timing);
    const best = ok.filter((r) => r.kind === 'simdconv' && !r.id.endsWith('-unprepared'))
      .sort((a, b) => /** @type {any} */ (a.timing).medianMs - /** @type {any} */ (b.timing).medianMs)[0];
    /** @param {string} id */
    const find = (id) => ok.find((r) => r.id === id);
    const where = (/** @type {ImplResult} */ r) => (r.resident ? ', resident' : r.tensorIn ? ', tensor in' : '');
    const alg = (/** @type {ImplResult | undefined} */ r) => (r ? `${fmtMs(r.timing?.medianMs)} (${r.isa}/${r.algorithm === 'auto' ? `auto→${r.ran ?? '?'}` : r.algorithm}${where(r)})` : '—');
    const autoId = layer.op === 'conv2d' ? 'auto' : layer.op;
    /** @param {string} isa */
    const placements = (isa) => ['', '-tensor-in', '-resident'].map((s) => find(`${isa}/${autoId}${s}`));
    const xnn = find('tfjs');
    return [
      layer.title,
      layer.macs ? (layer.macs / 1e6).toFixed(2) : '—',
      fmtMs(find('naive')?.timing?.medianMs),
      `${fmtMs(xnn?.timing?.medianMs)} / ${fmtMs(find('tfjs-resident')?.timing?.medianMs)}`,
      fmtMs(find('ort')?.timing?.medianMs),
      fmtNum(xnn?.gflops),
      alg(best),
      fmtNum(best?.gflops),
      placements('relaxed').map((r) => fmtMs(r?.timing?.medianMs)).join(' / '),
      placements('relaxed').map((r) => fmtRatio(r?.vsXnnpack)).join(' / '),
      placements('simd').map((r) => fmtRatio(r?.vsXnnpack)).join(' / '),
    ];
  });
  return { head, rows };
}

/** Display width, counting code points (good enough for ×, ✓, ², →). @param {string} s */
const width = (s) => [...s].length;

/** @param {{ head: string[], rows: string[][] }} t @returns {string} */
export function renderConsole({ head, rows }) {
  const w = head.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (/** @type {string[]} */ cells) => cells.map((c, i) => {
    const pad = ' '.repeat(w[i] - width(c ?? ''));
    return i === 0 ? c + pad : pad + c;
  }).join('  ');
  return [line(head), w.map((n) => '─'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
}

/** @param {{ head: string[], rows: string[][] }} t @returns {string} */
export function renderMarkdown({ head, rows }) {
  const esc = (/** @type {string} */ s) => s.replaceAll('|', '\\|');
  return [
    `| ${head.map(esc).join(' | ')} |`,
    `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

/**
 * @param {any} run  the whole result object (see cli.mjs)
 * @param {string | null} [targets]  issue #3's targets for this run (targets-table.mjs), Markdown
 * @returns {string}
 */
export function markdownReport(run, targets = null) {
  const m = run.machine;
  const out = [];
  out.push(`# simdconv benchmark — ${run.suite} suite`, '');
  out.push(`- **Date**: ${run.date}`);
  out.push(`- **Command**: \`${run.command}\``);
  out.push(`- **Machine**: ${m.cpu}${m.cpuId ? ` (${m.cpuId})` : ''}, ${m.cores} logical cores, ${m.totalMemGiB} GiB, ${m.platform}`);
  if (m.peaks) out.push(`- **Register-resident SIMD peaks** (bench/peaks.mjs, 12 chains) at start / end: f32x4.mul + add ${m.peaks.start.muladd.toFixed(1)} / ${m.peaks.end.muladd.toFixed(1)} GFLOP/s, f32x4.relaxed_madd ${m.peaks.start.fma?.toFixed(1) ?? '—'} / ${m.peaks.end.fma?.toFixed(1) ?? '—'} GFLOP/s — the VM's speed moves from hour to hour; compare runs only with these in view`);
  out.push(`- **Runtime**: Node ${m.node} (V8 ${m.v8}); load average at start ${m.loadavgStart.map((/** @type {number} */ x) => x.toFixed(2)).join(' ')}, at end ${m.loadavgEnd.map((/** @type {number} */ x) => x.toFixed(2)).join(' ')}`);
  out.push(`- **simdconv**: ${run.simdconv.version}${run.git ? ` (git ${run.git})` : ''}; builds: ${run.builds.map((/** @type {any} */ b) => `${b.isa} ${b.available ? '✓' : `✗ (${b.error})`}`).join(', ')}; reference: ${run.reference.source}`);
  out.push(`- **Peers**: ${run.peers.map((/** @type {any} */ p) => p.available ? `${p.label} ${p.info.version} (${p.info.wasmFile}, SIMD ${p.info.simd ? 'yes' : 'no'}, ${p.info.threads} thread)` : `${p.label} ✗ (${p.error})`).join('; ')}`);
  out.push(`- **Method**: single thread, batch 1, tinybench ${run.settings.tinybench}; each implementation timed for ${run.settings.budgetMs} ms in all, in ${run.settings.rounds} rounds interleaved with the other implementations of the layer (samples pooled), each round after a short warm-up (calls slower than ${run.settings.slowMs} ms: ${run.settings.slowIterations}); **median** ms; GFLOP/s = 2·MACs / median. Checked against the naive reference before timing: bit-exact on integer data (simdconv), within 2·γ(n)·Σ|x·w| on the random N(0,1) data actually timed (all); anything that disagrees is marked ✗ and not timed.`);
  out.push(`- **What is timed**: simdconv — \`prepareConv2d(...).run(x)\` (weights packed once; \`auto-unprepared\` is the functional \`conv2d\`, packing per call) or the pooling call, each returning a fresh array; \`auto-tensor-in\` and \`<pool>-tensor-in\` are the same calls on an engine tensor input made once before timing (\`engine.tensor\`), the output still copied into a fresh array — the conditions of the TF.js timing; \`auto-resident\` and \`<pool>-resident\` also write into an engine tensor \`out\`, so nothing is copied in or out. TF.js — the op on resident NHWC tensors + \`dataSync()\` + dispose (input upload and layout conversion not timed), and as "resident" the op + dispose without \`dataSync()\`. onnxruntime-web — \`await session.run()\` of a one-node model incl. input/output copies. naive — the reference loop.`);
  out.push('');
  out.push('## Summary', '');
  out.push(renderMarkdown(summaryTable(run.layers)), '');
  out.push('"vs XNNPACK" > 1 means faster than TF.js wasm (XNNPACK) in this run: arrays and tensor-in rows against its op + `dataSync()`, resident rows against its op alone (output left in its heap; or its op + `dataSync()` if that was faster). "best" = fastest prepared simdconv variant over both builds and all forced algorithms, tensor-in and resident ones included; "auto" = what `prepareConv2d` picks by itself (`load()` uses the relaxed build when the runtime validates it) — on ordinary arrays (copied in and out inside the call), on an engine tensor input with a fresh output array (what the TF.js timing covers: resident input, `dataSync()` copy out), and on engine tensors in and out.', '');
  if (targets) {
    out.push('## Issue #3\'s targets', '', 'This run alone (`node bench/targets.mjs <this .json> <earlier runs …>` adds the range over several runs):', '', targets, '');
  }
  if (run.overhead?.length) {
    out.push('## Per-call overhead (1→1 1×1 conv on 1×1×4×4)', '');
    out.push(renderMarkdown(overheadTable(run.overhead)), '');
  }
  if (run.sizes?.length) {
    out.push('## .wasm sizes', '');
    out.push(renderMarkdown(sizesTable(run.sizes)), '');
  }
  out.push('## Per layer', '');
  for (const lr of run.layers) {
    const l = lr.layer;
    out.push(`### ${l.title}`, '');
    out.push(`\`${l.name}\` (${l.network}) — ${l.op} x=[${l.input}]${l.weight ? ` w=[${l.weight}]` : ''} ${JSON.stringify(l.options)}${l.bias ? ' +bias' : ''} → [${l.output}]${l.macs ? `, ${(l.macs / 1e6).toFixed(2)} M MACs` : ''}`);
    if (l.note) out.push('', `_${l.note}_`);
    if (l.perfNotes) out.push('', `PERF-NOTES.md row "${l.perfNotes.row}": naive ${l.perfNotes.naiveMs ?? '—'} ms, XNNPACK ${l.perfNotes.tfjsMs ?? '—'} ms, ORT ${l.perfNotes.ortMs ?? '—'} ms.`);
    out.push('', renderMarkdown(layerTable(lr)), '');
  }
  return out.join('\n');
}

/** @param {number} ms */
const us = (ms) => (ms * 1000 < 1 ? (ms * 1000).toFixed(3) : (ms * 1000).toFixed(2));

/** @param {{ name: string, timing?: import('./timing.mjs').Timing, error?: string }[]} rows */
export function overheadTable(rows) {
  return {
    head: ['call', 'median µs', 'min µs'],
    rows: rows.map((r) => [r.name, r.timing ? us(r.timing.medianMs) : `— ${r.error ?? ''}`, r.timing ? us(r.timing.minMs) : '']),
  };
}

/** @param {{ name: string, bytes: number | null, gzip: number | null, note?: string }[]} rows */
export function sizesTable(rows) {
  return {
    head: ['binary', 'bytes', 'gzip -9'],
    rows: rows.map((r) => [r.name, r.bytes === null ? `missing${r.note ? ` (${r.note})` : ''}` : fmtBytes(r.bytes), fmtBytes(r.gzip ?? undefined)]),
  };
}

/**
 * Writes <dir>/<suite>-<stamp>.{json,md} and, unless disabled, <resultsDir>/latest-<suite>.md.
 * @param {any} run @param {{ dir: string, latestDir: string | null, targets?: string | null }} where
 * @returns {string[]} written paths
 */
export function writeResults(run, { dir, latestDir, targets = null }) {
  mkdirSync(dir, { recursive: true });
  const stamp = run.date.replace(/:\d\d\.\d+Z$/, 'Z').replaceAll(':', '');
  const base = join(dir, `${run.suite}-${stamp}`);
  const md = markdownReport(run, targets);
  const json = JSON.stringify(run, (k, v) => (k === 'samples' && Array.isArray(v) ? undefined : v), 2);
  writeFileSync(`${base}.json`, json + '\n');
  writeFileSync(`${base}.md`, md + '\n');
  const written = [`${base}.json`, `${base}.md`];
  if (latestDir) {
    mkdirSync(latestDir, { recursive: true });
    const latest = join(latestDir, `latest-${run.suite}.md`);
    writeFileSync(latest, md + '\n');
    written.push(latest);
  }
  return written;
}
