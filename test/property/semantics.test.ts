/**
 * Property-based tests of the semantics (fast-check, fixed seeds): random small workspaces as YAML
 * text through the real pipeline. On failure fast-check prints the seed, the path and the shrunk
 * counterexample; the assertion message holds the YAML of that case.
 *
 * - adding a policy never removes a connection on a side that was already isolated (and never
 *   changes a side it does not isolate);
 * - adding a one-direction policy that selects a pod not yet isolated in that direction never adds
 *   a connection in that direction (and never removes one where the pod was already isolated);
 * - reachability is unchanged by reordering documents, files, list items and keys;
 * - the listing, `explain` and the engine's two sides agree on every pair: the verdict is "egress
 *   side allows AND ingress side allows", on any port and on single ports.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  meetSides,
  type Analysis,
  type ConnectionSet,
  type Endpoint,
  type FileChange,
  type Protocol,
} from '../../server/src/core/index';
import {
  analyse,
  docs,
  policyDoc,
  policySpecArb,
  params,
  PROBE_IPS,
  show,
  toFiles,
  workspaceArb,
  type Json,
  type PolicySpec,
  type WorkspaceSpec,
} from './gen';

const subset = (x: ConnectionSet, y: ConnectionSet): boolean => x.intersect(y).equals(x);
const fmt = (s: ConnectionSet): string => (s.isEmpty ? 'none' : JSON.stringify(s.toConns()));

/** Workloads by id, and the probe IPs (resolved to the external range that holds them). */
function probes(a: Analysis): string[] {
  return [...a.engine.workloadEndpoints().map((e) => e.id), ...PROBE_IPS];
}

function ep(a: Analysis, id: string): Endpoint {
  const e = a.engine.endpoint(id);
  assert.ok(e, `endpoint ${id} resolves`);
  return e;
}

/** Adds one policy (named `extra`, so never a duplicate) to the file `fileIx` of the workspace. */
function withExtra(
  ws: WorkspaceSpec,
  extra: PolicySpec,
  fileIx: number,
): { before: FileChange[]; after: FileChange[] } {
  const before = toFiles(docs(ws));
  const after = before.map((f, i) =>
    i === fileIx % before.length ? { ...f, text: `${f.text}---\n${stringifyDoc(policyDoc(extra))}` } : f,
  );
  return { before, after };
}

function stringifyDoc(d: { [k: string]: Json }): string {
  return toFiles([d], 1)[0]?.text ?? '';
}

const ids = (ps: ReadonlyArray<{ id: string }>): string =>
  ps
    .map((p) => p.id)
    .sort()
    .join(',');

describe('properties of the semantics', () => {
  it('adding a policy never removes a connection a side already isolated allowed', () => {
    const arb = fc.tuple(
      workspaceArb,
      fc.record({ namespace: fc.constantFrom('a', 'b', 'c'), spec: policySpecArb() }),
      fc.nat(3),
    );
    fc.assert(
      fc.property(arb, ([ws, p, fileIx]) => {
        const { before, after } = withExtra(ws, { ...p, name: 'extra' }, fileIx);
        const a = analyse(before);
        const b = analyse(after);
        const where = (): string => `\nbefore:\n${show(before)}\nafter:\n${show(after)}`;
        for (const s of probes(a)) {
          for (const d of probes(a)) {
            const [sa, da, sb, db] = [ep(a, s), ep(a, d), ep(b, s), ep(b, d)];
            const egA = a.engine.egressSide(sa, da),
              egB = b.engine.egressSide(sb, db);
            const inA = a.engine.ingressSide(sa, da),
              inB = b.engine.ingressSide(sb, db);
            const pair = `${s} -> ${d}`;
            if (egA.isolating.length > 0)
              assert.ok(
                subset(egA.set, egB.set),
                `${pair}: egress side lost connections: ${fmt(egA.set)} → ${fmt(egB.set)}${where()}`,
              );
            if (ids(egA.isolating) === ids(egB.isolating))
              assert.ok(
                egA.set.equals(egB.set),
                `${pair}: egress side changed without a new isolating policy${where()}`,
              );
            if (inA.isolating.length > 0)
              assert.ok(
                subset(inA.set, inB.set),
                `${pair}: ingress side lost connections: ${fmt(inA.set)} → ${fmt(inB.set)}${where()}`,
              );
            if (ids(inA.isolating) === ids(inB.isolating))
              assert.ok(
                inA.set.equals(inB.set),
                `${pair}: ingress side changed without a new isolating policy${where()}`,
              );
            const egGrows = egA.isolating.length > 0 || ids(egA.isolating) === ids(egB.isolating);
            const inGrows = inA.isolating.length > 0 || ids(inA.isolating) === ids(inB.isolating);
            if (egGrows && inGrows) {
              const pa = a.engine.pair(sa, da).conns,
                pb = b.engine.pair(sb, db).conns;
              assert.ok(
                subset(pa, pb),
                `${pair}: the pair lost connections: ${fmt(pa)} → ${fmt(pb)}${where()}`,
              );
            }
          }
        }
      }),
      params(60, 1),
    );
  });

  it('adding a one-direction policy that selects a pod not yet isolated never adds a connection in that direction', () => {
    const arb = workspaceArb.chain((ws) =>
      fc
        .tuple(
          fc.constant(ws),
          fc.nat(ws.workloads.length - 1),
          fc.constantFrom<'Ingress' | 'Egress'>('Ingress', 'Egress'),
          fc.nat(3),
        )
        .chain(([w, ix, dir, fileIx]) => {
          const target = w.workloads[ix] ?? w.workloads[0]!;
          const entries = Object.entries(target.labels);
          const selects = fc
            .subarray(entries)
            .map((es): { [k: string]: Json } => (es.length ? { matchLabels: Object.fromEntries(es) } : {}));
          return fc.tuple(
            fc.constant(w),
            fc.constant(target),
            fc.constant(dir),
            policySpecArb([dir], selects),
            fc.constant(fileIx),
          );
        }),
    );
    fc.assert(
      fc.property(arb, ([ws, target, dir, spec, fileIx]) => {
        const { before, after } = withExtra(ws, { name: 'extra', namespace: target.namespace, spec }, fileIx);
        const a = analyse(before);
        const b = analyse(after);
        const where = (): string => `\nbefore:\n${show(before)}\nafter:\n${show(after)}`;
        const targetId = a.engine
          .workloadEndpoints()
          .find(
            (e) =>
              e.kind === 'workload' &&
              e.workload.name === target.name &&
              e.workload.namespace === target.namespace,
          )?.id;
        assert.ok(targetId, `the target ${target.namespace}/${target.name} is a workload${where()}`);
        for (const s of probes(a)) {
          for (const d of probes(a)) {
            const [sa, da, sb, db] = [ep(a, s), ep(a, d), ep(b, s), ep(b, d)];
            const sideA = dir === 'Egress' ? a.engine.egressSide(sa, da) : a.engine.ingressSide(sa, da);
            const sideB = dir === 'Egress' ? b.engine.egressSide(sb, db) : b.engine.ingressSide(sb, db);
            const otherA = dir === 'Egress' ? a.engine.ingressSide(sa, da) : a.engine.egressSide(sa, da);
            const otherB = dir === 'Egress' ? b.engine.ingressSide(sb, db) : b.engine.egressSide(sb, db);
            const pair = `${s} -> ${d} (${dir})`;
            if ((dir === 'Egress' ? s : d) === targetId) {
              assert.ok(
                sideB.isolating.some((p) => p.id === 'extra' || p.id.endsWith('/extra')),
                `${pair}: the new policy isolates the target: ${ids(sideB.isolating)}${where()}`,
              );
            }
            assert.ok(
              otherA.set.equals(otherB.set) && ids(otherA.isolating) === ids(otherB.isolating),
              `${pair}: the other direction changed${where()}`,
            );
            const pa = a.engine.pair(sa, da).conns,
              pb = b.engine.pair(sb, db).conns;
            if (sideA.isolating.length === 0) {
              assert.ok(
                subset(sideB.set, sideA.set),
                `${pair}: a side not isolated before gained: ${fmt(sideA.set)} → ${fmt(sideB.set)}${where()}`,
              );
              assert.ok(
                subset(pb, pa),
                `${pair}: the pair gained connections: ${fmt(pa)} → ${fmt(pb)}${where()}`,
              );
            } else {
              assert.ok(
                subset(pa, pb),
                `${pair}: the pair lost connections: ${fmt(pa)} → ${fmt(pb)}${where()}`,
              );
            }
          }
        }
      }),
      params(60, 2),
    );
  });

  it('reachability is unchanged by reordering documents, files, list items and keys', () => {
    const arb = fc.tuple(
      workspaceArb,
      fc.integer(),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 1, max: 3 }),
    );
    fc.assert(
      fc.property(arb, ([ws, seed, n1, n2]) => {
        const rnd = mulberry32(seed);
        const original = toFiles(docs(ws), n1);
        const shuffled = shuffle(
          toFiles(
            shuffle(
              docs(ws).map((d) => deepShuffle(d, rnd) as { [k: string]: Json }),
              rnd,
            ),
            n2,
          ),
          rnd,
        );
        const a = analyse(original),
          b = analyse(shuffled);
        const where = (): string => `\noriginal:\n${show(original)}\nreordered:\n${show(shuffled)}`;
        for (const externals of [true, 'per-direction'] as const) {
          assert.deepEqual(
            listing(b, externals),
            listing(a, externals),
            `the listing (externals: ${externals}) changed${where()}`,
          );
        }
        for (const s of probes(a)) {
          for (const d of probes(a)) {
            const x = a.explain(s, d),
              y = b.explain(s, d);
            assert.ok(x.ok && y.ok);
            assert.deepEqual(y.explanation.conns, x.explanation.conns, `explain ${s} ${d} changed${where()}`);
          }
        }
      }),
      params(60, 3),
    );
  });

  it('the listing, explain and the two sides agree on every pair, on any port and on single ports', () => {
    const PORTS: Array<{ port: number; protocol: Protocol }> = [
      { port: 80, protocol: 'TCP' },
      { port: 8080, protocol: 'TCP' },
      { port: 53, protocol: 'UDP' },
      { port: 443, protocol: 'SCTP' },
      { port: 481, protocol: 'TCP' },
    ];
    fc.assert(
      fc.property(workspaceArb, fc.nat(), (ws, pick) => {
        const files = toFiles(docs(ws));
        const a = analyse(files);
        const where = (): string => `\n${show(files)}`;
        const entries = new Map(a.reachability().entries.map((e) => [`${e.src.id} ${e.dst.id}`, e.conns]));
        const all = a.engine.endpoints();
        let listed = 0;
        for (const src of all) {
          for (const dst of all) {
            if (src.kind === 'external' && dst.kind === 'external') continue;
            const pair = `${src.id} -> ${dst.id}`;
            const eg = a.engine.egressSide(src, dst),
              ing = a.engine.ingressSide(src, dst);
            const both = meetSides(eg, ing);
            const x = a.explain(src.id, dst.id);
            assert.ok(x.ok, `explain ${pair}: ${x.ok ? '' : x.error}`);
            const e = x.explanation;
            if (src.id === dst.id) {
              assert.ok(e.allowed && e.self, `${pair}: self traffic is allowed${where()}`);
              continue;
            }
            const row = entries.get(`${src.id} ${dst.id}`);
            if (row) listed++;
            assert.equal(
              row !== undefined,
              !both.isEmpty,
              `${pair}: listed iff egress ∩ ingress is not empty (${fmt(both)})${where()}`,
            );
            if (row)
              assert.ok(
                row.equals(both),
                `${pair}: the listing says ${fmt(row)}, the sides ${fmt(both)}${where()}`,
              );
            assert.equal(e.allowed, !both.isEmpty, `${pair}: explain's verdict${where()}`);
            assert.deepEqual(
              e.conns,
              both.isEmpty ? 'none' : both.toConns(),
              `${pair}: explain's connections${where()}`,
            );
            assert.equal(e.egress.allowed, !eg.set.isEmpty, `${pair}: explain's egress side${where()}`);
            assert.equal(e.ingress.allowed, !ing.set.isEmpty, `${pair}: explain's ingress side${where()}`);
            assert.equal(e.egress.isolated, eg.isolating.length > 0, `${pair}: egress isolation${where()}`);
            assert.equal(
              e.ingress.isolated,
              ing.isolating.length > 0,
              `${pair}: ingress isolation${where()}`,
            );
            // two ports per pair (all five over the run): explain with a port is egress AND ingress on it
            for (const k of [0, 1]) {
              const port = PORTS[(pick + k + src.ix! * 3 + dst.ix!) % PORTS.length]!;
              const xp = a.explain(src.id, dst.id, port);
              assert.ok(xp.ok);
              const verdict = both.has(port.protocol, port.port);
              assert.equal(
                xp.explanation.allowed,
                verdict,
                `${pair} on ${port.protocol} ${port.port}: explain says ${xp.explanation.allowed}, egress AND ingress ${verdict}${where()}`,
              );
              assert.equal(
                xp.explanation.egress.allowed,
                eg.set.has(port.protocol, port.port),
                `${pair} on ${port.protocol} ${port.port}: egress side${where()}`,
              );
              assert.equal(
                xp.explanation.ingress.allowed,
                ing.set.has(port.protocol, port.port),
                `${pair} on ${port.protocol} ${port.port}: ingress side${where()}`,
              );
              assert.equal(
                row?.has(port.protocol, port.port) ?? false,
                verdict,
                `${pair} on ${port.protocol} ${port.port}: the listing${where()}`,
              );
            }
          }
        }
        assert.equal(
          listed,
          entries.size,
          `every listed pair is a pair of distinct endpoints, not both external${where()}`,
        );
      }),
      params(60, 4),
    );
  });

  it("every listing (externals per direction or none, a port, some namespaces, one source or destination) is the engine's pair on each pair it covers", () => {
    const arb = fc.tuple(
      workspaceArb,
      fc.nat(),
      fc.constantFrom<true | false | 'per-direction'>(true, false, 'per-direction'),
      fc.option(
        fc.constantFrom<{ port: number; protocol: Protocol }>(
          { port: 80, protocol: 'TCP' },
          { port: 8080, protocol: 'TCP' },
          { port: 53, protocol: 'UDP' },
        ),
        { nil: undefined },
      ),
      fc.option(fc.subarray(['a', 'b', 'c']), { nil: undefined }),
      fc.constantFrom('none', 'from', 'to'),
    );
    fc.assert(
      fc.property(arb, ([ws, pick, externals, port, namespaces, end]) => {
        const files = toFiles(docs(ws));
        const a = analyse(files);
        const e = a.engine;
        const inScope = (x: Endpoint): boolean =>
          !namespaces || x.kind !== 'workload' || namespaces.includes(x.workload.namespace);
        const workloads = e.workloadEndpoints().filter(inScope);
        let from: readonly Endpoint[] =
          externals === 'per-direction'
            ? [...workloads, ...e.directionalExternals('ingress')]
            : externals
              ? e.endpoints().filter(inScope)
              : workloads;
        let to: readonly Endpoint[] =
          externals === 'per-direction' ? [...workloads, ...e.directionalExternals('egress')] : from;
        const one =
          end === 'none'
            ? undefined
            : (end === 'from' ? from : to)[pick % Math.max(1, (end === 'from' ? from : to).length)]?.id;
        if (end === 'from') from = from.filter((x) => x.id === one);
        if (end === 'to') to = to.filter((x) => x.id === one);
        const want: string[] = [];
        for (const src of from) {
          for (const dst of to) {
            if (src.id === dst.id || (src.kind === 'external' && dst.kind === 'external')) continue;
            let conns = e.pair(src, dst).conns;
            if (port) conns = conns.restrict(port.protocol, port.port);
            if (!conns.isEmpty) want.push(`${src.id} -> ${dst.id}: ${JSON.stringify(conns.toConns())}`);
          }
        }
        const q = {
          externals,
          ...(port ? { port } : {}),
          ...(namespaces ? { namespaces: new Set(namespaces) } : {}),
          ...(end === 'from' && one ? { from: one } : {}),
          ...(end === 'to' && one ? { to: one } : {}),
        };
        if (end !== 'none' && !one) return;
        const got = a
          .reachability(q)
          .entries.map((x) => `${x.src.id} -> ${x.dst.id}: ${JSON.stringify(x.conns.toConns())}`);
        assert.deepEqual(
          [...got].sort(),
          want.sort(),
          `the listing ${JSON.stringify({ ...q, namespaces })} is not the pairs' egress ∩ ingress\n${show(files)}`,
        );
      }),
      params(80, 5),
    );
  });
});

// ---- reordering -----------------------------------------------------------------------------------

function listing(a: Analysis, externals: true | 'per-direction'): string[] {
  return a
    .reachability({ externals })
    .entries.map((e) => `${e.src.id} -> ${e.dst.id}: ${JSON.stringify(e.conns.toConns())}`)
    .sort();
}

function mulberry32(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(xs: readonly T[], rnd: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Every list and key order shuffled, but podIPs (podIPs[0] is the pod's primary IP, podIP). */
function deepShuffle(v: Json, rnd: () => number, key = ''): Json {
  if (Array.isArray(v)) {
    const items = v.map((x) => deepShuffle(x, rnd));
    return key === 'podIPs' ? items : shuffle(items, rnd);
  }
  if (v && typeof v === 'object') {
    return Object.fromEntries(shuffle(Object.entries(v), rnd).map(([k, x]) => [k, deepShuffle(x, rnd, k)]));
  }
  return v;
}
