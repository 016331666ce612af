// One benchmark phase in a fresh process: prints {ms, rssMB, info} as JSON.
//   floor     read every file and parseAllDocuments it (the bare YAML parse)
//   index     read + AnalysisHost.applyChanges + derived index (namespaces, workloads, policies)
//   findings  index + every check
//   reach     index + the full reachability matrix (workloads and external ranges)
//   summary   index + reach --format summary (class by class, external ranges per direction)
//   edit      index + findings, then 20 single-file edits each followed by findings; ms = median per edit
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const core = require('../out/server/src/core/index.js');
const { parseAllDocuments } = require('yaml');
const [phase, dir] = process.argv.slice(2);

function files(d, out = []) {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    const p = join(d, e.name);
    if (e.isDirectory()) files(p, out);
    else if (/\.(ya?ml|json)$/.test(e.name)) out.push(p);
  }
  return out;
}
const list = files(dir).sort();
const t0 = performance.now();
const changes = list.map((f) => ({ uri: pathToFileURL(f).href, text: readFileSync(f, 'utf8') }));
let info;
let ms;
if (phase === 'floor') {
  const keep = changes.map((c) => parseAllDocuments(c.text));
  ms = performance.now() - t0;
  info = `${list.length} files, ${keep.reduce((n, d) => n + (Array.isArray(d) ? d.length : 0), 0)} docs`;
} else {
  const host = new core.AnalysisHost();
  host.applyChanges(changes);
  let a = host.snapshot();
  const idx = a.index;
  info = `${idx.workloads.length} workloads, ${idx.policies.length} policies, ${idx.namespaces.size} namespaces`;
  if (phase === 'findings' || phase === 'edit') info += `, ${a.findings().length} findings`;
  if (phase === 'reach') info += `, ${a.reachability().entries.length} connections`;
  if (phase === 'summary')
    info += `, ${core.reachSummary(a.engine, { externals: true }, 'bench').split('\n').length} summary lines, ${a.engine.classes().classes.length} classes`;
  ms = performance.now() - t0;
  if (phase === 'edit') {
    const target = changes.find((c) => c.text.includes('kind: NetworkPolicy')) ?? changes[0];
    const per = [];
    for (let i = 0; i < 20; i++) {
      const s = performance.now();
      host.applyChanges([{ uri: target.uri, text: target.text + `\n# edit ${i}\n` }]);
      a = host.snapshot();
      a.findingsFor(target.uri);
      per.push(performance.now() - s);
    }
    per.sort((x, y) => x - y);
    ms = per[10];
    info += `; first-index ${(performance.now() - t0 - per.reduce((x, y) => x + y, 0)).toFixed(0)} ms`;
  }
}
process.stdout.write(JSON.stringify({ ms, rssMB: Math.round(process.memoryUsage().rss / 1048576), info }));
