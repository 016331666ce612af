// Browser-level tests of the big-workspace banner and namespace picker (ReachabilityResult.limited,
// the `setNamespaces` message): headless Chromium, the real HTML shell and CSP, a fake host.
//   npm run test:webview
// Writes test/webview/screenshot-limited.png (banner and open picker over a big workspace).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { ReachabilityResult } from '../../server/src/protocol/requests';
import type { FocusPolicy } from '../../server/src/protocol/webview';
import { launch, openView, ROOT, textOf, type OpenOptions, type Posted, type View } from './page';
import { limitedModel, seedModel, BIG_NAMESPACES } from './seed';

const SCREENSHOT = path.join(ROOT, 'test/webview/screenshot-limited.png');
const STATUS_FIRST =
  'Showing 3 of 5 namespaces (530 of 880 workloads) — this workspace is large. ' +
  'netpol-lens picked the first namespaces in name order that fit in 600 workloads.';

/** Opens the view and completes the handshake with `model`. */
async function viewWith(
  browser: Browser,
  model: ReachabilityResult,
  opts: OpenOptions & { focusPolicy?: FocusPolicy } = {},
): Promise<View> {
  const view = await openView(browser, opts);
  await view.waitPosted((m) => m.type === 'ready', '"ready"');
  await view.send({
    type: 'model',
    model,
    port: 'any',
    ...(opts.focusPolicy ? { focusPolicy: opts.focusPolicy } : {}),
  });
  await view.page.waitForSelector('.cell');
  return view;
}

/** The picker as the user sees it: every namespace with its count and checkbox, and the total. */
async function picker(page: Page): Promise<{
  open: boolean;
  expanded: string | null | undefined;
  items: string[];
  total: string | null | undefined;
  over: boolean | undefined;
}> {
  return page.evaluate(() => ({
    open: !document.querySelector<HTMLElement>('#ns-picker')?.hidden,
    expanded: document.querySelector('.limit-toggle')?.getAttribute('aria-expanded'),
    items: [...document.querySelectorAll<HTMLElement>('.ns-item')]
      .filter((li) => !li.hidden)
      .map(
        (li) =>
          `${li.querySelector<HTMLInputElement>('.ns-check')?.checked ? '☑' : '☐'} ${li.querySelector('.ns-name')?.textContent} ${li.querySelector('.ns-count')?.textContent}`,
      ),
    total: document.querySelector('.ns-total')?.textContent,
    over: document.querySelector('.ns-total')?.classList.contains('over'),
  }));
}

async function focused(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const e = document.activeElement;
    if (!(e instanceof HTMLElement)) return null;
    if (e.classList.contains('ns-check')) return `checkbox:${e.dataset.ns}`;
    return e.id || e.className;
  });
}

const setNamespacesPosts = (view: View): Promise<Array<Posted<'setNamespaces'>>> =>
  view.posted('setNamespaces');
const isSetNamespaces = (m: { type: string }): m is Posted<'setNamespaces'> => m.type === 'setNamespaces';

describe('reachability webview: big workspaces (namespace picker)', () => {
  let browser: Browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  it('shows a status banner with the counts and the reason, and a labelled picker with every namespace', async () => {
    const view = await viewWith(browser, limitedModel());
    const { page } = view;
    assert.equal(await page.isVisible('.limit'), true);
    assert.equal(await page.textContent('.limit-status'), STATUS_FIRST);
    assert.equal(await page.getAttribute('.limit-status', 'role'), 'status');
    // the banner sits between the toolbar and the matrix
    assert.deepEqual(
      await page.evaluate(() =>
        [...(document.querySelector('#app')?.children ?? [])].map((e) => e.className),
      ),
      ['toolbar', 'banner', 'limit', 'content'],
    );
    // the matrix shows the three namespaces' 530 workloads and the external range (4 group rows)
    assert.equal(await page.getAttribute('[role="grid"]', 'aria-rowcount'), String(4 + 530 + 1 + 1));
    // closed at first
    assert.equal(await page.isVisible('#ns-picker'), false);
    assert.equal(await page.getAttribute('.limit-toggle', 'aria-expanded'), 'false');
    assert.equal(await page.getAttribute('.limit-toggle', 'aria-controls'), 'ns-picker');
    await page.click('.limit-toggle');
    assert.deepEqual(await picker(page), {
      open: true,
      expanded: 'true',
      items: [
        '☑ api 180 workloads',
        '☑ billing 140 workloads',
        '☑ data 210 workloads',
        '☐ edge 90 workloads',
        '☐ web 260 workloads',
      ],
      total: '3 namespaces selected · 530 of 600 workloads',
      over: false,
    });
    // " workloads" is for screen readers only; the eye sees the number
    const unit = await page.locator('.ns-item[data-ns="api"] .ns-count .sr-only').boundingBox();
    assert.ok(unit && unit.width <= 1 && unit.height <= 1, JSON.stringify(unit));
    // ARIA: the picker is a group labelled by its heading; each checkbox is labelled by its row
    assert.equal(await page.getAttribute('#ns-picker', 'role'), 'group');
    const labelId = await page.getAttribute('#ns-picker', 'aria-labelledby');
    assert.equal(await page.textContent(`#${labelId}`), 'Namespaces to show');
    assert.equal(await page.getByRole('group', { name: 'Namespaces to show' }).count(), 1);
    assert.equal(await page.getByRole('checkbox', { name: 'edge 90 workloads' }).count(), 1);
    assert.equal(await page.getByRole('searchbox', { name: 'Filter' }).count(), 1);
    assert.equal(await page.getByRole('button', { name: 'Let netpol-lens choose' }).count(), 1);
    // no inline styles anywhere in the banner (the CSP forbids them), no CSP reports
    assert.equal(await page.locator('.limit [style]').count(), 0);
    assert.deepEqual(view.problems, []);
    await view.close();
  });

  it('is fully keyboard-usable: Tab into the list, arrows move, Space toggles, Enter applies exactly the selection', async () => {
    const view = await viewWith(browser, limitedModel());
    const { page } = view;
    await page.focus('.limit-toggle');
    await page.keyboard.press('Enter');
    assert.equal(await focused(page), 'ns-filter');
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'checkbox:api');
    await page.keyboard.press('Space'); // api off
    await page.keyboard.press('ArrowDown'); // billing
    await page.keyboard.press('ArrowDown'); // data
    await page.keyboard.press('ArrowDown'); // edge
    assert.equal(await focused(page), 'checkbox:edge');
    await page.keyboard.press('Space'); // edge on
    let p = await picker(page);
    assert.deepEqual(p.items, [
      '☐ api 180 workloads',
      '☑ billing 140 workloads',
      '☑ data 210 workloads',
      '☑ edge 90 workloads',
      '☐ web 260 workloads',
    ]);
    assert.equal(p.total, '3 namespaces selected · 440 of 600 workloads');
    // going over the limit warns but still allows it
    await page.keyboard.press('End'); // web
    await page.keyboard.press('Space');
    p = await picker(page);
    assert.equal(p.over, true);
    assert.equal(
      p.total,
      '⚠ 4 namespaces selected · 700 of 600 workloads — over the limit: the matrix may be slow to compute and to show',
    );
    assert.equal(await page.isDisabled('.ns-apply'), false);
    // the list is one tab stop: Tab leaves it for the buttons
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'button ns-apply');
    await page.keyboard.press('Shift+Tab');
    assert.equal(await focused(page), 'checkbox:web');
    assert.deepEqual(await setNamespacesPosts(view), []);
    await page.keyboard.press('Enter');
    const posted = await view.waitPosted(isSetNamespaces, 'setNamespaces');
    assert.deepEqual(posted, { type: 'setNamespaces', namespaces: ['billing', 'data', 'edge', 'web'] });
    assert.equal((await setNamespacesPosts(view)).length, 1);
    assert.deepEqual((await view.state())?.namespaces, ['billing', 'data', 'edge', 'web']);
    // applied: the picker closes and gives the focus back to its toggle
    assert.equal(await page.isVisible('#ns-picker'), false);
    assert.equal(await focused(page), 'button secondary limit-toggle');

    // the server answers with the requested namespaces
    await view.send({
      type: 'model',
      model: limitedModel({ shown: ['billing', 'data', 'edge', 'web'], reason: 'requested' }),
      port: 'any',
    });
    assert.equal(
      await page.textContent('.limit-status'),
      'Showing 4 of 5 namespaces (700 of 880 workloads) — this workspace is large. These are the namespaces you chose.',
    );
    assert.deepEqual(view.problems, []);
    await view.close();
  });

  it('filters the list, moves the tab stop to what is visible, and Escape clears the filter then closes', async () => {
    const view = await viewWith(browser, limitedModel());
    const { page } = view;
    await page.click('.limit-toggle');
    await page.fill('#ns-filter', 'E');
    assert.deepEqual((await picker(page)).items, ['☐ edge 90 workloads', '☐ web 260 workloads']);
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'checkbox:edge');
    await page.keyboard.press('ArrowUp'); // stays on the first visible one
    assert.equal(await focused(page), 'checkbox:edge');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Space');
    await page.fill('#ns-filter', 'zzz');
    assert.equal(await page.isVisible('.ns-nomatch'), true);
    await page.focus('#ns-filter');
    await page.keyboard.press('Escape');
    assert.equal(await page.inputValue('#ns-filter'), '');
    assert.equal(await page.isVisible('#ns-picker'), true);
    // the filter hid nothing of the selection: web is still selected
    assert.equal(
      (await picker(page)).total,
      '⚠ 4 namespaces selected · 790 of 600 workloads — over the limit: the matrix may be slow to compute and to show',
    );
    await page.keyboard.press('Escape');
    assert.equal(await page.isVisible('#ns-picker'), false);
    assert.equal(await focused(page), 'button secondary limit-toggle');
    // Clear empties the selection; Apply is then disabled and Enter sends nothing
    await page.keyboard.press('Enter');
    await page.click('.ns-clear');
    assert.equal((await picker(page)).total, 'No namespace selected');
    assert.equal(await page.isDisabled('.ns-apply'), true);
    await page.focus('#ns-filter');
    await page.keyboard.press('Enter');
    assert.deepEqual(await setNamespacesPosts(view), []);
    assert.deepEqual(view.problems, []);
    await view.close();
  });

  it('"Let netpol-lens choose" posts an empty list and forgets the chosen namespaces', async () => {
    const state = { port: 'any', search: '', collapsed: [], namespaces: ['billing', 'edge'] };
    const view = await viewWith(browser, limitedModel({ shown: ['billing', 'edge'], reason: 'requested' }), {
      state,
    });
    const { page } = view;
    await page.click('.limit-toggle');
    await page.getByRole('button', { name: 'Let netpol-lens choose' }).click();
    const posted = await view.waitPosted(isSetNamespaces, 'setNamespaces');
    assert.deepEqual(posted, { type: 'setNamespaces', namespaces: [] });
    assert.equal((await view.state())?.namespaces, undefined);
    assert.equal(await page.isVisible('#ns-picker'), false);
    // the server chooses again
    await view.send({ type: 'model', model: limitedModel(), port: 'any' });
    assert.equal(await page.textContent('.limit-status'), STATUS_FIRST);
    await page.click('.limit-toggle');
    assert.equal((await picker(page)).total, '3 namespaces selected · 530 of 600 workloads');
    assert.deepEqual(view.problems, []);
    await view.close();
  });

  it('shows no banner without `limited`, and hides it when a later model has none', async () => {
    const view = await viewWith(browser, seedModel());
    const { page } = view;
    assert.equal(await page.isVisible('.limit'), false);
    assert.equal(await page.locator('.limit-status').textContent(), '');
    assert.deepEqual(
      await page.evaluate(() => [...document.querySelectorAll('.band')].map((b) => b.textContent)),
      ['▾ layer1', '▾ layer2', '▾ layer3', '▾ External IP ranges'],
    );
    await view.send({ type: 'model', model: limitedModel(), port: 'any' });
    assert.equal(await page.isVisible('.limit'), true);
    await view.send({ type: 'model', model: seedModel(), port: 'any' });
    assert.equal(await page.isVisible('.limit'), false);
    assert.equal((await view.state())?.namespaces, undefined);
    assert.deepEqual(await setNamespacesPosts(view), []);
    assert.deepEqual(view.problems, []);
    await view.close();
  });

  it('keeps the open picker, its selection and the keyboard focus across live model updates', async () => {
    const view = await viewWith(browser, limitedModel());
    const { page } = view;
    await page.click('.limit-toggle');
    await page.focus('#ns-filter');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown'); // billing
    await page.keyboard.press('Space'); // billing off
    // an edit elsewhere: same namespaces, new counts
    const counts = BIG_NAMESPACES.map((n) => (n.name === 'api' ? { ...n, workloads: 181 } : n));
    await view.send({ type: 'model', model: limitedModel({ namespaces: counts }), port: 'any' });
    let p = await picker(page);
    assert.equal(p.open, true);
    assert.deepEqual(p.items, [
      '☑ api 181 workloads',
      '☐ billing 140 workloads',
      '☑ data 210 workloads',
      '☐ edge 90 workloads',
      '☐ web 260 workloads',
    ]);
    assert.equal(p.total, '2 namespaces selected · 391 of 600 workloads');
    assert.equal(await focused(page), 'checkbox:billing');
    // a namespace appears (the list is rebuilt): still open, same selection, same focus
    const more = [...counts, { name: 'cache', workloads: 12 }];
    await view.send({ type: 'model', model: limitedModel({ namespaces: more }), port: 'any' });
    p = await picker(page);
    assert.equal(p.open, true);
    assert.deepEqual(
      p.items.map((i) => i.slice(0, 9)),
      ['☑ api 181', '☐ billing', '☐ cache 1', '☑ data 21', '☐ edge 90', '☐ web 260'],
    );
    assert.equal(await focused(page), 'checkbox:billing');
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(page), 'checkbox:cache');
    assert.match(await textOf(page, '.limit-status'), /^Showing 3 of 6 namespaces \(531 of 893 workloads\)/);
    assert.deepEqual(await setNamespacesPosts(view), []);
    assert.deepEqual(view.problems, []);
    await view.close();
  });

  it('keeps the chosen namespaces in its state across a reload, and drops them for a new policy focus', async () => {
    const view = await viewWith(browser, limitedModel());
    const { page } = view;
    await page.click('.limit-toggle');
    await page.click('.ns-item[data-ns="api"] label');
    await page.click('.ns-item[data-ns="web"] label');
    await page.click('.ns-apply');
    await view.waitPosted(isSetNamespaces, 'setNamespaces');
    const requested = limitedModel({ shown: ['billing', 'data', 'web'], reason: 'requested' });
    await view.send({ type: 'model', model: requested, port: 'any' });
    const state = await view.state();
    await view.close();
    assert.ok(state);
    assert.deepEqual(state.namespaces, ['billing', 'data', 'web']);

    // reload: the serializer hands the same state back (the host sends it as params.namespaces)
    const again = await viewWith(browser, requested, { state });
    assert.deepEqual((await again.state())?.namespaces, ['billing', 'data', 'web']);
    await again.page.click('.limit-toggle');
    assert.deepEqual((await picker(again.page)).items, [
      '☐ api 180 workloads',
      '☑ billing 140 workloads',
      '☑ data 210 workloads',
      '☐ edge 90 workloads',
      '☑ web 260 workloads',
    ]);
    // a live update (same request) keeps them, in the state and in the (debounced) copy sent to the host
    const since = (await again.posted()).length;
    await again.send({ type: 'model', model: requested, port: 'any' });
    assert.deepEqual((await again.state())?.namespaces, ['billing', 'data', 'web']);
    const mirrored = await again.waitPosted(
      (m): m is Posted<'stateChanged'> => m.type === 'stateChanged',
      'the state after the update',
      { since },
    );
    assert.deepEqual(mirrored.state.namespaces, ['billing', 'data', 'web']);

    // the user opens the view on a policy (code lens): the host dropped the choice, so does the view
    const focusPolicy = { uri: 'file:///work/big/edge/np.yaml', name: 'np-edge', namespace: 'edge' };
    await again.send({
      type: 'model',
      model: limitedModel({ shown: ['edge'], reason: 'focus' }),
      port: 'any',
      focusPolicy,
    });
    assert.equal((await again.state())?.namespaces, undefined);
    assert.match(
      await textOf(again.page, '.limit-status'),
      /netpol-lens picked the focused policy’s namespace/,
    );
    assert.deepEqual(again.problems, []);
    await again.close();
  });

  it('looks right (screenshot of the banner and the open picker)', async () => {
    const view = await viewWith(browser, limitedModel(), { viewport: { width: 1180, height: 560 } });
    const { page } = view;
    await page.focus('.limit-toggle');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown'); // edge
    await page.keyboard.press('Space');
    await page.screenshot({ path: SCREENSHOT });
    // the matrix keeps room below the picker
    const box = await page.locator('.matrix').boundingBox();
    assert.ok(box && box.height > 150, `the matrix is ${box?.height}px high`);
    assert.deepEqual(view.problems, []);
    await view.close();
  });
});
