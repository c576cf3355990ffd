// Section 4: time the naive reference loop against the engine's kernel families on real layer
// shapes (from bench/layers/*.json), in this browser, and check every result against the reference.

import type { DemoEngine, Tensor } from './engine.js';
import { reference, tensor } from './engine.js';
import type { Conv2dOptions, ConvAlgorithm, PreparedConv2d } from '../../bindings/types.js';
import { outSize } from './geometry.js';
import lenet5 from '../../bench/layers/lenet5.json';
import smallCnns from '../../bench/layers/small-cnns.json';
import mobilenetv2 from '../../bench/layers/mobilenetv2.json';
import resnet18 from '../../bench/layers/resnet18.json';
import { h, svg, checkbox, fmtMs, fmtGflops, fmtBytes, fmtInt, median, yieldToBrowser, prefersReducedMotion } from './util.js';

interface LayerJson {
  name: string;
  title: string;
  op: string;
  input: number[];
  weight?: number[];
  bias?: boolean;
  options?: { stride?: number | [number, number]; padding?: number | [number, number]; dilation?: number | [number, number]; groups?: number };
}

interface Preset {
  id: string;
  title: string;
  input: number[];
  weight: number[];
  bias: boolean;
  options: { stride: number; padding: number; dilation: number; groups: number };
  macs: number;
  on: boolean;
}

/** Shapes small enough for a browser tab: [layer name, checked by default]. */
const WANTED: [string, boolean][] = [
  ['lenet5.c1', true],
  ['lenet5.c3', false],
  ['simplecnn.conv1', true],
  ['mnistcnn.conv2', true],
  ['mobilenetv2.features.3.dw', true],
  ['mobilenetv2.features.3.project', false],
  ['resnet18.layer1.0.conv1', false],
];

const first = (v: number | [number, number] | undefined, d: number): number => (v === undefined ? d : Array.isArray(v) ? v[0] : v);

function presets(): Preset[] {
  const all = [lenet5, smallCnns, mobilenetv2, resnet18].flatMap((f) => (f as { layers: LayerJson[] }).layers);
  const out: Preset[] = [];
  for (const [name, on] of WANTED) {
    const l = all.find((x) => x.name === name);
    if (!l || l.op !== 'conv2d' || !l.weight) continue;
    const o = l.options ?? {};
    const options = { stride: first(o.stride, 1), padding: first(o.padding, 0), dilation: first(o.dilation, 1), groups: o.groups ?? 1 };
    const [N, , H, W] = l.input;
    const [K, cpg, kH, kW] = l.weight;
    const oh = outSize(H, kH, options.stride, options.padding, options.dilation);
    const ow = outSize(W, kW, options.stride, options.padding, options.dilation);
    out.push({ id: l.name, title: l.title, input: l.input, weight: l.weight, bias: !!l.bias, options, macs: N * K * oh * ow * cpg * kH * kW, on });
  }
  return out;
}

const COLUMNS = ['Algorithm', 'Median ms', 'GFLOP/s', '× naive', 'Workspace', '= reference'];

/** 'threads': the engine's own pick ('auto'), awaited through engine.run() on the worker pool. */
type Alg = 'naive' | Exclude<ConvAlgorithm, 'auto'> | 'threads';
const ALG_LABEL: Record<Exclude<Alg, 'threads'>, string> = { naive: 'naive TS (reference)', direct: 'direct', im2col: 'im2col + GEMM', depthwise: 'depthwise', pointwise: 'pointwise (1×1 GEMM)', winograd: 'Winograd F(2×2, 3×3)' };
const ALG_COLOR: Record<Alg, string> = { naive: '#94a3b8', direct: '#2563eb', im2col: '#16a34a', depthwise: '#d97706', pointwise: '#db2777', winograd: '#0891b2', threads: '#7c3aed' };

function algorithmsFor(p: Preset, threads: number): Alg[] {
  const [, C] = p.input;
  const [K, , kH, kW] = p.weight;
  const algs: Alg[] = ['naive', 'direct', 'im2col'];
  if (p.options.groups === C && p.options.groups > 1 && K % C === 0) algs.push('depthwise');
  if (kH === 1 && kW === 1 && p.options.groups === 1 && p.options.stride === 1 && p.options.padding === 0) algs.push('pointwise');
  // Winograd F(2×2, 3×3): 3×3, stride 1, one group, at least 8 input channels, any dilation (bindings/plan.ts)
  if (kH === 3 && kW === 3 && p.options.groups === 1 && p.options.stride === 1 && C >= 8) algs.push('winograd');
  if (threads > 1) algs.push('threads');
  return algs;
}

export interface BenchRow {
  layer: string;
  title: string;
  alg: Alg;
  ms: number | null;
  gflops: number | null;
  ratio: number | null;
  workspace: number | null;
  equal: boolean | null;
  reps: number;
  /** 'threads' rows: the algorithm the engine picked and the threads that computed the call */
  picked?: string;
  threadsUsed?: number;
  error?: string;
}

export interface BenchHandle {
  rows: () => BenchRow[];
  running: () => boolean;
}

/** Small integers: every partial sum is exact in f32, so every algorithm must equal the reference bit for bit. */
function intTensor(shape: number[], seed: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const d = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    d[i] = ((s >>> 0) % 9) - 4;
  }
  return tensor(d, shape);
}

function sameValues(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false;
  return true;
}

export function initBench(root: HTMLElement, demo: DemoEngine): BenchHandle {
  const { engine } = demo;
  const threads = typeof engine.run === 'function' ? demo.threads : 1;
  const label = (alg: Alg): string => (alg === 'threads' ? `threads: ${threads} (async)` : ALG_LABEL[alg]);
  const list = presets();
  const boxes = list.map((p) => ({ p, box: checkbox(`${p.title} · ${fmtInt(p.macs)} MACs`, p.on, `bn-${p.id.replace(/\W/g, '-')}`) }));
  const budget = h('select', { id: 'bn-budget' }, h('option', { value: '150' }, 'quick (≈0.15 s each)'), h('option', { value: '400', selected: true }, 'normal (≈0.4 s each)'), h('option', { value: '1200' }, 'careful (≈1.2 s each)'));
  const btnRun = h('button', { type: 'button', id: 'bn-run', class: 'primary' }, 'Run benchmark');
  const btnStop = h('button', { type: 'button', id: 'bn-stop', disabled: true }, 'Stop');
  const progress = h('progress', { id: 'bn-progress', max: 1, value: 0, 'aria-label': 'Benchmark progress' });
  const status = h('p', { class: 'note', id: 'bn-status', role: 'status' }, 'Pick layers and press Run. Each kernel family runs the same layer on the same data; the naive loop is the reference every result is checked against.');
  const chart = h('div', { class: 'chart', id: 'bn-chart' });
  const tbody = h('tbody', { id: 'bn-rows' });
  const table = h('table', { class: 'bench-table', id: 'bn-table' },
    h('caption', { class: 'sr-only' }, 'Benchmark results'),
    h('thead', {}, h('tr', {}, ...COLUMNS.map((t) => h('th', { scope: 'col' }, t)))),
    tbody,
  );

  root.append(
    h('fieldset', { class: 'kernel-set bench-set' }, h('legend', {}, 'Layers (shapes from bench/layers, batch 1)'), ...boxes.map((b) => b.box.wrap)),
    h('div', { class: 'controls' }, h('label', { class: 'field', for: 'bn-budget' }, h('span', {}, 'Time per measurement'), budget), btnRun, btnStop, progress),
    status,
    chart,
    h('div', { class: 'table-wrap' }, table),
  );

  let rows: BenchRow[] = [];
  let running = false;
  let cancel = false;

  /** Median time of fn; a promise it returns is awaited inside the timed span (the threaded row). */
  async function measure(fn: () => unknown, budgetMs: number): Promise<{ ms: number; reps: number }> {
    const warm = fn(); // warm up (JIT, page-in, wake the workers)
    if (warm instanceof Promise) await warm;
    const times: number[] = [];
    const start = performance.now();
    let sinceYield = start;
    while ((times.length < 3 || performance.now() - start < budgetMs) && times.length < 500) {
      const t0 = performance.now();
      const r = fn();
      if (r instanceof Promise) await r;
      const t1 = performance.now();
      times.push(t1 - t0);
      if (t1 - sinceYield > 40) {
        await yieldToBrowser();
        sinceYield = performance.now();
        if (cancel) break;
      }
    }
    return { ms: median(times), reps: times.length };
  }

  async function run(): Promise<void> {
    const chosen = boxes.filter((b) => b.box.el.checked).map((b) => b.p);
    if (!chosen.length) {
      status.textContent = 'Pick at least one layer.';
      return;
    }
    running = true;
    cancel = false;
    btnRun.disabled = true;
    btnStop.disabled = false;
    rows = [];
    renderTable();
    renderChart();
    const budgetMs = Number(budget.value);
    const jobs = chosen.flatMap((p) => algorithmsFor(p, threads).map((alg) => ({ p, alg })));
    progress.max = jobs.length;
    progress.value = 0;
    const expected = new Map<string, Tensor>();
    const inputs = new Map<string, { x: Tensor; w: Tensor; b: Float32Array | null }>();

    for (let j = 0; j < jobs.length && !cancel; j++) {
      const { p, alg } = jobs[j];
      status.textContent = `Running ${p.title} · ${label(alg)} (${j + 1} of ${jobs.length})…`;
      await yieldToBrowser();
      if (!inputs.has(p.id)) {
        inputs.set(p.id, { x: intTensor(p.input, 7 + j), w: intTensor(p.weight, 1234 + j), b: p.bias ? intTensor([p.weight[0]], 99 + j).data : null });
      }
      const { x, w, b } = inputs.get(p.id)!;
      const opts: Conv2dOptions = { ...p.options, bias: b };
      const row: BenchRow = { layer: p.id, title: p.title, alg, ms: null, gflops: null, ratio: null, workspace: null, equal: null, reps: 0 };
      try {
        if (!expected.has(p.id)) expected.set(p.id, reference.conv2d(x, w, opts));
        const ref = expected.get(p.id)!;
        if (alg === 'naive') {
          const { ms, reps } = await measure(() => reference.conv2d(x, w, opts), budgetMs);
          Object.assign(row, { ms, reps, equal: true });
        } else if (alg === 'threads') {
          // the engine's own algorithm choice, computed by the pool's Web Workers while the page awaits
          const out = new Float32Array(ref.data.length);
          const o: Conv2dOptions = { ...opts, algorithm: 'auto', out };
          const call = () => engine.run('conv2d', x, w, o);
          const y = await call();
          const info = engine.lastCall;
          row.workspace = typeof info?.workspaceBytes === 'number' ? info.workspaceBytes : null;
          row.picked = info?.algorithm;
          row.threadsUsed = info?.threads;
          row.equal = sameValues(y.data, ref.data);
          const { ms, reps } = await measure(call, budgetMs);
          Object.assign(row, { ms, reps });
        } else {
          const out = new Float32Array(ref.data.length);
          let prepared: PreparedConv2d | null = null;
          let call: () => Tensor;
          if (typeof engine.prepareConv2d === 'function') {
            prepared = engine.prepareConv2d(w, { ...opts, algorithm: alg, inputShape: x.shape });
            const pc = prepared;
            call = () => pc.run(x, { out });
          } else {
            call = () => engine.conv2d(x, w, { ...opts, algorithm: alg, out });
          }
          try {
            const y = call();
            const ws = engine.lastCall?.workspaceBytes;
            row.workspace = typeof ws === 'number' ? ws : null;
            row.equal = sameValues(y.data, ref.data);
            const { ms, reps } = await measure(call, budgetMs);
            Object.assign(row, { ms, reps });
          } finally {
            prepared?.dispose();
          }
        }
        row.gflops = row.ms ? (2 * p.macs) / (row.ms * 1e6) : null;
        const naive = rows.find((r) => r.layer === p.id && r.alg === 'naive');
        row.ratio = naive?.ms && row.ms ? naive.ms / row.ms : null;
      } catch (e) {
        row.error = e instanceof Error ? e.message : String(e);
      }
      rows.push(row);
      progress.value = j + 1;
      renderTable();
      renderChart();
    }
    const bad = rows.filter((r) => r.equal === false).length;
    status.textContent = cancel
      ? `Stopped after ${rows.length} of ${jobs.length} measurements.`
      : `Done: ${rows.length} measurements${bad ? `, ${bad} NOT equal to the reference` : ', every result equal to the reference'}. GFLOP/s = 2 · multiply-adds / median time; build ${demo.isa}; ${threads > 1 ? `the threaded row awaits engine.run() on ${threads} Web Workers, the others run on this page's thread` : '1 thread'}.`;
    status.dataset.state = cancel ? 'stopped' : 'done';
    running = false;
    btnRun.disabled = false;
    btnStop.disabled = true;
  }

  function renderTable(): void {
    const out: HTMLElement[] = [];
    let layer = '';
    for (const r of rows) {
      if (r.layer !== layer) {
        layer = r.layer;
        const p = list.find((x) => x.id === r.layer)!;
        out.push(h('tr', { class: 'group' }, h('th', { colspan: COLUMNS.length, scope: 'colgroup' }, r.title, h('span', { class: 'macs' }, ` · ${fmtInt(p.macs)} multiply-adds`))));
      }
      const cell = (label: string, text: string, cls = 'num') => h('td', { class: cls, 'data-label': label }, text);
      out.push(h('tr', { 'data-layer': r.layer, 'data-alg': r.alg },
        h('th', { scope: 'row' }, h('span', { class: 'swatch', style: `background:${ALG_COLOR[r.alg]}` }), ` ${label(r.alg)}`, ...threadNote(r)),
        cell(COLUMNS[1], r.ms !== null ? fmtMs(r.ms) : '—'),
        cell(COLUMNS[2], r.gflops !== null ? fmtGflops(r.gflops) : '—'),
        cell(COLUMNS[3], r.ratio !== null ? `${r.ratio.toFixed(r.ratio >= 10 ? 0 : 1)}×` : r.alg === 'naive' && r.ms !== null ? '1×' : '—'),
        h('td', { class: 'num', 'data-label': COLUMNS[4], title: r.workspace !== null ? `${fmtInt(r.workspace)} bytes` : '' }, r.workspace !== null ? fmtBytes(r.workspace) : '—'),
        h('td', { class: 'check-cell ' + (r.error ? 'bad' : r.equal ? 'ok' : 'bad'), 'data-label': COLUMNS[5], title: r.error ?? '' }, r.error ? `n/a: ${r.error.slice(0, 120)}` : r.equal ? '✓' : '✗ differs'),
      ));
    }
    tbody.replaceChildren(...out);
  }

  /** Under a threaded row's label: what ran, and whether the call was big enough to split. */
  function threadNote(r: BenchRow): HTMLElement[] {
    if (r.alg !== 'threads' || (!r.picked && r.threadsUsed === undefined)) return [];
    const used = r.threadsUsed ?? threads;
    const text = `${r.picked ?? 'auto'} · ${used < threads ? `ran on ${used} (too small to split)` : `on ${used} workers`}`;
    return [h('span', { class: 'alg-note', 'data-threads-used': String(used) }, text)];
  }

  function renderChart(): void {
    const ok = rows.filter((r) => r.gflops !== null);
    if (!ok.length) {
      chart.replaceChildren();
      return;
    }
    const layers = [...new Set(ok.map((r) => r.layer))];
    const nice = niceMax(Math.max(...ok.map((r) => r.gflops!)));
    // drawn at the on-screen width, so text stays readable on a phone
    const W = Math.max(300, Math.round(chart.clientWidth || 760));
    const left = 4;
    const right = 48;
    const plotW = W - left - right;
    const barH = 15;
    const gap = 3;
    const labelH = 18;
    const groupGap = 12;
    const top = 22;
    let y = top;
    const s = svg('svg', { viewBox: `0 0 ${W} 10`, width: W, role: 'img', 'aria-label': 'GFLOP/s per layer and algorithm (longer is faster)' });
    const grid = svg('g', {});
    s.append(grid);
    for (const layer of layers) {
      const group = ok.filter((r) => r.layer === layer);
      s.append(svg('text', { x: left, y: y + 12, class: 'glabel' }, group[0].title));
      y += labelH;
      for (const r of group) {
        const w = Math.max(1.5, (plotW * r.gflops!) / nice);
        const bar = svg('rect', { x: left, y, width: w, height: barH, fill: ALG_COLOR[r.alg], rx: 2 });
        bar.append(svg('title', {}, `${label(r.alg)}: ${fmtGflops(r.gflops!)} GFLOP/s`));
        s.append(bar);
        const inside = w > plotW - 10;
        s.append(svg('text', { x: inside ? left + w - 6 : left + w + 5, y: y + barH - 3.5, class: inside ? 'val inside' : 'val', 'text-anchor': inside ? 'end' : 'start' }, `${fmtGflops(r.gflops!)}`));
        y += barH + gap;
      }
      y += groupGap;
    }
    const bottom = y - groupGap + 2;
    for (let t = 0; t <= 4; t++) {
      const x = left + (plotW * t) / 4;
      grid.append(svg('line', { x1: x, y1: top - 4, x2: x, y2: bottom, class: 'tick' }));
      grid.append(svg('text', { x: t === 0 ? x : x, y: 12, class: 'axis', 'text-anchor': t === 0 ? 'start' : 'middle' }, `${+((nice * t) / 4).toPrecision(3)}`));
    }
    s.setAttribute('viewBox', `0 0 ${W} ${bottom + 4}`);
    s.setAttribute('height', String(bottom + 4));
    const legend = h('div', { class: 'rf-legend' }, ...([...new Set(ok.map((r) => r.alg))] as Alg[]).map((a) => h('span', { class: 'legend-item' }, h('span', { class: 'swatch', style: `background:${ALG_COLOR[a]}` }), ` ${label(a)}`)), h('span', { class: 'note' }, 'GFLOP/s, longer is faster'));
    chart.replaceChildren(legend, s);
    chart.classList.toggle('animate', !prefersReducedMotion() && running);
  }

  let lastW = 0;
  new ResizeObserver(() => {
    const w = chart.clientWidth;
    if (Math.abs(w - lastW) > 8 && rows.length) {
      lastW = w;
      renderChart();
    }
  }).observe(chart);

  btnRun.addEventListener('click', () => void run());
  btnStop.addEventListener('click', () => {
    cancel = true;
  });

  return { rows: () => rows, running: () => running };
}

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function shorten(t: string): string {
  return t.length > 30 ? t.slice(0, 29) + '…' : t;
}
