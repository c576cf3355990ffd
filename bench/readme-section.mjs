// Replacing a generated section of a Markdown file, between <!-- name --> and <!-- /name -->.
import { readFileSync, writeFileSync } from 'node:fs';

/** @param {string} path @param {string} name @param {string} text */
export function replaceBetween(path, name, text) {
  const doc = readFileSync(path, 'utf8');
  const open = `<!-- ${name} -->`;
  const a = doc.indexOf(open);
  const b = doc.indexOf(`<!-- /${name} -->`);
  if (a < 0 || b < a) throw new Error(`${path} has no ${open} … <!-- /${name} --> markers`);
  writeFileSync(path, `${doc.slice(0, a)}${open}\n${text}\n${doc.slice(b)}`);
}
