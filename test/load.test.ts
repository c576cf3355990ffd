/**
 * Loading: ISA detection and forcing, explicit module bytes / URLs, the error for a runtime
 * without relaxed SIMD (a child Node without the flag), and the package's own exports as a
 * user imports them (plain `node`, no loader) — this needs the built dist/ (npm test builds it).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ArgumentError, UnsupportedError } from '../bindings/errors.js';
import { detectIsa, load } from '../bindings/index.js';
import * as ref from '../bindings/reference/index.js';
import { tensor } from './helpers/random.js';
import { expectBitExact } from './helpers/expect.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const wasmPath = (isa: string) => join(root, 'build', `simdconv.${isa}.wasm`);

function nodeEval(code: string, flags: string[] = []): string {
  return execFileSync(process.execPath, [...flags, '--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' });
}

describe('load', () => {
  it('detects SIMD and relaxed SIMD in this runner (started with --experimental-wasm-relaxed-simd)', () => {
    expect(detectIsa()).toEqual({ simd: true, relaxed: true });
  });

  it("'auto' picks relaxed when the runtime validates it", async () => {
    expect((await load()).isa).toBe('relaxed');
    expect((await load({ isa: 'auto' })).isa).toBe('relaxed');
  });

  it('accepts the module as bytes, as a file URL and as a URL string, and computes with it', async () => {
    const x = tensor([1, 2, 6, 7], 'int', 11);
    const w = tensor([3, 2, 3, 3], 'int', 12);
    const expected = ref.conv2d(x, w, { padding: 1 });
    const sources = [readFileSync(wasmPath('simd')), pathToFileURL(wasmPath('simd')), pathToFileURL(wasmPath('simd')).href];
    for (const wasm of sources) {
      const e = await load({ isa: 'simd', wasm });
      expect(e.isa).toBe('simd');
      expectBitExact(e.conv2d(x, w, { padding: 1 }), expected, `wasm from ${typeof wasm === 'string' ? 'URL string' : wasm.constructor.name}`);
    }
  });

  it('rejects a module of the other build than the ISA asked for', async () => {
    const err = await load({ isa: 'simd', wasm: readFileSync(wasmPath('relaxed')) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArgumentError);
    expect((err as ArgumentError).argument).toBe('options.wasm');
  });

  it('rejects bytes that are not a wasm module and an unknown ISA', async () => {
    const bad = await load({ wasm: new Uint8Array([1, 2, 3]) }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(UnsupportedError);
    const isa = await load({ isa: 'avx' as never }).catch((e: unknown) => e);
    expect(isa).toBeInstanceOf(ArgumentError);
    expect((isa as ArgumentError).argument).toBe('options.isa');
  });

  it('without --experimental-wasm-relaxed-simd (Node 20) auto falls back to simd and forcing relaxed throws', () => {
    const out = nodeEval(`
      import { load, detectIsa } from ${JSON.stringify(pathToFileURL(join(root, 'dist', 'index.js')).href)};
      const e = await load();
      let err;
      try { await load({ isa: 'relaxed' }); } catch (x) { err = x; }
      console.log(JSON.stringify({ detect: detectIsa(), isa: e.isa, name: err?.name, argument: err?.argument, message: err?.message }));
    `);
    const r = JSON.parse(out);
    if (r.detect.relaxed) {
      // a newer Node validates relaxed SIMD by default: then auto must pick it
      expect(r.isa).toBe('relaxed');
    } else {
      expect(r.isa).toBe('simd');
      expect(r.name).toBe('UnsupportedError');
      expect(r.argument).toBe('options.isa');
      expect(r.message).toMatch(/relaxed/);
    }
  });

  it("imports as a user would: 'simdconv' and 'simdconv/reference' from plain node, types next to them", () => {
    const out = nodeEval(`
      import { load, outputSize } from 'simdconv';
      import * as reference from 'simdconv/reference';
      const e = await load();
      const x = { data: Float32Array.of(1, 2, 3, 4, 5), shape: [1, 1, 5] };
      const w = { data: Float32Array.of(1, 0, -1), shape: [1, 1, 3] };
      console.log(JSON.stringify([Array.from(e.conv1d(x, w).data), Array.from(reference.conv1d(x, w).data), outputSize(5, 3)]));
    `);
    expect(JSON.parse(out)).toEqual([[-2, -2, -2], [-2, -2, -2], 3]);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    for (const entry of ['.', './reference']) {
      expect(readFileSync(join(root, pkg.exports[entry].types), 'utf8').length).toBeGreaterThan(0);
    }
  });
});
