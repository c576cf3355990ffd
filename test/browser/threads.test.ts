/**
 * Threads in a browser: Debian's Chromium (playwright-core) loads a page served cross-origin
 * isolated by demo/serve.mjs; the page (fixtures/threads/app.ts) runs conv2d (every algorithm),
 * conv1d and pools on a threads: 2 engine through the async API — Web Workers over one shared
 * memory — and compares each result bit for bit with a threads: 1 engine.
 *
 * Self-contained: beforeAll bundles the page with esbuild next to a bundle of the worker
 * (bindings/threads/worker.ts → worker.js, where `new URL('./worker.js', import.meta.url)`
 * points from the page bundle), like an application bundler would.
 * Needs /usr/bin/chromium or CHROMIUM_PATH.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer } from '../../demo/serve.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = path.join(repo, 'test/browser/fixtures/threads');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let outdir = '';
let server: Awaited<ReturnType<typeof startServer>> | undefined;
let browser: Browser | undefined;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it with \`apt-get install -y chromium\` or set CHROMIUM_PATH`);
  }
  outdir = mkdtempSync(path.join(os.tmpdir(), 'simdconv-threads-'));
  await esbuild.build({
    absWorkingDir: repo,
    entryPoints: { app: path.join(fixture, 'app.ts'), worker: path.join(repo, 'bindings/threads/worker.ts') },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    external: ['node:*'],
    logLevel: 'error',
  });
  copyFileSync(path.join(fixture, 'index.html'), path.join(outdir, 'index.html'));
  server = await startServer({ port: 0, root: outdir });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  page = await browser.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(server.url);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready', null, { timeout: 20_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

describe('threads in Chromium', () => {
  it('a threads: 2 engine on Web Workers gives threads: 1 bits through the async API', async () => {
    const r = await page.evaluate(() => (window as unknown as { threadsTest(): Promise<any> }).threadsTest());
    expect(r.crossOriginIsolated).toBe(true);
    expect(r.threads).toBe(2);
    expect(r.reason).toMatch(/^threads: 2 requested; .*synchronous methods run single-threaded/);
    expect(r.autoThreads).toBe(Math.min(r.hardwareConcurrency, 8));
    expect(r.autoReason).toContain('navigator.hardwareConcurrency');
    expect(r.checks.length).toBe(14);
    for (const c of r.checks) {
      expect(c.equal, `${c.name}: equal to threads: 1`).toBe(true);
      expect(c.threads, `${c.name}: threads used`).toBe(2);
    }
    // sync methods on the page's main thread: single-threaded, same bits
    expect(r.syncThreads).toBe(1);
    expect(r.syncEqual).toBe(true);
    // a worker that throws: typed error, then the rebuilt pool works
    expect(r.fault).toBe('WorkerError');
    expect(r.afterFault).toBe(true);
    expect(problems).toEqual([]);
  }, 60_000);
});
