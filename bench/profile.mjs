#!/usr/bin/env node
// Summarises a V8 CPU profile (`node --cpu-prof`): the frames with the most self time and the
// functions with the most total time (each function counted once per sample), optionally only
// over the last `--window MS` of the profile (bench/lsp.mjs --cpu-prof prints the edits' window).
//   node bench/profile.mjs FILE.cpuprofile [--window MS] [--top 15]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { arg } from './common.mjs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node bench/profile.mjs FILE.cpuprofile [--window MS] [--top 15]');
  process.exit(2);
}
const prof = JSON.parse(readFileSync(file, 'utf8'));
const top = Number(arg('top', '15'));
const windowUs = Number(arg('window', '0')) * 1000;
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (n) => {
  const f = n.callFrame;
  const where = f.url ? `${basename(f.url)}:${f.lineNumber + 1}` : '';
  return `${f.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
};
// sample times: startTime + cumulative deltas
const times = [];
let t = prof.startTime;
for (const d of prof.timeDeltas) times.push((t += d));
const from = windowUs > 0 ? prof.endTime - windowUs : prof.startTime;
const self = new Map();
const total = new Map();
let counted = 0;
let idle = 0;
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
  const seen = new Set();
  for (let id = n.id; id !== undefined; id = parent.get(id)) {
    const l = label(byId.get(id));
    if (seen.has(l)) continue;
    seen.add(l);
    total.set(l, (total.get(l) ?? 0) + dt);
  }
}
const ms = (us) => (us / 1000).toFixed(0);
const pct = (us) => ((100 * us) / counted).toFixed(1);
console.log(
  `${file}: ${ms(counted)} ms busy, ${ms(idle)} ms idle${windowUs ? ` (last ${ms(windowUs)} ms)` : ''}`,
);
console.log(`\ntop ${top} by self time:`);
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top))
  console.log(`  ${ms(v).padStart(6)} ms ${pct(v).padStart(5)}%  ${k}`);
console.log(`\ntop ${top} by total time:`);
for (const [k, v] of [...total]
  .filter(([k]) => !/^\((root|program)\)/.test(k))
  .sort((a, b) => b[1] - a[1])
  .slice(0, top))
  console.log(`  ${ms(v).padStart(6)} ms ${pct(v).padStart(5)}%  ${k}`);
