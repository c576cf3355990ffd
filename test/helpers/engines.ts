/**
 * Runs a block of tests once per engine build. Engines are loaded lazily inside the tests (and
 * cached per ISA), so a build that fails to load fails its tests with the loader's error instead
 * of hiding them, and files that also test the reference keep working without an engine.
 */
import { describe } from 'vitest';
import type { Engine, Isa } from '../../bindings/types.js';

export const ISAS: readonly Isa[] = ['simd', 'relaxed'];

const engines = new Map<Isa, Promise<Engine>>();

export function getEngine(isa: Isa): Promise<Engine> {
  let engine = engines.get(isa);
  if (engine === undefined) {
    engine = (async () => {
      const { load } = await import('../../bindings/index.js');
      const e = await load({ isa });
      if (e.isa !== isa) throw new Error(`load({ isa: '${isa}' }) returned an engine with isa '${e.isa}'`);
      return e;
    })();
    engines.set(isa, engine);
  }
  return engine;
}

/** describe(`engine isa=…`) for each build; `engine()` resolves to that build's engine. */
export function forEachEngine(fn: (isa: Isa, engine: () => Promise<Engine>) => void): void {
  for (const isa of ISAS) describe(`engine isa=${isa}`, () => fn(isa, () => getEngine(isa)));
}
