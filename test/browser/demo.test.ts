/**
 * Browser tests of the demo page (demo/): Debian's Chromium driven by playwright-core.
 *
 * Self-contained: beforeAll bundles the demo with esbuild's JS API into a temporary folder (no
 * prior `npm run build` or `npm run demo` needed), starts demo/serve.mjs on a free port and
 * loads the page. Every console error or uncaught page error fails the test that caused it.
 * Values on the page are checked against bindings/reference computed here, in Node.
 * Screenshots: test-results/screenshots/demo-{1280x800,375x800}.png.
 *
 * Needs /usr/bin/chromium (`apt-get install -y chromium`) or CHROMIUM_PATH.
 * Run alone: npx vitest run --config test/browser/vitest.config.ts
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildDemo } from '../../demo/build.mjs';
import { startServer } from '../../demo/serve.mjs';
import * as reference from '../../bindings/reference/index.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.join(repo, 'test-results/screenshots');

const WORKED = [1, 2, 0, 1, 2, 0, 1, 2, 1, 0, 2, 0, 1, 2, 1, 1, 2, 0, 1, 2, 0, 2, 1, 0, 1];
const SOBEL_X = [-1, 0, 1, -2, 0, 2, -1, 0, 1];
const VERTICAL = [-1, 0, 1, -1, 0, 1, -1, 0, 1];

let outdir = '';
let server: Awaited<ReturnType<typeof startServer>> | undefined;
let browser: Browser | undefined;
let page: Page;
const problems: string[] = [];

function watch(p: Page): Page {
  p.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
  });
  p.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  p.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  return p;
}

async function openPage(width: number, height: number): Promise<Page> {
  const p = watch(await browser!.newPage({ viewport: { width, height } }));
  await p.goto(server!.url);
  await p.waitForFunction(() => window.simdconvDemo?.ready === true, null, { timeout: 20_000 });
  return p;
}

function conv2dRef(x: number[], n: number, w: number[], opts: { stride?: number; padding?: number; dilation?: number }) {
  return reference.conv2d({ data: Float32Array.from(x), shape: [1, 1, n, n] }, { data: Float32Array.from(w), shape: [1, 1, 3, 3] }, opts);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it with \`apt-get install -y chromium\` or set CHROMIUM_PATH`);
  }
  outdir = mkdtempSync(path.join(os.tmpdir(), 'simdconv-demo-'));
  await buildDemo({ outdir, minify: true, logLevel: 'error' });
  server = await startServer({ port: 0, root: outdir });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  page = await openPage(1280, 800);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

afterEach(() => {
  const seen = problems.splice(0);
  expect(seen, 'console errors / page errors').toEqual([]);
});

describe('demo page', () => {
  it('loads and shows the engine build and threads in the header', async () => {
    const isa = await page.textContent('#isa');
    expect(['simd', 'relaxed']).toContain(isa);
    // served cross-origin isolated on a ≥ 2-core machine: threads: 'auto' gives a worker pool
    const threads = Number(await page.textContent('#threads'));
    expect(threads).toBeGreaterThanOrEqual(2);
    expect(threads).toBe(Math.min(await page.evaluate(() => navigator.hardwareConcurrency), 8));
    expect(await page.evaluate(() => window.simdconvDemo!.threads)).toBe(threads);
    const reason = await page.getAttribute('#threads-badge', 'title');
    expect(reason).toContain('navigator.hardwareConcurrency');
    expect(reason).toMatch(/synchronous methods run single-threaded/);
    expect(await page.evaluate(() => window.simdconvDemo!.threadsReason)).toBe(reason);
    expect(await page.evaluate(() => window.simdconvDemo!.isa)).toBe(isa);
  }, 30_000);

  it('1 · sliding window: each highlighted output equals the reference (TEACHING 5×5 × Sobel x)', async () => {
    const ref = conv2dRef(WORKED, 5, SOBEL_X, {});
    // TEACHING.md's position (0,0) = 2 and (0,2) = −2; it prints (0,1) as −1, but the patch
    // [[2,0,1],[1,2,1],[0,1,2]] gives −2 + 1 − 2 + 2 + 0 + 2 = 1.
    expect(Array.from(ref.data.slice(0, 3))).toEqual([2, 1, -2]);
    // starts with the kernel on the first patch
    for (let t = 1; t <= 9; t++) {
      const cur = await page.$eval('.out-grid .cell.current', (el) => ({ row: Number((el as HTMLElement).dataset.row), col: Number((el as HTMLElement).dataset.col), value: Number((el as HTMLElement).dataset.value), text: el.textContent }));
      expect(cur.row * 3 + cur.col).toBe(t - 1);
      expect(cur.value).toBe(ref.data[t - 1]);
      expect(await page.textContent('#ex-check')).toContain('✓');
      expect(Number(await page.getAttribute('#ex-engine-value', 'data-value'))).toBe(ref.data[t - 1]);
      if (t < 9) await page.click('#ex-step');
    }
    expect(await page.isDisabled('#ex-step')).toBe(true);
    expect(await page.textContent('#ex-formula')).toContain('= 3');
  }, 60_000);

  it('1 · stride, padding, dilation and the keyboard', async () => {
    await page.selectOption('#ex-stride', '2');
    await page.selectOption('#ex-pad', '1');
    // out = ⌊(5 + 2 − 2 − 1)/2⌋ + 1 = 3
    expect(await page.textContent('#ex-formula')).toContain('⌊(5 + 2·1 − 1·(3 − 1) − 1) / 2⌋ + 1 = ⌊4 / 2⌋ + 1 = 3');
    const ref = conv2dRef(WORKED, 5, SOBEL_X, { stride: 2, padding: 1 });
    await page.focus('#ex-stage');
    await page.keyboard.press('Home');
    for (let t = 1; t <= 9; t++) {
      await page.keyboard.press(t % 2 ? 'ArrowRight' : 'Space');
      const v = await page.$eval('.out-grid .cell.current', (el) => Number((el as HTMLElement).dataset.value));
      expect(v).toBe(ref.data[t - 1]);
    }
    await page.keyboard.press('ArrowLeft');
    expect(await page.textContent('#ex-position')).toContain('8 of 9');

    // dilation 2 on the 8×8 input, no padding: ⌊(8 − 4 − 1)/1⌋ + 1 = 4
    await page.selectOption('#ex-input', 'scene');
    await page.selectOption('#ex-stride', '1');
    await page.selectOption('#ex-pad', '0');
    await page.selectOption('#ex-dil', '2');
    await page.selectOption('#ex-kernel', 'vertical');
    const state = await page.evaluate(() => window.simdconvDemo!.explorer.state());
    expect(state.outSize).toBe(4);
    const ref2 = conv2dRef(state.input, 8, VERTICAL, { dilation: 2 });
    await page.click('#ex-end');
    const cells = await page.$$eval('.out-grid .cell', (els) => els.map((el) => Number((el as HTMLElement).dataset.value)));
    expect(cells).toEqual(Array.from(ref2.data));
    // ReLU and 2×2 max pooling of that map
    const relu = await page.$$eval('.relu-grid .cell', (els) => els.map((el) => Number((el as HTMLElement).dataset.value)));
    expect(relu).toEqual(Array.from(ref2.data, (v) => Math.max(0, v)));
    const pooled = await page.$$eval('.pool-grid .cell', (els) => els.map((el) => Number((el as HTMLElement).dataset.value)));
    const refPool = reference.maxPool2d(reference.relu(ref2), { kernelSize: 2 });
    expect(pooled).toEqual(Array.from(refPool.data));
    // play runs to the end
    await page.selectOption('#ex-speed', '8');
    await page.click('#ex-play');
    await page.waitForFunction(() => document.querySelector('#ex-position')?.textContent?.includes('16 of 16'), null, { timeout: 10_000 });
    expect(await page.getAttribute('#ex-play', 'aria-pressed')).toBe('false');
  }, 60_000);

  it('1 · the 1-D worked example: [1,2,3,4,5] ⋆ [1,0,−1] = [−2,−2,−2]', async () => {
    expect(await page.textContent('#ex1d-out')).toContain('= [−2, −2, −2]');
  }, 30_000);

  it('2 · an edge kernel on the sample image matches the reference', async () => {
    for (const id of ['sobelX', 'sobelY', 'gaussian', 'sharpen', 'box', 'horizontal', 'identity']) await page.uncheck(`#fl-k-${id}`);
    await page.check('#fl-k-vertical');
    await page.selectOption('#fl-size', '128');
    const snap = await page.evaluate(() => {
      const s = window.simdconvDemo!.filters.last()!;
      return { input: Array.from(s.input.data), shape: s.input.shape, kernelIds: s.kernelIds, conv: Array.from(s.conv.data), convShape: s.conv.shape };
    });
    expect(snap.kernelIds).toEqual(['vertical']);
    expect(snap.shape).toEqual([1, 1, 128, 128]);
    expect(snap.convShape).toEqual([1, 1, 128, 128]);
    const ref = reference.conv2d({ data: Float32Array.from(snap.input), shape: snap.shape }, { data: Float32Array.from(VERTICAL), shape: [1, 1, 3, 3] }, { padding: 1 });
    // a few pixels, corners and edges included; integer luminance keeps the sums exact
    for (const [i, j] of [[0, 0], [0, 127], [127, 0], [127, 127], [5, 64], [64, 64], [100, 31], [77, 90]]) {
      expect(snap.conv[i * 128 + j], `pixel (${i}, ${j})`).toBe(ref.data[i * 128 + j]);
    }
    expect(snap.conv).toEqual(Array.from(ref.data));
    expect(await page.$$eval('#fl-maps canvas', (c) => c.length)).toBe(2);
    expect(await page.textContent('#fl-stats')).toMatch(/GFLOP\/s/);
    // ReLU + 2×2 max pool halves each side
    await page.check('#fl-relu');
    await page.selectOption('#fl-pool', 'max');
    const shown = await page.evaluate(() => window.simdconvDemo!.filters.last()!.shown.shape);
    expect(shown).toEqual([1, 1, 64, 64]);
  }, 60_000);

  it('2 · webcam: no camera or a denied permission leaves a message, not an error', async () => {
    await page.click('#fl-camera');
    await page.waitForFunction(() => !/Asking/.test(document.querySelector('#fl-status')?.textContent ?? 'Asking'), null, { timeout: 10_000 });
    expect(await page.textContent('#fl-status')).toMatch(/denied|No camera|could not|does not offer/);
    expect(await page.getAttribute('#fl-sample', 'aria-pressed')).toBe('true');
  }, 30_000);

  it('2 · webcam: with a (fake) camera every frame runs live, with frame time and GFLOP/s', async () => {
    const camBrowser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
    });
    try {
      const p = watch(await camBrowser.newPage({ viewport: { width: 1280, height: 800 } }));
      await p.goto(server!.url);
      await p.waitForFunction(() => window.simdconvDemo?.ready === true, null, { timeout: 20_000 });
      await p.selectOption('#fl-size', '128');
      await p.click('#fl-camera');
      await p.waitForFunction(() => /fps/.test(document.querySelector('#fl-stats')?.textContent ?? ''), null, { timeout: 20_000 });
      expect(await p.textContent('#fl-stats')).toMatch(/GFLOP\/s/);
      expect(await p.getAttribute('#fl-camera', 'aria-pressed')).toBe('true');
      const shape = await p.evaluate(() => window.simdconvDemo!.filters.last()!.conv.shape);
      expect(shape).toEqual([1, 4, 128, 128]);
      await p.click('#fl-camera'); // stop
      expect(await p.getAttribute('#fl-camera', 'aria-pressed')).toBe('false');
      await p.close();
    } finally {
      await camBrowser.close();
    }
  }, 60_000);

  it('3 · receptive field of three 3×3 layers is 7, and the parameter counts', async () => {
    await page.selectOption('#rf-preset', 'three3');
    expect(await page.$$eval('#rf-rows td.rf-val', (els) => els.map((e) => Number((e as HTMLElement).dataset.rf)))).toEqual([3, 5, 7]);
    expect(await page.textContent('#rf-final')).toBe('7×7');
    await page.click('#rf-add');
    await page.click('#rf-add');
    expect(await page.textContent('#rf-final')).toBe('11×11'); // 1 + 2L with L = 5
    await page.selectOption('#rf-preset', 'dilated');
    expect(await page.textContent('#rf-final')).toBe('15×15'); // 1 + 2·1 + 2·2 + 2·4
    expect(await page.textContent('#pc-dense')).toBe('150,529,000');
    expect(await page.textContent('#pc-conv')).toBe('1,792');
  }, 30_000);

  it('4 · a small benchmark fills the table, the threaded row included, every result equal to the reference', async () => {
    const boxes = await page.$$('#bench-body fieldset input[type="checkbox"]');
    for (const b of boxes) await b.uncheck();
    await page.check('#bn-lenet5-c1');
    // 3.6 M MACs: big enough that the async row is split over the workers (docs/threads.md)
    await page.check('#bn-mnistcnn-conv2');
    await page.selectOption('#bn-budget', '150');
    await page.click('#bn-run');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#bn-status')?.dataset.state === 'done', null, { timeout: 60_000 });
    const rows = await page.$$eval('#bn-rows tr[data-alg]', (trs) => trs.map((tr) => ({
      layer: (tr as HTMLElement).dataset.layer,
      alg: (tr as HTMLElement).dataset.alg,
      label: tr.querySelector('th')?.textContent ?? '',
      threadsUsed: tr.querySelector<HTMLElement>('.alg-note')?.dataset.threadsUsed,
      cells: Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? ''),
    })));
    expect(rows.map((r) => `${r.layer} ${r.alg}`)).toEqual([
      'lenet5.c1 naive', 'lenet5.c1 direct', 'lenet5.c1 im2col', 'lenet5.c1 threads',
      'mnistcnn.conv2 naive', 'mnistcnn.conv2 direct', 'mnistcnn.conv2 im2col', 'mnistcnn.conv2 winograd', 'mnistcnn.conv2 threads',
    ]);
    const threads = await page.evaluate(() => window.simdconvDemo!.threads);
    for (const r of rows.filter((x) => x.alg === 'threads')) expect(r.label).toContain(`threads: ${threads} (async)`);
    // LeNet-5 C1 (118 k MACs) stays on one thread; MNIST conv2 is split over every worker
    expect(rows.find((r) => r.layer === 'lenet5.c1' && r.alg === 'threads')!.threadsUsed).toBe('1');
    expect(rows.find((r) => r.layer === 'mnistcnn.conv2' && r.alg === 'threads')!.threadsUsed).toBe(String(threads));
    for (const r of rows) {
      // td: median ms, GFLOP/s, × naive, workspace, = reference (the algorithm is the row's th)
      expect(Number(r.cells[0]), `${r.alg} median ms`).toBeGreaterThan(0);
      expect(Number(r.cells[1]), `${r.alg} GFLOP/s`).toBeGreaterThan(0);
      expect(r.cells[2], `${r.alg} ratio to naive`).toMatch(/^\d+(\.\d)?×$/);
      expect(r.cells[4], `${r.alg} equal to reference`).toBe('✓');
    }
    expect(await page.$$eval('#bn-chart svg rect', (r) => r.length)).toBe(9);
    expect(await page.textContent('#bn-status')).toContain('every result equal to the reference');
  }, 90_000);

  it('screenshots at 1280×800 and 375×800, no horizontal overflow on a phone', async () => {
    mkdirSync(SHOTS, { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(SHOTS, 'demo-1280x800.png'), fullPage: true });
    const phone = await openPage(375, 800);
    try {
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      await phone.screenshot({ path: path.join(SHOTS, 'demo-375x800.png'), fullPage: true });
      await phone.screenshot({ path: path.join(SHOTS, 'demo-375x800-top.png') });
    } finally {
      await phone.close();
    }
  }, 60_000);

  it('every control has an accessible name; reduced motion turns transitions off', async () => {
    const unnamed = await page.evaluate(() => {
      const bad: string[] = [];
      for (const el of document.querySelectorAll<HTMLElement>('input, select, button, textarea, [tabindex="0"]')) {
        const named = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') ||
          ((el as HTMLInputElement).labels?.length ?? 0) > 0 || (el.tagName === 'BUTTON' && el.textContent?.trim());
        if (!named) bad.push(el.outerHTML.slice(0, 80));
      }
      return bad;
    });
    expect(unnamed).toEqual([]);
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.click('#ex-back');
    expect(await page.$eval('.out-grid .cell', (el) => getComputedStyle(el).transitionDuration)).toBe('0s');
    await page.emulateMedia({ reducedMotion: 'no-preference' });
  }, 30_000);

  it('serves wasm-ready headers: COOP/COEP and MIME types', async () => {
    const res = await fetch(server!.url);
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(res.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);
    const js = await fetch(new URL('app.js', server!.url));
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await fetch(new URL('../../etc/passwd', server!.url))).status).toBe(404);
  }, 30_000);
});
