// Entry point of the demo page.

import { loadEngine } from './engine.js';
import { initExplorer, type ExplorerHandle } from './explorer.js';
import { initFilters, type FiltersHandle } from './filters.js';
import { initRf, type RfHandle } from './rf.js';
import { initBench, type BenchHandle } from './bench.js';
import { $ } from './util.js';

export interface DemoHooks {
  ready: boolean;
  isa: string;
  threads: number;
  threadsReason: string;
  explorer: ExplorerHandle;
  filters: FiltersHandle;
  rf: RfHandle;
  bench: BenchHandle;
}

declare global {
  interface Window {
    /** for the browser tests and the curious: the state behind each section */
    simdconvDemo?: DemoHooks;
  }
}

async function main(): Promise<void> {
  let demo;
  try {
    demo = await loadEngine();
  } catch (e) {
    const el = $('#load-error');
    el.hidden = false;
    el.textContent = `The simdconv engine could not be loaded: ${e instanceof Error ? e.message : String(e)}. This page needs a browser with WebAssembly SIMD (Chrome 91+, Firefox 89+, Safari 16.4+).`;
    $('#isa').textContent = 'unavailable';
    throw e;
  }
  $('#isa').textContent = demo.isa;
  $('#isa').title = demo.isa === 'relaxed' ? 'relaxed SIMD: fused multiply-add (f32x4.relaxed_madd)' : 'baseline SIMD128: multiply then add';
  $('#threads').textContent = String(demo.threads);
  $('#threads').title = demo.threadsReason;
  $('#threads-badge').title = demo.threadsReason;

  const explorer = initExplorer($('#explorer-body'), demo);
  const filters = initFilters($('#filters-body'), demo);
  const rf = initRf($('#rf-body'));
  const bench = initBench($('#bench-body'), demo);

  window.simdconvDemo = { ready: true, isa: demo.isa, threads: demo.threads, threadsReason: demo.threadsReason, explorer, filters, rf, bench };
  document.documentElement.dataset.ready = 'true';
}

void main();
