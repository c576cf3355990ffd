// Reading a full-suite result file (bench/results/full-<date>.json): the layers and the
// timings of one implementation, for readme-table.mjs and targets.mjs.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** The parsed run, with `file` (its base name) and `tag` (the "T0913Z" part of the name). @param {string} file */
export function readRun(file) {
  const run = JSON.parse(readFileSync(file, 'utf8'));
  run.file = basename(file);
  run.tag = /T\d{4}Z/.exec(run.file)?.[0] ?? run.file;
  return run;
}

/** The simdconv call the tables quote: 'auto' for a conv layer, the pooling call otherwise. @param {any} layer */
export const baseImpl = (layer) => (layer.op === 'conv2d' ? 'auto' : layer.op);

/**
 * The result of `${isa}/${auto or the pool op}${place}` (place '', '-tensor-in' or
 * '-resident'); throws when it was not timed.
 * @param {any} l a layer's result @param {string} isa @param {string} place
 */
export function impl(l, isa, place) {
  const id = `${isa}/${baseImpl(l.layer)}${place}`;
  const r = l.impls.find((/** @type {any} */ i) => i.id === id);
  if (!r?.timing) throw new Error(`${l.layer.name}: no timing for ${id}`);
  return r;
}

/** A peer's median ms (id 'tfjs', 'tfjs-resident' or 'ort'). @param {any} l @param {string} id */
export const peerMs = (l, id) => l.impls.find((/** @type {any} */ i) => i.id === id)?.timing?.medianMs;

/** Conv layers above 1 MFLOP (2 · multiply-adds): the set the ratio targets cover. @param {any} l */
export const isBigConv = (l) => l.layer.op === 'conv2d' && 2 * l.layer.macs > 1e6;
