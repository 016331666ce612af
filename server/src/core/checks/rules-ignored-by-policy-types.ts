/**
 * rules-ignored-by-policy-types: `egress` (or `ingress`) rules while `policyTypes` is given and
 * lacks that type: Kubernetes ignores them. Fixes: add the type to policyTypes, or remove the rules.
 */
import { defineCheck, defineCode, type Report } from './types';
import type { Direction } from '../model/types';
import type { YamlOp } from '../model/finding';
import { policyName } from '../semantics/names';
import { plural } from '../text/words';
import { specPath } from './support';

const TYPE: Record<Direction, 'Ingress' | 'Egress'> = { ingress: 'Ingress', egress: 'Egress' };

const meta = defineCode({
  code: 'rules-ignored-by-policy-types',
  defaultSeverity: 'warning',
  scope: 'file',
  summary: 'Ingress or egress rules are ignored because policyTypes lacks that type.',
  fixes: {
    'add-policy-type': 'Add … to policyTypes',
    'remove-rules': 'Remove … rules',
  },
});

export const rulesIgnoredByPolicyTypes = defineCheck(meta, ({ subjects }) => {
  const out: Report<typeof meta>[] = [];
  for (const p of subjects.policies) {
    const types = p.policyTypes;
    if (!types || types.items.length === 0) continue;
    for (const dir of ['ingress', 'egress'] as const) {
      const list = p[dir];
      const t = TYPE[dir];
      if (!list || list.rules.length === 0 || types.items.some((i) => i.value === t)) continue;
      const n = list.rules.length;
      const add: YamlOp[] = [
        { op: 'append', docIndex: p.doc.docIndex, path: [...specPath(p), 'policyTypes'], item: t },
      ];
      const remove: YamlOp[] = [{ op: 'remove', docIndex: p.doc.docIndex, path: [...specPath(p), dir] }];
      out.push({
        uri: p.doc.uri,
        span: list.keySpan,
        message: `${policyName(p)} has ${plural(n, `${dir} rule`)} but its policyTypes (${types.items.map((i) => i.value).join(', ')}) lacks ${t}: Kubernetes ignores ${n === 1 ? 'it' : 'them'}${dir === 'egress' ? ' and egress stays unrestricted by this policy' : ' and ingress stays unrestricted by this policy'}. Add ${t} to policyTypes (which also isolates the pods for ${dir}), or remove the rules.`,
        fixes: [
          { kind: 'add-policy-type', title: `Add ${t} to policyTypes`, data: { ops: add } },
          { kind: 'remove-rules', title: `Remove ${dir} rules`, data: { ops: remove } },
        ],
      });
    }
  }
  return out;
});
