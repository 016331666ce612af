/**
 * service-port-instead-of-target-port: a rule allows a Service's `port` while the Service sends it
 * to a different `targetPort` on its pods. Policies see pod ports (after the Service's
 * translation), so the rule must allow the target port. Not reported when the pods also listen on
 * that number or the rule already allows the target port.
 * Fix "Replace with the target port …": the number (or the name, when the Service names it).
 */
import { defineCheck, defineCode, subjectPolicies, type Report } from './types';
import type { Protocol, ServicePort, ServiceResource } from '../model/types';
import type { Workload } from '../index/workspace-index';
import { normProtocol } from '../model/lower';
import { rulePorts } from '../semantics/compile';
import type { YamlOp } from '../model/finding';
import { policyName, serviceLabel } from '../semantics/names';
import { ruleDestinations, serviceTargetPort, workloadEndpoint } from '../semantics/queries';
import { portPath } from './support';

const meta = defineCode({
  code: 'service-port-instead-of-target-port',
  defaultSeverity: 'warning',
  scope: 'workspace',
  summary: "A rule allows a Service's port while its pods listen on a different targetPort.",
  fixes: {
    'replace-with-target-port': 'Replace with the target port …',
  },
});

export const servicePortInsteadOfTargetPort = defineCheck(meta, (ctx) => {
  const { index, engine } = ctx;
  const out: Report<typeof meta>[] = [];
  // the Services with a selector of a namespace, asked only for the namespaces of destinations
  const servicesByNs = {
    get: (ns: string): readonly ServiceResource[] =>
      index.servicesIn(ns).filter((svc) => svc.selector && Object.keys(svc.selector).length > 0),
  };
  for (const c of subjectPolicies(ctx)) {
    const p = c.policy;
    for (const dir of ['ingress', 'egress'] as const) {
      for (const r of c[dir]) {
        const numeric = (r.ports ?? []).filter((pe) => typeof pe.port?.value === 'number' && !pe.endPort);
        if (numeric.length === 0) continue;
        // a rule to anywhere also reaches pods outside the workspace: nothing to compare with
        if (dir === 'egress' && r.peers === 'all') continue;
        const dsts = ruleDestinations(engine, p, dir, r.ref.rule);
        for (const pe of numeric) {
          const port = pe.port?.value as number;
          const proto = pe.protocol === undefined ? 'TCP' : normProtocol(pe.protocol.value);
          if (!proto || !pe.port) continue;
          const hit = findMismatch(servicesByNs, dsts, port, proto, (w, t) =>
            rulePorts(r, workloadEndpoint(w)).has(proto, t),
          );
          if (!hit) continue;
          const { svc, sp, target, w } = hit;
          const tp = sp.targetPort?.value;
          const named = typeof tp === 'string';
          const newValue: number | string = named ? tp : target;
          const ops: YamlOp[] = [
            {
              op: 'replace',
              docIndex: p.doc.docIndex,
              path: [...portPath(p, dir, r.ref.rule, pe), 'port'],
              value: newValue,
            },
          ];
          out.push({
            uri: p.doc.uri,
            span: pe.port.span,
            message: `${policyName(p)} allows ${proto} ${port}, the port of ${serviceLabel(svc)}, but the Service forwards it to targetPort ${named ? `${tp} (${target})` : target} on ${w.id}. Policies apply to pod ports after the Service's translation, so this rule does not allow that traffic: allow ${target}${named ? ` (or the name ${tp})` : ''} instead.`,
            related: [
              {
                uri: svc.doc.uri,
                span: sp.targetPort?.span ?? sp.span,
                message: `${serviceLabel(svc)}: port ${port} → targetPort ${tp ?? port}`,
              },
            ],
            fixes: [
              {
                kind: 'replace-with-target-port',
                title: `Replace with the target port ${named ? `${tp} (${target})` : target}`,
                data: { ops },
              },
            ],
          });
        }
      }
    }
  }
  return out;
});

/** A destination that does not listen on `port` while a Service of its namespace maps `port` to another target port. */
function findMismatch(
  servicesByNs: { get(ns: string): readonly ServiceResource[] | undefined },
  dsts: readonly Workload[],
  port: number,
  proto: Protocol,
  alreadyAllowed: (w: Workload, target: number) => boolean,
): { svc: ServiceResource; sp: ServicePort; target: number; w: Workload } | undefined {
  for (const w of dsts) {
    if (w.ports.some((cp) => cp.port === port && cp.protocol === proto)) continue;
    for (const svc of servicesByNs.get(w.namespace) ?? []) {
      if (!Object.entries(svc.selector ?? {}).every(([k, v]) => w.labels[k] === v)) continue;
      for (const sp of svc.ports) {
        if (sp.port !== port || sp.protocol !== proto) continue;
        // no targetPort: the port itself, which is no mismatch
        const target = sp.targetPort ? serviceTargetPort(sp, w) : undefined;
        if (target === undefined || target === port || alreadyAllowed(w, target)) continue;
        return { svc, sp, target, w };
      }
    }
  }
  return undefined;
}
