// Pieces the bench scripts share: the `--name value` argument reader, the recursive file listing,
// and the file the keystroke figures edit (bench/lsp.mjs and its anchor bench/yls.mjs must edit
// the same one).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The value after `--name` on the command line, or `def`. */
export const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};

/** Every file under `dir`, recursively. */
export const listFiles = (dir, out = []) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) listFiles(p, out);
    else out.push(p);
  }
  return out;
};

/** A 200-line-ish workloads file of a sorted listing, like the anchor's typical-200.yaml. */
export const keystrokeFile = (all) =>
  all.find((f) => f.includes('/workloads/') && readFileSync(f, 'utf8').split('\n').length >= 180) ?? all[0];
