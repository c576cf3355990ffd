/**
 * Threads: loading (explicit counts, 'auto', invalid values, fallback where shared memory is
 * missing), the async API (also as a browser main thread uses it: workers only), a worker that
 * throws or exits during a call (typed error, pool rebuilt, next call works) and dispose letting
 * a Node process exit. Imports dist/ (see threads.test.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ArgumentError, UnsupportedError, WorkerError, load } from '../dist/index.js';
import type { Engine, Tensor } from '../dist/index.js';
import { tensor } from './helpers/random.js';
import { expectSameBits } from './helpers/bits.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const distIndex = pathToFileURL(path.join(repo, 'dist', 'index.js')).href;

type Hooks = { _injectWorkerFault(kind: 'throw' | 'exit'): void };

const x = tensor([2, 6, 10, 12], 'normal', 1);
const w = tensor([8, 6, 3, 3], 'normal', 2);
const opts = { padding: 1 } as const;

async function reference(): Promise<Tensor> {
  const one = await load({ isa: 'simd' });
  try {
    return one.conv2d(x, w, opts);
  } finally {
    one.dispose();
  }
}

describe('load({ threads })', () => {
  it('rejects counts that are not 1…64 or auto', async () => {
    for (const bad of [0, -1, 1.5, 65, 'many', Number.NaN, null]) {
      await expect(load({ threads: bad as never }), String(bad)).rejects.toBeInstanceOf(ArgumentError);
    }
    await expect(load({ threads: 0 })).rejects.toThrow(/options\.threads must be an integer from 1 to 64 or 'auto' \(got 0\)/);
  });

  it("'auto' uses os.availableParallelism(), at most 8", async () => {
    const e = await load({ isa: 'simd', threads: 'auto' });
    try {
      const want = Math.min(os.availableParallelism(), 8);
      expect(e.threads).toBe(want);
      expect(e.threadsReason).toContain('os.availableParallelism()');
    } finally {
      e.dispose();
    }
  });

  it("without SharedArrayBuffer: 'auto' falls back to 1 and says why; threads: 2 throws UnsupportedError", async () => {
    const g = globalThis as { SharedArrayBuffer?: unknown };
    const saved = g.SharedArrayBuffer;
    delete g.SharedArrayBuffer;
    try {
      const e = await load({ isa: 'simd', threads: 'auto' });
      expect(e.threads).toBe(1);
      expect(e.threadsReason).toBe("'auto' fell back to 1 thread: SharedArrayBuffer is not available in this runtime");
      expectSameBits(e.conv2d(x, w, opts), await reference(), 'fallback engine');
      e.dispose();
      const err = await load({ isa: 'simd', threads: 2 }).catch((error: unknown) => error);
      expect(err).toBeInstanceOf(UnsupportedError);
      expect((err as UnsupportedError).argument).toBe('options.threads');
      expect((err as Error).message).toBe(
        "load: options.threads must be 1 or 'auto' here: SharedArrayBuffer is not available in this runtime (got 2)");
    } finally {
      g.SharedArrayBuffer = saved;
    }
  });

  it('options.wasm with threads: the -mt build works; a single-thread build throws (n) or falls back (auto)', async () => {
    const mt = readFileSync(path.join(repo, 'build', 'simdconv.simd-mt.wasm'));
    const st = readFileSync(path.join(repo, 'build', 'simdconv.simd.wasm'));
    const e = await load({ isa: 'simd', threads: 2, wasm: mt });
    expectSameBits(e.conv2d(x, w, opts), await reference(), 'explicit -mt bytes');
    e.dispose();
    const err = await load({ isa: 'simd', threads: 2, wasm: st }).catch((error: unknown) => error);
    expect(err).toBeInstanceOf(UnsupportedError);
    expect((err as UnsupportedError).argument).toBe('options.wasm');
    const auto = await load({ isa: 'simd', threads: 'auto', wasm: st });
    expect(auto.threads).toBe(1);
    expect(auto.threadsReason).toMatch(/^'auto' fell back to 1 thread: load: options\.wasm must be a threads build/);
    auto.dispose();
  });

  it('threads: 1 and the default need no shared memory', async () => {
    const a = await load({ isa: 'simd' });
    const b = await load({ isa: 'simd', threads: 1 });
    expect([a.threads, b.threads]).toEqual([1, 1]);
    expect(a.threadsReason).toMatch(/default/);
    a.dispose();
    b.dispose();
  });
});

describe('async API', () => {
  it('engine.run and layer.runAsync on a blocking host equal the sync results', async () => {
    const want = await reference();
    const e = await load({ isa: 'simd', threads: 2, _minWorkPerThread: 0 } as never);
    try {
      expectSameBits(await e.run('conv2d', x, w, opts), want, 'run conv2d');
      expect(e.lastCall!.threads).toBe(2);
      const layer = e.prepareConv2d(w, opts);
      expectSameBits(await layer.runAsync(x), want, 'runAsync');
      layer.dispose();
      await expect(e.run('conv2d', x, tensor([8, 5, 3, 3], 'int', 3))).rejects.toThrow(/channels/);
      await expect((e.run as (op: string) => Promise<unknown>)('nope')).rejects.toBeInstanceOf(ArgumentError);
    } finally {
      e.dispose();
    }
  });

  it('as on a browser main thread: workers compute while the caller awaits; queued; sync calls run single-threaded', async () => {
    const want = await reference();
    const e = await load({ isa: 'simd', threads: 2, _minWorkPerThread: 0, _hostCanBlock: false } as never);
    try {
      expect(e.threads).toBe(2);
      expect(e.threadsReason).toMatch(/synchronous methods run single-threaded/);
      // several calls in flight at once: queued, each its own result
      const xs = [0, 1, 2].map((i) => tensor([2, 6, 10, 12], 'normal', 10 + i));
      const wants = xs.map((xi) => e.conv2d(xi, w, opts));
      expect(e.lastCall!.threads).toBe(1);
      const got = await Promise.all(xs.map((xi) => e.run('conv2d', xi, w, opts)));
      got.forEach((g, i) => expectSameBits(g, wants[i]!, `queued call ${i}`));
      expect(e.lastCall!.threads).toBe(2);
      // a sync call while an async one is in flight runs on the caller alone
      const pending = e.run('conv2d', x, w, opts);
      expectSameBits(e.conv2d(x, w, opts), want, 'sync during async');
      expectSameBits(await pending, want, 'async next to sync');
      const pooled = await e.run('maxPool2d', x, { kernelSize: 3, stride: 2, padding: 1 });
      expectSameBits(pooled, e.maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1 }), 'run maxPool2d');
    } finally {
      e.dispose();
    }
  });

  it('a prepared layer disposed while its async run is in flight keeps its weights until the run ends', async () => {
    const want = await reference();
    const e = await load({ isa: 'simd', threads: 2, _minWorkPerThread: 0, _hostCanBlock: false } as never);
    try {
      const layer = e.prepareConv2d(w, opts);
      const pending = layer.runAsync(x);
      layer.dispose();
      expectSameBits(await pending, want, 'run across dispose');
      expect((e as unknown as { reservedBytes: number }).reservedBytes).toBe(0);
    } finally {
      e.dispose();
    }
  });
});

describe('worker failure', () => {
  for (const kind of ['throw', 'exit'] as const) {
    it(`a worker that ${kind}s: the call throws WorkerError, the pool is rebuilt, the next call works (sync)`, async () => {
      const want = await reference();
      const e = await load({ isa: 'simd', threads: 3, _minWorkPerThread: 0 } as never);
      try {
        expectSameBits(e.conv2d(x, w, opts), want, 'before');
        (e as unknown as Hooks)._injectWorkerFault(kind);
        let err: unknown;
        try {
          e.conv2d(x, w, opts);
        } catch (error) {
          err = error;
        }
        expect(err).toBeInstanceOf(WorkerError);
        expect((err as WorkerError).code).toBe('ERR_SIMDCONV_WORKER');
        expect((err as WorkerError).op).toBe('conv2d');
        expect((err as Error).message).toMatch(kind === 'throw' ? /injected test fault/ : /exited during the call/);
        for (let i = 0; i < 3; i++) {
          expectSameBits(e.conv2d(x, w, opts), want, `after ${i}`);
          expect(e.lastCall!.threads).toBe(3);
        }
        expect((e as unknown as { reservedBytes: number }).reservedBytes).toBe(0);
      } finally {
        e.dispose();
      }
    });

    it(`a worker that ${kind}s during engine.run on a non-blocking host: rejects with WorkerError, next call works`, async () => {
      const want = await reference();
      const e: Engine = await load({ isa: 'simd', threads: 2, _minWorkPerThread: 0, _hostCanBlock: false } as never);
      try {
        (e as unknown as Hooks)._injectWorkerFault(kind);
        await expect(e.run('conv2d', x, w, opts)).rejects.toBeInstanceOf(WorkerError);
        expectSameBits(await e.run('conv2d', x, w, opts), want, 'after');
      } finally {
        e.dispose();
      }
    });
  }
});

describe('dispose', () => {
  function runNode(script: string): Promise<{ code: number | null; ms: number; out: string }> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'simdconv-threads-'));
    const file = path.join(dir, 'main.mjs');
    writeFileSync(file, script);
    return new Promise<{ code: number | null; ms: number; out: string }>((resolve, reject) => {
      const t0 = Date.now();
      const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`child did not exit within 10 s: ${out}`));
      }, 10_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, ms: Date.now() - t0, out });
      });
    }).finally(() => rmSync(dir, { recursive: true, force: true }));
  }

  it('a process that loads with threads: 2, runs a conv and disposes exits promptly', async () => {
    const { code, ms, out } = await runNode(`
      import { load } from ${JSON.stringify(distIndex)};
      const e = await load({ threads: 2 });
      const t = (s) => ({ data: new Float32Array(s.reduce((a, b) => a * b)).fill(1), shape: s });
      const y = e.conv2d(t([1, 32, 28, 28]), t([64, 32, 3, 3]), { padding: 1 });
      console.log(e.threads, e.lastCall.threads, y.data[0]);
      e.dispose();
    `);
    expect(out.trim()).toBe('2 2 128'); // corner: 2×2 taps inside × 32 channels
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5000);
  });

  it('a process that forgets to dispose exits too (idle workers do not keep it alive)', async () => {
    const { code, ms } = await runNode(`
      import { load } from ${JSON.stringify(distIndex)};
      const e = await load({ threads: 2 });
      const t = (s) => ({ data: new Float32Array(s.reduce((a, b) => a * b)).fill(1), shape: s });
      e.conv2d(t([1, 32, 28, 28]), t([64, 32, 3, 3]), { padding: 1 });
    `);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5000);
  });

  it('a disposed threaded engine throws on use', async () => {
    const e = await load({ isa: 'simd', threads: 2 });
    e.dispose();
    expect(() => e.conv2d(x, w, opts)).toThrow(ArgumentError);
    await expect(e.run('conv2d', x, w, opts)).rejects.toBeInstanceOf(ArgumentError);
  });
});
