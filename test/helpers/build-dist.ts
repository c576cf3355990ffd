/**
 * Vitest global setup: the thread tests import the compiled package (dist/), because workers
 * load dist/threads/worker.js — plain JavaScript next to the module, as users get it. If any
 * file under bindings/ is newer than dist/index.js, recompile with tsc first (a few seconds;
 * `npm test` builds anyway). The wasm itself comes from bindings/generated/, as for every test.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : e.name.endsWith('.ts') ? statSync(p).mtimeMs : 0);
  }
  return t;
}

export default function setup(): void {
  const built = path.join(repo, 'dist', 'index.js');
  const workerBuilt = path.join(repo, 'dist', 'threads', 'worker.js');
  if (existsSync(built) && existsSync(workerBuilt) && statSync(built).mtimeMs >= newest(path.join(repo, 'bindings'))) return;
  try {
    execFileSync(process.execPath, [path.join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'],
      { cwd: repo, stdio: 'inherit' });
  } catch {
    // type errors: tsc still emits; the tests say whether the emitted code works
    console.warn('build-dist: tsc reported errors (dist/ was emitted anyway)');
  }
}
