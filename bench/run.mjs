#!/usr/bin/env node
// netpol-lens benchmarks: `npm run bench [-- --sizes small,medium,large --reps 5]`.
// Generates deterministic workspaces with bench/gen-workspace.mjs into bench/.work/,
// then times each phase in a fresh process per repetition and prints medians, and ratios against
// the floor: the bare `yaml` parse (parseAllDocuments) of the same files. Then the language
// server's latency per size (bench/lsp.mjs: didOpen/didChange → publishDiagnostics over stdio).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const gen = join(here, 'gen-workspace.mjs');
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const SIZES = {
  small: ['--namespaces', '20', '--workloads', '200', '--policies', '50'],
  medium: ['--namespaces', '100', '--workloads', '2000', '--policies', '500'],
  large: ['--namespaces', '500', '--workloads', '10000', '--policies', '2500'],
};
const sizes = arg('sizes', 'small,medium').split(',');
const reps = Number(arg('reps', '5'));
const phases = ['floor', 'index', 'findings', 'reach', 'summary', 'edit'];

if (!existsSync(join(root, 'out', 'server', 'src', 'core', 'index.js'))) {
  console.error('bench: run `npx tsc -b` first (npm run bench does)');
  process.exit(2);
}
const work = join(here, '.work');
mkdirSync(work, { recursive: true });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const rows = [];
for (const size of sizes) {
  const dir = join(work, size);
  if (!existsSync(dir)) {
    const g = spawnSync(process.execPath, [gen, '--out', dir, '--seed', '1', '--quiet', ...SIZES[size]], {
      encoding: 'utf8',
    });
    if (g.status !== 0) throw new Error(g.stderr);
  }
  const results = {};
  for (const phase of phases) {
    // the pair listing of large is 2.3 M connections (JSON beyond a string's length); `summary` is
    // computed class by class (reach --format summary) and runs on every size
    if (phase === 'reach' && size === 'large') continue;
    const samples = [];
    let extra;
    for (let r = 0; r < reps; r++) {
      const p = spawnSync(
        process.execPath,
        ['--max-old-space-size=4096', join(here, 'phase.mjs'), phase, dir],
        { encoding: 'utf8' },
      );
      if (p.status !== 0) throw new Error(`${phase} ${size}: ${p.stderr}`);
      const out = JSON.parse(p.stdout);
      samples.push(out.ms);
      extra = out;
    }
    results[phase] = {
      ms: median(samples),
      min: Math.min(...samples),
      max: Math.max(...samples),
      rss: extra.rssMB,
      info: extra.info,
    };
  }
  rows.push({ size, results });
}

const fmt = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
console.log(
  `netpol-lens bench — median of ${reps} fresh processes; ratio = phase / floor (bare yaml parseAllDocuments of the same files)\n`,
);
console.log('| size | phase | median ms (min–max) | × floor | max RSS MB | notes |');
console.log('|---|---|---|---|---|---|');
for (const { size, results } of rows) {
  const floor = results.floor.ms;
  for (const phase of phases) {
    const r = results[phase];
    if (!r) continue;
    const ratio = phase === 'edit' ? '' : (r.ms / floor).toFixed(2);
    console.log(
      `| ${size} | ${phase} | ${fmt(r.ms)} (${fmt(r.min)}–${fmt(r.max)}) | ${ratio} | ${r.rss} | ${r.info ?? ''} |`,
    );
  }
}

console.log(
  '\nLanguage server over stdio (bench/lsp.mjs; the edit debounce adapts to the cost of a pass, 50–200 ms; yaml-language-server waits a fixed 200 ms):\n',
);
console.log(
  '| size | start → initialize ms | initialized → indexed ms | didOpen → diagnostics ms | didChange → diagnostics ms (median, p95) | file |',
);
console.log('|---|---|---|---|---|---|');
for (const size of sizes) {
  const p = spawnSync(process.execPath, [join(here, 'lsp.mjs'), '--size', size, '--edits', '20'], {
    encoding: 'utf8',
  });
  if (p.status !== 0) throw new Error(`lsp ${size}: ${p.stderr}`);
  process.stdout.write(p.stdout);
}
