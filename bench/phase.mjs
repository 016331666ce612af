// One benchmark phase in a fresh process: prints {ms, rssMB, cpuMs, load, info} as JSON on stdout.
// rssMB is the process's peak resident memory (getrusage maxRSS: the main thread and any worker
// threads), cpuMs the CPU time of the process (user + system, every thread) over the timed part,
// load the 1-minute load average when the phase started (the machine is shared: compare ratios).
//   floor     read every file and parseAllDocuments it (the bare `yaml` parse, results kept; the
//             package's ESM build, which the bundles use)
//   jsyaml    read every file and js-yaml loadAll it (plain objects, results kept): the anchor
//   index     read + AnalysisHost.applyChanges + derived index (namespaces, workloads, policies)
//   findings  index + every check
//   reach     index + the full reachability matrix (workloads and external ranges)
//   summary   index + reach --format summary (class by class, external ranges per direction)
//   edit      index + findings, then 20 single-file edits each followed by findings; ms = median per edit
//   explain   index + engine, then explain of 25 pairs of workloads; ms = median per pair
//   cli       the built CLI (server/dist/cli.js) in this process with the arguments after the
//             directory; `{dir}` in them is the directory. stdout goes to $BENCH_OUT (or nowhere);
//             ms runs from before the bundle is loaded until the process exits.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { listFiles, MANIFEST } from './common.mjs';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const [phase, dir, ...rest] = process.argv.slice(2);
const peakMB = () => Math.round(process.resourceUsage().maxRSS / 1024);
const load = Math.round(loadavg()[0] * 100) / 100;
let cpu0 = process.cpuUsage();
const cpuMs = () => {
  const c = process.cpuUsage(cpu0);
  return Math.round((c.user + c.system) / 1000);
};

if (phase === 'cli') {
  // BENCH_CLI: another build of the CLI (an A/B of two commits in the same minutes)
  const cli = process.env.BENCH_CLI || join(here, '..', 'server', 'dist', 'cli.js');
  const chunks = [];
  process.stdout.write = (s, enc, cb) => {
    chunks.push(typeof s === 'string' ? s : Buffer.from(s).toString('utf8'));
    if (typeof enc === 'function') enc();
    else if (typeof cb === 'function') cb();
    return true;
  };
  process.argv = [process.execPath, cli, ...rest.map((a) => a.replaceAll('{dir}', dir))];
  const t0 = performance.now();
  cpu0 = process.cpuUsage();
  process.on('exit', (code) => {
    const ms = performance.now() - t0;
    const cpu = cpuMs();
    const out = chunks.join('');
    if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, out);
    const info = `exit ${code}, ${out.length} bytes of output`;
    writeFileSync(1, JSON.stringify({ ms, rssMB: peakMB(), cpuMs: cpu, load, info }));
  });
  require(cli);
} else {
  const core = require('../out/server/src/core/index.js');
  const list = listFiles(dir, MANIFEST).sort();
  const t0 = performance.now();
  cpu0 = process.cpuUsage();
  const changes = list.map((f) => ({ uri: pathToFileURL(f).href, text: readFileSync(f, 'utf8') }));
  let info;
  let ms;
  if (phase === 'floor') {
    // the build the CLI and server bundle (esbuild.mjs): the package's ESM build
    const yamlEsm = join(dirname(require.resolve('yaml/package.json')), 'browser', 'index.js');
    const { parseAllDocuments } = await import(pathToFileURL(yamlEsm).href);
    const keep = changes.map((c) => parseAllDocuments(c.text));
    ms = performance.now() - t0;
    info = `${list.length} files, ${keep.reduce((n, d) => n + (Array.isArray(d) ? d.length : 0), 0)} docs`;
  } else if (phase === 'jsyaml') {
    const jsyaml = require('js-yaml');
    const keep = changes.map((c) => jsyaml.loadAll(c.text));
    ms = performance.now() - t0;
    info = `${list.length} files, ${keep.reduce((n, d) => n + d.length, 0)} docs, js-yaml ${require('js-yaml/package.json').version}`;
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
    if (phase === 'explain') {
      // the engine is built once (as in the server after indexing); then one pair at a time, spread
      // over the workspace, on the port the destination exposes first (else any port)
      const s = performance.now();
      void a.engine;
      const engineMs = performance.now() - s;
      const ws = idx.workloads;
      const per = [];
      let allowed = 0;
      for (let i = 0; i < 25; i++) {
        const src = ws[(i * 7919) % ws.length];
        const dst = ws[(i * 104729 + 13) % ws.length];
        const p = dst.ports[0];
        const port = p ? { port: p.port, protocol: p.protocol } : undefined;
        const t = performance.now();
        const out = a.explain(src.id, dst.id, port);
        per.push(performance.now() - t);
        if (out.ok && out.explanation.allowed) allowed++;
      }
      per.sort((x, y) => x - y);
      ms = per[12];
      info += `; engine ${engineMs.toFixed(0)} ms, 25 pairs (${allowed} allowed), max ${per[24].toFixed(1)} ms`;
    }
  }
  process.stdout.write(JSON.stringify({ ms, rssMB: peakMB(), cpuMs: cpuMs(), load, info }));
}
