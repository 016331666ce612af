/**
 * The mechanical v1alpha1 → v1alpha2 rewrite of the netpol-analyzer ANP/BANP cases (issue 11):
 * AdminNetworkPolicy → ClusterNetworkPolicy `tier: Admin`, BaselineAdminNetworkPolicy → `tier:
 * Baseline`, `Allow` → `Accept`, `ports` → `protocols`. Their connectivity must come out unchanged.
 * Other documents are kept as written.
 */
import { parseAllDocuments, stringify } from 'yaml';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const proto = (p: unknown): string => (typeof p === 'string' ? p : 'TCP').toLowerCase();

function port(p: unknown): unknown {
  if (!isObj(p)) return p;
  if (typeof p.namedPort === 'string') return { destinationNamedPort: p.namedPort };
  const pn = p.portNumber;
  if (isObj(pn)) return { [proto(pn.protocol)]: { destinationPort: { number: pn.port } } };
  const pr = p.portRange;
  if (isObj(pr))
    return {
      [proto(pr.protocol)]: {
        destinationPort: { range: { start: pr.start, end: pr.end } },
      },
    };
  return p;
}

function rule(r: unknown): unknown {
  if (!isObj(r)) return r;
  const out: Obj = {};
  for (const [k, v] of Object.entries(r)) {
    if (k === 'action') out.action = v === 'Allow' ? 'Accept' : v;
    else if (k === 'ports') out.protocols = Array.isArray(v) ? v.map(port) : v;
    else out[k] = v;
  }
  return out;
}

export function toV1alpha2(text: string): string {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return text;
  const out: string[] = [];
  for (const d of docs) {
    const o: unknown = d.toJS();
    if (
      !isObj(o) ||
      o.apiVersion !== 'policy.networking.k8s.io/v1alpha1' ||
      (o.kind !== 'AdminNetworkPolicy' && o.kind !== 'BaselineAdminNetworkPolicy')
    ) {
      out.push(String(d));
      continue;
    }
    const baseline = o.kind === 'BaselineAdminNetworkPolicy';
    const spec = isObj(o.spec) ? o.spec : {};
    const meta = isObj(o.metadata) ? o.metadata : {};
    const next: Obj = {
      apiVersion: 'policy.networking.k8s.io/v1alpha2',
      kind: 'ClusterNetworkPolicy',
      metadata: { ...meta, name: `${baseline ? 'baseline-' : ''}${String(meta.name)}` },
      spec: {
        tier: baseline ? 'Baseline' : 'Admin',
        priority: baseline ? 0 : spec.priority,
        subject: spec.subject,
        ...(Array.isArray(spec.ingress) ? { ingress: spec.ingress.map(rule) } : {}),
        ...(Array.isArray(spec.egress) ? { egress: spec.egress.map(rule) } : {}),
      },
    };
    out.push(stringify(next));
  }
  return out.join('\n---\n');
}
