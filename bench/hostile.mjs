#!/usr/bin/env node
// The hostile-input set's cost (issue 10: the whole set in ≤ 10 s and ≤ 1.5 GB peak):
//   npx tsc -b && node esbuild.mjs && node bench/hostile.mjs
// Writes the set of test/support/hostile-inputs.ts into a temporary folder, then runs, each in a
// fresh process: `check` of the whole set (the CLI), and the floor, a bare `yaml` parse of the
// same files (every document composed, as the CLI's first step). Prints wall and CPU time and the
// peak resident memory of each. Measures, asserts nothing: the machine's load changes the times.
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const { writeHostileWorkspace } = await import(join(root, 'out', 'test', 'support', 'hostile-inputs.js'));
const ws = writeHostileWorkspace();

// prints the child's own resource usage when it exits (peak RSS in KiB, CPU in µs)
const probe = join(tmpdir(), 'netpol-lens-probe.cjs');
writeFileSync(
  probe,
  "process.on('exit', () => { const u = process.resourceUsage(); process.stderr.write('\\nPROBE ' + JSON.stringify({ rss: u.maxRSS, cpu: u.userCPUTime + u.systemCPUTime }) + '\\n'); });\n",
);
const floor = join(tmpdir(), 'netpol-lens-floor.cjs');
writeFileSync(
  floor,
  `const { parseAllDocuments } = require(${JSON.stringify(join(root, 'node_modules', 'yaml'))});
const fs = require('fs'), path = require('path');
const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]);
for (const f of walk(process.argv[2])) { if (fs.statSync(f).size > 8 * 1048576) continue; parseAllDocuments(fs.readFileSync(f, 'utf8')); }
`,
);

function measure(what, args) {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', probe, ...args], {
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const m = /PROBE (\{.*\})/.exec(r.stderr ?? '');
  const u = m ? JSON.parse(m[1]) : { rss: NaN, cpu: NaN };
  console.log(
    `${what.padEnd(28)} ${wall.toFixed(2).padStart(7)} s wall ${(u.cpu / 1e6).toFixed(2).padStart(7)} s CPU ${(u.rss / 1024).toFixed(0).padStart(6)} MiB peak`,
  );
}

console.log(`hostile set: ${readdirSync(ws.dir).length - 1} inputs and the control files in ${ws.dir}`);
measure('check (CLI), whole set', [
  join(root, 'server', 'dist', 'cli.js'),
  'check',
  '--format',
  'json',
  ws.dir,
]);
measure('floor: bare yaml parse', [floor, ws.dir]);
ws.dispose();
