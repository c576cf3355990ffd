// Helpers of the side-by-side scripts (ab-builds.mjs, ab-conv.mjs, isa-conv.mjs, dw-c4.mjs): two calls timed in
// alternating interleaved rounds in one process, so a slow spell of the machine hits both alike.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

/** `--name value` from argv, or dflt. */
export function flag(args, name, dflt) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
}

/**
 * The two builds named by the arguments that are not options (nor an option's value), each
 * imported and loaded with one thread; prints `usage` and exits when there are not two.
 * @param {string[]} args @param {string} usage @param {string} isa
 */
export async function twoBuilds(args, usage, isa) {
  const paths = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--')));
  if (paths.length !== 2) {
    console.error(`usage: ${usage}`);
    process.exit(2);
  }
  const modules = await Promise.all(paths.map((p) => import(pathToFileURL(resolve(p)).href)));
  return { paths, engines: await Promise.all(modules.map((m) => m.load({ isa, threads: 1 }))) };
}

/** n small integers in [−4, 4] (every summation order exact) */
export const ints = (n) => Float32Array.from({ length: n }, () => Math.round((Math.random() - 0.5) * 8));

/** Whether two arrays hold the same bits (NaN and −0 included). */
export const sameBits = (a, b) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

/**
 * A conv layer prepared with 'auto' on `engine` over engine tensors in and out (resident: nothing
 * copied per call), run once; `data` = { x, w, bias } of the layer's shapes.
 * @param {any} engine @param {{ x: number[], w: number[], opts: object }} L
 * @param {{ x: Float32Array, w: Float32Array, bias: Float32Array }} data
 */
export function residentConv(engine, L, data) {
  const layer = engine.prepareConv2d({ data: data.w, shape: L.w }, { ...L.opts, bias: data.bias });
  const xt = engine.tensor(L.x);
  xt.data.set(data.x);
  const out = engine.tensor(layer.run(xt).shape);
  const run = () => layer.run(xt, { out });
  run();
  return { run, out, algorithm: engine.lastCall?.algorithm };
}

/** The number of elements of a shape. @param {number[]} s */
export const size = (s) => s.reduce((a, b) => a * b, 1);

/** Integer data ({ x, w, bias }) for a conv layer's shapes. @param {{ x: number[], w: number[] }} L */
export function convData(L) {
  return { x: ints(size(L.x)), w: ints(size(L.w)), bias: ints(L.w[0]) };
}

const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];

/**
 * Median ms per call of runs[0] and runs[1]: `rounds` rounds of n calls each, the order
 * alternating between rounds.
 * @param {[() => unknown, () => unknown]} runs @param {number} rounds @param {number} n
 * @returns {[number, number]}
 */
export function alternate(runs, rounds, n) {
  const t = [[], []];
  for (let r = 0; r < rounds; r++) {
    for (const k of r & 1 ? [0, 1] : [1, 0]) {
      const s = performance.now();
      for (let i = 0; i < n; i++) runs[k]();
      t[k].push((performance.now() - s) / n);
    }
  }
  return [median(t[0]), median(t[1])];
}
