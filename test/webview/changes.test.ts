// The reachability view's changes mode and cluster picker in headless Chromium: a fake host sends
// the seed matrix after the one edit that opens layer2 → layer1 (and closes one pair), with the
// `netpolLens/changes` answer against HEAD; the view marks the changed cells with a glyph and a
// theme colour, counts them in the toolbar, shows before and after in the explanation pane, and
// works by keyboard. Without a git base the mode is hidden. Writes test/webview/screenshot-changes.png.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { ChangeDto, ChangesResult, ReachabilityResult } from '../../server/src/protocol/requests';
import { launch, openView, ROOT, textOf, type View } from './page';
import { explain, seedModel, W } from './seed';

const cell = (src: string, dst: string): string => `.cell[data-row="${src}"][data-col="${dst}"]`;
const BASE = 'HEAD (1a2b3c4d)';

/** The seed after the edit: layer2 reaches layer1 on TCP 80; busybox1 → nginx3 was closed. */
function editedModel(): ReachabilityResult {
  const m = seedModel();
  for (const s of [W.nginx2, W.busybox2])
    for (const d of [W.nginx1, W.busybox1])
      m.connections.push({ src: s, dst: d, conns: { TCP: [[80, 80]] } });
  m.connections = m.connections.filter((c) => !(c.src === W.busybox1 && c.dst === W.nginx3));
  return m;
}

function change(src: string, dst: string, kind: 'opened' | 'closed'): ChangeDto {
  const conns = kind === 'opened' ? { TCP: [[80, 80]] as Array<[number, number]> } : 'all';
  const line =
    kind === 'opened'
      ? `opened: ${src} → ${dst} TCP 80 (by \`layer1/np-layer1\` ingress rule 2, np-layer1.yaml:19)`
      : `closed: ${src} → ${dst} all ports (allowed before by \`layer3/np-layer3\` ingress rule 1, np-layer3.yaml:13)`;
  return {
    src,
    dst,
    before: kind === 'opened' ? 'none' : 'all',
    after: kind === 'opened' ? conns : 'none',
    opened: kind === 'opened' ? conns : 'none',
    closed: kind === 'closed' ? 'all' : 'none',
    lines: [line],
    causes: [
      {
        text: kind === 'opened' ? 'np-layer1.yaml:19' : 'np-layer3.yaml:13',
        location: {
          uri: `file:///work/examples/${kind === 'opened' ? 'layer1/np-layer1' : 'layer3/np-layer3'}.yaml`,
          range: { start: { line: 18, character: 2 }, end: { line: 25, character: 20 } },
        },
      },
    ],
  };
}

function changes(): ChangesResult {
  return {
    available: true,
    base: BASE,
    changes: [
      change(W.busybox1, W.nginx3, 'closed'),
      change(W.busybox2, W.busybox1, 'opened'),
      change(W.busybox2, W.nginx1, 'opened'),
      change(W.nginx2, W.busybox1, 'opened'),
    ],
    counts: { opened: 3, closed: 1 },
    files: ['file:///work/examples/layer1/np-layer1.yaml'],
  };
}

async function ready(browser: Browser): Promise<View> {
  const view = await openView(browser);
  await view.waitPosted((m) => m.type === 'ready', '"ready"');
  return view;
}

describe('reachability view: changes mode', () => {
  let browser: Browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser.close();
  });

  it('without a git base the mode is hidden and no cell is marked', async () => {
    const view = await ready(browser);
    await view.send({
      type: 'model',
      model: editedModel(),
      port: 'any',
      changes: { available: false, reason: 'no workspace folder is inside a git repository' },
    });
    await view.page.waitForSelector('.cell');
    assert.equal(await view.page.isHidden('.mode-toggle'), true);
    assert.equal(await view.page.locator('.cell.changed').count(), 0);
    // an older host sends no changes at all: the same
    await view.send({ type: 'model', model: editedModel(), port: 'any' });
    assert.equal(await view.page.isHidden('.mode-toggle'), true);
    assert.deepEqual(view.problems, []);
    await view.close();
  });

  it('marks opened and closed cells with a glyph and a theme colour, and counts them', async () => {
    const view = await ready(browser);
    await view.send({ type: 'model', model: editedModel(), port: 'any', changes: changes(), mode: 'matrix' });
    await view.page.waitForSelector('.cell');
    // the toggle is there; in matrix mode nothing is marked
    assert.equal(await view.page.isVisible('.mode-toggle'), true);
    assert.equal(await view.page.getAttribute('.mode-toggle', 'aria-pressed'), 'false');
    assert.equal(await view.page.locator('.cell.changed').count(), 0);

    await view.page.click('.mode-toggle');
    await view.waitPosted((m) => m.type === 'setMode' && m.mode === 'changes', 'setMode changes');
    assert.equal(await view.page.getAttribute('.mode-toggle', 'aria-pressed'), 'true');
    assert.equal(await textOf(view.page, '.changes-count'), `3 opened, 1 closed against ${BASE}`);
    assert.equal(await view.page.locator('.cell.ch-opened').count(), 3);
    assert.equal(await view.page.locator('.cell.ch-closed').count(), 1);
    // not by colour alone: a glyph in the cell, words for screen readers
    assert.equal(await textOf(view.page, `${cell(W.busybox2, W.nginx1)} .change-mark`), '+');
    assert.equal(await textOf(view.page, `${cell(W.busybox1, W.nginx3)} .change-mark`), '−');
    assert.match(
      (await view.page.getAttribute(cell(W.busybox2, W.nginx1), 'aria-label')) ?? '',
      /opened since HEAD \(1a2b3c4d\): TCP 80/,
    );
    assert.match(
      (await view.page.getAttribute(cell(W.busybox1, W.nginx3), 'aria-label')) ?? '',
      /closed since HEAD \(1a2b3c4d\): all ports/,
    );
    // nginx2 → nginx1 changed too in the model's connections but is not in the changes: not marked
    assert.equal(await view.page.locator(`${cell(W.nginx2, W.nginx1)}.changed`).count(), 0);
    // the colour comes from the theme's git decoration variables
    const colours = await view.page.evaluate(
      ([o, c]) => [o, c].map((sel) => getComputedStyle(document.querySelector(`${sel} .change-mark`)!).color),
      [cell(W.busybox2, W.nginx1), cell(W.busybox1, W.nginx3)],
    );
    assert.notEqual(colours[0], colours[1]);
    // the state keeps the mode for a reload
    assert.equal((await view.state())?.mode, 'changes');
    // the pane lists the changes while nothing is selected
    assert.match(await textOf(view.page, '.explain'), /Changes against HEAD \(1a2b3c4d\)/);
    assert.match(
      await textOf(view.page, '.explain'),
      /closed: layer1\/busybox1\[Deployment\] → layer3\/nginx3/,
    );
    assert.deepEqual(view.problems, []);
    await view.close();
  });

  it('the explanation pane shows before and after for a changed cell; keys move between changes', async () => {
    const view = await ready(browser);
    await view.send({
      type: 'model',
      model: editedModel(),
      port: 'any',
      changes: changes(),
      mode: 'changes',
    });
    await view.page.waitForSelector('.cell.ch-opened');
    assert.equal(await view.page.getAttribute('.mode-toggle', 'aria-pressed'), 'true');
    // keyboard: into the grid, `n` goes to the first change (row order), Enter explains it
    await view.page.focus(cell(W.nginx1, W.busybox1));
    await view.page.keyboard.press('n');
    const active = await view.page.evaluate(() => (document.activeElement as HTMLElement).dataset);
    assert.deepEqual({ row: active.row, col: active.col }, { row: W.busybox1, col: W.nginx3 });
    await view.page.keyboard.press('n');
    const next = await view.page.evaluate(() => (document.activeElement as HTMLElement).dataset);
    assert.deepEqual({ row: next.row, col: next.col }, { row: W.busybox2, col: W.busybox1 });
    await view.page.keyboard.press('Shift+N');
    const back = await view.page.evaluate(() => (document.activeElement as HTMLElement).dataset);
    assert.deepEqual({ row: back.row, col: back.col }, { row: W.busybox1, col: W.nginx3 });
    await view.page.keyboard.press('n');
    await view.page.keyboard.press('Enter');
    const ask = await view.waitPosted((m) => m.type === 'explain', 'explain');
    assert.ok(ask.type === 'explain');
    await view.send({ type: 'explanation', requestId: ask.requestId, explanation: explain(ask) });
    await view.page.waitForSelector('.change-section');
    await view.page.screenshot({ path: path.join(ROOT, 'test/webview/screenshot-changes.png') });
    const text = await textOf(view.page, '.change-section');
    assert.match(text, /Before HEAD \(1a2b3c4d\): nothing/);
    assert.match(text, /Now: TCP 80/);
    assert.match(text, /opened: layer2\/busybox2\[Deployment\] → layer1\/busybox1\[Deployment\] TCP 80/);
    // its cause links open the rule
    await view.page.click('.change-section a.source-link');
    const open = await view.waitPosted((m) => m.type === 'open', 'open');
    assert.ok(open.type === 'open');
    assert.equal(open.location.uri, 'file:///work/examples/layer1/np-layer1.yaml');
    // the toggle by keyboard: Tab to it and Space
    await view.page.focus('.mode-toggle');
    await view.page.keyboard.press('Space');
    await view.waitPosted((m) => m.type === 'setMode' && m.mode === 'matrix', 'setMode matrix');
    assert.equal(await view.page.locator('.cell.changed').count(), 0);
    assert.deepEqual(view.problems, []);
    await view.close();
  });

  it('a port filter marks only the changes on that port', async () => {
    const view = await ready(browser);
    await view.send({
      type: 'model',
      model: editedModel(),
      port: 'any',
      changes: changes(),
      mode: 'changes',
    });
    await view.page.waitForSelector('.cell.ch-opened');
    await view.page.fill('#port', '53/UDP');
    await view.page.press('#port', 'Enter');
    await view.waitPosted((m) => m.type === 'setPort', 'setPort');
    // the opened TCP 80 is not on 53/UDP; the closed "all ports" is
    assert.equal(await view.page.locator('.cell.ch-opened').count(), 0);
    assert.equal(await view.page.locator('.cell.ch-closed').count(), 1);
    assert.equal(await textOf(view.page, '.changes-count'), `0 opened, 1 closed on 53/UDP against ${BASE}`);
    await view.close();
  });
});

describe('reachability view: cluster picker', () => {
  let browser: Browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser.close();
  });

  it('appears with several analysis roots and asks for the chosen one', async () => {
    const view = await ready(browser);
    await view.send({ type: 'model', model: seedModel(), port: 'any' });
    await view.page.waitForSelector('.cell');
    assert.equal(await view.page.isHidden('.root-picker'), true);
    const m = seedModel();
    m.roots = [
      { id: 'clusters/prod', name: 'cluster prod' },
      { id: 'clusters/staging', name: 'cluster staging' },
    ];
    m.root = 'clusters/prod';
    await view.send({ type: 'model', model: m, port: 'any' });
    assert.equal(await view.page.isVisible('.root-picker'), true);
    assert.equal(await view.page.inputValue('.root-picker select'), 'clusters/prod');
    assert.deepEqual(await view.page.$$eval('.root-picker option', (os) => os.map((o) => o.textContent)), [
      'cluster prod',
      'cluster staging',
    ]);
    await view.page.focus('.root-picker select');
    await view.page.selectOption('.root-picker select', 'clusters/staging');
    const set = await view.waitPosted((m) => m.type === 'setRoot', 'setRoot');
    assert.deepEqual(set, { type: 'setRoot', root: 'clusters/staging' });
    assert.equal((await view.state())?.root, 'clusters/staging');
    assert.deepEqual(view.problems, []);
    await view.close();
  });
});
