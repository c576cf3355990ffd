// Helpers of the side-by-side scripts (ab-builds.mjs, ab-conv.mjs, dw-c4.mjs): two calls timed in
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
