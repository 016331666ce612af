#!/usr/bin/env node
// netpol-lens benchmarks: `npm run bench [-- --sizes medium,large --reps 5 --phases a,b --write]`.
// Generates deterministic workspaces with bench/gen-workspace.mjs into bench/.work/, then times
// each phase in a fresh process per repetition (bench/phase.mjs) and prints median (min–max) and
// peak RSS, ratios against the anchors measured in the same run — `yaml` parseAllDocuments (floor)
// and js-yaml loadAll (jsyaml) of the same files — and issue 9's targets, each beside its anchor
// with pass/fail. Then the language server: the reachability view (bench/lsp-view.mjs), the
// keystroke latency (bench/lsp.mjs) beside yaml-language-server without its debounce
// (bench/yls.mjs), the server's warm start from its facts cache (bench/lsp-warm.mjs), and a
// policy file opened while the server indexes (bench/lsp-early.mjs). The check JSON of every run
// of a size must be byte-identical (cold with worker threads, on one thread, warm from the
// cache), and nothing may be published early that needs other files: the bench fails otherwise. --write puts the
// figures and the machine into bench/RESULTS.md between its `bench:run` markers (other sections
// of that file are left as they are).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg } from './common.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const gen = join(here, 'gen-workspace.mjs');
const SIZES = {
  small: ['--namespaces', '20', '--workloads', '200', '--policies', '50'],
  medium: ['--namespaces', '100', '--workloads', '2000', '--policies', '500'],
  large: ['--namespaces', '500', '--workloads', '10000', '--policies', '2500'],
};
const sizes = arg('sizes', 'medium,large').split(',');
const reps = Number(arg('reps', '5'));
const work = join(here, '.work');
const cacheDir = (size) => join(work, `${size}.cache`);
const checkOut = (size, tag) => join(work, `${size}.check-${tag}.json`);
// name → [phase.mjs arguments, env]; `{dir}` is the workspace
const PHASES = {
  floor: [['floor']],
  jsyaml: [['jsyaml']],
  check: [['cli', 'check', '{dir}', '--format', 'json']],
  'check-1thread': [['cli', 'check', '{dir}', '--format', 'json'], { NETPOL_LENS_WORKERS: '0' }],
  'check-warm': [['cli', 'check', '{dir}', '--format', 'json', '--cache-dir', '{cache}']],
  'reach-json': [['cli', 'reach', '{dir}', '--format', 'json']],
  'reach-summary': [['cli', 'reach', '{dir}', '--format', 'summary']],
  explain: [['explain']],
  index: [['index']],
  findings: [['findings']],
  edit: [['edit']],
};
const phases = arg('phases', Object.keys(PHASES).join(',')).split(',');
// the pair listing of large is 2.3 M connections (JSON beyond a string's length): summary only
const skip = (phase, size) => phase === 'reach-json' && size === 'large';
const singleRun = new Set(['check-1thread']); // a correctness comparison, once

if (
  !existsSync(join(root, 'out', 'server', 'src', 'core', 'index.js')) ||
  !existsSync(join(root, 'server', 'dist', 'cli.js'))
) {
  console.error('bench: run `npx tsc -b && node esbuild.mjs` first (npm run bench does)');
  process.exit(2);
}
mkdirSync(work, { recursive: true });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sha = (f) => createHash('sha256').update(readFileSync(f)).digest('hex');

function runPhase(name, size, outTag) {
  const [args, env] = PHASES[name];
  const dir = join(work, size);
  const p = spawnSync(
    process.execPath,
    [
      '--max-old-space-size=4096',
      join(here, 'phase.mjs'),
      args[0],
      dir,
      ...args.slice(1).map((a) => a.replace('{cache}', cacheDir(size))),
    ],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
      env: {
        ...process.env,
        ...env,
        ...(outTag ? { BENCH_OUT: checkOut(size, outTag) } : { BENCH_OUT: '' }),
      },
    },
  );
  if (p.status !== 0) throw new Error(`${name} ${size}: ${p.stderr}`);
  return JSON.parse(p.stdout);
}

const results = {};
const identical = {};
for (const size of sizes) {
  const dir = join(work, size);
  if (!existsSync(dir)) {
    const g = spawnSync(process.execPath, [gen, '--out', dir, '--seed', '1', '--quiet', ...SIZES[size]], {
      encoding: 'utf8',
    });
    if (g.status !== 0) throw new Error(g.stderr);
  }
  results[size] = {};
  const outs = [];
  for (const phase of phases) {
    if (!PHASES[phase]) throw new Error(`unknown phase ${phase}; expected ${Object.keys(PHASES).join(', ')}`);
    if (skip(phase, size)) continue;
    if (phase === 'check-warm') {
      // the first open: fills the cache (not timed)
      rmSync(cacheDir(size), { recursive: true, force: true });
      runPhase(phase, size);
    }
    const samples = [];
    let last;
    const n = singleRun.has(phase) ? 1 : reps;
    for (let r = 0; r < n; r++) {
      const tag = phase.startsWith('check') ? `${phase}-${r}` : undefined;
      last = runPhase(phase, size, tag);
      samples.push(last);
      if (tag) outs.push(checkOut(size, tag));
    }
    const ms = samples.map((s) => s.ms);
    results[size][phase] = {
      ms: median(ms),
      min: Math.min(...ms),
      max: Math.max(...ms),
      rss: Math.max(...samples.map((s) => s.rssMB)),
      info: last.info,
      n,
    };
  }
  if (outs.length) {
    const hashes = new Set(outs.map(sha));
    identical[size] = { runs: outs.length, same: hashes.size === 1, sha: [...hashes][0].slice(0, 12) };
    for (const f of outs) rmSync(f, { force: true });
  }
}

const fmt = (x) => (x === undefined ? '–' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const lines = [];
const say = (s = '') => {
  lines.push(s);
  console.log(s);
};
say(
  `Median of ${reps} fresh processes (min–max); peak RSS is the largest of the runs; × = median / the anchor's median in this run.`,
);
say();
say('| size | phase | median ms (min–max) | × yaml floor | × js-yaml | peak RSS MB | notes |');
say('|---|---|---|---|---|---|---|');
for (const size of sizes) {
  const r = results[size];
  for (const phase of phases) {
    const x = r[phase];
    if (!x) continue;
    const perOp = phase === 'edit' || phase === 'explain';
    const ratio = (a) => (perOp || !r[a] ? '' : (x.ms / r[a].ms).toFixed(2));
    say(
      `| ${size} | ${phase}${x.n === 1 ? ' (1 run)' : ''} | ${fmt(x.ms)} (${fmt(x.min)}–${fmt(x.max)}) | ${ratio('floor')} | ${ratio('jsyaml')} | ${x.rss} | ${x.info ?? ''} |`,
    );
  }
}
for (const [size, v] of Object.entries(identical))
  say(
    `\n${size}: the check JSON of all ${v.runs} runs (cold, one thread, warm) is ${v.same ? `byte-identical (sha256 ${v.sha}…)` : 'NOT identical'}`,
  );

// the language server
const lsp = {};
for (const size of sizes) {
  const v = spawnSync(process.execPath, [join(here, 'lsp-view.mjs'), '--size', size], { encoding: 'utf8' });
  if (v.status === 0) lsp[size] = { view: JSON.parse(v.stdout) };
  else console.error(`lsp-view ${size}: ${v.stderr}`);
}
say(
  '\nLanguage server over stdio (bench/lsp-view.mjs): `netpolLens/reachability` as the webview asks it, after indexing\n',
);
say(
  '| size | initialized → indexed ms | view `{}` ms | shown namespaces | endpoints, connections | one other namespace ms | `{}` again ms | server peak RSS MB |',
);
say('|---|---|---|---|---|---|---|---|');
for (const size of sizes) {
  const v = lsp[size]?.view;
  if (v)
    say(
      `| ${size} | ${fmt(v.indexedMs)} | ${fmt(v.viewMs)} | ${v.viewShown} | ${v.endpoints}, ${v.connections} | ${fmt(v.otherNamespaceMs)} | ${fmt(v.againMs)} | ${v.hwmMB} |`,
    );
}
// the server-level figures below are taken on the largest size of the run
const big = sizes.includes('large') ? 'large' : sizes[sizes.length - 1];
/** A bench script's JSON line (run on `big`, `reps` times, in a fresh process), or undefined (its stderr told). */
const serverBench = (script) => {
  const r = spawnSync(process.execPath, [join(here, script), '--size', big, '--reps', String(reps)], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (r.status === 0) return JSON.parse(r.stdout);
  console.error(`${script} ${big}: ${r.stderr}`);
  return undefined;
};
// the server's warm start: a cold start fills the facts cache, then fresh servers start warm
const warmStart = {};
const warm = serverBench('lsp-warm.mjs');
if (warm) warmStart[big] = warm;
say(
  '\nLanguage server warm start (bench/lsp-warm.mjs: the facts cache in the storage folder; fresh servers, from `initialized`)\n',
);
say(
  '| size | start | initialized → index complete ms, median (min–max) | → first full diagnostics pass ms | files from the cache / read | server peak RSS MB | load |',
);
say('|---|---|---|---|---|---|---|');
for (const [size, w] of Object.entries(warmStart)) {
  say(
    `| ${size} | cold (fills the cache) | ${fmt(w.cold.indexedMs)} | ${fmt(w.cold.readyMs)} | ${w.cold.cached} / ${w.cold.read} | ${w.cold.hwmMB} | ${w.load.join(' ')} |`,
  );
  const ix = w.warm.map((x) => x.indexedMs);

  const rd = w.warm.map((x) => x.readyMs);
  w.indexedMedian = median(ix);
  say(
    `| ${size} | warm (${w.warm.length} starts) | ${fmt(median(ix))} (${fmt(Math.min(...ix))}–${fmt(Math.max(...ix))}) | ${fmt(median(rd))} (${fmt(Math.min(...rd))}–${fmt(Math.max(...rd))}) | ${w.warm[0].cached} / ${w.warm[0].read} | ${Math.max(...w.warm.map((x) => x.hwmMB))} | |`,
  );
}
for (const [size, w] of Object.entries(warmStart))
  say(
    `\n${size}: the diagnostics of the cold server and the ${w.warm.length} warm ones are ${w.identical ? `identical (${w.cold.diagnostics} diagnostics, sha256 ${w.cold.sha}…)` : 'NOT identical'}`,
  );
// nothing false while indexing (target 1): a policy file opened the moment the server starts
const early = serverBench('lsp-early.mjs');
if (early) {
  const ms = (k) => early.runs.map((r) => r[k]).filter((x) => typeof x === 'number');
  const span = (xs) => `${fmt(median(xs))} (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})`;
  early.fileScopedMedian = median(ms('fileScopedMs'));
  early.wrong = early.runs.reduce((n, r) => n + r.wrongEarly.length + r.vanished.length, 0);
  early.hoverOk = early.runs.filter((r) => r.hoverIndexing !== false).length;
  say(
    `\nWhile indexing (bench/lsp-early.mjs: ${early.file} opened at \`initialized\`, fresh servers without a cache, ${early.runs.length} starts, ${early.size}):\n`,
  );
  say(
    '| first diagnostics ms | with its per-file findings ms | first full pass (ready) ms | early codes | codes once indexed | early findings that need other files, or gone later | hover while indexing says so |',
  );
  say('|---|---|---|---|---|---|---|');
  say(
    `| ${span(ms('firstMs'))} | ${span(ms('fileScopedMs'))} | ${span(ms('readyMs'))} | ${early.runs[0].early.join(', ') || '–'} | ${early.runs[0].late.join(', ') || '–'} | ${early.wrong} | ${early.hoverOk} of ${early.runs.length} |`,
  );
}
const yls = [];
for (let r = 0; r < Math.min(reps, 5); r++) {
  const y = spawnSync(process.execPath, [join(here, 'yls.mjs'), '--size', sizes[0], '--edits', '20'], {
    encoding: 'utf8',
  });
  if (y.status === 0) yls.push(JSON.parse(y.stdout));
  else console.error(`yls: ${y.stderr}`);
}
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];
let ylsEdit;
if (yls.length) {
  const edits = yls.flatMap((y) => y.editMs);
  ylsEdit = median(edits);
  say(
    `\nAnchor: yaml-language-server ${yls[0].version} over stdio, debounce removed (bench/yls.mjs, ${yls.length} launches, ${edits.length} edits of ${yls[0].file}): start → initialize ${fmt(median(yls.map((y) => y.startMs)))} ms, didOpen → diagnostics ${fmt(median(yls.map((y) => y.openMs)))} ms, didChange → diagnostics ${fmt(ylsEdit)} ms median (${fmt(Math.min(...edits))}–${fmt(Math.max(...edits))}), p95 ${fmt(p95(edits))} ms, peak RSS ${Math.max(...yls.map((y) => y.hwmMB))} MB`,
  );
}
say('\nnetpol-lens server keystrokes (bench/lsp.mjs, 20 edits of the same kind of file):\n');
say(
  '| size | start → initialize ms | initialized → indexed ms | didOpen → diagnostics ms | didChange → diagnostics ms (median, p95) | file |',
);
say('|---|---|---|---|---|---|');
for (const size of sizes) {
  const p = spawnSync(process.execPath, [join(here, 'lsp.mjs'), '--size', size, '--edits', '20'], {
    encoding: 'utf8',
  });
  if (p.status !== 0) console.error(`lsp ${size}: ${p.stderr}`);
  else {
    const row = p.stdout.trim();
    say(row);
    const m = /\| (\d+) \(p95 (\d+)[,)]/.exec(row);
    if (m) lsp[size] = { ...lsp[size], edit: Number(m[1]), editP95: Number(m[2]) };
  }
}

// issue 9's targets beside their anchors
const R = (size, phase) => results[size]?.[phase];
const target = (name, value, anchor, anchorName, limit, unit = '×') => {
  if (value === undefined || (unit === '×' && anchor === undefined))
    return `| ${name} | not measured in this run | | | | |`;
  const v = unit === '×' ? value / anchor : value;
  const ok = v <= limit;
  return `| ${name} | ${fmt(value)} ms | ${anchor === undefined ? '–' : `${fmt(anchor)} ms (${anchorName})`} | ${unit === '×' ? `${v.toFixed(2)}×` : `${fmt(v)} ms`} | ≤ ${limit}${unit === '×' ? '×' : ' ms'} | ${ok ? 'pass' : 'FAIL'} |`;
};
const mid = sizes.includes('medium') ? 'medium' : sizes[0];
say(`\nIssue 9's targets (${big} and ${mid} workspaces; anchors from this run):\n`);
say('| target | measured (median) | anchor | ratio / figure | limit | |');
say('|---|---|---|---|---|---|');
say(
  target(
    `1. per-file findings of a policy file opened at start, while indexing, ${big}`,
    early?.fileScopedMedian,
    undefined,
    '',
    1000,
    'ms',
  ),
);
say(
  early
    ? `| 1. findings needing other files published while indexing, or gone once indexed, ${big} | ${early.wrong} | | | 0 | ${early.wrong === 0 ? 'pass' : 'FAIL'} |`
    : `| 1. findings needing other files published while indexing, ${big} | not measured in this run | | | | |`,
);
say(
  early
    ? `| 1. a hover while indexing says so, ${big} | ${early.hoverOk} of ${early.runs.length} | | | all | ${early.hoverOk === early.runs.length ? 'pass' : 'FAIL'} |`
    : `| 1. a hover while indexing says so, ${big} | not measured in this run | | | | |`,
);
say(
  target(
    `2. keystroke didChange → diagnostics, ${big}`,
    lsp[big]?.edit,
    ylsEdit,
    'yaml-language-server, no debounce',
    50,
    'ms',
  ),
);
say(target(`2. keystroke p95, ${big}`, lsp[big]?.editP95, undefined, '', 100, 'ms'));
say(target(`3. cold check, ${big}`, R(big, 'check')?.ms, R(big, 'jsyaml')?.ms, 'js-yaml loadAll', 1.0));
say(
  `| 3. cold check peak RSS, ${big} | ${R(big, 'check')?.rss ?? '–'} MB | ${R(big, 'jsyaml')?.rss ?? '–'} MB (js-yaml) | | ≤ 500 MB | ${(R(big, 'check')?.rss ?? Infinity) <= 500 ? 'pass' : 'FAIL'} |`,
);
say(
  target(
    `4. reach --format json, ${mid}`,
    R(mid, 'reach-json')?.ms,
    R(mid, 'jsyaml')?.ms,
    'js-yaml loadAll',
    3,
  ),
);
say(
  target(
    `4. reach --format summary, ${big}`,
    R(big, 'reach-summary')?.ms,
    R(big, 'jsyaml')?.ms,
    'js-yaml loadAll',
    10,
  ),
);
say(target(`4. explain one pair (engine built), ${big}`, R(big, 'explain')?.ms, undefined, '', 5, 'ms'));
say(target(`4. server namespace-level view, ${big}`, lsp[big]?.view?.viewMs, undefined, '', 1000, 'ms'));
say(
  target(
    `5. warm check (--cache-dir), ${big}`,
    R(big, 'check-warm')?.ms,
    R(big, 'jsyaml')?.ms,
    'js-yaml loadAll',
    0.25,
  ),
);
say(
  target(
    `5. server warm start (initialized → index complete, facts cache), ${big}`,
    warmStart[big]?.indexedMedian,
    R(big, 'jsyaml')?.ms,
    'js-yaml loadAll',
    0.25,
  ),
);
say(
  `| 6. server peak RSS after indexing, ${big} | ${lsp[big]?.view?.hwmAfterIndexMB ?? '–'} MB | | | ≤ 400 MB | ${(lsp[big]?.view?.hwmAfterIndexMB ?? Infinity) <= 400 ? 'pass' : 'FAIL'} |`,
);

if (process.argv.includes('--write')) {
  const file = join(here, 'RESULTS.md');
  const c = cpus();
  const machine = `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${c.length} × ${c[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}; \`npm run bench -- ${process.argv.slice(2).join(' ')}\``;
  const section = `<!-- bench:run begin (written by bench/run.mjs --write) -->\n## Last run\n\n${machine}\n\n${lines.join('\n')}\n<!-- bench:run end -->`;
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n\n';
  const re = /<!-- bench:run begin[\s\S]*?<!-- bench:run end -->/;
  writeFileSync(file, re.test(old) ? old.replace(re, section) : `${old.trimEnd()}\n\n${section}\n`);
  console.log(`\nwrote ${file}`);
}
if (Object.values(warmStart).some((w) => !w.identical)) {
  console.error("bench: the warm server's diagnostics differ from the cold one's");
  process.exit(1);
}
if (early && early.wrong > 0) {
  console.error('bench: a finding that needs other files was published while indexing, or went once indexed');
  process.exit(1);
}
if (Object.values(identical).some((v) => !v.same)) {
  console.error('bench: the check JSON differs between runs of one size');
  process.exit(1);
}

console.log(
  '\nA long session over stdio (bench/session.mjs on medium: 10,000 edits across 50 files, then a watcher storm of 5,000 changes and its undoing):\n',
);
if (sizes.includes('medium')) {
  const p = spawnSync(process.execPath, [join(here, 'session.mjs'), '--size', 'medium'], {
    encoding: 'utf8',
  });
  if (p.status !== 0) throw new Error(`session medium: ${p.stderr}`);
  process.stdout.write(p.stdout);
}
