// Section 3: how far a unit deep in a stack "sees", and what weight sharing saves.

import { rfStack, sub, paramCount, denseParamCount, type RfLayer } from './geometry.js';
import { h, svg, select, numberField, fmtInt } from './util.js';

const PRESETS: Record<string, { label: string; layers: RfLayer[] }> = {
  three3: { label: 'Three 3×3 layers', layers: [L(3), L(3), L(3)] },
  five3: { label: 'Five 3×3 layers', layers: [L(3), L(3), L(3), L(3), L(3)] },
  one5: { label: 'One 5×5 layer', layers: [L(5)] },
  two3: { label: 'Two 3×3 layers (same view as one 5×5)', layers: [L(3), L(3)] },
  strided: { label: '3×3, then 3×3 stride 2, twice', layers: [L(3), L(3, 2), L(3), L(3, 2)] },
  dilated: { label: 'Dilated 3×3: d = 1, 2, 4', layers: [L(3, 1, 1), L(3, 1, 2), L(3, 1, 4)] },
  lenet: { label: 'LeNet-5: 5×5, pool 2, 5×5, pool 2', layers: [{ k: 5, s: 1, d: 1, p: 0 }, { k: 2, s: 2, d: 1, p: 0 }, { k: 5, s: 1, d: 1, p: 0 }, { k: 2, s: 2, d: 1, p: 0 }] },
};

function L(k: number, s = 1, d = 1): RfLayer {
  return { k, s, d, p: s === 1 ? (d * (k - 1)) / 2 : Math.floor((d * (k - 1)) / 2) };
}

const COLORS = ['#2563eb', '#16a34a', '#d97706', '#db2777', '#7c3aed', '#0891b2', '#dc2626', '#65a30d'];

export interface RfHandle {
  rfs: () => number[];
}

export function initRf(root: HTMLElement): RfHandle {
  let layers: RfLayer[] = PRESETS.three3.layers.map((l) => ({ ...l }));

  const presetSel = select('Preset', Object.entries(PRESETS).map(([id, p]): [string, string] => [id, p.label]), 'three3', 'rf-preset');
  const inSize = numberField('Input size', 32, 'rf-in', { min: 1, max: 4096 });
  const chans = numberField('Channels C (every layer C→C)', 64, 'rf-c', { min: 1, max: 4096 });
  const btnAdd = h('button', { type: 'button', id: 'rf-add' }, '+ Add layer');
  const tbody = h('tbody', { id: 'rf-rows' });
  const table = h('table', { class: 'rf-table' },
    h('caption', { class: 'sr-only' }, 'Layers of the stack, with output size, receptive field and parameters'),
    h('thead', {}, h('tr', {}, ...([['Layer', ''], ['k', 'kernel size'], ['s', 'stride'], ['d', 'dilation'], ['p', 'padding'], ['Output', 'output size on the input above'], ['RF', 'receptive field'], ['RF grows', 'RF_L = RF_(L−1) + (k − 1)·d·Π s before'], ['Weights', 'weights + biases, C→C'], ['', 'remove']] as const).map(([t, title]) =>
      h('th', { scope: 'col', title: title || null }, title && t.length <= 2 ? h('abbr', { title }, t) : t, t === '' ? h('span', { class: 'sr-only' }, title) : null)))),
    tbody,
  );
  const summary = h('p', { class: 'rf-summary', id: 'rf-summary', 'aria-live': 'polite' });
  const pic = h('div', { class: 'rf-pic', id: 'rf-pic' });
  const legend = h('div', { class: 'rf-legend' });

  root.append(
    h('div', { class: 'rf-top' },
      h('div', { class: 'rf-left' },
        h('div', { class: 'controls' }, presetSel.wrap, inSize.wrap, chans.wrap, btnAdd),
        h('div', { class: 'table-wrap' }, table),
        summary,
        h('p', { class: 'formula' }, 'RF', sub(0), ' = 1,   RF', h('sub', {}, 'L'), ' = RF', h('sub', {}, 'L−1'), ' + (k', h('sub', {}, 'L'), ' − 1) · d', h('sub', {}, 'L'), ' · Π', h('sub', {}, 'i<L'), ' s', h('sub', {}, 'i')),
      ),
      h('figure', { class: 'rf-fig' }, pic, h('figcaption', {}, 'Input pixels that reach one unit of the last layer. Darker = more paths through the stack lead there; each outline is the receptive field after that layer.'), legend),
    ),
  );

  function render(): void {
    const n = Math.max(1, Math.floor(Number(inSize.el.value) || 32));
    const C = Math.max(1, Math.floor(Number(chans.el.value) || 64));
    const rows = rfStack(layers, n);
    tbody.replaceChildren();
    let totalParams = 0;
    rows.forEach((r, i) => {
      const L = layers[i];
      const prev = i === 0 ? 1 : rows[i - 1].rf;
      const params = paramCount({ kernelSize: L.k, inChannels: C, outChannels: C, bias: true });
      totalParams += params;
      const mk = (opts: number[], val: number, field: keyof RfLayer, label: string) => {
        const el = h('select', { 'aria-label': `Layer ${i + 1} ${label}` });
        for (const o of opts) el.append(h('option', { value: o, selected: o === val }, String(o)));
        el.addEventListener('change', () => {
          layers[i] = { ...layers[i], [field]: Number(el.value) };
          if (field !== 'p') layers[i].p = L2p(layers[i]);
          render();
        });
        return el;
      };
      const pad = h('input', { type: 'number', min: 0, max: 64, value: L.p, 'aria-label': `Layer ${i + 1} padding` });
      pad.addEventListener('change', () => {
        layers[i] = { ...layers[i], p: Math.max(0, Math.floor(Number(pad.value) || 0)) };
        render();
      });
      const rm = h('button', { type: 'button', class: 'icon', 'aria-label': `Remove layer ${i + 1}`, disabled: layers.length <= 1 }, '✕');
      rm.addEventListener('click', () => {
        layers.splice(i, 1);
        render();
      });
      const grow = `${prev} + (${L.k} − 1)·${L.d}·${r.jumpIn} = ${r.rf}`;
      tbody.append(h('tr', { 'data-layer': i + 1 },
        h('th', { scope: 'row' }, h('span', { class: 'swatch', style: `background:${COLORS[i % COLORS.length]}` }), ` ${i + 1}`),
        h('td', {}, mk([1, 2, 3, 5, 7], L.k, 'k', 'kernel size')),
        h('td', {}, mk([1, 2, 3], L.s, 's', 'stride')),
        h('td', {}, mk([1, 2, 3, 4, 8], L.d, 'd', 'dilation')),
        h('td', {}, pad),
        h('td', { class: 'num' + (r.out < 1 ? ' bad' : '') }, r.out >= 1 ? `${r.out}×${r.out}` : 'too small'),
        h('td', { class: 'num rf-val', 'data-rf': r.rf }, h('strong', {}, `${r.rf}×${r.rf}`)),
        h('td', { class: 'grow' }, grow),
        h('td', { class: 'num' }, fmtInt(params)),
        h('td', {}, rm),
      ));
    });
    const last = rows[rows.length - 1];
    const all3 = layers.every((l) => l.k === 3 && l.s === 1 && l.d === 1);
    summary.replaceChildren(
      `After ${layers.length} layer${layers.length > 1 ? 's' : ''} one output unit sees `,
      h('strong', { id: 'rf-final' }, `${last.rf}×${last.rf}`),
      ` input pixels, with ${fmtInt(totalParams)} weights and biases in all (C = ${C}).`,
      all3 ? ` For stacked 3×3 stride-1 layers RF = 1 + 2L = ${1 + 2 * layers.length}.` : '',
      compareNote(C),
    );
    drawPicture(rows.map((r) => r.rf));
  }

  function compareNote(C: number): string {
    if (layers.length === 1 && layers[0].k === 5 && layers[0].s === 1 && layers[0].d === 1)
      return ` Two 3×3 layers would see the same 5×5 with 18·C² = ${fmtInt(18 * C * C)} weights instead of 25·C² = ${fmtInt(25 * C * C)}, and add a ReLU in between.`;
    if (layers.length === 2 && layers.every((l) => l.k === 3 && l.s === 1 && l.d === 1))
      return ` One 5×5 layer sees the same 5×5 but needs 25·C² = ${fmtInt(25 * C * C)} weights instead of 18·C² = ${fmtInt(18 * C * C)}.`;
    return '';
  }

  function L2p(l: RfLayer): number {
    return Math.floor((l.d * (l.k - 1)) / 2);
  }

  /** Paths from each input pixel to the centre unit (1-D; the 2-D count is the outer product). */
  function pathCounts(): { offset: number; counts: number[] } {
    // positions relative to the unit; walk back from the last layer
    let lo = 0;
    let counts = [1];
    for (let i = layers.length - 1; i >= 0; i--) {
      const { k, s, d } = layers[i];
      const newLo = lo * s;
      const span = (counts.length - 1) * s + (k - 1) * d + 1;
      const next = new Array<number>(span).fill(0);
      counts.forEach((c, j) => {
        if (!c) return;
        for (let u = 0; u < k; u++) next[j * s + u * d] += c;
      });
      lo = newLo;
      counts = next;
    }
    return { offset: lo, counts };
  }

  function drawPicture(rfs: number[]): void {
    const { counts } = pathCounts();
    const rf = counts.length;
    const G = Math.min(rf + 4, 96);
    const size = 300;
    const cell = size / G;
    const o = Math.floor((G - rf) / 2); // where the field starts
    const max = Math.max(...counts) ** 2;
    const s = svg('svg', { viewBox: `0 0 ${size} ${size}`, role: 'img', 'aria-label': `Receptive field grid: ${rfs.map((r, i) => `layer ${i + 1} ${r}×${r}`).join(', ')}` });
    s.append(svg('rect', { x: 0, y: 0, width: size, height: size, class: 'rf-bg' }));
    for (let i = 0; i < rf; i++) {
      for (let j = 0; j < rf; j++) {
        const c = counts[i] * counts[j];
        if (!c) continue;
        const a = 0.12 + 0.78 * Math.sqrt(c / max);
        s.append(svg('rect', { x: (o + j) * cell, y: (o + i) * cell, width: cell, height: cell, fill: `rgba(37, 99, 235, ${a.toFixed(3)})` }));
      }
    }
    if (cell >= 4) {
      for (let g = 0; g <= G; g++) {
        s.append(svg('line', { x1: g * cell, y1: 0, x2: g * cell, y2: size, class: 'rf-gridline' }));
        s.append(svg('line', { x1: 0, y1: g * cell, x2: size, y2: g * cell, class: 'rf-gridline' }));
      }
    }
    // outlines: each layer's RF centred on the field (the final field is centred on the unit)
    const centre = (o + rf / 2) * cell;
    rfs.forEach((r, i) => {
      const half = (r * cell) / 2;
      s.append(svg('rect', { x: centre - half, y: centre - half, width: r * cell, height: r * cell, fill: 'none', stroke: COLORS[i % COLORS.length], 'stroke-width': 2.5, rx: 2 }));
    });
    pic.replaceChildren(s);
    legend.replaceChildren(...rfs.map((r, i) => h('span', { class: 'legend-item' }, h('span', { class: 'swatch', style: `background:${COLORS[i % COLORS.length]}` }), ` after layer ${i + 1}: ${r}×${r}`)));
    if (rf > 96) legend.append(h('span', { class: 'note' }, ' (picture clipped to 96×96)'));
  }

  presetSel.el.addEventListener('change', () => {
    layers = PRESETS[presetSel.el.value].layers.map((l) => ({ ...l }));
    render();
  });
  btnAdd.addEventListener('click', () => {
    if (layers.length >= 8) return;
    layers.push(L(3));
    render();
  });
  inSize.el.addEventListener('change', render);
  chans.el.addEventListener('change', render);
  render();

  initParams(root);

  return { rfs: () => rfStack(layers, Number(inSize.el.value) || 32).map((r) => r.rf) };
}

// ---------- conv vs fully connected ----------
function initParams(root: HTMLElement): void {
  const H = numberField('Height', 224, 'pc-h', { min: 1 });
  const W = numberField('Width', 224, 'pc-w', { min: 1 });
  const C = numberField('Channels', 3, 'pc-c', { min: 1 });
  const units = numberField('Dense units', 1000, 'pc-units', { min: 1 });
  const cout = numberField('Conv output channels', 64, 'pc-cout', { min: 1 });
  const k = numberField('Conv kernel k', 3, 'pc-k', { min: 1, max: 31 });
  const presets = h('div', { class: 'btn-group', role: 'group', 'aria-label': 'Parameter presets' },
    preset('224×224×3 → 1000', [224, 224, 3, 1000]),
    preset('32×32×3 → 512', [32, 32, 3, 512]),
    preset('28×28×1 → 128', [28, 28, 1, 128]),
  );
  const out = h('div', { class: 'pc-out', id: 'pc-out', 'aria-live': 'polite' });

  root.append(
    h('h3', {}, 'Weight sharing: a dense layer against a convolution'),
    h('p', { class: 'note' }, 'A dense layer gives every output unit its own weight for every input value. A convolution reuses one small kernel at every position, so its size does not depend on the image at all.'),
    h('div', { class: 'controls' }, H.wrap, W.wrap, C.wrap, units.wrap, cout.wrap, k.wrap),
    presets,
    out,
    landmarks(),
  );

  function preset(label: string, v: number[]): HTMLButtonElement {
    const b = h('button', { type: 'button' }, label);
    b.addEventListener('click', () => {
      [H.el.value, W.el.value, C.el.value, units.el.value] = v.map(String);
      render();
    });
    return b;
  }

  function render(): void {
    const num = (el: HTMLInputElement, d: number) => Math.max(1, Math.floor(Number(el.value) || d));
    const h_ = num(H.el, 224), w_ = num(W.el, 224), c_ = num(C.el, 3), u_ = num(units.el, 1000), co = num(cout.el, 64), k_ = num(k.el, 3);
    const dense = denseParamCount(h_ * w_ * c_, u_, true);
    const conv = paramCount({ kernelSize: k_, inChannels: c_, outChannels: co, bias: true });
    const ratio = dense / conv;
    const dwMul = k_ * k_ * c_ + c_ * co;
    const stdMul = k_ * k_ * c_ * co;
    out.replaceChildren(
      h('div', { class: 'pc-card dense' },
        h('h4', {}, `Dense: ${fmtInt(h_ * w_ * c_)} inputs → ${fmtInt(u_)} units`),
        h('p', { class: 'big', id: 'pc-dense' }, fmtInt(dense)),
        h('p', {}, `${h_}·${w_}·${c_} × ${fmtInt(u_)} + ${fmtInt(u_)} = ${fmtInt(h_ * w_ * c_)} × ${fmtInt(u_)} + ${fmtInt(u_)}`),
        h('p', { class: 'note' }, `≈ ${fmtMB(dense * 4)} of float32 weights`),
      ),
      h('div', { class: 'pc-card conv' },
        h('h4', {}, `Conv ${k_}×${k_}: ${c_} → ${co} channels`),
        h('p', { class: 'big', id: 'pc-conv' }, fmtInt(conv)),
        h('p', {}, `${k_}·${k_}·${c_}·${co} + ${co}, whatever the image size`),
        h('p', { class: 'note' }, `${fmtMB(conv * 4)} of float32 · ${ratio >= 10 ? fmtInt(Math.round(ratio)) : ratio.toFixed(1)}× fewer than dense`),
      ),
      h('div', { class: 'pc-card dw' },
        h('h4', {}, 'Depthwise separable (MobileNet)'),
        h('p', { class: 'big' }, `${(stdMul / dwMul).toFixed(1)}×`),
        h('p', {}, `fewer multiplies per pixel: k²·Cin·Cout = ${fmtInt(stdMul)} against k²·Cin + Cin·Cout = ${fmtInt(dwMul)}`),
      ),
    );
  }
  for (const f of [H, W, C, units, cout, k]) f.el.addEventListener('input', render);
  render();
}

function landmarks(): HTMLElement {
  const items: [string, string, string][] = [
    ['1998', 'LeNet-5', '≈ 60 K parameters; handwritten digits'],
    ['2012', 'AlexNet', 'ReLU, dropout, trained on GPUs'],
    ['2014', 'VGG-16', 'only 3×3 convolutions; 138 M parameters'],
    ['2015', 'ResNet', 'skip connections; ResNet-50 ≈ 25.6 M parameters'],
    ['2017', 'MobileNet', 'depthwise separable convolutions'],
    ['2019', 'EfficientNet', 'compound scaling of depth, width, resolution'],
  ];
  return h('details', { class: 'landmarks' },
    h('summary', {}, 'Landmark networks'),
    h('ol', {}, ...items.map(([y, n, t]) => h('li', {}, h('span', { class: 'year' }, y), ' ', h('strong', {}, n), ` — ${t}`))),
  );
}

/** Decimal megabytes, as parameter counts are usually quoted (150,529,000 × 4 B ≈ 602 MB). */
function fmtMB(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${bytes} B`;
}
