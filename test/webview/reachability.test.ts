// Browser-level tests of the reachability webview bundle alone: headless Chromium, the real HTML
// shell and CSP, a fake host speaking the typed protocol with data for the seed example.
//   npm run test:webview
// Writes test/webview/screenshot.png (the seed matrix with an explanation open).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { ReachabilityResult } from '../../server/src/protocol/requests';
import { classOf, launch, openView, ROOT, textOf, type OpenOptions, type Posted, type View } from './page';
import { bigModel, explain, seedModel, INTERNET, W } from './seed';

const SCREENSHOT = path.join(ROOT, 'test/webview/screenshot.png');

const cell = (src: string, dst: string): string => `.cell[data-row="${src}"][data-col="${dst}"]`;

interface SeededView extends View {
  /** Answers the explain requests posted so far, with the seed's explanations. */
  answerExplains(): Promise<void>;
}

/** Opens the view, completes the handshake with the seed model, and answers explain requests. */
async function seededView(
  browser: Browser,
  opts: OpenOptions & { model?: ReachabilityResult } = {},
): Promise<SeededView> {
  const view = await openView(browser, opts);
  await view.waitPosted((m) => m.type === 'ready', '"ready"');
  await view.send({ type: 'model', model: opts.model ?? seedModel(), port: 'any' });
  await view.page.waitForSelector('.cell');
  const answered = new Set<number>();
  const answerExplains = async (): Promise<void> => {
    for (const m of await view.posted('explain')) {
      if (answered.has(m.requestId)) continue;
      answered.add(m.requestId);
      await view.send({ type: 'explanation', requestId: m.requestId, explanation: explain(m) });
    }
  };
  return Object.assign(view, { answerExplains });
}

async function activeCell(
  page: Page,
): Promise<{ row: string | undefined; col: string | null; role: string | null } | null> {
  return page.evaluate(() => {
    const e = document.activeElement;
    return e instanceof HTMLElement
      ? { row: e.dataset.row, col: e.dataset.col ?? null, role: e.getAttribute('role') }
      : null;
  });
}

/** Waits until the view has saved `search` in its state (the search box is debounced). */
async function searchApplied(page: Page, search: string): Promise<void> {
  await page.waitForFunction((s) => window.__state?.search === s, search, { timeout: 5000 });
}

const isExplain = (m: { type: string }): m is Posted<'explain'> => m.type === 'explain';
const isOpen = (m: { type: string }): m is Posted<'open'> => m.type === 'open';

describe('reachability webview', () => {
  let browser: Browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  it('says ready first, then renders the seed matrix grouped by namespace', async () => {
    const view = await seededView(browser);
    const { page } = view;
    const first = (await view.posted())[0];
    assert.deepEqual(first, { type: 'ready' });
    const counts = await page.evaluate(() => ({
      groups: document.querySelectorAll('.row-group').length,
      endpointRows: document.querySelectorAll('.row-endpoint').length,
      cols: document.querySelectorAll('.col-header').length,
      cells: document.querySelectorAll('[role="gridcell"]').length,
      bands: [...document.querySelectorAll('.band')].map((b) => b.textContent),
      rowcount: document.querySelector('[role="grid"]')?.getAttribute('aria-rowcount'),
      colcount: document.querySelector('[role="grid"]')?.getAttribute('aria-colcount'),
      toolbar: document.querySelector('.counts')?.textContent,
    }));
    assert.deepEqual(counts, {
      groups: 4,
      endpointRows: 7,
      cols: 7,
      cells: 49,
      bands: ['▾ layer1', '▾ layer2', '▾ layer3', '▾ External IP ranges'],
      rowcount: '12',
      colcount: '8',
      toolbar: '3 policies · 6 workloads · 3 namespaces',
    });
    const cls = (s: string, d: string): Promise<string> => classOf(page, cell(s, d));
    assert.match(await cls(W.busybox1, W.nginx3), /v-all/);
    assert.match(await cls(W.busybox2, W.nginx1), /v-none/);
    assert.match(await cls(W.busybox3, W.nginx2), /v-none/);
    assert.match(await cls(W.nginx1, W.nginx1), /v-self/);
    // external ranges: the allow-all egress of layer1 reaches the internet, nothing comes in
    assert.match(await cls(W.busybox1, INTERNET), /v-all/);
    assert.match(await cls(W.busybox3, INTERNET), /v-none/);
    assert.match(await cls(INTERNET, W.nginx1), /v-none/);
    assert.equal(await page.textContent(`.col-header[data-col="${INTERNET}"]`), '0.0.0.0/0');
    // colour is never alone: every cell has a glyph and a label for screen readers
    assert.equal(await page.textContent(`${cell(W.busybox1, W.nginx3)} .glyph`), '●');
    assert.equal(await page.textContent(`${cell(W.busybox2, W.nginx1)} .glyph`), '✕');
    assert.equal(
      await page.getAttribute(cell(W.busybox2, W.nginx1), 'aria-label'),
      'From layer2/busybox2[Deployment] to layer1/nginx1[Deployment]: denied',
    );
    assert.deepEqual(view.problems, []);
    await view.close();
  });

  it('moves with the arrow keys and explains with Enter, with links to the policy lines', async () => {
    const view = await seededView(browser);
    const { page } = view;
    await page.focus('#search');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    // first endpoint row (layer1/busybox1), first column
    assert.deepEqual(await activeCell(page), { row: W.busybox1, col: W.busybox1, role: 'gridcell' });
    await page.keyboard.press('ArrowRight');
    assert.deepEqual(await activeCell(page), { row: W.busybox1, col: W.nginx1, role: 'gridcell' });
    await page.keyboard.press('End');
    assert.deepEqual(await activeCell(page), { row: W.busybox1, col: INTERNET, role: 'gridcell' });
    await page.keyboard.press('ArrowLeft');
    assert.deepEqual(await activeCell(page), { row: W.busybox1, col: W.nginx3, role: 'gridcell' });
    // down across layer2's namespace header row, keeping the column
    await page.keyboard.press('ArrowDown'); // layer1/nginx1
    await page.keyboard.press('ArrowDown'); // namespace layer2 header
    assert.deepEqual(await activeCell(page), { row: 'header:layer2', col: null, role: 'rowheader' });
    await page.keyboard.press('ArrowDown');
    assert.deepEqual(await activeCell(page), { row: W.busybox2, col: W.nginx3, role: 'gridcell' });
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowLeft');
    assert.deepEqual(await activeCell(page), { row: W.busybox2, col: W.nginx1, role: 'gridcell' });
    // the tooltip follows the keyboard
    assert.match(
      await textOf(page, '#matrix-tooltip'),
      /From layer2\/busybox2\[Deployment\]To layer1\/nginx1\[Deployment\]/,
    );

    await page.keyboard.press('Enter');
    const req = await view.waitPosted(isExplain, 'an explain request');
    assert.deepEqual(
      { src: req.src, dst: req.dst, port: req.port },
      { src: W.busybox2, dst: W.nginx1, port: undefined },
    );
    assert.match(await textOf(page, '.explain'), /Explaining/);
    await view.answerExplains();
    await page.waitForSelector('.explain .verdict');
    const text = await textOf(page, '.explain');
    assert.match(text, /Denied/);
    assert.match(text, /Isolated by layer1\/np-layer1/);
    assert.match(text, /No ingress rule of these policies allows it/);
    assert.match(text, /egress rule 1 of layer2\/np-layer2/);
    assert.equal(await page.getAttribute(cell(W.busybox2, W.nginx1), 'aria-selected'), 'true');

    // a link opens the policy at the rule's line
    await page.click('.explain a.source-link >> text=egress rule 1 of layer2/np-layer2');
    const open = await view.waitPosted(isOpen, 'an open request');
    assert.match(open.location.uri, /layer2\/np-layer2\.yaml$/);
    assert.equal(open.location.range.start.line, 18);
    assert.deepEqual(view.problems, []);
    await view.close();
  });

  it('pages with Page Down/Up, keeps the column across namespace headers, and works namespace headers and aggregates with Enter and Space', async () => {
    const view = await seededView(browser);
    const { page } = view;
    await page.focus('#search');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    assert.deepEqual(await activeCell(page), { row: W.busybox1, col: W.busybox1, role: 'gridcell' });
    // the whole seed fits on a page: Page Down goes to the last row, Page Up to the first (a namespace header)
    await page.keyboard.press('PageDown');
    assert.deepEqual(await activeCell(page), { row: INTERNET, col: W.busybox1, role: 'gridcell' });
    await page.keyboard.press('PageUp');
    assert.deepEqual(await activeCell(page), { row: 'header:layer1', col: null, role: 'rowheader' });
    await page.keyboard.press('ArrowDown');
    assert.deepEqual(
      await activeCell(page),
      { row: W.busybox1, col: W.busybox1, role: 'gridcell' },
      'the column comes back after the header row',
    );
    await page.keyboard.press('End');
    await page.keyboard.press('Home');
    assert.deepEqual(await activeCell(page), { row: W.busybox1, col: null, role: 'rowheader' });
    // Enter on an endpoint's row header does nothing; on a namespace header it collapses the namespace
    await page.keyboard.press('Enter');
    assert.deepEqual(await view.posted('explain'), []);
    await page.keyboard.press('Control+Home');
    assert.deepEqual(await activeCell(page), { row: 'header:layer1', col: null, role: 'rowheader' });
    await page.keyboard.press('Enter');
    await page.waitForSelector('.row[data-row="group:layer1"]');
    assert.deepEqual((await view.state())?.collapsed, ['layer1']);
    // the header is gone: the next key lands on the first cell, the aggregate; Space explains it
    await page.keyboard.press('ArrowDown');
    assert.deepEqual(await activeCell(page), { row: 'group:layer1', col: 'group:layer1', role: 'gridcell' });
    await page.keyboard.press(' ');
    assert.match(await textOf(page, '.explain'), /layer1 \(2\) → layer1 \(2\)/);
    assert.equal(await page.getAttribute(cell('group:layer1', 'group:layer1'), 'aria-selected'), 'true');
    assert.deepEqual(view.problems, []);
    await view.close();
  });

  it('filters by port and by search, collapses namespaces, and shows the connection set on hover', async () => {
    const model = seedModel();
    // give one pair a partial connection set (as after adding a port-restricted rule)
    model.connections = model.connections.map((c) =>
      c.src === W.busybox1 && c.dst === W.nginx2 ? { ...c, conns: { TCP: [[80, 80]], UDP: [[53, 53]] } } : c,
    );
    const view = await seededView(browser, { model });
    const { page } = view;
    assert.match(await classOf(page, cell(W.busybox1, W.nginx2)), /v-some/);
    await page.hover(cell(W.busybox1, W.nginx2));
    assert.match(await textOf(page, '#matrix-tooltip'), /Connections: TCP 80 · UDP 53/);
    assert.equal(await page.isVisible('#matrix-tooltip'), true);

    await page.fill('#port', '53/udp');
    await page.press('#port', 'Enter');
    assert.equal(await page.inputValue('#port'), '53/UDP');
    assert.match(await classOf(page, cell(W.busybox1, W.nginx2)), /v-all/);
    assert.match(await classOf(page, cell(W.busybox1, W.nginx3)), /v-all/);
    await view.waitPosted((m) => m.type === 'setPort' && m.port === '53/UDP', 'setPort');
    await page.fill('#port', '8080/TCP');
    await page.press('#port', 'Enter');
    assert.match(await classOf(page, cell(W.busybox1, W.nginx2)), /v-none/);
    await page.fill('#port', '99999');
    await page.press('#port', 'Enter');
    assert.equal(await page.getAttribute('#port', 'aria-invalid'), 'true');
    await page.fill('#port', 'any');
    await page.press('#port', 'Enter');
    assert.equal(await page.getAttribute('#port', 'aria-invalid'), null);

    await page.fill('#search', 'nginx');
    await page.waitForFunction(() => document.querySelectorAll('.row-endpoint').length === 3);
    assert.equal(await page.locator('.col-header').count(), 3);
    await page.fill('#search', 'app=busybox3');
    await page.waitForFunction(() => document.querySelectorAll('.row-endpoint').length === 1);
    await page.fill('#search', '');
    await page.waitForFunction(() => document.querySelectorAll('.row-endpoint').length === 7);

    // collapse layer1 (click its row header) and layer3 (its column band)
    await page.click('.row-header[data-group="layer1"]');
    await page.click('.band[data-group="layer3"]');
    const agg = await page.evaluate(() => ({
      rows: [...document.querySelectorAll<HTMLElement>('.row')].map((r) => r.dataset.row),
      cols: [...document.querySelectorAll<HTMLElement>('.col-header')].map((c) => c.dataset.col),
    }));
    assert.deepEqual(agg.rows, [
      'group:layer1',
      'header:layer2',
      W.busybox2,
      W.nginx2,
      'group:layer3',
      'header:(external)',
      INTERNET,
    ]);
    assert.deepEqual(agg.cols, ['group:layer1', W.busybox2, W.nginx2, 'group:layer3', INTERNET]);
    // layer1 → layer3: every pair allowed; layer2 → layer1: none
    assert.match(await classOf(page, cell('group:layer1', 'group:layer3')), /v-all/);
    assert.match(await classOf(page, cell(W.busybox2, 'group:layer1')), /v-none/);
    await page.click(cell('group:layer1', 'group:layer3'));
    assert.match(await textOf(page, '.explain'), /layer1 \(2\) → layer3 \(2\)/);
    assert.equal(await page.locator('.explain .pairs li').count(), 4);
    const state = await view.state();
    assert.deepEqual(state?.collapsed.sort(), ['layer1', 'layer3']);
    assert.deepEqual(view.problems, []);
    await view.close();
  });

  it('follows live updates without losing search, selection or scroll, and restores its state after a reload', async () => {
    const viewport = { width: 900, height: 280 };
    const view = await seededView(browser, { viewport });
    const { page } = view;
    await page.fill('#search', 'layer');
    await searchApplied(page, 'layer');
    await page.click(cell(W.busybox3, W.nginx1));
    await view.answerExplains();
    await page.waitForSelector('.explain .verdict');
    const scrolled = await page.evaluate(() => {
      const m = document.querySelector('.matrix');
      if (!m) return 0;
      m.scrollTop = 40;
      return m.scrollTop;
    });
    assert.ok(scrolled > 0, 'the matrix does not scroll at this size');
    await page.waitForFunction((top) => window.__state?.scrollTop === top, scrolled);

    // the user adds an egress rule for layer3 → layer1 nginx on TCP 80 (unsaved buffer)
    const model = seedModel();
    model.connections.push({ src: W.busybox3, dst: W.nginx1, conns: { TCP: [[80, 80]] } });
    const before = (await view.posted('explain')).length;
    await view.send({ type: 'busy', busy: true });
    assert.equal(await page.textContent('.busy'), 'Updating…');
    await view.send({ type: 'model', model, port: 'any' });
    await view.send({ type: 'busy', busy: false });
    assert.match(await classOf(page, cell(W.busybox3, W.nginx1)), /v-some/);
    assert.equal(await page.inputValue('#search'), 'layer');
    assert.equal(await page.getAttribute(cell(W.busybox3, W.nginx1), 'aria-selected'), 'true');
    assert.equal(await page.evaluate(() => document.querySelector('.matrix')?.scrollTop), scrolled);
    // the explanation on screen is asked again, for the new model
    assert.ok((await view.posted('explain')).length > before, 'no refreshed explain request');

    const state = await view.state();
    await view.close();
    assert.ok(state);
    assert.equal(state.search, 'layer');
    assert.deepEqual(state.selected, { src: W.busybox3, dst: W.nginx1 });

    // reload: the serializer hands the same state back
    const again = await seededView(browser, { state, viewport });
    assert.equal(await again.page.inputValue('#search'), 'layer');
    assert.equal(await again.page.getAttribute(cell(W.busybox3, W.nginx1), 'aria-selected'), 'true');
    assert.equal(await again.page.evaluate(() => document.querySelector('.matrix')?.scrollTop), scrolled);
    const req = await again.waitPosted(isExplain, 'the restored explain request');
    assert.deepEqual([req.src, req.dst], [W.busybox3, W.nginx1]);
    assert.deepEqual(again.problems, []);
    await again.close();
  });

  it('shows host-initiated explanations (Explain Connection command) and errors', async () => {
    const view = await seededView(browser);
    const { page } = view;
    await view.send({
      type: 'explanation',
      requestId: -1,
      explanation: explain({ src: W.busybox1, dst: W.nginx3, port: { port: 80, protocol: 'TCP' } }),
    });
    await page.waitForSelector('.explain .verdict');
    assert.match(await textOf(page, '.explain .verdict'), /Allowed on 80\/TCP/);
    assert.equal(await page.getAttribute(cell(W.busybox1, W.nginx3), 'aria-selected'), 'true');
    await view.send({ type: 'error', message: 'The language server did not answer: boom' });
    assert.equal(await page.isVisible('.banner'), true);
    assert.match(await textOf(page, '.banner'), /boom/);
    await view.close();
  });

  it('highlights the pods of a focused policy and clears the focus on request', async () => {
    const view = await seededView(browser);
    const { page } = view;
    const focusPolicy = {
      uri: 'file:///work/examples/layer3/np-layer3.yaml',
      name: 'np-layer3',
      namespace: 'layer3',
    };
    await view.send({
      type: 'model',
      model: { ...seedModel(), focus: [W.busybox3, W.nginx3] },
      port: 'any',
      focus: [W.busybox3, W.nginx3],
      focusPolicy,
    });
    await page.waitForSelector('.focus-chip:not([hidden])');
    assert.match(await textOf(page, '.focus-chip'), /Focus: policy layer3\/np-layer3/);
    assert.equal(await page.locator('.row-header.focused-ep').count(), 2);
    assert.equal(await page.locator('.col-header.focused-ep').count(), 2);
    assert.match(await classOf(page, cell(W.busybox1, W.nginx2)), /dimmed/);
    assert.doesNotMatch(await classOf(page, cell(W.busybox1, W.nginx3)), /dimmed/);
    assert.deepEqual((await view.state())?.focusPolicy, focusPolicy);
    await page.click('.chip-clear');
    await view.waitPosted((m) => m.type === 'clearFocus', 'clearFocus');
    assert.equal(await page.isVisible('.focus-chip'), false);
    assert.equal(await page.locator('.cell.dimmed').count(), 0);
    assert.equal((await view.state())?.focusPolicy, undefined);
    assert.deepEqual(view.problems, []);
    await view.close();
  });

  it('renders only the visible part of a large matrix and stays responsive', async () => {
    const model = bigModel(50, 20); // 1000 workloads, 1050 rows
    const view = await openView(browser);
    const { page } = view;
    await view.waitPosted((m) => m.type === 'ready', '"ready"');
    const t0 = Date.now();
    await view.send({ type: 'model', model, port: 'any' });
    await page.waitForSelector('.cell');
    const firstRender = Date.now() - t0;
    const stats = await page.evaluate(() => ({
      rows: document.querySelectorAll('.row').length,
      cells: document.querySelectorAll('[role="gridcell"]').length,
      rowcount: document.querySelector('[role="grid"]')?.getAttribute('aria-rowcount'),
    }));
    assert.equal(stats.rowcount, String(1050 + 1));
    assert.ok(stats.rows < 80, `rendered ${stats.rows} rows`);
    assert.ok(stats.cells < 4000, `rendered ${stats.cells} cells`);
    assert.ok(firstRender < 3000, `first render took ${firstRender} ms`);
    // Ctrl+End goes to the last row; its cells get rendered
    await page.focus('#search');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Control+End');
    const last = await activeCell(page);
    assert.equal(last?.row, 'team-49/svc-9[Deployment]');
    assert.ok(((await page.evaluate(() => document.querySelector('.matrix')?.scrollTop)) ?? 0) > 20000);
    assert.deepEqual(view.problems, []);
    await view.close();
  });

  it('looks right (screenshot)', async () => {
    const view = await seededView(browser, { viewport: { width: 1180, height: 560 } });
    const { page } = view;
    await page.click(cell(W.busybox1, W.nginx3));
    await view.answerExplains();
    await page.waitForSelector('.explain .verdict');
    await page.focus(cell(W.busybox2, W.nginx1));
    await page.hover(cell(W.busybox2, W.nginx1));
    await page.screenshot({ path: SCREENSHOT });
    assert.deepEqual(view.problems, []);
    await view.close();
  });
});
