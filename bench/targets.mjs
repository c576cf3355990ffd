// Issue #3's targets, computed from full-suite result files (bench/targets-table.mjs): the first
// file is "this run", and with more files every figure also gets its range over all of them (runs
// at different commits and in different states of the VM: see each file's git and peaks).
//
//   node bench/targets.mjs bench/results/full-<date>.json [more result files …] [--write]
//
// Prints a Markdown table; --write puts it between the README's <!-- targets-table --> and
// <!-- /targets-table --> markers.
import { readRun } from './result-file.mjs';
import { replaceBetween } from './readme-section.mjs';
import { targetsTable } from './targets-table.mjs';

const args = process.argv.slice(2);
const files = args.filter((a) => !a.startsWith('--'));
if (files.length === 0) {
  console.error('usage: node bench/targets.mjs <full-suite result .json> [more …] [--write]');
  process.exit(2);
}
const table = targetsTable(files.map(readRun));
console.log(table);
if (args.includes('--write')) {
  replaceBetween('README.md', 'targets-table', table);
  console.log('\nREADME.md targets table replaced');
}
