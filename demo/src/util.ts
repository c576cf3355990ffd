// Small DOM and formatting helpers shared by the demo's sections.

type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;
type Child = Node | string | number | null | undefined | false;

/** Create an element: h('button', { class: 'x', onclick: fn, 'aria-label': '…' }, 'text'). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v as EventListener);
    else if (k === 'class') el.className = String(v);
    else if (k === 'text') el.textContent = String(v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, ...children: (Node | string)[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c);
  return el;
}

export function $(sel: string, root: ParentNode = document): HTMLElement {
  const el = root.querySelector<HTMLElement>(sel);
  if (!el) throw new Error(`demo: missing element ${sel}`);
  return el;
}

/** Labelled select: returns the <label> wrapper and the <select>. */
export function select(label: string, options: [string, string][], value: string, id: string): { wrap: HTMLLabelElement; el: HTMLSelectElement } {
  const el = h('select', { id });
  for (const [v, t] of options) el.append(h('option', { value: v, selected: v === value }, t));
  const wrap = h('label', { class: 'field', for: id }, h('span', {}, label), el);
  return { wrap, el };
}

export function numberField(label: string, value: number, id: string, attrs: Attrs = {}): { wrap: HTMLLabelElement; el: HTMLInputElement } {
  const el = h('input', { id, type: 'number', value, inputmode: 'numeric', ...attrs });
  const wrap = h('label', { class: 'field', for: id }, h('span', {}, label), el);
  return { wrap, el };
}

export function checkbox(label: string, checked: boolean, id: string): { wrap: HTMLLabelElement; el: HTMLInputElement } {
  const el = h('input', { id, type: 'checkbox', checked });
  const wrap = h('label', { class: 'check', for: id }, el, h('span', {}, label));
  return { wrap, el };
}

const intFmt = new Intl.NumberFormat('en-US');
export const fmtInt = (n: number): string => intFmt.format(n);

/** A compact number for grid cells: integers as is, others with up to `digits` decimals. */
export function fmtCell(v: number, digits = 2): string {
  if (Object.is(v, -0)) v = 0;
  if (Number.isInteger(v)) return String(v).replace('-', '−');
  const s = v.toFixed(digits).replace(/\.?0+$/, '');
  return (s === '-0' ? '0' : s).replace('-', '−');
}


export function fmtMs(ms: number): string {
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toFixed(3);
}

export function fmtGflops(g: number): string {
  return g >= 10 ? g.toFixed(1) : g >= 1 ? g.toFixed(2) : g.toFixed(3);
}

export function fmtBytes(b: number): string {
  if (b < 1024) return `${b} B`;
  if (b < 1024 * 1024) return `${(b / 1024).toFixed(1)} KiB`;
  if (b < 1024 ** 3) return `${(b / 1024 / 1024).toFixed(1)} MiB`;
  return `${(b / 1024 ** 3).toFixed(2)} GiB`;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const prefersReducedMotion = (): boolean => typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;

/** Give the browser a chance to paint and handle input (a macrotask without setTimeout's clamp). */
export function yieldToBrowser(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => resolve();
    ch.port2.postMessage(0);
  });
}

export const nextFrame = (): Promise<number> => new Promise((r) => requestAnimationFrame(r));

/** Cell tint for a value v relative to a scale: blue for positive, orange for negative. */
export function tint(v: number, scale: number): string {
  if (!Number.isFinite(v) || scale <= 0 || v === 0) return 'transparent';
  const a = Math.min(1, Math.abs(v) / scale) * 0.55 + 0.08;
  return v > 0 ? `rgba(37, 99, 235, ${a.toFixed(3)})` : `rgba(234, 88, 12, ${a.toFixed(3)})`;
}

/** The f32 error bound for a sum of n products (DESIGN.md, bounded tier): 2·γ(n)·Σ|x·w|. */
export function f32SumBound(n: number, absSum: number): number {
  const u = 2 ** -24;
  const gamma = (n * u) / (1 - n * u);
  return 2 * gamma * absSum;
}

/** Live-region announcer for screen readers. */
export function announce(region: HTMLElement, text: string): void {
  region.textContent = text;
}
