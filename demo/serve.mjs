// The demo's static server: node:http, no dependencies.
// Serves demo/dist with cross-origin isolation headers (COOP/COEP), which give the page
// high-resolution timers and, later, SharedArrayBuffer for wasm threads.
//
//   node demo/serve.mjs            PORT from the environment, else 8080, else any free port
//   import { startServer } from './serve.mjs'; await startServer({ port: 0, root })

import http from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const defaultRoot = path.join(here, 'dist');

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-cache',
};

async function resolveFile(root, urlPath) {
  let rel;
  try {
    rel = decodeURIComponent(urlPath.split('?')[0].split('#')[0]);
  } catch {
    return null;
  }
  const file = path.resolve(root, '.' + path.posix.normalize('/' + rel));
  if (file !== root && !file.startsWith(root + path.sep)) return null; // path traversal
  try {
    const s = await stat(file);
    if (s.isDirectory()) {
      const index = path.join(file, 'index.html');
      const si = await stat(index);
      return { file: index, size: si.size };
    }
    return { file, size: s.size };
  } catch {
    return null;
  }
}

function handler(root) {
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', ...ISOLATION_HEADERS });
      res.end();
      return;
    }
    const found = await resolveFile(root, req.url ?? '/');
    if (!found) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', ...ISOLATION_HEADERS });
      res.end('404 not found\n');
      return;
    }
    const type = MIME[path.extname(found.file).toLowerCase()] ?? 'application/octet-stream';
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': found.size, ...ISOLATION_HEADERS });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(found.file).on('error', () => res.destroy()).pipe(res);
  };
}

function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    const onError = (err) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/**
 * Start the static server. `port: 0` picks a free port; a busy non-zero port falls back to a free
 * one. Resolves to { server, port, url, close() }.
 */
export async function startServer({ port = 8080, root = defaultRoot, host = '127.0.0.1' } = {}) {
  const absRoot = path.resolve(root);
  const server = http.createServer(handler(absRoot));
  try {
    await listen(server, port, host);
  } catch (err) {
    if (err && err.code === 'EADDRINUSE' && port !== 0) await listen(server, 0, host);
    else throw err;
  }
  const actual = server.address().port;
  const url = `http://${host === '0.0.0.0' || host === '::' ? 'localhost' : host}:${actual}/`;
  return {
    server,
    port: actual,
    url,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const wanted = process.env.PORT !== undefined && process.env.PORT !== '' ? Number(process.env.PORT) : 8080;
  const { url, port } = await startServer({ port: wanted, root: defaultRoot, host: process.env.HOST ?? '127.0.0.1' });
  if (wanted !== 0 && port !== wanted) console.log(`port ${wanted} is busy; using ${port}`);
  console.log(`simdconv demo: ${url}  (Ctrl+C to stop)`);
}
