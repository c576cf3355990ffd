// One layer: reference outputs and error bounds; every implementation checked against the
// reference first; then the ones that agree are timed in interleaved rounds (each round times
// every implementation in turn; samples are pooled), so a load change on a shared machine
// does not favour whichever implementation happened to run during a quiet moment.
import { makeData, describe } from './layers.mjs';
import { absSums, boundTerms, checkExact, checkBound } from './verify.mjs';
import { sample, summarize, once } from './timing.mjs';
import { variantsFor, referenceCall, errMsg } from './simdconv.mjs';

/**
 * @typedef {object} ImplResult
 * @property {string} id  'naive' | 'simd/im2col' | … | 'tfjs' | 'ort'
 * @property {'naive' | 'simdconv' | 'peer'} kind
 * @property {string} label
 * @property {string} [isa]
 * @property {string} [algorithm]  requested
 * @property {string} [ran]  engine.lastCall.algorithm
 * @property {boolean} [prepared]
 * @property {boolean} [resident]  engine tensors in and out (no copies)
 * @property {boolean} [tensorIn]  engine tensor in, fresh array out (as the TF.js peer is timed)
 * @property {'ok' | 'fail' | 'n/a' | 'error'} status
 * @property {string} [reason]
 * @property {import('./timing.mjs').Timing} [timing]
 * @property {number} [gflops]
 * @property {number} [vsXnnpack]  t(XNNPACK) / t(this): > 1 is faster than XNNPACK (resident rows: against
 *   XNNPACK's resident row, the op without dataSync(); others: against the op + dataSync())
 * @property {number} [vsNaive]  t(naive) / t(this)
 * @property {number} [workspaceBytes]
 * @property {import('./verify.mjs').Check} [exact]  integer data
 * @property {import('./verify.mjs').Check} [bound]  random data
 */

/**
 * @typedef {object} Context
 * @property {{ ops: any, label: string }} reference
 * @property {import('./simdconv.mjs').EngineBuild[]} builds
 * @property {{ peer: import('./peers/tfjs.mjs').Peer | null, id: string, label: string, error: string | null }[]} peers
 * @property {number} budgetMs  timed per implementation, over all rounds
 * @property {number} rounds
 * @property {boolean} skipNaive
 * @property {(msg: string) => void} log
 * @property {(msg: string) => void} status  transient progress (a live line on a terminal)
 */

/**
 * @typedef {object} Timed
 * @property {ImplResult} r
 * @property {() => unknown} call
 * @property {boolean} async
 * @property {number} estimateMs
 * @property {number[]} samples
 * @property {boolean} capped
 * @property {() => void | Promise<void>} dispose
 */

/**
 * @param {import('./layers.mjs').Layer} layer @param {Context} ctx @param {string} tag  "[i/n]"
 * @returns {Promise<ImplResult[]>}
 */
export async function runLayer(layer, ctx, tag) {
  const log = (/** @type {string} */ m) => ctx.log(`${tag} ${layer.name} · ${m}`);
  log(`${describe(layer)}${layer.macs ? `, ${(layer.macs / 1e6).toFixed(2)} M MACs` : ''}`);
  const rnd = makeData(layer, 'random');
  const int = makeData(layer, 'integer');
  const n = boundTerms(layer);

  log(`${ctx.reference.label}: reference outputs and error bounds`);
  const refCall = referenceCall(ctx.reference.ops, layer, rnd);
  const first = await once(refCall, false);
  const yRef = /** @type {Float32Array} */ (first.result);
  const yRefInt = referenceCall(ctx.reference.ops, layer, int)();
  const abs = absSums(layer, rnd);
  /** @type {Float64Array | null} */
  let absInt = null;
  /** integer-data check: bit-exact, except global average pooling whose division may round differently */
  const checkInt = (/** @type {Float32Array} */ y) => {
    if (layer.op !== 'globalAvgPool2d') return checkExact(y, yRefInt);
    absInt ??= absSums(layer, int);
    return checkBound(y, yRefInt, absInt, n);
  };

  /** @type {ImplResult[]} */
  const results = [];
  /** @type {Timed[]} */
  const timed = [];

  try {
    // naive reference
    if (ctx.skipNaive) {
      results.push({ id: 'naive', kind: 'naive', label: ctx.reference.label, status: 'n/a', reason: '--skip-naive' });
    } else {
      const r = /** @type {ImplResult} */ ({ id: 'naive', kind: 'naive', label: ctx.reference.label, status: 'ok' });
      results.push(r);
      timed.push({ r, call: refCall, async: false, estimateMs: first.ms, samples: [], capped: false, dispose: () => {} });
    }

    // simdconv, every build × algorithm: integer data bit-exact, random data within the bound
    for (const b of ctx.builds) {
      if (!b.engine) {
        results.push({ id: `${b.isa}/*`, kind: 'simdconv', label: `simdconv ${b.isa}`, isa: b.isa, status: 'n/a', reason: b.error ?? 'unavailable' });
        continue;
      }
      const engine = b.engine;
      for (const v of variantsFor(layer, b.isa, engine)) {
        /** @type {ImplResult} */
        const r = { id: v.id, kind: 'simdconv', label: `simdconv ${v.id}`, isa: v.isa, algorithm: v.algorithm, prepared: v.prepared, resident: v.resident, tensorIn: v.tensorIn, status: 'ok' };
        results.push(r);
        try {
          const bi = v.bind(int);
          // checked before dispose: a resident variant returns a view of its out tensor
          try { r.exact = checkInt(bi.call()); } finally { bi.dispose(); }
        } catch (e) {
          r.status = 'n/a';
          r.reason = errMsg(e);
          log(`${v.id}: n/a (${r.reason})`);
          continue;
        }
        /** @type {ReturnType<typeof v.bind> | undefined} */
        let bound;
        try {
          bound = v.bind(rnd);
          const y = bound.call();
          r.ran = engine.lastCall?.algorithm;
          r.workspaceBytes = engine.lastCall?.workspaceBytes;
          r.bound = checkBound(y, yRef, abs, n);
          if (!r.exact.ok || !r.bound.ok) {
            r.status = 'fail';
            r.reason = !r.exact.ok ? `integer data: ${r.exact.detail}` : `random data: ${r.bound.detail}`;
            log(`${v.id}: ✗ ${r.reason} — not timed`);
            bound.dispose();
            continue;
          }
          const est = await once(bound.call, false);
          const disp = bound.dispose;
          timed.push({ r, call: bound.call, async: false, estimateMs: est.ms, samples: [], capped: false, dispose: disp });
        } catch (e) {
          r.status = 'error';
          r.reason = errMsg(e);
          log(`${v.id}: error ${r.reason}`);
          bound?.dispose();
        }
      }
    }

    // peers: random data within the bound
    for (const p of ctx.peers) {
      /** @type {ImplResult} */
      const r = { id: p.id, kind: 'peer', label: p.label, status: 'ok' };
      results.push(r);
      if (!p.peer) { r.status = 'n/a'; r.reason = p.error ?? 'unavailable'; continue; }
      const why = p.peer.unsupported(layer);
      if (why) { r.status = 'n/a'; r.reason = why; log(`${p.id}: n/a (${why})`); continue; }
      /** @type {import('./peers/tfjs.mjs').PeerInstance | undefined} */
      let inst;
      try {
        inst = await p.peer.prepare(layer, rnd);
        const out = await once(inst.call, inst.async);
        r.bound = checkBound(inst.toNCHW(/** @type {Float32Array} */ (out.result)), yRef, abs, n);
        if (!r.bound.ok) {
          r.status = 'fail';
          r.reason = `random data: ${r.bound.detail}`;
          log(`${p.id}: ✗ ${r.reason} — not timed`);
          await inst.dispose();
          continue;
        }
        const est = await once(inst.call, inst.async);
        const i2 = inst;
        timed.push({ r, call: inst.call, async: inst.async, estimateMs: est.ms, samples: [], capped: false, dispose: () => i2.dispose() });
        if (inst.callResident) {
          // the same op, verified above, without copying its output out
          /** @type {ImplResult} */
          const rr = { id: `${p.id}-resident`, kind: 'peer', label: `${p.label}, resident`, resident: true, status: 'ok', bound: r.bound };
          results.push(rr);
          const estR = await once(inst.callResident, false);
          timed.push({ r: rr, call: inst.callResident, async: false, estimateMs: estR.ms, samples: [], capped: false, dispose: () => {} });
        }
      } catch (e) {
        r.status = 'error';
        r.reason = errMsg(e);
        log(`${p.id}: error ${r.reason}`);
        await inst?.dispose();
      }
    }
    log(`checked ${results.length} implementations (${results.filter((r) => r.status === 'fail').length} ✗)${ctx.rounds ? `; timing ${timed.length} in ${ctx.rounds} interleaved rounds` : ''}`);

    // interleaved timing rounds
    for (let round = 0; round < ctx.rounds; round++) {
      for (const t of timed) {
        if (t.r.status !== 'ok') continue;
        // calls over a second (the naive loop on the large layers) are timed in the first round only
        if (round > 0 && t.estimateMs > 1000) continue;
        ctx.status(`${tag} ${layer.name} · round ${round + 1}/${ctx.rounds} · ${t.r.kind === 'peer' ? t.r.label : t.r.kind === 'naive' ? t.r.label : `simdconv ${t.r.id}`}`);
        try {
          const s = await sample(t.r.id, t.call, {
            async: t.async, budgetMs: ctx.budgetMs / ctx.rounds, estimateMs: t.estimateMs, slowBudgetMs: 2000 / ctx.rounds,
          });
          for (const v of s.samples) t.samples.push(v); // not push(...s): a round of sub-µs calls has > 100 k samples
          t.capped ||= s.capped;
        } catch (e) {
          t.r.status = 'error';
          t.r.reason = errMsg(e);
          log(`${t.r.id}: error ${t.r.reason}`);
        }
      }
    }
    ctx.status('');
    for (const t of timed) {
      if (t.r.status !== 'ok' || !t.samples.length) continue;
      t.r.timing = summarize(t.samples, t.capped);
      const ran = t.r.ran && t.r.algorithm !== 'pool' && t.r.ran !== t.r.algorithm ? `→${t.r.ran}` : '';
      log(`${t.r.kind === 'peer' ? t.r.label : t.r.id}${ran}: ${fmt(t.r.timing)}`);
    }
  } finally {
    for (const t of timed) await t.dispose();
  }

  // derived columns
  const tNaive = results.find((r) => r.id === 'naive')?.timing?.medianMs;
  const tXnn = results.find((r) => r.id === 'tfjs')?.timing?.medianMs;
  // the op alone cannot take longer than the op + dataSync(); when its median does (seen once in a
  // full run, 13.0 vs 5.5 ms, not reproducible in isolation: V8 runs some SIMD code 2–3× slower at
  // some stack depths, PERF-NOTES.md), the faster figure is the baseline — never in simdconv's favour
  const tXnnOp = results.find((r) => r.id === 'tfjs-resident')?.timing?.medianMs;
  const tXnnResident = tXnnOp !== undefined && tXnn !== undefined ? Math.min(tXnnOp, tXnn) : tXnnOp;
  for (const r of results) {
    if (!r.timing) continue;
    const t = r.timing.medianMs;
    if (layer.macs) r.gflops = (2 * layer.macs) / (t * 1e6);
    // engine tensors in and out against XNNPACK without its dataSync() copy; the rest against dataSync()
    const x = r.resident ? tXnnResident : tXnn;
    if (x) r.vsXnnpack = x / t;
    if (tNaive) r.vsNaive = tNaive / t;
  }
  return results;
}

/** @param {import('./timing.mjs').Timing} t */
function fmt(t) {
  return `${t.medianMs < 0.1 ? (t.medianMs * 1000).toFixed(1) + ' µs' : t.medianMs.toFixed(3) + ' ms'} median (${t.samples} samples${t.capped ? ', slow: capped' : ''}, ±${t.rme.toFixed(1)} %)`;
}
