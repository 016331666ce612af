/**
 * Checks of the classes of workloads (semantics/classes.ts) and of the matrix computed on them
 * (matrix.ts `ClassPairs`) against `PolicyEngine.pair`, pair by pair.
 */
import assert from 'node:assert/strict';
import type { Analysis } from '../../server/src/core/index';
import type { Endpoint } from '../../server/src/core/semantics/compile';
import type { ConnectionSet } from '../../server/src/core/semantics/port-set';
import type { RuleRef } from '../../server/src/core/semantics/rule-ref';
import { PROTOCOLS } from '../../server/src/core/model/types';
import { listedPair } from '../../server/src/core/semantics/matrix';

/** A connection set with the rules of every interval, as text (rules by identity). */
export function setText(c: ConnectionSet, ids: Map<RuleRef, number>): string {
  if (c.isEmpty) return '';
  const id = (r: RuleRef): number => {
    let n = ids.get(r);
    if (n === undefined) {
      n = ids.size;
      ids.set(r, n);
    }
    return n;
  };
  return PROTOCOLS.map(
    (p) =>
      `${p}:${c.byProto[p]
        .map(
          (i) =>
            `${i.lo}-${i.hi}(${i.refs
              .map(id)
              .sort((a, b) => a - b)
              .join(',')})`,
        )
        .join(' ')}`,
  ).join(' | ');
}

/**
 * Compares the class-based listings with pair-by-pair verdicts (rules included), and checks that
 * the members of one source class (destination class) are interchangeable as sources
 * (destinations); returns the number of pairs checked.
 */
export function assertClassesAgree(a: Analysis, label: string): number {
  const ids = new Map<RuleRef, number>();
  let n = 0;
  for (const externals of [true, 'per-direction'] as const) {
    for (const port of [undefined, { port: 53, protocol: 'UDP' as const }]) {
      const r = a.reachability({ externals, ...(port ? { port } : {}) });
      const listed = new Map(r.entries.map((e) => [`${e.src.id} ${e.dst.id}`, e.conns]));
      const srcs =
        externals === true
          ? a.engine.endpoints()
          : [...a.engine.workloadEndpoints(), ...a.engine.directionalExternals('ingress')];
      const dsts =
        externals === true
          ? a.engine.endpoints()
          : [
              ...a.engine.workloadEndpoints(),
              ...a.engine.directionalExternals('egress'),
              ...a.engine.domainEndpoints(),
            ];
      for (const s of srcs) {
        for (const d of dsts) {
          // a workload on one end at least; domain names as destinations only
          if (s.id === d.id || !listedPair(s, d)) continue;
          let c = a.engine.pair(s, d).conns;
          if (port) c = c.restrict(port.protocol, port.port);
          const got = listed.get(`${s.id} ${d.id}`);
          assert.equal(
            got ? setText(got, ids) : '',
            setText(c, ids),
            `${label}: ${s.id} → ${d.id}${port ? ' on 53/UDP' : ''} (externals ${String(externals)})`,
          );
          n++;
        }
      }
    }
  }
  // members of one source class are interchangeable as sources, towards every endpoint; members
  // of one destination class as destinations (so members of one class on either side)
  const eps = a.engine.endpoints();
  const endpointOf = new Map(eps.flatMap((e) => (e.kind === 'workload' ? [[e.workload, e] as const] : [])));
  const classes = a.engine.classes();
  for (const role of ['source', 'destination'] as const) {
    const reps = new Map<number, Endpoint>();
    for (const cls of classes.classes) {
      for (const w of cls.members) {
        const m = endpointOf.get(w);
        if (!m) continue;
        const rep = reps.get(cls[role]);
        if (!rep) {
          reps.set(cls[role], m);
          continue;
        }
        for (const e of eps) {
          if (e === rep || e === m) continue;
          if (role === 'source')
            assert.equal(
              setText(a.engine.pair(m, e).conns, ids),
              setText(a.engine.pair(rep, e).conns, ids),
              `${label}: ${m.id} → ${e.id} as ${rep.id} (one source class)`,
            );
          else
            assert.equal(
              setText(a.engine.pair(e, m).conns, ids),
              setText(a.engine.pair(e, rep).conns, ids),
              `${label}: ${e.id} → ${m.id} as ${rep.id} (one destination class)`,
            );
        }
      }
    }
  }
  return n;
}
