#!/usr/bin/env node
// Summarises a V8 CPU profile (`node --cpu-prof`): the frames with the most self time and the
// functions with the most total time (each function counted once per sample), optionally only
// over the last `--window MS` of the profile (bench/lsp.mjs --cpu-prof prints the edits' window),
// and the self time per source module of a bundle built without --production (`node esbuild.mjs`:
// esbuild heads every module of a bundle it does not minify with a `// path` comment; a minified
// bundle is one module).
//   node bench/profile.mjs FILE.cpuprofile... [--window MS] [--top 15]
// Several files (a process's threads: `--cpu-prof` writes one per worker) are summed.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { basename } from 'node:path';
import { arg } from './common.mjs';

const files = process.argv
  .slice(2)
  .filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
if (files.length === 0) {
  console.error('usage: node bench/profile.mjs FILE.cpuprofile... [--window MS] [--top 15]');
  process.exit(2);
}
const top = Number(arg('top', '15'));
const windowUs = Number(arg('window', '0')) * 1000;
// url → sorted [line, module] of the bundle's module comments (0-based lines)
const moduleStarts = new Map();
const modulesOf = (url) => {
  if (!moduleStarts.has(url)) {
    const starts = [];
    try {
      const path = url.startsWith('file:') ? fileURLToPath(url) : url;
      if (/\.[cm]?js$/.test(path) && existsSync(path)) {
        const lines = readFileSync(path, 'utf8').split('\n');
        for (let i = 0; i < lines.length; i++) {
          const m = /^\/\/ ((?:node_modules|server|client)\/\S+\.[cm]?[jt]s)$/.exec(lines[i]);
          if (m) starts.push([i, m[1]]);
        }
      }
    } catch {
      // not a readable file: the frame counts under its url
    }
    moduleStarts.set(url, starts);
  }
  return moduleStarts.get(url);
};
const moduleOf = (f) => {
  if (!f.url) return f.functionName.startsWith('(') ? f.functionName : '(native)';
  const starts = modulesOf(f.url);
  let lo = 0;
  let hi = starts.length - 1;
  let found;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid][0] <= f.lineNumber) {
      found = starts[mid][1];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found ?? basename(f.url);
};
const label = (n) => {
  const f = n.callFrame;
  const where = f.url ? `${basename(f.url)}:${f.lineNumber + 1}` : '';
  return `${f.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
};
const self = new Map();
const total = new Map();
const modules = new Map();
let counted = 0;
let idle = 0;
for (const file of files) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // sample times: startTime + cumulative deltas
  const times = [];
  let t = prof.startTime;
  for (const d of prof.timeDeltas) times.push((t += d));
  const from = windowUs > 0 ? prof.endTime - windowUs : prof.startTime;
  for (let i = 0; i < prof.samples.length; i++) {
    if (times[i] < from) continue;
    const dt = (times[i + 1] ?? prof.endTime) - times[i];
    const n = byId.get(prof.samples[i]);
    const name = label(n);
    if (n.callFrame.functionName === '(idle)') {
      idle += dt;
      continue;
    }
    counted += dt;
    self.set(name, (self.get(name) ?? 0) + dt);
    const mod = moduleOf(n.callFrame);
    modules.set(mod, (modules.get(mod) ?? 0) + dt);
    const seen = new Set();
    for (let id = n.id; id !== undefined; id = parent.get(id)) {
      const l = label(byId.get(id));
      if (seen.has(l)) continue;
      seen.add(l);
      total.set(l, (total.get(l) ?? 0) + dt);
    }
  }
}
const ms = (us) => (us / 1000).toFixed(0);
const pct = (us) => ((100 * us) / counted).toFixed(1);
console.log(
  `${files.join(' + ')}: ${ms(counted)} ms busy, ${ms(idle)} ms idle${windowUs ? ` (last ${ms(windowUs)} ms)` : ''}`,
);
console.log(`\ntop ${top} modules by self time:`);
for (const [k, v] of [...modules].sort((a, b) => b[1] - a[1]).slice(0, top))
  console.log(`  ${ms(v).padStart(6)} ms ${pct(v).padStart(5)}%  ${k}`);
console.log(`\ntop ${top} by self time:`);
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top))
  console.log(`  ${ms(v).padStart(6)} ms ${pct(v).padStart(5)}%  ${k}`);
console.log(`\ntop ${top} by total time:`);
for (const [k, v] of [...total]
  .filter(([k]) => !/^\((root|program)\)/.test(k))
  .sort((a, b) => b[1] - a[1])
  .slice(0, top))
  console.log(`  ${ms(v).padStart(6)} ms ${pct(v).padStart(5)}%  ${k}`);
