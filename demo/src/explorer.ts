// Section 1: slide a 3×3 kernel over a small grid, one output cell at a time.
// Every output, ReLU and pooled value shown comes from the engine; the page only recomputes the
// nine products of the current patch to show where the engine's number comes from.

import type { DemoEngine, Tensor } from './engine.js';
import { tensor } from './engine.js';
import { KERNELS, kernelById, flip } from './kernels.js';
import { outputSizeFormula } from './geometry.js';
import { $, h, svg, select, checkbox, fmtCell, tint, f32SumBound, prefersReducedMotion, announce } from './util.js';

const WORKED_5: number[] = [1, 2, 0, 1, 2, 0, 1, 2, 1, 0, 2, 0, 1, 2, 1, 1, 2, 0, 1, 2, 0, 2, 1, 0, 1];
// A bright square on a dark ground with a vertical step on the right: edges in both directions.
const SCENE_8: number[] = [
  0, 0, 0, 0, 0, 0, 4, 4,
  0, 0, 0, 0, 0, 0, 4, 4,
  0, 0, 8, 8, 8, 0, 4, 4,
  0, 0, 8, 8, 8, 0, 4, 4,
  0, 0, 8, 8, 8, 0, 4, 4,
  0, 0, 0, 0, 0, 0, 4, 4,
  0, 0, 0, 0, 0, 0, 4, 4,
  0, 0, 0, 0, 0, 0, 4, 4,
];

const SPEEDS: [string, string][] = [['0.5', '0.5 steps/s'], ['1', '1 step/s'], ['2', '2 steps/s'], ['4', '4 steps/s'], ['8', '8 steps/s']];

interface State {
  n: number;
  input: number[];
  kernelId: string; // 'custom' when edited
  kernel: number[];
  stride: number;
  pad: number;
  dil: number;
  flip: boolean;
  ceil: boolean;
  /** number of output cells computed so far (0 … outH·outW) */
  t: number;
}

export interface ExplorerHandle {
  state: () => { n: number; input: number[]; kernel: number[]; stride: number; pad: number; dil: number; flip: boolean; t: number; outSize: number };
}

export function initExplorer(root: HTMLElement, demo: DemoEngine): ExplorerHandle {
  const { engine } = demo;
  const s: State = { n: 5, input: [...WORKED_5], kernelId: 'sobelX', kernel: [...kernelById('sobelX')!.w], stride: 1, pad: 0, dil: 1, flip: false, ceil: false, t: 1 };

  let conv: Tensor | null = null;
  let relu: Tensor | null = null;
  let pool: Tensor | null = null;
  let outSize = 0;
  let poolSize = 0;
  let error = '';
  let timer: number | undefined;

  // ---------- controls ----------
  const inputSel = select('Input', [['worked', '5×5 worked example'], ['scene', '8×8 square and step'], ['random5', 'Random 5×5'], ['random8', 'Random 8×8']], 'worked', 'ex-input');
  const kernelSel = select('Kernel', [...KERNELS.map((k): [string, string] => [k.id, k.label]), ['custom', 'Custom (edit the cells)']], s.kernelId, 'ex-kernel');
  const strideSel = select('Stride s', [['1', '1'], ['2', '2'], ['3', '3']], '1', 'ex-stride');
  const padSel = select('Padding p', [['0', '0 (valid)'], ['1', '1'], ['2', '2']], '0', 'ex-pad');
  const dilSel = select('Dilation d', [['1', '1'], ['2', '2'], ['3', '3']], '1', 'ex-dil');
  const flipBox = checkbox('Flip kernel (true convolution)', false, 'ex-flip');
  const ceilBox = checkbox('Pool with ceil mode', false, 'ex-ceil');

  const formula = h('p', { class: 'formula', id: 'ex-formula', 'aria-live': 'polite' });
  const kernelNote = h('p', { class: 'note', id: 'ex-kernel-note' });

  const inputGrid = h('div', { class: 'grid input-grid', role: 'group', 'aria-label': 'Input grid (editable)' });
  const kernelGrid = h('div', { class: 'grid kernel-grid', role: 'group', 'aria-label': 'Kernel weights (editable)' });
  const outGrid = h('div', { class: 'grid out-grid', role: 'group', 'aria-label': 'Feature map (conv2d output from the engine)' });
  const reluGrid = h('div', { class: 'grid relu-grid', role: 'group', 'aria-label': 'After ReLU' });
  const poolGrid = h('div', { class: 'grid pool-grid', role: 'group', 'aria-label': 'After 2×2 max pooling' });

  const btnReset = h('button', { type: 'button', id: 'ex-reset', 'aria-label': 'Back to the start', title: 'Back to the start (Home)' }, icon('first'));
  const btnBack = h('button', { type: 'button', id: 'ex-back', 'aria-label': 'Step back', title: 'Step back (←)' }, icon('back'));
  const btnStep = h('button', { type: 'button', id: 'ex-step', 'aria-label': 'Step forward', title: 'Step forward (→ or Space)' }, 'Step', icon('step'));
  const btnPlay = h('button', { type: 'button', id: 'ex-play', 'aria-label': 'Play', 'aria-pressed': 'false', title: 'Play or pause (P)' }, icon('play'), 'Play');
  const btnEnd = h('button', { type: 'button', id: 'ex-end', 'aria-label': 'Compute every position', title: 'Compute every position (End)' }, icon('last'));
  const speedSel = select('Speed', SPEEDS, '2', 'ex-speed');
  const position = h('span', { class: 'position', id: 'ex-position' });
  const live = h('p', { class: 'sr-only', 'aria-live': 'polite', id: 'ex-live' });

  const calc = h('div', { class: 'calc', id: 'ex-calc' });
  const oneD = h('div', { class: 'oned' });

  const stage = h('div', { class: 'stage', tabindex: 0, id: 'ex-stage', 'aria-label': 'Sliding window explorer. Arrow keys or Space step, Home and End jump, P plays or pauses.' },
    figure('Input', inputGrid, 'ex-cap-input'),
    h('div', { class: 'op', 'aria-hidden': 'true', title: 'cross-correlation' }, '∗'),
    figure('Kernel', kernelGrid, 'ex-cap-kernel'),
    h('div', { class: 'op', 'aria-hidden': 'true' }, '='),
    figure('Feature map', outGrid, 'ex-cap-out'),
  );

  root.append(
    h('div', { class: 'controls' }, inputSel.wrap, kernelSel.wrap, strideSel.wrap, padSel.wrap, dilSel.wrap, flipBox.wrap),
    kernelNote,
    formula,
    h('div', { class: 'ex-main' },
      h('div', { class: 'ex-stage-col' },
        stage,
        h('div', { class: 'transport', role: 'toolbar', 'aria-label': 'Sliding window controls' }, btnReset, btnBack, btnStep, btnPlay, btnEnd, speedSel.wrap),
        position,
      ),
      calc,
    ),
    live,
    h('div', { class: 'after' },
      figure('ReLU: max(0, x)', reluGrid, 'ex-cap-relu'),
      h('div', { class: 'op', 'aria-hidden': 'true' }, '→'),
      figure('2×2 max pool, stride 2', poolGrid, 'ex-cap-pool'),
      h('div', { class: 'after-note' }, h('p', { class: 'note', id: 'ex-pool-note' }), ceilBox.wrap),
    ),
    oneD,
  );

  function figure(title: string, grid: HTMLElement, id: string): HTMLElement {
    return h('figure', { class: 'gridfig' }, h('figcaption', { id }, title), grid);
  }

  // ---------- compute (engine) ----------
  function effKernel(): number[] {
    return s.flip ? flip(s.kernel) : s.kernel;
  }

  function compute(): void {
    error = '';
    conv = relu = pool = null;
    const f = outputSizeFormula(s.n, 3, s.stride, s.pad, s.dil);
    outSize = f.value;
    formula.innerHTML = '';
    formula.append(h('span', { class: 'formula-label' }, 'out = ⌊(in + 2p − d·(k − 1) − 1) / s⌋ + 1'), h('span', { class: 'formula-fill' }, ` = ${f.text}`), h('span', { class: 'formula-shape' }, `  →  ${Math.max(outSize, 0)}×${Math.max(outSize, 0)} feature map`));
    if (outSize < 1) {
      error = `The dilated kernel spans ${s.dil * 2 + 1} cells but the padded input has only ${s.n + 2 * s.pad}: no position fits. Lower the dilation or add padding.`;
      outSize = 0;
      poolSize = 0;
      return;
    }
    const x = tensor(s.input, [1, 1, s.n, s.n]);
    const w = tensor(effKernel(), [1, 1, 3, 3]);
    conv = engine.conv2d(x, w, { stride: s.stride, padding: s.pad, dilation: s.dil });
    relu = engine.relu(conv);
    poolSize = 0;
    // a 1×1 map has no 2×2 window in floor mode; ceil mode keeps the partial one
    if (outSize >= 2 || s.ceil) {
      pool = engine.maxPool2d(relu, { kernelSize: 2, stride: 2, ceilMode: s.ceil });
      poolSize = pool.shape[2];
    }
    s.t = Math.min(s.t, outSize * outSize);
  }

  // ---------- render ----------
  function windowCells(oi: number, oj: number): { r: number; c: number; u: number; v: number }[] {
    const cells = [];
    for (let u = 0; u < 3; u++) for (let v = 0; v < 3; v++) cells.push({ r: oi * s.stride - s.pad + u * s.dil, c: oj * s.stride - s.pad + v * s.dil, u, v });
    return cells;
  }

  function current(): { oi: number; oj: number } | null {
    if (s.t < 1 || outSize < 1) return null;
    const idx = s.t - 1;
    return { oi: Math.floor(idx / outSize), oj: idx % outSize };
  }

  function renderInput(): void {
    const N = s.n + 2 * s.pad;
    inputGrid.style.setProperty('--cols', String(N));
    inputGrid.replaceChildren();
    const cur = current();
    const win = new Map<string, number>();
    if (cur) for (const c of windowCells(cur.oi, cur.oj)) win.set(`${c.r},${c.c}`, effKernel()[c.u * 3 + c.v]);
    const scale = Math.max(1, ...s.input.map(Math.abs));
    for (let R = 0; R < N; R++) {
      for (let C = 0; C < N; C++) {
        const r = R - s.pad;
        const c = C - s.pad;
        const inside = r >= 0 && r < s.n && c >= 0 && c < s.n;
        const key = `${r},${c}`;
        const cell = h('div', { class: 'cell' + (inside ? '' : ' pad') + (win.has(key) ? ' win' : '') });
        if (win.has(key)) cell.dataset.w = `×${fmtCell(win.get(key)!, 2)}`;
        if (inside) {
          const v = s.input[r * s.n + c];
          cell.style.background = tint(v, scale);
          const inp = h('input', { type: 'text', inputmode: 'decimal', value: fmtCell(v, 3), 'aria-label': `Input row ${r + 1} column ${c + 1}`, 'data-idx': r * s.n + c });
          cell.append(inp);
        } else {
          cell.append(h('span', { 'aria-hidden': 'true' }, '0'));
        }
        inputGrid.append(cell);
      }
    }
  }

  function renderKernel(): void {
    kernelGrid.style.setProperty('--cols', '3');
    kernelGrid.replaceChildren();
    const scale = Math.max(...s.kernel.map(Math.abs), 1e-9);
    for (let i = 0; i < 9; i++) {
      const v = s.kernel[i];
      const cell = h('div', { class: 'cell' });
      cell.style.background = tint(v, scale);
      cell.append(h('input', { type: 'text', inputmode: 'decimal', value: fmtCell(v, 3), 'aria-label': `Kernel row ${Math.floor(i / 3) + 1} column ${(i % 3) + 1}`, 'data-k': i }));
      kernelGrid.append(cell);
    }
    const def = kernelById(s.kernelId);
    kernelNote.textContent = (def ? def.note : 'Your own kernel: type any numbers into its cells.') + (s.flip ? ' Flipped by 180°, so this is true convolution rather than cross-correlation.' : '');
  }

  function renderMap(grid: HTMLElement, t: Tensor | null, size: number, filled: (i: number, j: number) => boolean, cls: (i: number, j: number) => string, label: string): void {
    grid.style.setProperty('--cols', String(Math.max(size, 1)));
    grid.replaceChildren();
    if (!t || size < 1) {
      grid.append(h('div', { class: 'cell empty-map' }, '—'));
      return;
    }
    let scale = 0;
    for (const v of t.data) scale = Math.max(scale, Math.abs(v));
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) {
        const v = t.data[i * size + j];
        const on = filled(i, j);
        const cell = h('div', { class: 'cell ro' + (on ? '' : ' todo') + ' ' + cls(i, j), 'data-row': i, 'data-col': j, role: 'img', 'aria-label': on ? `${label} row ${i + 1} column ${j + 1}: ${fmtCell(v, 3)}` : `${label} row ${i + 1} column ${j + 1}: not computed yet` }, on ? fmtCell(v, 2) : '');
        if (on) {
          cell.dataset.value = String(v);
          cell.style.background = tint(v, scale);
        }
        grid.append(cell);
      }
    }
  }

  function renderCalc(): void {
    calc.replaceChildren();
    const cur = current();
    if (error) {
      calc.append(h('p', { class: 'warn', role: 'alert' }, error));
      return;
    }
    if (!cur || !conv) {
      calc.append(h('p', { class: 'note' }, 'Press Step (or → / Space) to place the kernel on the first patch.'));
      return;
    }
    const w = effKernel();
    const terms: { x: number; w: number; p: number }[] = [];
    let acc = 0;
    let absSum = 0;
    for (const c of windowCells(cur.oi, cur.oj)) {
      const inside = c.r >= 0 && c.r < s.n && c.c >= 0 && c.c < s.n;
      const x = inside ? s.input[c.r * s.n + c.c] : 0;
      const wt = w[c.u * 3 + c.v];
      const p = Math.fround(x * wt);
      acc = Math.fround(acc + p); // the reference's order: row by row, rounding to f32 after each step
      absSum += Math.abs(p);
      terms.push({ x, w: wt, p });
    }
    const engineValue = conv.data[cur.oi * outSize + cur.oj];
    const exact = Object.is(acc, engineValue) || acc === engineValue;
    const ok = exact || Math.abs(acc - engineValue) <= f32SumBound(9, absSum);

    const prodGrid = h('div', { class: 'grid prod-grid', role: 'group', 'aria-label': 'Element-wise products of kernel and patch' });
    prodGrid.style.setProperty('--cols', '3');
    for (const t of terms) prodGrid.append(h('div', { class: 'cell ro prod', title: `${fmtCell(t.w, 3)} × ${fmtCell(t.x, 3)}` }, h('small', {}, `${fmtCell(t.w, 2)}·${fmtCell(t.x, 2)}`), h('b', {}, fmtCell(t.p, 2))));
    // signs follow the weights, as in "−1·1 + 0·2 + 1·0 − 2·0 + …"
    const sumText = terms.map((t, i) => {
      const neg = t.w < 0 || Object.is(t.w, -0);
      const term = `${fmtCell(Math.abs(t.w), 2)}·${t.x < 0 ? `(${fmtCell(t.x, 2)})` : fmtCell(t.x, 2)}`;
      return i === 0 ? (neg ? `−${term}` : term) : `${neg ? '−' : '+'} ${term}`;
    }).join(' ');
    const r0 = cur.oi * s.stride - s.pad;
    const c0 = cur.oj * s.stride - s.pad;
    const idx = (base: number, v: string): string => {
      const tap = `${s.dil === 1 ? '' : s.dil + '·'}${v}`;
      return base === 0 ? tap : base > 0 ? `${base} + ${tap}` : `${tap} − ${-base}`;
    };
    calc.append(
      h('figure', { class: 'gridfig' }, h('figcaption', {}, 'Kernel × patch'), prodGrid),
      h('div', { class: 'sum' },
        h('p', { class: 'sum-head' }, h('strong', {}, `Y[${cur.oi}, ${cur.oj}]`), ` = Σ`, h('sub', {}, 'u,v'), ` W[u, v] · X[${idx(r0, 'u')}, ${idx(c0, 'v')}]`),
        h('p', { class: 'terms' }, sumText),
        h('p', { class: 'total' }, '= ', h('strong', { id: 'ex-sum' }, fmtCell(acc, 4)), ' (page) · engine.conv2d gives ', h('strong', { id: 'ex-engine-value', 'data-value': String(engineValue) }, fmtCell(engineValue, 4)), ' ',
          h('span', { class: ok ? 'ok' : 'bad', id: 'ex-check' }, ok ? (exact ? '✓ equal' : '✓ within f32 rounding') : '✗ differs')),
        h('p', { class: 'note' }, s.flip ? 'The kernel is flipped before sliding: true convolution.' : 'No flip: deep-learning "convolution" is cross-correlation.'),
      ),
    );
  }

  function render(): void {
    renderInput();
    renderKernel();
    const cur = current();
    const total = outSize * outSize;
    const done = (i: number, j: number) => i * outSize + j < s.t;
    // the pooling window that holds the current cell
    const pw = cur ? { pi: Math.floor(cur.oi / 2), pj: Math.floor(cur.oj / 2) } : null;
    renderMap(outGrid, conv, outSize, done, (i, j) => (cur && i === cur.oi && j === cur.oj ? 'current' : ''), 'Feature map');
    renderMap(reluGrid, relu, outSize, done, (i, j) => (pw && Math.floor(i / 2) === pw.pi && Math.floor(j / 2) === pw.pj && pw.pi < poolSize && pw.pj < poolSize ? 'poolwin' : ''), 'ReLU');
    const poolDone = (pi: number, pj: number): boolean => {
      const i1 = Math.min(2 * pi + 1, outSize - 1);
      const j1 = Math.min(2 * pj + 1, outSize - 1);
      return i1 * outSize + j1 < s.t;
    };
    renderMap(poolGrid, pool, poolSize, poolDone, (i, j) => (pw && i === pw.pi && j === pw.pj ? 'current' : ''), 'Max pool');
    $('#ex-pool-note', root).textContent = poolSize < 1
      ? 'The feature map is too small for a 2×2 window.'
      : `${outSize}×${outSize} → ${poolSize}×${poolSize}: each pooled cell keeps the largest of its 2×2 window${!s.ceil && outSize % 2 ? ' (floor mode drops the last row and column)' : ''}.`;
    renderCalc();
    position.textContent = error ? 'no valid position' : cur ? `position (${cur.oi}, ${cur.oj}) · ${s.t} of ${total}` : `0 of ${total}`;
    btnBack.toggleAttribute('disabled', s.t <= 0);
    btnReset.toggleAttribute('disabled', s.t <= 0);
    btnStep.toggleAttribute('disabled', s.t >= total);
    btnEnd.toggleAttribute('disabled', s.t >= total);
    root.classList.toggle('reduced-motion', prefersReducedMotion());
  }

  function update(): void {
    try {
      compute();
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      conv = relu = pool = null;
    }
    render();
  }

  // ---------- stepping ----------
  function setT(t: number, say = true): void {
    const total = outSize * outSize;
    s.t = Math.max(0, Math.min(total, t));
    render();
    if (say) {
      const cur = current();
      if (cur && conv) announce(live, `Position row ${cur.oi + 1}, column ${cur.oj + 1}: output ${fmtCell(conv.data[cur.oi * outSize + cur.oj], 3)}`);
    }
  }
  const step = (): void => setT(s.t + 1);
  const back = (): void => setT(s.t - 1);

  function stop(): void {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
    btnPlay.replaceChildren(icon('play'), 'Play');
    btnPlay.setAttribute('aria-label', 'Play');
    btnPlay.setAttribute('aria-pressed', 'false');
  }
  function play(): void {
    if (outSize < 1) return;
    if (s.t >= outSize * outSize) setT(0, false);
    const hz = Number(speedSel.el.value);
    btnPlay.replaceChildren(icon('pause'), 'Pause');
    btnPlay.setAttribute('aria-label', 'Pause');
    btnPlay.setAttribute('aria-pressed', 'true');
    if (timer !== undefined) clearInterval(timer);
    timer = window.setInterval(() => {
      setT(s.t + 1, false);
      if (s.t >= outSize * outSize) stop();
    }, 1000 / hz);
  }
  const toggle = (): void => (timer === undefined ? play() : stop());

  btnStep.addEventListener('click', () => { stop(); step(); });
  btnBack.addEventListener('click', () => { stop(); back(); });
  btnReset.addEventListener('click', () => { stop(); setT(0); });
  btnEnd.addEventListener('click', () => { stop(); setT(outSize * outSize); });
  btnPlay.addEventListener('click', toggle);
  speedSel.el.addEventListener('change', () => { if (timer !== undefined) play(); });

  root.addEventListener('keydown', (e) => {
    const t = e.target as HTMLElement;
    if (t.closest('input, select, textarea')) return; // typing into cells and fields
    if (t.closest('button, summary, a') && (e.key === ' ' || e.key === 'Enter')) return; // native activation
    const map: Record<string, () => void> = {
      ArrowRight: () => { stop(); step(); },
      ArrowDown: () => { stop(); step(); },
      ' ': () => { stop(); step(); },
      ArrowLeft: () => { stop(); back(); },
      ArrowUp: () => { stop(); back(); },
      Home: () => { stop(); setT(0); },
      End: () => { stop(); setT(outSize * outSize); },
      p: toggle,
      P: toggle,
    };
    const fn = map[e.key];
    if (fn && !e.altKey && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      fn();
    }
  });

  // ---------- editing ----------
  function parseCell(el: HTMLInputElement, old: number): number {
    const v = Number(el.value.replace('−', '-').replace(',', '.'));
    if (el.value.trim() === '' || !Number.isFinite(v)) return old;
    return Math.fround(v);
  }
  inputGrid.addEventListener('change', (e) => {
    const el = e.target as HTMLInputElement;
    const idx = Number(el.dataset.idx);
    if (!Number.isInteger(idx)) return;
    s.input[idx] = parseCell(el, s.input[idx]);
    update();
    inputGrid.querySelector<HTMLInputElement>(`input[data-idx="${idx}"]`)?.focus();
  });
  kernelGrid.addEventListener('change', (e) => {
    const el = e.target as HTMLInputElement;
    const k = Number(el.dataset.k);
    if (!Number.isInteger(k)) return;
    s.kernel[k] = parseCell(el, s.kernel[k]);
    s.kernelId = 'custom';
    kernelSel.el.value = 'custom';
    update();
    kernelGrid.querySelector<HTMLInputElement>(`input[data-k="${k}"]`)?.focus();
  });
  inputSel.el.addEventListener('change', () => {
    const v = inputSel.el.value;
    if (v === 'worked') { s.n = 5; s.input = [...WORKED_5]; }
    else if (v === 'scene') { s.n = 8; s.input = [...SCENE_8]; }
    else {
      s.n = v === 'random5' ? 5 : 8;
      s.input = Array.from({ length: s.n * s.n }, () => Math.floor(Math.random() * 10) - 3);
    }
    s.t = 1;
    stop();
    update();
  });
  kernelSel.el.addEventListener('change', () => {
    const def = kernelById(kernelSel.el.value);
    s.kernelId = kernelSel.el.value;
    if (def) s.kernel = [...def.w];
    update();
  });
  const geom = (): void => {
    s.stride = Number(strideSel.el.value);
    s.pad = Number(padSel.el.value);
    s.dil = Number(dilSel.el.value);
    s.t = Math.min(s.t, 1) || 1;
    stop();
    update();
  };
  strideSel.el.addEventListener('change', geom);
  padSel.el.addEventListener('change', geom);
  dilSel.el.addEventListener('change', geom);
  flipBox.el.addEventListener('change', () => { s.flip = flipBox.el.checked; update(); });
  ceilBox.el.addEventListener('change', () => { s.ceil = ceilBox.el.checked; update(); });

  initOneD(oneD, demo);
  update();

  return {
    state: () => ({ n: s.n, input: [...s.input], kernel: effKernel(), stride: s.stride, pad: s.pad, dil: s.dil, flip: s.flip, t: s.t, outSize }),
  };
}

// ---------- the same idea in 1-D ----------
function initOneD(root: HTMLElement, demo: DemoEngine): void {
  const kernels: [string, string, number[]][] = [
    ['edge', '[1, 0, −1]: rising / falling edges', [1, 0, -1]],
    ['avg', '[0.33, 0.34, 0.33]: moving average', [0.33, 0.34, 0.33]],
    ['spike', '[−1, 2, −1]: spikes', [-1, 2, -1]],
  ];
  const sig = h('input', { type: 'text', id: 'ex1d-signal', value: '1, 2, 3, 4, 5', 'aria-label': 'Signal values, comma separated' });
  const ksel = select('Kernel', kernels.map(([id, label]): [string, string] => [id, label]), 'edge', 'ex1d-kernel');
  const out = h('output', { id: 'ex1d-out', for: 'ex1d-signal ex1d-kernel' });
  root.append(
    h('h3', {}, 'The same idea in one dimension'),
    h('p', { class: 'note' }, 'A sensor trace is a 1-D image: slide a 3-tap kernel along it with engine.conv1d (stride 1, no padding, so the output has n − 3 + 1 values).'),
    h('div', { class: 'controls' }, h('label', { class: 'field wide', for: 'ex1d-signal' }, h('span', {}, 'Signal'), sig), ksel.wrap),
    h('p', { class: 'oned-out' }, out),
  );
  const run = (): void => {
    const xs = sig.value.split(/[\s,;]+/).filter(Boolean).map((v) => Number(v.replace('−', '-')));
    const k = kernels.find(([id]) => id === ksel.el.value)![2];
    if (xs.some((v) => !Number.isFinite(v)) || xs.length < 3) {
      out.textContent = 'Type at least three numbers, separated by commas.';
      return;
    }
    const y = demo.engine.conv1d(tensor(xs, [1, 1, xs.length]), tensor(k, [1, 1, 3]));
    out.textContent = `[${xs.map((v) => fmtCell(v, 2)).join(', ')}]  ⋆  [${k.map((v) => fmtCell(v, 2)).join(', ')}] = [${Array.from(y.data, (v) => fmtCell(v, 2)).join(', ')}]   (length ${xs.length} − 3 + 1 = ${y.shape[2]})`;
  };
  sig.addEventListener('input', run);
  ksel.el.addEventListener('change', run);
  run();
}


// ---------- transport icons (inline SVG: no icon font needed) ----------
function icon(kind: 'first' | 'back' | 'step' | 'play' | 'pause' | 'last'): SVGSVGElement {
  const paths: Record<typeof kind, string> = {
    first: 'M3 2h2v12H3zM14 2v12L6 8z',
    back: 'M12 2v12L4 8z',
    step: 'M4 2v12l8-6z',
    play: 'M4 2v12l10-6z',
    pause: 'M3 2h4v12H3zM9 2h4v12H9z',
    last: 'M11 2h2v12h-2zM2 2v12l8-6z',
  };
  return svg('svg', { viewBox: '0 0 16 16', width: 14, height: 14, 'aria-hidden': 'true', focusable: 'false', class: 'icon-svg' }, svg('path', { d: paths[kind], fill: 'currentColor' }));
}
