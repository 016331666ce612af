// The reachability webview with cluster-wide policies (headless Chromium, fake host): the
// explanation pane's trail through the tiers (a badge per tier, its words, a link to the rule,
// reachable by keyboard) and domain names as endpoints of their own.
//   npm run test:webview
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { ExplainResult, ReachabilityResult, SourceLocation } from '../../server/src/protocol/requests';
import { launch, openView, textOf, type Posted } from './page';

const loc = (line: number): SourceLocation => ({
  uri: 'file:///work/tiers/platform.yaml',
  range: { start: { line, character: 4 }, end: { line, character: 30 } },
});

const API = 'prod/api[Deployment]';
const DB = 'prod/db[Deployment]';
const RDS = 'db.example.com';

function model(): ReachabilityResult {
  const w = (name: string): ReachabilityResult['endpoints'][number] => ({
    id: `prod/${name}[Deployment]`,
    kind: 'workload',
    namespace: 'prod',
    name,
    workloadKind: 'Deployment',
    labels: { app: name },
    isolatedIngress: name === 'db',
    isolatedEgress: false,
  });
  return {
    version: 1,
    endpoints: [w('api'), w('db'), { id: RDS, kind: 'domain' }],
    connections: [
      { src: API, dst: DB, conns: { TCP: [[5432, 5432]] } },
      { src: API, dst: RDS, conns: { TCP: [[5432, 5432]] } },
      { src: DB, dst: API, conns: 'all' },
    ],
    counts: { policies: 1, workloads: 2, namespaces: 1, files: 2 },
  };
}

/** prod/api → prod/db: the egress side passed and allowed by default, the ingress side passed to np-db. */
function explanation(): ExplainResult {
  return {
    src: API,
    dst: DB,
    port: { port: 5432, protocol: 'TCP' },
    allowed: true,
    partial: false,
    conns: { TCP: [[5432, 5432]] },
    egress: {
      isolated: false,
      isolatingPolicies: [],
      allowingRules: [],
      allowed: true,
      conns: { TCP: [[5432, 5432]] },
      trail: [
        {
          tier: 'Admin',
          text: 'Admin tier: passed to the NetworkPolicy tier by cnp/platform-egress priority 10, egress rule pass-pod-traffic (TCP 5432)',
          location: loc(9),
        },
        {
          tier: 'NetworkPolicy',
          text: 'NetworkPolicy tier: no NetworkPolicy isolates it in this direction, so TCP 5432 goes on to the Baseline tier',
        },
        { tier: 'default', text: 'no tier decided TCP 5432: allowed by default' },
      ],
    },
    ingress: {
      isolated: true,
      isolatingPolicies: [{ policy: 'prod/np-db', location: loc(49) }],
      allowingRules: [{ policy: 'prod/np-db', direction: 'ingress', ruleIndex: 0, location: loc(54) }],
      allowed: true,
      conns: { TCP: [[5432, 5432]] },
      trail: [
        {
          tier: 'Admin',
          text: 'Admin tier: passed to the NetworkPolicy tier by cnp/delegate priority 20, ingress rule pass-team-traffic (TCP 5432)',
          location: loc(28),
        },
        {
          tier: 'NetworkPolicy',
          text: 'NetworkPolicy tier: isolated by prod/np-db; allowed (TCP 5432) by prod/np-db ingress rule 1',
        },
      ],
    },
    summary: [`${API} → ${DB} on TCP 5432: ALLOWED.`],
    notes: [],
  };
}

const isOpen = (m: { type: string }): m is Posted<'open'> => m.type === 'open';

describe('reachability webview: tiers and domain names', () => {
  let browser: Browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  it('shows each side’s trail through the tiers, with badges and rule links reachable by keyboard', async () => {
    const view = await openView(browser);
    const { page } = view;
    await view.waitPosted((m) => m.type === 'ready', '"ready"');
    await view.send({ type: 'model', model: model(), port: 'any' });
    await page.waitForSelector('.cell');
    await view.send({ type: 'explanation', requestId: -1, explanation: explanation() });
    await page.waitForSelector('.explain .trail');
    const steps = await page.$$eval('.explain .side', (sides) =>
      sides.map((s) =>
        [...s.querySelectorAll('.trail li')].map((li) => ({
          badge: li.querySelector('.tier-badge')?.textContent ?? '',
          text: li.textContent ?? '',
        })),
      ),
    );
    assert.deepEqual(
      steps.map((s) => s.map((x) => x.badge)),
      [
        ['Admin', 'NetworkPolicy', 'Default'],
        ['Admin', 'NetworkPolicy'],
      ],
    );
    // the badge says the tier: the words follow without repeating it
    assert.match(
      steps[1]?.[0]?.text ?? '',
      /^Admin passed to the NetworkPolicy tier by cnp\/delegate priority 20/,
    );
    assert.match(
      steps[1]?.[1]?.text ?? '',
      /isolated by prod\/np-db; allowed \(TCP 5432\) by prod\/np-db ingress rule 1/,
    );
    // a trail replaces the "not isolated" sentence, which would be wrong under the tiers
    assert.doesNotMatch(await textOf(page, '.explain'), /Not isolated for egress/);
    // the rule link is a real link: focus it by keyboard and open it with Enter
    const link = page.locator('.explain .trail a.source-link', { hasText: 'pass-team-traffic' });
    await link.focus();
    assert.equal(
      await page.evaluate(() => document.activeElement?.textContent ?? ''),
      await link.textContent(),
    );
    await page.keyboard.press('Enter');
    const open = await view.waitPosted(isOpen, 'an open request');
    assert.equal(open.location.range.start.line, 28);
    assert.match(
      await textOf(page, '.explain .tier-legend'),
      /Tiers, in evaluation order: Admin → NetworkPolicy → Baseline → Default/,
    );
    // the badges explain their tier on hover (title), for the legend
    assert.match(
      (await page.getAttribute('.trail .tier-badge.tier-Admin', 'title')) ?? '',
      /Accept and Deny are final, Pass hands on/,
    );
    assert.deepEqual(view.problems, []);
    await view.close();
  });

  it('groups domain names apart from the namespaces, as destinations', async () => {
    const view = await openView(browser);
    const { page } = view;
    await view.waitPosted((m) => m.type === 'ready', '"ready"');
    await view.send({ type: 'model', model: model(), port: 'any' });
    await page.waitForSelector('.cell');
    const bands = await page.$$eval('.band', (bs) => bs.map((b) => b.textContent ?? ''));
    assert.ok(
      bands.some((b) => /Domain names/.test(b)),
      bands.join(' | '),
    );
    const allowed = await page.getAttribute(`.cell[data-row="${API}"][data-col="${RDS}"]`, 'class');
    assert.match(allowed ?? '', /v-some|v-all/);
    assert.deepEqual(view.problems, []);
    await view.close();
  });
});
