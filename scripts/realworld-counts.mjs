#!/usr/bin/env node
// Finding counts of the real-world corpus (test/fixtures/realworld/, sources in its README), by
// code and by severity, per project: runs the built CLI as a user would,
// `node server/dist/cli.js check --format json <project folder>`, from the corpus folder (so the
// paths it prints start with the project's folder).
//
//   node scripts/realworld-counts.mjs            Markdown tables on stdout
//   node scripts/realworld-counts.mjs --json     {"commit", "projects": {name: {...}}} on stdout
//   --cli <file>                                 another build of the CLI (default server/dist/cli.js)
//   --project <name>                             only this project (repeatable)
//   --render-kustomize                           check --render-kustomize: the user's kustomize (or
//                                                kubectl kustomize) builds what the reader cannot apply
//
// Exit code 0, or 2 when the CLI is missing or a run fails (exit code 2 or output that is not JSON).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CORPUS = join(ROOT, 'test', 'fixtures', 'realworld');

/**
 * The ten projects of issue 8, in its order, from `projects.json` (the test reads the same list).
 * `paths` are what a user would point `check` at, relative to the corpus folder (sock-shop's
 * `derived/` files are regression inputs, not upstream).
 */
export const PROJECTS = JSON.parse(readFileSync(join(CORPUS, 'projects.json'), 'utf8'));

const SEVERITIES = ['error', 'warning', 'information', 'hint'];

function parseArgs(argv) {
  const opts = { json: false, cli: join(ROOT, 'server', 'dist', 'cli.js'), only: [], render: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') opts.json = true;
    else if (a === '--cli') opts.cli = resolve(argv[++i] ?? '');
    else if (a === '--project') opts.only.push(argv[++i] ?? '');
    else if (a === '--render-kustomize') opts.render = true;
    else {
      process.stderr.write(`realworld-counts: unknown argument ${a}\n`);
      process.exit(2);
    }
  }
  return opts;
}

/** One project: the CLI's findings counted by severity and by code. */
export function countProject(cli, project, render = false) {
  const flags = ['check', '--format', 'json', ...(render ? ['--render-kustomize'] : [])];
  const run = spawnSync(process.execPath, [cli, ...flags, ...project.paths], {
    cwd: CORPUS,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (run.status !== 0 && run.status !== 1) {
    throw new Error(`${project.name}: the CLI exited with ${run.status}: ${run.stderr.trim()}`);
  }
  let findings;
  try {
    findings = JSON.parse(run.stdout);
  } catch {
    throw new Error(`${project.name}: the CLI's output is not JSON: ${run.stdout.slice(0, 200)}`);
  }
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0]));
  const byCode = {};
  for (const f of findings) {
    bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;
    byCode[f.code] = (byCode[f.code] ?? 0) + 1;
  }
  const sortedCodes = Object.fromEntries(Object.entries(byCode).sort(([a], [b]) => (a < b ? -1 : 1)));
  return {
    paths: project.paths,
    exitCode: run.status,
    total: findings.length,
    bySeverity,
    byCode: sortedCodes,
  };
}

function commitOf() {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'server', 'client'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    return dirty ? `${sha} (server/ or client/ modified)` : sha;
  } catch {
    return 'unknown';
  }
}

function markdown(result) {
  const names = Object.keys(result.projects);
  const lines = [];
  const how = result.render ? '`check --render-kustomize`' : '`check`';
  lines.push(`Finding counts of ${how} per project (built CLI at commit ${result.commit}).`, '');
  lines.push('| project | checked | total | error | warning | information | hint |');
  lines.push('|---|---|---:|---:|---:|---:|---:|');
  for (const n of names) {
    const p = result.projects[n];
    const sev = SEVERITIES.map((s) => p.bySeverity[s] ?? 0).join(' | ');
    lines.push(`| ${n} | ${p.paths.map((x) => `\`${x}\``).join(', ')} | ${p.total} | ${sev} |`);
  }
  const codes = [...new Set(names.flatMap((n) => Object.keys(result.projects[n].byCode)))].sort();
  lines.push('', 'By code (a blank cell is 0):', '');
  lines.push(`| code | ${names.join(' | ')} |`);
  lines.push(`|---|${names.map(() => '---:').join('|')}|`);
  for (const c of codes) {
    lines.push(`| \`${c}\` | ${names.map((n) => result.projects[n].byCode[c] ?? '').join(' | ')} |`);
  }
  return lines.join('\n') + '\n';
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(opts.cli)) {
    process.stderr.write(`realworld-counts: ${opts.cli} not found; run npm run build first\n`);
    process.exit(2);
  }
  const chosen = opts.only.length ? PROJECTS.filter((p) => opts.only.includes(p.name)) : PROJECTS;
  if (opts.only.length && chosen.length !== opts.only.length) {
    process.stderr.write(
      `realworld-counts: unknown project; known: ${PROJECTS.map((p) => p.name).join(', ')}\n`,
    );
    process.exit(2);
  }
  const result = { commit: commitOf(), ...(opts.render ? { render: true } : {}), projects: {} };
  try {
    for (const p of chosen) result.projects[p.name] = countProject(opts.cli, p, opts.render);
  } catch (e) {
    process.stderr.write(`realworld-counts: ${e.message}\n`);
    process.exit(2);
  }
  process.stdout.write(opts.json ? JSON.stringify(result, null, 2) + '\n' : markdown(result));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
