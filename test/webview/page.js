// Loads the built reachability webview (client/dist/webview.{js,css}) in headless Chromium inside
// the same HTML shell and CSP the extension uses (client/src/reachability/html.ts, bundled here
// with esbuild), served from a fake webview origin. A fake `acquireVsCodeApi` records what the
// view posts and keeps its state; the test plays the extension host with `send()`.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');
const { chromium } = require('playwright-core');

const ROOT = path.resolve(__dirname, '..', '..');
const DIST = path.join(ROOT, 'client', 'dist');
const ORIGIN = 'https://webview.test';
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** A VS Code "Dark Modern"-like palette: VS Code sets these on <html> through the CSSOM. */
const THEME = {
  '--vscode-font-family': '"Segoe WPC", "Segoe UI", system-ui, "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-font-weight': 'normal',
  '--vscode-editor-font-family': '"Droid Sans Mono", "monospace", monospace',
  '--vscode-foreground': '#cccccc',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-disabledForeground': '#cccccc80',
  '--vscode-errorForeground': '#f85149',
  '--vscode-focusBorder': '#0078d4',
  '--vscode-editor-background': '#1f1f1f',
  '--vscode-sideBar-background': '#181818',
  '--vscode-panel-border': '#2b2b2b',
  '--vscode-editorGroupHeader-tabsBackground': '#181818',
  '--vscode-input-background': '#313131',
  '--vscode-input-foreground': '#cccccc',
  '--vscode-input-border': '#3c3c3c',
  '--vscode-input-placeholderForeground': '#989898',
  '--vscode-inputValidation-errorBackground': '#5a1d1d',
  '--vscode-inputValidation-errorBorder': '#be1100',
  '--vscode-badge-background': '#616161',
  '--vscode-badge-foreground': '#f8f8f8',
  '--vscode-list-hoverBackground': '#2a2d2e',
  '--vscode-list-activeSelectionBackground': '#04395e',
  '--vscode-toolbar-hoverBackground': '#5a5d5e50',
  '--vscode-textLink-foreground': '#4daafc',
  '--vscode-textLink-activeForeground': '#4daafc',
  '--vscode-textPreformat-foreground': '#d0d0d0',
  '--vscode-charts-green': '#89d185',
  '--vscode-charts-red': '#f14c4c',
  '--vscode-charts-yellow': '#cca700',
  '--vscode-charts-purple': '#b180d7',
  '--vscode-diffEditor-insertedTextBackground': '#9ccc2c33',
  '--vscode-diffEditor-removedTextBackground': '#ff000033',
  '--vscode-editor-findMatchHighlightBackground': '#ea5c0055',
  '--vscode-editorWarning-foreground': '#cca700',
  '--vscode-editorHoverWidget-background': '#202020',
  '--vscode-editorHoverWidget-foreground': '#cccccc',
  '--vscode-editorHoverWidget-border': '#454545',
  '--vscode-widget-shadow': '#0000005c',
  '--vscode-keybindingLabel-background': '#8080802b',
  '--vscode-keybindingLabel-foreground': '#cccccc',
  '--vscode-keybindingLabel-border': '#33333399',
  '--vscode-keybindingLabel-bottomBorder': '#44444499',
  '--vscode-button-background': '#0078d4',
  '--vscode-button-foreground': '#ffffff',
  '--vscode-button-border': '#ffffff12',
  '--vscode-button-hoverBackground': '#026ec1',
  '--vscode-button-secondaryBackground': '#313131',
  '--vscode-button-secondaryForeground': '#cccccc',
  '--vscode-button-secondaryHoverBackground': '#3c3c3c',
  '--vscode-checkbox-background': '#313131',
  '--vscode-checkbox-border': '#3c3c3c',
  '--vscode-checkbox-foreground': '#cccccc',
  '--vscode-inputValidation-infoBackground': '#063b49',
  '--vscode-inputValidation-infoBorder': '#007acc',
  '--vscode-editorWidget-background': '#202020',
};

let renderHtml;
function shell() {
  if (!renderHtml) {
    const out = esbuild.buildSync({
      entryPoints: [path.join(ROOT, 'client/src/reachability/html.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      write: false,
      logLevel: 'silent',
    });
    const m = { exports: {} };
    new Function('module', 'exports', 'require', out.outputFiles[0].text)(m, m.exports, require);
    renderHtml = m.exports.renderHtml;
  }
  return renderHtml({
    cspSource: ORIGIN,
    nonce: 'testnonce0123456789',
    scriptUri: `${ORIGIN}/dist/webview.js`,
    styleUri: `${ORIGIN}/dist/webview.css`,
  });
}

async function launch() {
  for (const f of ['webview.js', 'webview.css']) {
    if (!fs.existsSync(path.join(DIST, f))) throw new Error(`client/dist/${f} is missing: run "node esbuild.mjs" first`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Opens the view. `state`: what `getState()` returns at start (a reload). Returns helpers:
 * `posted(type?)` lists what the view sent; `send(msg)` delivers a host message;
 * `waitPosted(pred)`; `problems` collects page errors and CSP violations.
 */
async function openView(browser, { state, viewport = { width: 1200, height: 640 } } = {}) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    const t = m.text();
    if (m.type() === 'error' || /Content Security Policy|Refused to/.test(t)) problems.push(`console.${m.type()}: ${t}`);
  });
  await page.route(`${ORIGIN}/**`, (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/index.html') return route.fulfill({ status: 200, contentType: 'text/html', body: shell() });
    const m = /^\/dist\/(webview\.(?:js|css)(?:\.map)?)$/.exec(url.pathname);
    if (m) {
      const type = m[1].endsWith('.js') ? 'text/javascript' : m[1].endsWith('.css') ? 'text/css' : 'application/json';
      return route.fulfill({ status: 200, contentType: type, body: fs.readFileSync(path.join(DIST, m[1])) });
    }
    return route.fulfill({ status: 404, body: 'not found' });
  });
  await page.addInitScript(
    ({ theme, initialState }) => {
      window.__posted = [];
      window.__state = initialState === null ? undefined : initialState;
      window.acquireVsCodeApi = () => ({
        postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
        getState: () => window.__state,
        setState: (s) => (window.__state = JSON.parse(JSON.stringify(s))),
      });
      const apply = () => {
        for (const [k, v] of Object.entries(theme)) document.documentElement.style.setProperty(k, v);
        document.body.classList.add('vscode-dark');
      };
      if (document.body) apply();
      else document.addEventListener('DOMContentLoaded', apply);
    },
    { theme: THEME, initialState: state ?? null },
  );
  await page.goto(`${ORIGIN}/index.html`);
  const view = {
    page,
    problems,
    async posted(type) {
      const all = await page.evaluate(() => window.__posted);
      return type ? all.filter((m) => m.type === type) : all;
    },
    async send(message) {
      await page.evaluate((m) => window.postMessage(m, '*'), message);
    },
    async waitPosted(predicate, what = 'a message', timeoutMs = 5000) {
      const t0 = Date.now();
      for (;;) {
        const hit = (await view.posted()).find(predicate);
        if (hit) return hit;
        if (Date.now() - t0 > timeoutMs) throw new Error(`the view did not post ${what}; posted: ${JSON.stringify(await view.posted())}`);
        await page.waitForTimeout(25);
      }
    },
    state: () => page.evaluate(() => window.__state),
    close: () => context.close(),
  };
  return view;
}

module.exports = { launch, openView, ORIGIN };
