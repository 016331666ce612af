// The reachability webview is locked down (issue 10): data from manifests (label values, names,
// explanation lines) renders as text, never as markup, and every host message is checked against
// its type: malformed or unknown ones are dropped (and logged), the view keeps working.
//   npm run test:webview
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { HostToWebview } from '../../server/src/protocol/webview';
import { launch, openView, type View } from './page';
import { explain, seedModel, W } from './seed';

const XSS = '<img src=x onerror=alert(1)>';

describe('webview: manifest data is text, malformed messages are dropped', () => {
  let browser: Browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser.close();
  });

  async function hostileView(): Promise<{ view: View; dialogs: string[]; warnings: string[] }> {
    const view = await openView(browser);
    const dialogs: string[] = [];
    const warnings: string[] = [];
    view.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    view.page.on('console', (m) => {
      if (m.type() === 'warning') warnings.push(m.text());
    });
    await view.waitPosted((m) => m.type === 'ready', '"ready"');
    const model = seedModel();
    const ep = model.endpoints.find((e) => e.id === W.nginx1);
    assert.ok(ep);
    ep.labels = { ...ep.labels, app: XSS, [XSS]: 'key' };
    await view.send({ type: 'model', model, port: 'any' });
    await view.page.waitForSelector('.cell');
    return { view, dialogs, warnings };
  }

  it(`renders a label value like ${XSS} as text`, async () => {
    const { view, dialogs } = await hostileView();
    const page = view.page;
    // the label reaches the page only as text: in the row header's title and the search
    const titles = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('[title]')].map((e) => e.title),
    );
    assert.ok(
      titles.some((t) => t.includes(`app=<img src=x onerror=alert(1)>`)),
      `no title shows the label: ${titles.slice(0, 5).join(' | ')}`,
    );
    // searching by it finds the workload, and still makes no element of it
    await page.fill('#search', 'onerror');
    await page.waitForFunction(() => window.__state?.search === 'onerror', undefined, { timeout: 5000 });
    // an explanation whose lines hold the same text
    const x = explain({ src: W.nginx1, dst: W.nginx2 });
    x.summary = [...x.summary, `label app=${XSS}`];
    x.notes = [XSS];
    await view.send({ type: 'explanation', requestId: -1, explanation: x });
    await page.waitForFunction((t) => document.body.textContent?.includes(t) ?? false, XSS, {
      timeout: 5000,
    });
    assert.equal(
      await page.evaluate(() => document.querySelectorAll('img').length),
      0,
      'an <img> element was made',
    );
    assert.deepEqual(dialogs, [], 'a script ran');
    assert.deepEqual(view.problems, []);
    await view.close();
  });

  it('drops malformed and unknown messages, logs them, and keeps working', async () => {
    const { view, warnings } = await hostileView();
    const page = view.page;
    const cells = await page.evaluate(() => document.querySelectorAll('.cell').length);
    const junk: unknown[] = [
      null,
      'model',
      { type: 'nope' },
      { type: 'model' },
      { type: 'model', model: { version: 1, endpoints: 'x', connections: [] }, port: 'any' },
      {
        type: 'model',
        model: { ...seedModel(), endpoints: [{ id: 7, kind: 'workload' }] },
        port: 'any',
      },
      {
        type: 'model',
        model: { ...seedModel(), connections: [{ src: 'a', dst: 'b', conns: 'lots' }] },
        port: 'any',
      },
      { type: 'explanation', requestId: 1, explanation: { src: 'a' } },
      { type: 'error', message: { html: XSS } },
      { type: 'busy', busy: 'yes' },
    ];
    for (const m of junk) await view.send(m as HostToWebview);
    assert.equal(warnings.length, junk.length, warnings.join('\n'));
    assert.ok(
      warnings.every((w) => w.startsWith('netpol-lens: dropped ')),
      warnings.join('\n'),
    );
    // the matrix is as it was, and a valid message still works
    assert.equal(await page.evaluate(() => document.querySelectorAll('.cell').length), cells);
    assert.equal(await page.evaluate(() => document.querySelectorAll('img').length), 0);
    await view.send({ type: 'error', message: 'still here' });
    await page.waitForFunction(() => document.body.textContent?.includes('still here') ?? false, undefined, {
      timeout: 5000,
    });
    assert.deepEqual(view.problems, []);
    await view.close();
  });
});
