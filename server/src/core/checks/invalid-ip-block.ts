/**
 * invalid-ip-block: an `ipBlock` the API server rejects — no `cidr`, a `cidr` or `except` that is not
 * a CIDR (IPv4 or IPv6), an `except` of the other address family, or an `except` that is not
 * strictly inside `cidr` (its network inside the block and its prefix longer).
 */
import { defineCheck, defineCode, type Report } from './types';
import { formatCidr, parseCidr, parseIp, type ParsedCidr } from '../semantics/ip-set';
import { policyLabel } from '../semantics/names';
import { peersOf } from '../semantics/queries';
import { invalid, onePerNode } from './support';

const CODE = 'invalid-ip-block';

/** Why a string is not a CIDR, with a hint for the common slips. */
function cidrHint(s: string): string {
  if (s.trim() === '') return 'it is empty';
  if (!s.includes('/') && parseIp(s))
    return `it has no prefix length; write "${s.trim()}/${s.includes(':') ? 128 : 32}" for this one address`;
  return 'it is not an IPv4 or IPv6 CIDR such as 10.0.0.0/8 or 2001:db8::/32';
}

const meta = defineCode({
  code: CODE,
  defaultSeverity: 'error',
  scope: 'file',
  summary:
    'An ipBlock the API server rejects: missing or unparsable cidr, or an except that is unparsable, of the other address family, or not strictly inside cidr.',
});

export const invalidIpBlock = defineCheck(meta, ({ subjects }) => {
  const out: Report<typeof meta>[] = [];
  for (const p of subjects.policies) {
    const who = policyLabel(p);
    for (const { peer, path } of peersOf(p, 'all')) {
      const b = peer.ipBlock;
      if (!b) continue;
      const where = `${path}.ipBlock`;
      let cidr: ParsedCidr | undefined;
      if (!b.cidr) {
        out.push(
          invalid(
            p,
            b.keySpan,
            `${where} of ${who} has no cidr: add "cidr: <block>" (0.0.0.0/0 for every IPv4 address). The API server rejects the policy.`,
          ),
        );
      } else {
        cidr = parseCidr(b.cidr.value);
        if (!cidr)
          out.push(
            invalid(
              p,
              b.cidr.span,
              `Invalid cidr "${b.cidr.value}" in ${where} of ${who}: ${cidrHint(b.cidr.value)}. The API server rejects the policy.`,
            ),
          );
      }
      for (const e of b.except) {
        const ex = parseCidr(e.value);
        if (!ex) {
          out.push(
            invalid(
              p,
              e.span,
              `Invalid except "${e.value}" in ${where} of ${who}: ${cidrHint(e.value)}. The API server rejects the policy.`,
            ),
          );
          continue;
        }
        if (!cidr || !b.cidr) continue;
        if (ex.family !== cidr.family) {
          out.push(
            invalid(
              p,
              e.span,
              `except ${e.value} is an IPv${ex.family} block but cidr ${b.cidr.value} is IPv${cidr.family} (${where} of ${who}): an except must lie inside cidr. Move it to an ipBlock of its own family, or remove it. The API server rejects the policy.`,
            ),
          );
        } else if (ex.network < cidr.range.lo || ex.network > cidr.range.hi || ex.prefix <= cidr.prefix) {
          const equal = ex.network === cidr.network && ex.prefix === cidr.prefix;
          out.push(
            invalid(
              p,
              e.span,
              `except ${e.value} is not strictly inside cidr ${formatCidr(cidr)} (${where} of ${who})${equal ? ': it removes the whole block' : ''}. An except must be a smaller block inside cidr; fix or remove it. The API server rejects the policy.`,
            ),
          );
        }
      }
    }
  }
  return onePerNode(out);
});
