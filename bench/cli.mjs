#!/usr/bin/env node
// simdconv benchmark: node bench/cli.mjs --suite default|full [--filter name] [options]
//
// Per layer (bench/layers/*.json): the naive reference, simdconv (both builds, every algorithm
// that applies), TF.js wasm (XNNPACK) and onnxruntime-web (MLAS), all single-threaded in this
// process; each checked against the reference before it is timed. Writes
// bench/results/<suite>-<date>.{json,md} and bench/results/latest-<suite>.md.
import { spawnSync, execFileSync } from 'node:child_process';
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { relaxedSupported } from './simdconv.mjs';
import { registerPeaks } from './peaks.mjs';
import { SLOW_MS } from './timing.mjs';

const RELAXED_FLAG = '--experimental-wasm-relaxed-simd';
const USAGE = `usage: node bench/cli.mjs [--suite default|full] [--filter <substring|/regex/>]
        [--time <ms per implementation>] [--builds simd,relaxed] [--peers tfjs,ort|none]
        [--rounds <n>] [--check] [--skip-naive] [--no-overhead] [--threads 1] [--out <dir>] [--no-write] [--list]
  --filter   runs matching layers only; results then go to bench/results/tmp/ and latest-*.md is left alone
  --time     total timed budget per implementation and layer, split over the rounds (default 300, full 500)
  --rounds   interleaved timing rounds per layer (default 3)
  --check    verify every implementation against the reference, time nothing (no files written)
  --threads  only 1: this suite is single-threaded; 1 vs 2 threads: node --experimental-wasm-relaxed-simd bench/threads.mjs`;

// Relaxed SIMD needs a V8 flag on Node 20: re-run ourselves with it, once.
if (!relaxedSupported() && !process.execArgv.includes(RELAXED_FLAG) && !process.env.SIMDCONV_BENCH_REEXEC) {
  const r = spawnSync(process.execPath, [RELAXED_FLAG, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit', env: { ...process.env, SIMDCONV_BENCH_REEXEC: '1' },
  });
  process.exit(r.status ?? 1);
}

const args = parseArgs(process.argv.slice(2));
await main(args);

/** @param {string[]} argv */
function parseArgs(argv) {
  const a = {
    suite: /** @type {'default' | 'full'} */ ('default'), filter: /** @type {string | undefined} */ (undefined),
    time: /** @type {number | undefined} */ (undefined), rounds: 3, builds: ['simd', 'relaxed'], peers: ['tfjs', 'ort'],
    skipNaive: false, overhead: true, threads: 1, out: /** @type {string | undefined} */ (undefined), write: true, list: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) fail(`${k} needs a value`);
      return v;
    };
    switch (k) {
      case '--suite': { const v = val(); if (v !== 'default' && v !== 'full') fail(`--suite ${v}?`); a.suite = v; break; }
      case '--filter': a.filter = val(); break;
      case '--time': a.time = Number(val()); if (!(a.time > 0)) fail('--time must be > 0'); break;
      case '--rounds': a.rounds = Number(val()); if (!(Number.isInteger(a.rounds) && a.rounds >= 1)) fail('--rounds must be a positive integer'); break;
      case '--builds': a.builds = val().split(',').filter(Boolean); break;
      case '--peers': { const v = val(); a.peers = v === 'none' ? [] : v.split(',').filter(Boolean); break; }
      case '--check': a.rounds = 0; a.overhead = false; a.write = false; break;
      case '--skip-naive': a.skipNaive = true; break;
      case '--no-overhead': a.overhead = false; break;
      case '--threads': a.threads = Number(val()); if (a.threads !== 1) fail('--threads: this suite runs one thread; for 1 vs 2 threads run bench/threads.mjs'); break;
      case '--out': a.out = val(); break;
      case '--no-write': a.write = false; break;
      case '--list': a.list = true; break;
      case '-h': case '--help': console.log(USAGE); process.exit(0); break;
      default: fail(`unknown argument ${k}`);
    }
  }
  for (const b of a.builds) if (b !== 'simd' && b !== 'relaxed') fail(`--builds: ${b}?`);
  for (const p of a.peers) if (p !== 'tfjs' && p !== 'ort') fail(`--peers: ${p}?`);
  return a;
}

/** @param {string} msg @returns {never} */
function fail(msg) {
  console.error(`${msg}\n${USAGE}`);
  process.exit(2);
}

/** @param {ReturnType<typeof parseArgs>} a */
async function main(a) {
  const { loadLayers } = await import('./layers.mjs');
  const layers = loadLayers(a.suite, a.filter);
  if (a.list) {
    for (const l of layers) console.log(`${l.name.padEnd(36)} ${l.title}`);
    return;
  }
  if (!layers.length) fail(`no layer of suite '${a.suite}' matches --filter ${a.filter}`);

  const { loadReference, loadEngines } = await import('./simdconv.mjs');
  const { runLayer } = await import('./run-layer.mjs');
  const report = await import('./report.mjs');
  const { measureOverhead, wasmSizes } = await import('./overhead.mjs');

  const tty = !!process.stderr.isTTY;
  let live = false;
  /** progress lines go to stderr, tables to stdout */
  const log = (/** @type {string} */ m) => {
    if (live) { process.stderr.write('\r\x1b[K'); live = false; }
    process.stderr.write(`${m}\n`);
  };
  /** a transient "now timing …" line, only on a terminal */
  const status = (/** @type {string} */ m) => {
    if (!tty) return;
    const cols = process.stderr.columns || 120;
    process.stderr.write(`\r\x1b[K${m.length > cols - 1 ? m.slice(0, cols - 2) + '…' : m}`);
    live = m !== '';
  };
  const budgetMs = a.time ?? (a.suite === 'full' ? 500 : 300);
  const loadStart = os.loadavg();
  const date = new Date().toISOString();
  if (loadStart[0] > 0.7) log(`note: load average ${loadStart.map((x) => x.toFixed(2)).join(' ')} — other work is running; timings will be noisy`);

  // the machine's state: its register-resident SIMD peaks at the start and the end of the run
  const peaksStart = await registerPeaks(relaxedSupported());
  log(`register-resident peaks: mul + add ${peaksStart.muladd.toFixed(1)} GFLOP/s, FMA ${peaksStart.fma?.toFixed(1) ?? '—'} GFLOP/s`);

  const reference = await loadReference();
  if (reference.source !== 'dist/reference/index.js') log(`note: ${reference.source} stands in for the reference (dist/reference/index.js not built)`);
  const engines = await loadEngines(/** @type {('simd' | 'relaxed')[]} */ (a.builds));
  if (!engines.available) log(`note: simdconv not timed: ${engines.error}`);
  for (const b of engines.builds) if (!b.engine) log(`note: simdconv ${b.isa} build unavailable: ${b.error}`);

  /** @type {{ peer: import('./peers/tfjs.mjs').Peer | null, id: string, label: string, error: string | null }[]} */
  const peers = [];
  for (const id of a.peers) {
    const label = id === 'tfjs' ? 'TF.js wasm (XNNPACK)' : 'onnxruntime-web (MLAS)';
    try {
      const mod = id === 'tfjs' ? await import('./peers/tfjs.mjs') : await import('./peers/ort.mjs');
      const peer = id === 'tfjs' ? await /** @type {any} */ (mod).createTfjsPeer() : await /** @type {any} */ (mod).createOrtPeer();
      peers.push({ peer, id, label: peer.label, error: null });
      log(`peer ${peer.label}: ${JSON.stringify(peer.info)}`);
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      peers.push({ peer: null, id, label, error });
      log(`peer ${label} unavailable: ${error}`);
    }
  }

  const ctx = { reference, builds: engines.builds, peers, budgetMs, rounds: a.rounds, skipNaive: a.skipNaive, log, status };
  /** @type {{ layer: import('./layers.mjs').Layer, impls: import('./run-layer.mjs').ImplResult[] }[]} */
  const results = [];
  const t0 = performance.now();
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i];
    const impls = await runLayer(layer, ctx, `[${i + 1}/${layers.length}]`);
    results.push({ layer, impls });
    console.log(`\n${layer.title}  (${layer.name})`);
    console.log(report.renderConsole(report.layerTable({ layer, impls })));
    if (layer.perfNotes) console.log(`PERF-NOTES: naive ${layer.perfNotes.naiveMs ?? '—'} ms, XNNPACK ${layer.perfNotes.tfjsMs ?? '—'} ms, ORT ${layer.perfNotes.ortMs ?? '—'} ms`);
    console.log('');
  }

  /** @type {Awaited<ReturnType<typeof measureOverhead>>} */
  let overhead = [];
  if (a.overhead) {
    log('per-call overhead (tiny layer)…');
    overhead = await measureOverhead({ builds: engines.builds, peers, budgetMs: Math.min(budgetMs, 300), log });
  }
  const sizes = wasmSizes();
  const peaksEnd = await registerPeaks(relaxedSupported());
  const elapsed = (performance.now() - t0) / 1000;

  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const tbPkg = JSON.parse(readFileSync(new URL('../node_modules/tinybench/package.json', import.meta.url), 'utf8'));
  const cpus = os.cpus();
  const run = {
    suite: a.suite,
    filter: a.filter ?? null,
    date,
    elapsedSeconds: Math.round(elapsed),
    command: ['node', ...process.execArgv, 'bench/cli.mjs', ...process.argv.slice(2)].join(' '),
    machine: {
      cpu: cpus[0]?.model?.trim() ?? 'unknown',
      cpuId: cpuId(),
      cores: cpus.length,
      totalMemGiB: Math.round(os.totalmem() / 2 ** 30),
      platform: `${os.platform()} ${os.release()} ${os.arch()}`,
      node: process.versions.node,
      v8: process.versions.v8,
      loadavgStart: loadStart,
      loadavgEnd: os.loadavg(),
      peaks: { start: peaksStart, end: peaksEnd },
    },
    git: gitDescribe(),
    simdconv: { version: pkg.version },
    reference: { source: reference.source },
    builds: engines.builds.length
      ? engines.builds.map((b) => ({ isa: b.isa, available: !!b.engine, error: b.error }))
      : a.builds.map((isa) => ({ isa, available: false, error: engines.error })),
    peers: peers.map((p) => ({ id: p.id, label: p.label, available: !!p.peer, error: p.error, info: p.peer?.info ?? {} })),
    settings: { budgetMs, rounds: a.rounds, slowMs: SLOW_MS, slowIterations: `1–2 iterations per round (~2 s in all), no extra warm-up`, threads: 1, tinybench: tbPkg.version },
    layers: results,
    overhead,
    sizes,
  };

  console.log(`\nSummary — ${a.suite} suite, ${results.length} layers, ${elapsed.toFixed(0)} s`);
  console.log(report.renderConsole(report.summaryTable(results)));
  if (overhead.length) console.log(`\n${report.renderConsole(report.overheadTable(overhead))}`);
  console.log(`\n${report.renderConsole(report.sizesTable(sizes))}`);
  // issue #3's targets: they need every layer of the full suite, both builds and XNNPACK
  let targets = null;
  if (a.suite === 'full' && !a.filter && a.rounds > 0 && a.builds.length === 2 && engines.builds.every((b) => b.engine) && peers.some((p) => p.id === 'tfjs' && p.peer)) {
    const { targetsTable } = await import('./targets-table.mjs');
    try {
      targets = targetsTable([{ ...run, tag: `T${date.slice(11, 16).replace(':', '')}Z` }]);
      console.log(`\nIssue #3's targets (this run):\n${targets}`);
    } catch (e) {
      // an implementation the targets use was not timed (✗ or error: listed below)
      console.log(`\nIssue #3's targets not computed: ${/** @type {Error} */ (e).message}`);
    }
  }

  if (a.write) {
    const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
    const partial = !!a.filter;
    const dir = a.out ?? (partial ? `${resultsDir}tmp` : resultsDir);
    const written = report.writeResults(run, { dir, latestDir: partial || a.out ? null : resultsDir, targets });
    console.log(`\nwrote ${written.join(', ')}`);
  }
  const bad = results.flatMap(({ layer, impls }) => impls.filter((r) => r.status === 'fail' || r.status === 'error').map((r) => `${layer.name} ${r.id}: ${r.status === 'fail' ? '✗' : 'error'} ${r.reason}`));
  if (bad.length) {
    console.log(`
${bad.length} implementation(s) disagreed with the reference or failed:
  ${bad.join('\n  ')}`);
    if (a.rounds === 0) process.exitCode = 1;
  } else if (a.rounds === 0) {
    console.log(`
all implementations agree with the reference on ${results.length} layers`);
  }
  for (const b of engines.builds) b.engine?.dispose();
}

function gitDescribe() {
  try {
    const root = fileURLToPath(new URL('../', import.meta.url));
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    return `${head}${dirty ? '+dirty' : ''}`;
  } catch {
    return null;
  }
}

/**
 * "family 25 model 1 stepping 1" from /proc/cpuinfo (Linux), else null: VMs report a bare
 * "AMD EPYC" as the model name, and runs on different CPU generations are not comparable.
 */
function cpuId() {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const field = (/** @type {string} */ name) => info.match(new RegExp(`^${name}\\s*: (.*)$`, 'm'))?.[1]?.trim();
    const family = field('cpu family');
    return family === undefined ? null : `family ${family} model ${field('model')} stepping ${field('stepping')}`;
  } catch {
    return null;
  }
}
