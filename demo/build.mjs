// Bundles the demo into demo/dist with esbuild, straight from the TypeScript sources
// (demo/src and bindings/). Usable from the command line and from tests:
//
//   node demo/build.mjs [--dev]       minified unless --dev (then with inline source maps)
//   import { buildDemo } from './build.mjs'; await buildDemo({ outdir, minify })

import * as esbuild from 'esbuild';
import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
export const defaultOutdir = path.join(here, 'dist');

/**
 * Build the demo. Returns { outdir, files: [{ name, bytes }] }.
 * @param {{ outdir?: string, minify?: boolean, sourcemap?: boolean, logLevel?: import('esbuild').LogLevel }} [opts]
 */
export async function buildDemo({ outdir = defaultOutdir, minify = true, sourcemap = false, logLevel = 'warning' } = {}) {
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });

  await esbuild.build({
    absWorkingDir: repo,
    // worker: the thread pool's Web Worker (bindings/threads/worker.ts). The bindings start it with
    // `new Worker(new URL('./worker.js', import.meta.url))`, and their pool code is bundled into
    // app.js, so it must land next to app.js as worker.js (esbuild does not bundle workers itself).
    entryPoints: {
      app: path.join(here, 'src/main.ts'),
      worker: path.join(repo, 'bindings/threads/worker.ts'),
      styles: path.join(here, 'src/styles.css'),
    },
    outdir,
    bundle: true,
    // the bindings import each ISA's embedded wasm lazily: split so only the chosen build loads
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome100', 'firefox100', 'safari16'],
    minify,
    sourcemap: sourcemap ? 'inline' : false,
    legalComments: 'none',
    // The bindings read the .wasm from disk under Node behind a runtime check; the browser
    // bundle never executes those imports, so leave them unresolved.
    external: ['node:*'],
    loader: { '.wasm': 'binary' },
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel,
  });

  // The pool resolves './worker.js' against the module holding its code: that must be app.js at
  // the root, not a shared chunk under chunks/ (where the URL would miss worker.js).
  const chunkDir = path.join(outdir, 'chunks');
  for (const name of await readdir(chunkDir).catch(() => [])) {
    if ((await readFile(path.join(chunkDir, name), 'utf8')).includes('worker.js')) {
      throw new Error(`demo build: the thread pool's code landed in chunks/${name}, where new URL('./worker.js', import.meta.url) does not find dist/worker.js`);
    }
  }

  await copyFile(path.join(here, 'src/index.html'), path.join(outdir, 'index.html'));
  await copyFile(path.join(here, 'src/favicon.svg'), path.join(outdir, 'favicon.svg'));

  const files = [];
  const walk = async (dir) => {
    for (const e of (await readdir(dir, { withFileTypes: true })).sort((x, y) => x.name.localeCompare(y.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else files.push({ name: path.relative(outdir, p).split(path.sep).join('/'), bytes: (await stat(p)).size });
    }
  };
  await walk(outdir);
  await writeFile(path.join(outdir, 'build-info.json'), JSON.stringify({ files }, null, 2) + '\n');
  return { outdir, files };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const dev = process.argv.includes('--dev');
  const t0 = performance.now();
  const { outdir, files } = await buildDemo({ minify: !dev, sourcemap: dev, logLevel: 'warning' });
  const ms = (performance.now() - t0).toFixed(0);
  console.log(`demo built into ${path.relative(process.cwd(), outdir) || '.'} in ${ms} ms`);
  for (const f of files) console.log(`  ${f.name.padEnd(28)} ${(f.bytes / 1024).toFixed(1).padStart(8)} KiB`);
}
