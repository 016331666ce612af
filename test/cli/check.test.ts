/** `check` on the seed example: text, ESLint-like JSON and SARIF goldens, --fail-on, --config. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertGolden, ROOT } from '../support/golden';

const CLI = join(ROOT, 'server', 'dist', 'cli.js');

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test('check examples: text output, summary line, exit 0 below --fail-on error', () => {
  const r = cli('check', 'examples');
  assert.equal(r.code, 0, r.stderr);
  assertGolden('examples_check.txt', r.stdout);
  const lines = r.stdout.trim().split('\n');
  assert.match(
    lines[lines.length - 1] ?? '',
    /^3 problems in 3 files \(0 errors, 3 warnings, 0 information, 0 hints\)$/,
  );
  for (const l of lines.slice(0, -1))
    assert.match(
      l,
      /^examples\/layer\d\/np-layer\d\.yaml:\d+:\d+ (error|warning|information|hint) [a-z-]+ \S/,
    );
});

test('check --fail-on warning exits 1; --fail-on information too', () => {
  assert.equal(cli('check', 'examples', '--fail-on', 'warning').code, 1);
  assert.equal(cli('check', 'examples', '--fail-on', 'information').code, 1);
});

test('check --format json follows the contract (1-based positions, relative paths)', () => {
  const r = cli('check', 'examples', '--format', 'json');
  assertGolden('examples_check.json', r.stdout);
  const j = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
  assert.equal(j.length, 3);
  for (const f of j) {
    assert.deepEqual(Object.keys(f).sort(), [
      'code',
      'column',
      'endColumn',
      'endLine',
      'line',
      'message',
      'path',
      'severity',
    ]);
    assert.ok((f.line as number) >= 1 && (f.column as number) >= 1);
  }
  const dns = j.find((f) => f.code === 'missing-dns-egress');
  assert.ok(dns);
  assert.equal(dns.path, 'examples/layer3/np-layer3.yaml');
  assert.equal(dns.severity, 'warning');
});

test('check --format sarif: SARIF 2.1.0 with rules (ids, help, links) and results', () => {
  const r = cli('check', 'examples', '--format', 'sarif');
  const s = JSON.parse(r.stdout) as {
    version: string;
    runs: Array<{
      tool: {
        driver: {
          name: string;
          rules: Array<{
            id: string;
            helpUri: string;
            help: { text: string };
            shortDescription: { text: string };
          }>;
        };
      };
      results: Array<{
        ruleId: string;
        ruleIndex: number;
        level: string;
        locations: Array<{
          physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
        }>;
      }>;
    }>;
  };
  assert.equal(s.version, '2.1.0');
  const run = s.runs[0];
  assert.ok(run);
  assert.equal(run.tool.driver.name, 'netpol-lens');
  const ids = run.tool.driver.rules.map((x) => x.id);
  for (const code of [
    'missing-dns-egress',
    'egress-allows-all',
    'invalid-selector',
    'namespace-selector-matches-nothing',
  ])
    assert.ok(ids.includes(code), code);
  for (const rule of run.tool.driver.rules) {
    assert.match(rule.helpUri, /^https:\/\/.+#[a-z-]+$/);
    assert.ok(rule.help.text.length > 10 && rule.shortDescription.text.length > 10, rule.id);
  }
  assert.equal(run.results.length, 3);
  for (const res of run.results) {
    assert.equal(ids[res.ruleIndex], res.ruleId);
    assert.ok(['error', 'warning', 'note'].includes(res.level));
    assert.match(res.locations[0]?.physicalLocation.artifactLocation.uri ?? '', /^examples\//);
  }
});

test('check --config: severities per code and off', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-lens-cfg-'));
  const cfg = join(dir, 'cfg.json');
  writeFileSync(
    cfg,
    JSON.stringify({
      checks: {
        'egress-allows-all': 'off',
        'missing-dns-egress': 'error',
        'egress-to-metadata-endpoint': 'off',
      },
    }),
  );
  const r = cli('check', 'examples', '--config', cfg, '--format', 'json');
  assert.equal(r.code, 1, 'missing-dns-egress raised to error fails the run');
  const j = JSON.parse(r.stdout) as Array<{ code: string; severity: string }>;
  assert.deepEqual(
    j.map((f) => `${f.code}:${f.severity}`),
    ['missing-dns-egress:error'],
  );
  writeFileSync(cfg, '{ not json');
  assert.equal(cli('check', 'examples', '--config', cfg).code, 2);
});

test('check --config: VS Code severity aliases, bad values warn, a severity enables workload-not-isolated', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-lens-cfg-'));
  const cfg = join(dir, 'cfg.json');
  writeFileSync(
    cfg,
    JSON.stringify({
      checks: {
        'egress-allows-all': 'info',
        'egress-to-metadata-endpoint': 'none',
        'missing-dns-egress': 'loud',
        'workload-not-isolated': 'hint',
      },
    }),
  );
  const r = cli('check', 'examples', '--config', cfg, '--format', 'json');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /checks\.missing-dns-egress: "loud" is not one of/);
  const j = JSON.parse(r.stdout) as Array<{ code: string; severity: string }>;
  assert.deepEqual(
    [...new Set(j.map((f) => `${f.code}:${f.severity}`))].sort(),
    ['egress-allows-all:information', 'missing-dns-egress:warning'],
    'every workload is isolated in the seed, so workload-not-isolated finds nothing',
  );
});

test('a long listing written to a pipe arrives whole (exit code set, not process.exit)', () => {
  const r = spawnSync(process.execPath, [CLI, 'check', 'test/fixtures/checks', '--format', 'json'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(r.status, 1, 'the fixtures hold errors');
  assert.ok(r.stdout.length > 65536, `${r.stdout.length} bytes`);
  const j = JSON.parse(r.stdout) as unknown[];
  assert.ok(j.length > 100);
});
