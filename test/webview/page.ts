// Loads the built reachability webview (client/dist/webview.{js,css}) in headless Chromium inside
// the same HTML shell and CSP the extension uses (client/src/reachability/html.ts, bundled here
// with esbuild), served from a fake webview origin. A fake `acquireVsCodeApi` records what the
// view posts and keeps its state; the test plays the extension host with `send()`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { HostToWebview, ViewState, WebviewToHost } from '../../server/src/protocol/webview';

/** The repository root (this file runs as out/test/webview/page.js). */
export const ROOT = path.resolve(__dirname, '..', '..', '..');
const DIST = path.join(ROOT, 'client', 'dist');
export const ORIGIN = 'https://webview.test';
/** Chromium and its flags: one home for both browser suites (test/chromium.json). */
const CHROMIUM_CONFIG = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'chromium.json'), 'utf8')) as {
  executable: string;
  args: string[];
};
const CHROMIUM = process.env.CHROMIUM_PATH || CHROMIUM_CONFIG.executable;

/** What the page's fake webview API keeps, as the tests read it back. */
declare global {
  interface Window {
    __posted: WebviewToHost[];
    __state: ViewState | undefined;
    __onPost(m: WebviewToHost): void;
    acquireVsCodeApi(): unknown;
  }
}

/** A VS Code "Dark Modern"-like palette: VS Code sets these on <html> through the CSSOM. */
const THEME: Record<string, string> = {
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
  '--vscode-gitDecoration-addedResourceForeground': '#81b88b',
  '--vscode-gitDecoration-deletedResourceForeground': '#c74e39',
  '--vscode-gitDecoration-modifiedResourceForeground': '#e2c08d',
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

type RenderHtml = (o: { cspSource: string; nonce: string; scriptUri: string; styleUri: string }) => string;
let renderHtml: RenderHtml | undefined;

/** Bundles a client source file with esbuild and loads it here, with `vscode` resolved to `vscode`. */
export function loadBundle<T>(entry: string, vscode?: unknown): T {
  const out = esbuild.buildSync({
    entryPoints: [path.join(ROOT, entry)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    logLevel: 'silent',
    external: ['vscode'],
  });
  const text = out.outputFiles[0]?.text ?? '';
  const m: { exports: Record<string, unknown> } = { exports: {} };
  // the bundle's own require calls: node built-ins (everything else is bundled) and vscode
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS loader's require, of ids known only at run time
  const req = (id: string): unknown => (id === 'vscode' ? vscode : require(id));
  const run = vm.compileFunction(text, ['module', 'exports', 'require'], {
    filename: path.join(ROOT, entry),
  }) as (
    module: { exports: Record<string, unknown> },
    exports: Record<string, unknown>,
    require: (id: string) => unknown,
  ) => void;
  run(m, m.exports, req);
  return m.exports as T;
}

function shell(): string {
  renderHtml ??= loadBundle<{ renderHtml: RenderHtml }>('client/src/reachability/html.ts').renderHtml;
  return renderHtml({
    cspSource: ORIGIN,
    nonce: 'testnonce0123456789',
    scriptUri: `${ORIGIN}/dist/webview.js`,
    styleUri: `${ORIGIN}/dist/webview.css`,
  });
}

export async function launch(): Promise<Browser> {
  for (const f of ['webview.js', 'webview.css']) {
    if (!fs.existsSync(path.join(DIST, f)))
      throw new Error(`client/dist/${f} is missing: run "node esbuild.mjs" first`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_CONFIG.args,
  });
}

export type Posted<T extends WebviewToHost['type']> = Extract<WebviewToHost, { type: T }>;

export interface View {
  page: Page;
  /** Page errors and CSP violations. */
  problems: string[];
  /** What the view sent, all or of one type. */
  posted(): Promise<WebviewToHost[]>;
  posted<T extends WebviewToHost['type']>(type: T): Promise<Array<Posted<T>>>;
  /** Delivers a host message and resolves once the view has handled it. */
  send(message: HostToWebview): Promise<void>;
  /** The first message (from index `since` on) that satisfies `predicate`; waits for it, event-driven. */
  waitPosted<M extends WebviewToHost>(
    predicate: (m: WebviewToHost) => m is M,
    what: string,
    options?: { since?: number; timeoutMs?: number },
  ): Promise<M>;
  waitPosted(
    predicate: (m: WebviewToHost) => boolean,
    what: string,
    options?: { since?: number; timeoutMs?: number },
  ): Promise<WebviewToHost>;
  /** What the view saved with `setState`. */
  state(): Promise<ViewState | undefined>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** What `getState()` returns at start (a reload). */
  state?: ViewState;
  viewport?: { width: number; height: number };
}

/** Opens the view in a fresh browser context. */
export async function openView(
  browser: Browser,
  { state, viewport = { width: 1200, height: 640 } }: OpenOptions = {},
): Promise<View> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    const t = m.text();
    if (m.type() === 'error' || /Content Security Policy|Refused to/.test(t))
      problems.push(`console.${m.type()}: ${t}`);
  });
  // Every post reaches the test at once through this binding: waits are event-driven, not polled.
  const posts: WebviewToHost[] = [];
  const listeners = new Set<() => void>();
  await page.exposeFunction('__onPost', (m: WebviewToHost) => {
    posts.push(m);
    for (const l of [...listeners]) l();
  });
  await page.route(`${ORIGIN}/**`, (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/index.html')
      return route.fulfill({ status: 200, contentType: 'text/html', body: shell() });
    const m = /^\/dist\/(webview\.(?:js|css)(?:\.map)?)$/.exec(url.pathname);
    const file = m?.[1];
    if (file) {
      const type = file.endsWith('.js')
        ? 'text/javascript'
        : file.endsWith('.css')
          ? 'text/css'
          : 'application/json';
      return route.fulfill({ status: 200, contentType: type, body: fs.readFileSync(path.join(DIST, file)) });
    }
    return route.fulfill({ status: 404, body: 'not found' });
  });
  await page.addInitScript(
    ({ theme, initialState }) => {
      window.__posted = [];
      window.__state = initialState === null ? undefined : initialState;
      window.acquireVsCodeApi = () => ({
        postMessage: (m: WebviewToHost) => {
          const copy = JSON.parse(JSON.stringify(m)) as WebviewToHost;
          window.__posted.push(copy);
          void window.__onPost(copy);
        },
        getState: () => window.__state,
        setState: (s: ViewState) => (window.__state = JSON.parse(JSON.stringify(s)) as ViewState),
      });
      const apply = (): void => {
        for (const [k, v] of Object.entries(theme)) document.documentElement.style.setProperty(k, v);
        document.body.classList.add('vscode-dark');
      };
      if (document.body) apply();
      else document.addEventListener('DOMContentLoaded', apply);
    },
    { theme: THEME, initialState: state ?? null },
  );
  await page.goto(`${ORIGIN}/index.html`);

  async function posted(type?: WebviewToHost['type']): Promise<WebviewToHost[]> {
    const all = await page.evaluate(() => window.__posted);
    return type ? all.filter((m) => m.type === type) : all;
  }

  const view: View = {
    page,
    problems,
    posted,
    async send(message) {
      // The view's own listener was added first, so ours runs once it has handled the message.
      await page.evaluate(
        (m) =>
          new Promise<void>((resolve) => {
            window.addEventListener('message', () => resolve(), { once: true });
            window.postMessage(m, '*');
          }),
        message,
      );
    },
    waitPosted(
      predicate: (m: WebviewToHost) => boolean,
      what: string,
      { since = 0, timeoutMs = 5000 } = {},
    ): Promise<WebviewToHost> {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const hit = posts.slice(since).find(predicate);
          if (!hit) return false;
          done();
          resolve(hit);
          return true;
        };
        const timer = setTimeout(() => {
          done();
          reject(
            new Error(
              `the view did not post ${what} within ${timeoutMs} ms; posted: ${JSON.stringify(posts.slice(since))}`,
            ),
          );
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    state: () => page.evaluate(() => window.__state),
    close: () => context.close(),
  };
  return view;
}

/** The class attribute of the element `selector` finds ('' without one). */
export async function classOf(page: Page, selector: string): Promise<string> {
  return (await page.getAttribute(selector, 'class')) ?? '';
}

/** The text of the element `selector` finds. */
export async function textOf(page: Page, selector: string): Promise<string> {
  return (await page.textContent(selector)) ?? '';
}
