/**
 * The reachability matrix's model without a browser (client/webview/matrix-model.ts): rows and
 * columns, cell verdicts and words, tooltips, focus dimming, the keyboard position and its moves,
 * activation, and the geometry sums. The drawn view is covered by test/webview in Chromium.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ConnsDto, EndpointDto } from '../../server/src/protocol/requests';
import {
  COL_W,
  FULL_RENDER_LIMIT,
  groupEndpoints,
  headerSizes,
  MatrixModel,
  navCommand,
  pageRows,
  pairKey,
  rangeLabel,
  rowHeaderLabel,
  ROW_H,
  visibleWindow,
  type MatrixData,
  type Viewport,
} from '../../client/webview/matrix-model';

const INTERNET = '0.0.0.0-255.255.255.255';
const W = {
  nginx1: 'layer1/nginx1[Deployment]',
  busybox1: 'layer1/busybox1[Deployment]',
  nginx2: 'layer2/nginx2[Deployment]',
  busybox2: 'layer2/busybox2[Deployment]',
};

function workload(ns: string, name: string, labels: Record<string, string> = { app: name }): EndpointDto {
  return {
    id: `${ns}/${name}[Deployment]`,
    kind: 'workload',
    namespace: ns,
    name,
    workloadKind: 'Deployment',
    labels,
  };
}

/** layer2 before layer1 on purpose (the model sorts); layer1 reaches everything, layer2 only nginx2 on TCP 80. */
function data(patch: Partial<MatrixData> = {}): MatrixData {
  const endpoints = [
    workload('layer2', 'nginx2'),
    workload('layer2', 'busybox2'),
    { id: INTERNET, kind: 'external' } as EndpointDto,
    workload('layer1', 'nginx1'),
    workload('layer1', 'busybox1'),
  ];
  const connections = new Map<string, ConnsDto>();
  for (const s of [W.nginx1, W.busybox1])
    for (const d of [W.nginx1, W.busybox1, W.nginx2, W.busybox2, INTERNET])
      if (s !== d) connections.set(pairKey(s, d), 'all');
  connections.set(pairKey(W.busybox2, W.nginx2), { TCP: [[80, 80]] });
  return {
    endpoints,
    connections,
    filter: undefined,
    search: '',
    collapsed: new Set(),
    focus: new Set(),
    ...patch,
  };
}

function model(patch: Partial<MatrixData> = {}): MatrixModel {
  const m = new MatrixModel();
  m.setData(data(patch));
  return m;
}

const keys = (m: MatrixModel): { rows: string[]; cols: string[] } => ({
  rows: m.rows.map((r) => r.key),
  cols: m.cols.map((c) => c.key),
});

function item(m: MatrixModel, key: string) {
  const c = m.cols[m.colAt(key) ?? -1];
  assert.ok(c, `no column ${key}`);
  return c;
}

describe('matrix model: rows and columns', () => {
  it('groups by namespace in name order, workloads by name, external ranges last, with a header row per namespace', () => {
    assert.deepEqual(keys(model()), {
      rows: [
        'header:layer1',
        W.busybox1,
        W.nginx1,
        'header:layer2',
        W.busybox2,
        W.nginx2,
        'header:(external)',
        INTERNET,
      ],
      cols: [W.busybox1, W.nginx1, W.busybox2, W.nginx2, INTERNET],
    });
  });

  it('puts domain names in columns only: they are destinations, never sources', () => {
    const RDS = 'db.example.com';
    const m = model({
      endpoints: [...data().endpoints, { id: RDS, kind: 'domain' }],
      connections: new Map([...data().connections, [pairKey(W.nginx1, RDS), { TCP: [[5432, 5432]] }]]),
    });
    const k = keys(m);
    assert.ok(k.cols.includes(RDS), k.cols.join(' '));
    assert.ok(!k.rows.includes(RDS) && !k.rows.some((r) => r.includes('domain')), k.rows.join(' '));
    assert.equal(m.cellVerdict(item(m, W.nginx1), item(m, RDS)).verdict, 'some');
    // collapsed, the group is one column and still no row
    const c = keys(
      model({
        endpoints: [...data().endpoints, { id: RDS, kind: 'domain' }],
        collapsed: new Set(['(domain names)']),
      }),
    );
    assert.ok(c.cols.includes('group:(domain names)'), c.cols.join(' '));
    assert.ok(!c.rows.some((r) => r.includes('domain')), c.rows.join(' '));
  });

  it('collapses a namespace to one aggregate row and column', () => {
    assert.deepEqual(keys(model({ collapsed: new Set(['layer1']) })), {
      rows: ['group:layer1', 'header:layer2', W.busybox2, W.nginx2, 'header:(external)', INTERNET],
      cols: ['group:layer1', W.busybox2, W.nginx2, INTERNET],
    });
  });

  it('searches names, namespaces and labels; every term must match; a namespace name keeps all its members', () => {
    assert.deepEqual(keys(model({ search: 'NGINX' })).cols, [W.nginx1, W.nginx2]);
    assert.deepEqual(keys(model({ search: 'app=busybox2' })).cols, [W.busybox2]);
    assert.deepEqual(keys(model({ search: 'nginx layer2' })).cols, [W.nginx2]);
    assert.deepEqual(keys(model({ search: 'layer1' })).cols, [W.busybox1, W.nginx1]);
    assert.equal(model({ search: 'nothing-like-this' }).rows.length, 0);
    assert.deepEqual(
      groupEndpoints([workload('b', 'x'), workload('a', 'y')], '').map((g) => g.key),
      ['a', 'b'],
    );
  });

  it('labels row headers for screen readers', () => {
    const m = model({ collapsed: new Set(['layer2']) });
    assert.deepEqual(m.rows.map(rowHeaderLabel).slice(0, 4), [
      'Namespace layer1, 2 endpoints, expanded',
      'Source layer1/busybox1[Deployment] (labels app=busybox1)',
      'Source layer1/nginx1[Deployment] (labels app=nginx1)',
      'Namespace layer2, 2 endpoints, collapsed',
    ]);
    assert.equal(rowHeaderLabel(m.rows[m.rows.length - 2]!), 'External IP ranges, 1 endpoint, expanded');
  });

  it('names exact IPv4 blocks as CIDRs and leaves other ranges alone', () => {
    assert.equal(rangeLabel(INTERNET), '0.0.0.0/0');
    assert.equal(rangeLabel('10.0.0.0-10.255.255.255'), '10.0.0.0/8');
    assert.equal(rangeLabel('10.0.0.1-10.0.0.1'), '10.0.0.1/32');
    assert.equal(rangeLabel('10.0.0.1-10.0.0.2'), '10.0.0.1-10.0.0.2');
    assert.equal(rangeLabel('fd00::-fd00::ff'), 'fd00::-fd00::ff');
  });
});

describe('matrix model: cells', () => {
  it('gives each pair its verdict, under the port filter too', () => {
    const m = model();
    assert.equal(m.verdictFor(W.busybox1, W.nginx2), 'all');
    assert.equal(m.verdictFor(W.busybox2, W.nginx2), 'some');
    assert.equal(m.verdictFor(W.busybox2, W.nginx1), 'none');
    assert.equal(m.verdictFor(W.nginx1, W.nginx1), 'self');
    const on80 = model({ filter: { port: 80, protocol: 'TCP' } });
    assert.equal(on80.verdictFor(W.busybox2, W.nginx2), 'all');
    const on53 = model({ filter: { port: 53, protocol: 'UDP' } });
    assert.equal(on53.verdictFor(W.busybox2, W.nginx2), 'none');
    assert.equal(on53.verdictFor(W.busybox1, W.nginx2), 'all');
  });

  it('counts the pairs behind an aggregate: all, some or none allowed, self pairs left out', () => {
    const m = model({ collapsed: new Set(['layer1', 'layer2']) });
    const l1 = item(m, 'group:layer1');
    const l2 = item(m, 'group:layer2');
    assert.deepEqual(m.cellVerdict(l1, l2), { verdict: 'all', allowed: 4, pairs: 4 });
    assert.deepEqual(m.cellVerdict(l1, l1), { verdict: 'all', allowed: 2, pairs: 2 });
    assert.deepEqual(m.cellVerdict(l2, l2), { verdict: 'some', allowed: 0, pairs: 2 });
    assert.deepEqual(m.cellVerdict(l2, l1), { verdict: 'none', allowed: 0, pairs: 4 });
    const one = model({ collapsed: new Set(['(external)']) });
    const ext = item(one, 'group:(external)');
    assert.deepEqual(one.cellVerdict(ext, ext), { verdict: 'self', allowed: 0, pairs: 0 });
  });

  it('says each cell in words, with the connections of a partial pair and the port filter', () => {
    const m = model();
    assert.equal(
      m.cellLabel(item(m, W.busybox2), item(m, W.nginx2)),
      'From layer2/busybox2[Deployment] to layer2/nginx2[Deployment]: allowed on some ports: TCP 80',
    );
    assert.equal(
      m.cellLabel(item(m, W.busybox2), item(m, W.nginx1)),
      'From layer2/busybox2[Deployment] to layer1/nginx1[Deployment]: denied',
    );
    const f = model({ filter: { port: 80, protocol: 'TCP' }, collapsed: new Set(['layer1']) });
    assert.equal(
      f.cellLabel(item(f, 'group:layer1'), item(f, W.nginx2)),
      'From layer1 (2) to layer2/nginx2[Deployment] on 80/TCP: 2 of 2 workload pairs allowed',
    );
  });

  it('dims the cells outside a policy focus and marks the active, selected and aggregate ones', () => {
    const m = model({ focus: new Set([W.nginx2]), collapsed: new Set(['layer1']) });
    const l1 = item(m, 'group:layer1');
    assert.equal(m.cellState(l1, item(m, W.busybox2)).dimmed, true);
    assert.equal(m.cellState(l1, item(m, W.nginx2)).dimmed, false);
    assert.equal(m.cellState(item(m, W.nginx2), l1).dimmed, false);
    assert.equal(m.cellState(l1, l1).aggregate, true);
    assert.equal(m.cellState(item(m, W.busybox2), item(m, W.nginx2)).aggregate, false);
    assert.equal(
      model().cellState(item(m, W.busybox2), item(m, W.nginx2)).dimmed,
      false,
      'no focus, nothing dimmed',
    );
    m.place(W.busybox2, W.nginx2);
    m.selected = { src: W.busybox2, dst: INTERNET };
    const active = m.cellState(item(m, W.busybox2), item(m, W.nginx2));
    assert.deepEqual([active.active, active.selected], [true, false]);
    const selected = m.cellState(item(m, W.busybox2), item(m, INTERNET));
    assert.deepEqual([selected.active, selected.selected], [false, true]);
  });

  it('writes the tooltip: the pair, the verdict, the connections or the pair counts, the filter', () => {
    const m = model();
    assert.deepEqual(m.tooltip(W.busybox2, W.nginx2), {
      from: `From ${W.busybox2}`,
      to: `To ${W.nginx2}`,
      verdict: 'some',
      detail: 'Connections: TCP 80',
    });
    assert.deepEqual(m.tooltip(W.busybox2, W.nginx1)?.detail, 'No connection allowed');
    assert.equal(m.tooltip(W.nginx1, W.nginx1)?.detail, undefined);
    assert.equal(m.tooltip('header:layer1', W.nginx1), undefined);
    const f = model({ filter: { port: 53, protocol: 'UDP' }, collapsed: new Set(['layer2']) });
    assert.deepEqual(f.tooltip(W.busybox1, 'group:layer2'), {
      from: `From ${W.busybox1}`,
      to: 'To layer2 (2)',
      verdict: 'all',
      detail: '2 of 2 workload pairs allowed',
      filter: 'Port filter: 53/UDP',
    });
  });
});

describe('matrix model: keyboard position', () => {
  it('maps keys to commands (Ctrl+Home/End go to the first and last rows)', () => {
    assert.equal(navCommand('ArrowDown', false), 'down');
    assert.equal(navCommand('Home', false), 'home');
    assert.equal(navCommand('Home', true), 'top');
    assert.equal(navCommand('End', true), 'bottom');
    assert.equal(navCommand(' ', false), 'activate');
    assert.equal(navCommand('Enter', false), 'activate');
    assert.equal(navCommand('a', false), undefined);
  });

  it('starts on the first cell, moves with arrows, Home goes to the row header, End to the last column', () => {
    const m = model();
    assert.equal(m.move('down', 1), undefined, 'no position yet');
    assert.equal(m.ensureActive(), true);
    assert.deepEqual(m.active, { row: W.busybox1, col: W.busybox1 });
    m.move('right', 1);
    assert.deepEqual(m.active, { row: W.busybox1, col: W.nginx1 });
    m.move('end', 1);
    assert.deepEqual(m.active, { row: W.busybox1, col: INTERNET });
    m.move('right', 1);
    assert.deepEqual(m.active, { row: W.busybox1, col: INTERNET }, 'stays on the last column');
    m.move('home', 1);
    assert.deepEqual(m.active, { row: W.busybox1, col: null });
    m.move('left', 1);
    assert.deepEqual(m.active, { row: W.busybox1, col: null });
    m.move('right', 1);
    assert.deepEqual(m.active, { row: W.busybox1, col: W.busybox1 });
    assert.equal(model({ search: 'nothing-like-this' }).ensureActive(), false);
  });

  it('passes over a namespace header row on its header and comes back to the same column', () => {
    const m = model();
    m.place(W.nginx1, W.nginx2);
    m.move('down', 1);
    assert.deepEqual(m.active, { row: 'header:layer2', col: null });
    assert.equal(m.move('right', 1), undefined, '→ does nothing on a namespace header row');
    m.move('down', 1);
    assert.deepEqual(m.active, { row: W.busybox2, col: W.nginx2 });
    m.move('up', 1);
    m.move('up', 1);
    assert.deepEqual(m.active, { row: W.nginx1, col: W.nginx2 });
  });

  it('pages, and goes to the first and last rows keeping the column', () => {
    const m = model();
    m.place(W.busybox1, W.busybox2);
    m.move('pageDown', 3);
    assert.deepEqual(m.active, { row: W.busybox2, col: W.busybox2 });
    m.move('pageDown', 30);
    assert.deepEqual(m.active, { row: INTERNET, col: W.busybox2 });
    m.move('pageUp', 2);
    assert.deepEqual(m.active, { row: W.nginx2, col: W.busybox2 });
    m.move('top', 1);
    assert.deepEqual(m.active, { row: 'header:layer1', col: null });
    m.move('bottom', 1);
    assert.deepEqual(m.active, { row: INTERNET, col: W.busybox2 });
  });

  it('keeps the position across new data when it still exists, falls back to the row header or drops it', () => {
    const m = model();
    m.place(W.busybox2, W.nginx1);
    m.setData(data({ search: 'layer' }));
    assert.deepEqual(m.active, { row: W.busybox2, col: W.nginx1 });
    m.setData(data({ search: 'layer2' }));
    assert.deepEqual(m.active, { row: W.busybox2, col: null });
    m.setData(data({ search: 'layer1' }));
    assert.equal(m.active, undefined);
    assert.equal(m.place(W.busybox2, W.nginx1), false, 'not shown');
  });

  it('activates: a namespace header toggles it, a cell is selected and explained, an endpoint header does nothing', () => {
    const m = model({ collapsed: new Set(['layer1']) });
    assert.deepEqual(m.activate('header:layer2', null), { kind: 'toggleGroup', group: 'layer2' });
    assert.deepEqual(m.activate('group:layer1', null), { kind: 'toggleGroup', group: 'layer1' });
    assert.equal(m.activate(W.busybox2, null), undefined);
    assert.equal(m.activate('header:layer2', W.nginx2), undefined);
    assert.equal(m.selected, undefined);
    const pair = m.activate(W.busybox2, W.nginx2);
    assert.ok(pair?.kind === 'explain' && pair.target.kind === 'pair');
    assert.deepEqual(
      [pair.target.src.id, pair.target.dst.id, pair.target.verdict],
      [W.busybox2, W.nginx2, 'some'],
    );
    assert.deepEqual(m.selected, { src: W.busybox2, dst: W.nginx2 });
    const agg = m.activate(W.busybox2, 'group:layer1');
    assert.ok(agg?.kind === 'explain' && agg.target.kind === 'aggregate');
    assert.deepEqual(
      [agg.target.srcLabel, agg.target.dstLabel, agg.target.destinations.map((d) => d.id)],
      [W.busybox2, 'layer1 (2)', [W.busybox1, W.nginx1]],
    );
  });
});

describe('matrix model: geometry', () => {
  const vp = (patch: Partial<Viewport> = {}): Viewport => ({
    scrollTop: 0,
    scrollLeft: 0,
    clientHeight: 400,
    clientWidth: 600,
    rowHeaderW: 200,
    colHeaderH: 90,
    ...patch,
  });

  it('renders everything up to the limit, and only the rows and columns in view (with a margin) beyond', () => {
    assert.deepEqual(visibleWindow(FULL_RENDER_LIMIT, 50, vp({ scrollTop: 2400 })), {
      r0: 0,
      r1: FULL_RENDER_LIMIT,
      c0: 0,
      c1: 50,
    });
    // (400 - 22 - 90) / 24 = 12 rows and (600 - 200) / 30 = 13.3 columns in view, 6 more each side
    assert.deepEqual(visibleWindow(1000, 1000, vp({ scrollTop: 100 * ROW_H, scrollLeft: 50 * COL_W })), {
      r0: 94,
      r1: 118,
      c0: 44,
      c1: 70,
    });
    assert.deepEqual(visibleWindow(1000, 300, vp({ scrollTop: 995 * ROW_H, scrollLeft: 0 })), {
      r0: 989,
      r1: 1000,
      c0: 0,
      c1: 20,
    });
  });

  it('scrolls just enough to reveal the keyboard position', () => {
    const m = new MatrixModel();
    const many = Array.from({ length: 60 }, (_, i) => workload('ns', `w${String(i).padStart(2, '0')}`));
    m.setData({ ...data(), endpoints: many });
    assert.deepEqual(
      m.revealScroll(vp({ scrollTop: 33, scrollLeft: 7 })),
      { top: 33, left: 7 },
      'no position: no scroll',
    );
    m.place('ns/w00[Deployment]', 'ns/w00[Deployment]');
    assert.deepEqual(
      m.revealScroll(vp({ scrollTop: 33, scrollLeft: 7 })),
      { top: 24, left: 0 },
      'up and left to it',
    );
    m.place('ns/w40[Deployment]', 'ns/w40[Deployment]');
    // row 41 (after the header) ends at 42 * 24 = 1008 px; 288 px of rows in view
    assert.deepEqual(m.revealScroll(vp()), { top: 1008 - 288, left: 41 * COL_W - 400 });
    m.moveTo(0, null);
    assert.deepEqual(
      m.revealScroll(vp({ scrollTop: 100, scrollLeft: 90 })),
      { top: 0, left: 90 },
      'a row header keeps the horizontal scroll',
    );
  });

  it('pages by the rows in view, at least one', () => {
    assert.equal(pageRows(400, 90), 11);
    assert.equal(pageRows(50, 90), 1);
  });

  it('sizes the headers to their labels within bounds', () => {
    const m = model({ collapsed: new Set(['layer2']) });
    const seen: Array<[string, boolean]> = [];
    const sizes = headerSizes(m.rows, m.cols, (text, bold) => {
      seen.push([text, bold]);
      return text.length * 10;
    });
    assert.ok(
      seen.some(([t, b]) => t === 'layer2' && b),
      'namespace names are measured bold',
    );
    assert.ok(
      seen.some(([t, b]) => t === 'layer2 (2)' && !b),
      'collapsed columns are measured with their count',
    );
    // widest row header: "External IP ranges" (bold, 180) + its count (10) + 64; tallest column: "layer2 (2)" (100) + 16
    assert.deepEqual(sizes, { rowHeaderW: 254, colHeaderH: 116 });
    assert.deepEqual(
      headerSizes(m.rows, m.cols, () => 1000),
      { rowHeaderW: 340, colHeaderH: 160 },
    );
    assert.deepEqual(
      headerSizes([], [], () => 0),
      { rowHeaderW: 160, colHeaderH: 40 },
    );
  });
});
