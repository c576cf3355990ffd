// Timing with tinybench. Each implementation gets its own Bench per round so iteration counts
// follow its speed: fast calls run for a time budget after a short warm-up; calls slower than
// `slowMs` run one or two iterations per round (the verification and estimate calls have
// already warmed them up). Callers interleave implementations over several rounds and pool the
// samples (see run-layer.mjs), so load changes on a shared machine hit all of them alike.
import { Bench } from 'tinybench';

/**
 * @typedef {object} Timing
 * @property {number} medianMs
 * @property {number} meanMs
 * @property {number} minMs
 * @property {number} samples
 * @property {number} rme  relative margin of error of the mean, % (95 %)
 * @property {boolean} capped  true when only a few iterations were timed because the call is slow
 */

/**
 * @typedef {object} MeasureOptions
 * @property {boolean} async  fn returns a Promise
 * @property {number} budgetMs  timed run length for fast calls
 * @property {number} estimateMs  duration of one call, measured by the caller
 * @property {number} [slowMs]  above this a call is 'slow' (default 150)
 * @property {number} [slowBudgetMs]  timed budget for slow calls (default 700)
 * @property {number} [batch]  calls per sample (for sub-microsecond calls); samples are per call
 */

export const SLOW_MS = 150;

/**
 * Runs one timing round; returns per-call samples in ms.
 * @param {string} name @param {() => unknown} fn @param {MeasureOptions} o
 * @returns {Promise<{ samples: number[], capped: boolean }>}
 */
export async function sample(name, fn, o) {
  const batch = o.batch ?? 1;
  const slow = o.estimateMs > (o.slowMs ?? SLOW_MS);
  const bench = slow
    ? new Bench({ time: 0, iterations: Math.max(1, Math.min(2, Math.floor((o.slowBudgetMs ?? 700) / o.estimateMs))), warmup: false, throws: true })
    : new Bench({ time: o.budgetMs, iterations: 3, warmupTime: Math.min(50, o.budgetMs / 4), warmupIterations: 2, throws: true });
  /** @type {() => unknown} */
  let task = fn;
  if (batch > 1) {
    task = o.async
      ? async () => { for (let i = 0; i < batch; i++) await fn(); }
      : () => { for (let i = 0; i < batch; i++) fn(); };
  }
  bench.add(name, task);
  if (o.async) await bench.run(); else bench.runSync();
  const r = bench.tasks[0].result;
  if (!r || r.error) throw r?.error ?? new Error(`${name}: no result`);
  return { samples: r.latency.samples.map((s) => s / batch), capped: slow };
}

/**
 * Statistics of pooled samples.
 * @param {number[]} samples @param {boolean} capped @returns {Timing}
 */
export function summarize(samples, capped) {
  const s = [...samples].sort((a, b) => a - b);
  const n = s.length;
  const mean = s.reduce((a, b) => a + b, 0) / n;
  const median = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  const sd = n > 1 ? Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { medianMs: median, meanMs: mean, minMs: s[0], samples: n, rme: n > 1 ? (1.96 * sd / Math.sqrt(n) / mean) * 100 : 0, capped };
}

/**
 * One-shot measurement (a single round).
 * @param {string} name @param {() => unknown} fn @param {MeasureOptions} o
 * @returns {Promise<Timing>}
 */
export async function measure(name, fn, o) {
  const { samples, capped } = await sample(name, fn, o);
  return summarize(samples, capped);
}

/** Wall time of one call, ms. @param {() => unknown} fn @param {boolean} async */
export async function once(fn, async) {
  const t0 = performance.now();
  const r = async ? await fn() : fn();
  return { ms: performance.now() - t0, result: r };
}
