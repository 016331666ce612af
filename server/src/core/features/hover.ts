/**
 * Hovers (checks.md C) as markdown over the node under the cursor: what a policy selects and does,
 * what a peer selector matches, what a named port resolves to, the addresses of an ipBlock, the
 * effective policyTypes, and for a workload or Namespace the policies that select or match it.
 */
import type { NamespaceInfo, Workload } from '../index/workspace-index';
import type {
  Direction,
  IpBlock,
  LabelSelector,
  NetworkPolicyResource,
  Peer,
  PolicyRule,
  PortEntry,
} from '../model/types';
import { effectivePolicyTypes, ipBlockSet } from '../semantics/compile';
import { compileSelector } from '../model/selector';
import { formatIp, parseCidr, type Family } from '../semantics/ip-set';
import { isNullSelector, labelsText, policyName, ruleLabel } from '../semantics/names';
import {
  namespaceSelectorsMatching,
  peerNamespaces,
  knownNamespaces,
  nearestNamespaces,
  nearestNamespacesText,
  peerPods,
  peersMatching,
  portEntriesFor,
  ruleDestinations,
  selectedWorkloads,
} from '../semantics/queries';
import type { SourceRef, Span } from '../text/span';
import { bullets, groupDigits, indexingText, listText, noun, plural } from '../text/words';
import type { FeatureContext } from './context';
import {
  directionPhrase,
  HoverLinks,
  peerPhrase,
  policyTypesPhrase,
  rulePhrase,
  selectorPhrase,
} from './describe';
import { targetAt, workloadOf } from './lookup';
import { clusterPolicyAt, clusterPolicyHover } from './cluster-policy';

export interface CoreHover {
  /**
   * Markdown. A link is written `[text](link:N)`: its target is `links[N]`, which the adapter
   * turns into a link of its own (lsp/convert.ts: `file-uri#L<line>`).
   */
  readonly markdown: string;
  readonly links: readonly SourceRef[];
  /** The node the hover is about. */
  readonly span: Span;
}

/** A feature context with the links of the hover being written. */
type HoverContext = FeatureContext & { readonly links: HoverLinks };

export function hover(fctx: FeatureContext, uri: string, offset: number): CoreHover | undefined {
  const ctx: HoverContext = {
    index: fctx.index,
    settings: fctx.settings,
    links: new HoverLinks(),
    ...(fctx.indexing ? { indexing: fctx.indexing } : {}),
    get engine() {
      return fctx.engine; // not built for a hover that needs no workspace answer
    },
  };
  // a cluster-wide policy (features/cluster-policy.ts)
  const cp = clusterPolicyAt(ctx, uri, offset);
  if (cp) {
    const cl = clusterPolicyHover(ctx, cp.policy, cp.rule);
    return { markdown: cl.join('\n'), links: ctx.links.refs, span: cp.span };
  }
  const t = targetAt(ctx.index, uri, offset);
  if (!t) return undefined;
  let lines: string[] | undefined;
  switch (t.kind) {
    case 'policy':
      lines = policyHover(ctx, t.policy);
      break;
    case 'policyTypes':
      lines = policyTypesHover(t.policy);
      break;
    case 'ruleList':
      lines = ruleListHover(t.policy, t.direction);
      break;
    case 'rule':
      lines = ruleHover(t.policy, t.direction, t.rule);
      break;
    case 'peerSelector':
      lines = peerSelectorHover(ctx, t.policy, t.direction, t.rule, t.peer, t.which, t.selector);
      break;
    case 'ipBlock':
      lines = ipBlockHover(ctx, t.ipBlock);
      break;
    case 'port':
      lines = portHover(ctx, t.policy, t.direction, t.rule, t.entry);
      break;
    case 'namespaceRef':
      lines = namespaceHover(ctx, t.name);
      break;
    case 'namespace':
      lines = namespaceHover(ctx, t.resource.name.value);
      break;
    case 'workload': {
      const w = workloadOf(ctx.index, t.resource);
      lines = w ? workloadHover(ctx, w) : undefined;
      break;
    }
    case 'containerPort':
      lines = containerPortHover(ctx, t.resource.id, t.port.name, t.port.port, t.port.protocol);
      break;
    case 'service':
      lines = undefined;
      break;
  }
  return lines && lines.length
    ? { markdown: lines.join('\n'), links: ctx.links.refs, span: t.span }
    : undefined;
}

/**
 * While the workspace is being indexed: the line that stands in for an answer depending on other
 * files (`what` says which), instead of reading the partial index as the workspace.
 */
function pendingLine(ctx: HoverContext, what: string): string | undefined {
  const i = ctx.indexing;
  return i ? `${what}: known once the workspace is indexed (${indexingText(i.done, i.total)}).` : undefined;
}

// ---------- policies ----------

const DENY_WORDS =
  /\b(deny|denies|denied|denying|block|blocks|blocked|reject|rejects|forbid|forbids|forbidden|disallow|disallows|prevent|prevents|drop|drops)\b/i;

/** The text of a policy's document, comments above it included. */
function policyText(ctx: HoverContext, p: NetworkPolicyResource): string {
  const text = ctx.index.file(p.doc.uri)?.text ?? '';
  if (p.doc.path.length > 0) return text.slice(p.doc.span.start, p.doc.span.end);
  const before = text.slice(0, p.doc.span.start);
  const sepBefore = before.search(/(?:^|\n)---[^\n]*\n(?![\s\S]*\n---)/);
  const start = sepBefore < 0 ? 0 : sepBefore;
  const after = text.slice(p.doc.span.end);
  const sepAfter = after.search(/(?:^|\n)---/);
  return text.slice(start, sepAfter < 0 ? text.length : p.doc.span.end + sepAfter);
}

function comments(text: string): string {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /(?:^|\s)#(.*)$/.exec(line);
    if (m) out.push(m[1] ?? '');
  }
  return out.join('\n');
}

function suggestsDeny(ctx: HoverContext, p: NetworkPolicyResource): boolean {
  if (DENY_WORDS.test(p.name.value.replace(/[-_.]/g, ' '))) return true;
  if (DENY_WORDS.test(comments(policyText(ctx, p)))) return true;
  const t = effectivePolicyTypes(p);
  return (
    (t.ingress && (p.ingress?.rules.length ?? 0) === 0) || (t.egress && (p.egress?.rules.length ?? 0) === 0)
  );
}

export function policyHover(ctx: HoverContext, p: NetworkPolicyResource): string[] {
  const { index, engine } = ctx;
  const out = [`**${p.sourceKind ?? 'NetworkPolicy'}** \`${policyName(p)}\``, ''];
  const sel = p.podSelector;
  const selText =
    !sel && p.podSelectorNullKey
      ? 'podSelector null (no value): every pod of the namespace, as `{}`'
      : !sel
        ? 'spec.podSelector is missing (required by the API; treated as `{}`)'
        : isNullSelector(sel)
          ? 'podSelector with matchLabels null (no value): every pod of the namespace, as `{}`'
          : selectorPhrase(sel)
            ? `podSelector ${selectorPhrase(sel)}`
            : 'podSelector `{}`: every pod of the namespace';
  const pending = pendingLine(ctx, `The pods it selects (${selText})`);
  const pods = pending ? [] : selectedWorkloads(ctx.engine, p);
  if (pending) {
    out.push(pending);
  } else if (pods.length === 0) {
    const n = index.workloadsIn(p.namespace).length;
    out.push(
      `Selects no pods: none of the ${plural(n, 'workload')} of namespace ${p.namespace} in the workspace matches (${selText}).`,
    );
  } else {
    out.push(`Selects ${plural(pods.length, 'pod')} (workloads) of namespace ${p.namespace} (${selText}):`);
    out.push(...bullets(pods.map((w) => `${ctx.links.workload(w)} — ${w.kind}`)));
  }
  out.push('');
  out.push(`- ingress: ${directionPhrase(p, 'ingress')}`);
  out.push(`- egress: ${directionPhrase(p, 'egress')}`);
  out.push('');
  out.push(`policyTypes: ${policyTypesPhrase(p)}`);
  if (suggestsDeny(ctx, p)) {
    const others = new Map<string, NetworkPolicyResource>();
    for (const w of pods) {
      for (const c of engine.selecting(w)) if (c.policy !== p) others.set(c.id, c.policy);
    }
    out.push('');
    out.push(
      'Policies are additive: a policy can only isolate pods and allow traffic; it cannot deny what another policy selecting the same pods allows.' +
        (others.size
          ? ` Also selecting these pods: ${[...others.entries()]
              .sort((x, y) => (x[0] < y[0] ? -1 : 1))
              .map(([, o]) => ctx.links.policy(o))
              .join(', ')}.`
          : ''),
    );
  }
  return out;
}

function policyTypesHover(p: NetworkPolicyResource): string[] {
  const t = effectivePolicyTypes(p);
  const out = [`**Effective policyTypes**: ${policyTypesPhrase(p)}`, ''];
  if (t.defaulted) {
    out.push(
      'policyTypes is empty, so the API server defaults it: Ingress, plus Egress when spec.egress has at least one rule.',
    );
  }
  for (const item of p.policyTypes?.items ?? []) {
    if (item.value !== 'Ingress' && item.value !== 'Egress')
      out.push(`\`${item.value}\` is not a policy type (Ingress or Egress).`);
  }
  for (const dir of ['ingress', 'egress'] as const) {
    const n = p[dir]?.rules.length ?? 0;
    if (!t[dir] && n > 0)
      out.push(
        `The ${plural(n, `${dir} rule`)} ${n === 1 ? 'is' : 'are'} ignored: policyTypes lacks ${dir === 'ingress' ? 'Ingress' : 'Egress'}.`,
      );
  }
  out.push(`- ingress: ${directionPhrase(p, 'ingress')}`);
  out.push(`- egress: ${directionPhrase(p, 'egress')}`);
  return out;
}

function ruleListHover(p: NetworkPolicyResource, dir: Direction): string[] {
  return [`**${dir}** of \`${policyName(p)}\``, '', `${dir}: ${directionPhrase(p, dir)}`];
}

function ruleHover(p: NetworkPolicyResource, dir: Direction, rule: PolicyRule): string[] {
  const out = [
    `**${ruleLabel(dir, rule)}** of \`${policyName(p)}\``,
    '',
    `Allows ${dir} ${rulePhrase(rule, dir, p.namespace)}.`,
  ];
  if (!effectivePolicyTypes(p)[dir])
    out.push('', `Ignored: policyTypes lacks ${dir === 'ingress' ? 'Ingress' : 'Egress'}.`);
  return out;
}

// ---------- peers ----------

function peerSelectorHover(
  ctx: HoverContext,
  p: NetworkPolicyResource,
  dir: Direction,
  rule: PolicyRule,
  peer: Peer,
  which: 'pod' | 'namespace',
  sel: LabelSelector,
): string[] {
  const key = which === 'pod' ? 'podSelector' : 'namespaceSelector';
  const out = [`**${key}** in ${ctx.links.rule(p, dir, rule)}, peer ${peer.index + 1}`, ''];
  out.push(`The peer: ${peerPhrase(peer, p.namespace)}.`);
  const sm = compileSelector(sel);
  if (!sm.valid) out.push('', 'This selector is invalid: the API server rejects it, and it matches nothing.');
  if (peer.ipBlock) return out;
  // the checks ask the same questions (namespace- and pod-selector-matches-nothing)
  const pending = pendingLine(
    ctx,
    which === 'namespace' ? 'The namespaces and pods it matches' : 'The pods it matches',
  );
  if (which === 'namespace') out.push('', pending ?? namespacesLine(ctx, p, peer, sm.isEmpty));
  else if (!peer.namespaceSelector) {
    out.push(
      '',
      `A podSelector without namespaceSelector matches pods of the policy's own namespace, ${p.namespace}.`,
    );
  }
  if (pending) {
    if (which === 'pod') out.push('', pending);
  } else out.push('', ...podsLines(ctx, p, peer));
  const siblings = rule.peers?.filter((o) => o !== peer) ?? [];
  if (siblings.length > 0)
    out.push(
      '',
      `Peers of one rule are ORed: this rule also allows ${siblings.map((o) => peerPhrase(o, p.namespace)).join(' or ')}.`,
    );
  return out;
}

/** The namespaces a peer's namespaceSelector matches: those of the workspace, then the built-in ones. */
function namespacesLine(
  ctx: HoverContext,
  p: NetworkPolicyResource,
  peer: Peer,
  everyNamespace: boolean,
): string {
  const { index } = ctx;
  const all = index.namespaces.size;
  const matched = peerNamespaces(index, ctx.settings, p.namespace, peer);
  const inWorkspace = matched.filter((n) => index.namespaces.has(n.name)).map((n) => n.name);
  const builtin = matched.filter((n) => !index.namespaces.has(n.name)).map((n) => n.name);
  if (matched.length === 0) {
    const near = peer.namespaceSelector
      ? nearestNamespaces(peer.namespaceSelector, knownNamespaces(index, ctx.settings))
      : [];
    const guess =
      peer.namespaceSelector && near.length
        ? ` Did you mean ${nearestNamespacesText(peer.namespaceSelector, near)}?`
        : '';
    return `Matches none of the ${plural(all, 'namespace')} in the workspace (${[...index.namespaces.values()].map(nsLabelText).join('; ') || 'none'}).${guess}`;
  }
  const every = everyNamespace ? ' (`{}`: every namespace, present and future)' : '';
  const builtins = `${listText(builtin)}, which every cluster has`;
  if (builtin.length === 0)
    return `Matches ${plural(inWorkspace.length, 'namespace')} of ${all}${every}: ${inWorkspace.join(', ')}`;
  if (inWorkspace.length === 0)
    return `Matches ${builtins}${every}, and none of the ${plural(all, 'namespace')} in the workspace.`;
  return `Matches ${plural(inWorkspace.length, 'namespace')} of ${all}${every}: ${inWorkspace.join(', ')}; and ${builtins}`;
}

function podsLines(ctx: HoverContext, p: NetworkPolicyResource, peer: Peer): string[] {
  const found = peerPods(ctx.engine, ctx.settings, p.namespace, peer);
  switch (found.kind) {
    case 'workloads':
      return [
        `Matches ${plural(found.workloads.length, 'pod')} (workloads):`,
        ...bullets(found.workloads.map((w) => `${ctx.links.workload(w)} — ${w.kind}`)),
      ];
    case 'dns': {
      const { namespace, podLabels } = ctx.settings.dns;
      return [
        `Matches the cluster DNS pods (pods ${labelsText(podLabels)} in namespace ${namespace}, netpolLens.dns), which the workspace does not hold.`,
      ];
    }
    case 'elsewhere':
      return [
        `Matches no pods in the workspace, which holds no workloads of ${noun(found.namespaces.length, 'namespace')} ${listText(found.namespaces)}: ${found.namespaces.length === 1 ? 'its' : 'their'} pods are defined elsewhere.`,
      ];
    case 'no-namespace':
      return ['Matches no pods in the workspace.'];
    case 'none':
      return [
        `Matches no pods in the workspace${found.runTime ? `; but ${found.runTime}` : ''}.${found.nearest?.length ? ` ${found.nearest.join(' ')}` : ''}`,
      ];
  }
}

function nsLabelText(n: NamespaceInfo): string {
  return `${n.name}: ${labelsText(n.labels)}`;
}

// ---------- ipBlock ----------

function sizeText(family: Family, prefix: number): string {
  const n = (family === 4 ? 32 : 128) - prefix;
  return n > 48 ? `2^${n}` : groupDigits(1n << BigInt(n));
}

function ipBlockHover(ctx: HoverContext, ib: IpBlock): string[] {
  const cidr = ib.cidr?.value;
  const out = [`**ipBlock** \`${cidr ?? '(no cidr)'}\``, ''];
  const c = cidr === undefined ? undefined : parseCidr(cidr);
  if (!c) {
    out.push(
      cidr === undefined
        ? 'The ipBlock has no cidr: the API server rejects it.'
        : `\`${cidr}\` is not a valid CIDR: the API server rejects it, and it matches nothing.`,
    );
    return out;
  }
  out.push(`- first address: ${formatIp(c.family, c.range.lo)}`);
  out.push(`- last address: ${formatIp(c.family, c.range.hi)}`);
  out.push(`- size: ${sizeText(c.family, c.prefix)} addresses`);
  if (c.nonCanonical)
    out.push('', `Host bits are set: \`${cidr}\` means \`${formatIp(c.family, c.network)}/${c.prefix}\`.`);
  if (ib.except.length > 0) {
    out.push('', 'except:');
    for (const e of ib.except) {
      const ec = parseCidr(e.value);
      if (!ec) {
        out.push(`- \`${e.value}\`: not a valid CIDR`);
        continue;
      }
      const inside = ec.family === c.family && ec.range.lo >= c.range.lo && ec.range.hi <= c.range.hi;
      out.push(
        `- \`${e.value}\`: ${formatIp(ec.family, ec.range.lo)} – ${formatIp(ec.family, ec.range.hi)} (${sizeText(ec.family, ec.prefix)} addresses)${inside ? '' : ' — not inside the cidr'}`,
      );
    }
    const set = ipBlockSet(
      cidr,
      ib.except.map((e) => e.value),
    );
    if (set) {
      const total = set.ranges.reduce((s, r) => s + (r.hi - r.lo + 1n), 0n);
      const bits = total.toString(2).length - 1;
      const exact = total === 1n << BigInt(bits);
      out.push(
        '',
        `The block matches ${bits > 48 && exact ? `2^${bits}` : groupDigits(total)} addresses in ${plural(set.ranges.length, 'range')}.`,
      );
    }
  }
  const set = ipBlockSet(
    cidr,
    ib.except.map((e) => e.value),
  );
  const pods =
    set && !ctx.indexing ? ctx.index.workloads.filter((w) => w.ips.some((ip) => set.containsIp(ip))) : [];
  if (ctx.indexing) {
    out.push('', pendingLine(ctx, 'The known pod IPs it holds') ?? '');
  } else if (pods.length > 0) {
    out.push(
      '',
      `Holds the known pod IPs of ${pods.map((w) => ctx.links.workload(w)).join(', ')}; whether an ipBlock matches pod IPs is up to the network plugin.`,
    );
  }
  out.push(
    '',
    'ipBlocks are meant for cluster-external addresses. Traffic to a Service ClusterIP is matched after translation to pod IPs, so an ipBlock naming a ClusterIP never matches.',
  );
  return out;
}

// ---------- ports ----------

function portHover(
  ctx: HoverContext,
  p: NetworkPolicyResource,
  dir: Direction,
  rule: PolicyRule,
  entry: PortEntry,
): string[] | undefined {
  const port = entry.port?.value;
  if (port === undefined) return undefined;
  const proto = entry.protocol?.value ?? 'TCP';
  const pending = pendingLine(
    ctx,
    typeof port === 'number'
      ? 'The destination pods that declare it'
      : 'What it resolves to on each destination pod',
  );
  const dsts = pending ? [] : ruleDestinations(ctx.engine, p, dir, rule);
  const whose =
    dir === 'ingress'
      ? 'the pods this policy selects'
      : rule.peers && rule.peers.length > 0
        ? "the pods this rule's peers match"
        : 'every pod (the rule allows all destinations)';
  if (typeof port === 'number') {
    if (entry.endPort)
      return [
        `**Ports** ${proto} ${port}–${entry.endPort.value} (${plural(entry.endPort.value - port + 1, 'port')})`,
      ];
    const declaring = dsts.filter((w) => w.ports.some((cp) => cp.port === port && cp.protocol === proto));
    const out = [`**Port** ${proto} ${port}`, ''];
    if (pending) out.push(pending);
    else if (declaring.length)
      out.push(`Declared as a container port by ${declaring.map((w) => ctx.links.workload(w)).join(', ')}.`);
    return out;
  }
  const out = [`**Named port** \`${port}\` (${proto}), resolved on each destination pod (${whose}):`, ''];
  if (pending) {
    out.push(pending);
    return out;
  }
  if (dsts.length === 0) {
    out.push('No destination pods in the workspace.');
    return out;
  }
  const lines: string[] = [];
  let resolved = 0;
  const sorted = [
    ...dsts.filter((w) => hasPort(w, port, proto)),
    ...dsts.filter((w) => !hasPort(w, port, proto)),
  ];
  for (const w of sorted) {
    const nums = w.ports.filter((cp) => cp.name === port && cp.protocol === proto).map((cp) => cp.port);
    if (nums.length) {
      resolved++;
      lines.push(`${ctx.links.workload(w)}: ${nums.join(', ')}`);
    } else {
      const other = w.ports.find((cp) => cp.name === port);
      lines.push(
        `${ctx.links.workload(w)}: not declared${other ? ` for ${proto} (declared for ${other.protocol})` : ''}, so this entry allows nothing to it`,
      );
    }
  }
  out.push(...bullets(lines));
  if (resolved === 0)
    out.push(
      '',
      `No destination pod declares a ${proto} container port named \`${port}\`: this entry matches nothing.`,
    );
  return out;
}

function hasPort(w: Workload, name: string, proto: string): boolean {
  return w.ports.some((cp) => cp.name === name && cp.protocol === proto);
}

function containerPortHover(
  ctx: HoverContext,
  workloadId: string,
  name: string | undefined,
  port: number,
  proto: string,
): string[] | undefined {
  const w = ctx.index.workload(workloadId);
  if (!w) return undefined;
  const out = [`**Container port** ${name ? `\`${name}\` = ` : ''}${proto} ${port} of \`${w.id}\``];
  const pending = pendingLine(ctx, 'The rules that allow it');
  if (pending) return [...out, '', pending];
  // the rules find-references lists, once each
  const rules = new Set(portEntriesFor(ctx.engine, w, { name, port, protocol: proto }).map((x) => x.rule));
  const refs = [...rules].map((r) => ctx.links.rule(r.ref.policy, r.ref.direction, r.ref.rule));
  if (refs.length) out.push('', 'Allowed by:', ...bullets(refs));
  return out;
}

// ---------- workloads and namespaces ----------

function isolationLine(ctx: HoverContext, w: Workload, dir: Direction): string {
  const iso = ctx.engine.isolation(w)[dir];
  if (iso.length === 0) {
    return `${dir}: not isolated (no policy selecting it has ${dir === 'ingress' ? 'Ingress' : 'Egress'} in its policyTypes), so all ${dir} is allowed`;
  }
  const by = iso.map((c) => ctx.links.policy(c.policy)).join(', ');
  const rules = iso.reduce((n, c) => n + c[dir].length, 0);
  if (rules === 0)
    return `${dir}: isolated by ${by}, and no ${dir} rule allows anything: all ${dir} is denied`;
  return `${dir}: isolated by ${by}; only what their ${plural(rules, `${dir} rule`)} allow${rules === 1 ? 's' : ''} gets ${dir === 'ingress' ? 'in' : 'out'}`;
}

function workloadHover(ctx: HoverContext, w: Workload): string[] {
  const out = [`**${w.kind}** \`${w.id}\``, ''];
  out.push(`Pod labels: ${Object.keys(w.labels).length ? labelsText(w.labels) : '(none)'}`);
  out.push('');
  const pending = pendingLine(ctx, 'The policies that select it, isolate it and match it as a peer');
  if (pending) return [...out, pending];
  const engine = ctx.engine;
  const sel = engine.selecting(w);
  if (sel.length === 0) out.push(`No policy of namespace ${w.namespace} selects it.`);
  else out.push(`Selected by: ${sel.map((c) => ctx.links.policy(c.policy)).join(', ')}`);
  out.push('');
  out.push(`- ${isolationLine(ctx, w, 'ingress')}`);
  out.push(`- ${isolationLine(ctx, w, 'egress')}`);
  // the peers find-references lists, rule by rule
  const rules = new Set(peersMatching(engine, w).map((x) => x.rule));
  const peers = [...rules].map(
    ({ ref }) =>
      `${ctx.links.rule(ref.policy, ref.direction, ref.rule)} (${ref.direction === 'ingress' ? 'may send to the pods it selects' : 'its pods may send to this one'})`,
  );
  if (peers.length) out.push('', 'Matched as a peer by:', ...bullets(peers));
  if (w.hostNetwork)
    out.push('', 'Uses hostNetwork: whether policies apply to it is up to the network plugin.');
  return out;
}

function namespaceHover(ctx: HoverContext, name: string): string[] {
  const { index } = ctx;
  const info = index.namespaces.get(name);
  const labels = index.namespaceLabels(name);
  const out = [`**Namespace** \`${name}\``, ''];
  const pending = pendingLine(
    ctx,
    'Its labels, policies, workloads and the namespaceSelectors that match it',
  );
  if (pending) return [...out, pending];
  const engine = ctx.engine;
  const decl = info?.declared[0];
  out.push(
    decl
      ? `Declared in ${ctx.links.to(`${decl.doc.uri.slice(decl.doc.uri.lastIndexOf('/') + 1)}`, { uri: decl.doc.uri, span: decl.name.span })}.`
      : info?.runtime
        ? "Declared by the settings (netpolLens.namespaces, the CLI's --namespaces): it exists at run time, no manifest of the workspace declares it."
        : 'Not declared by a Namespace manifest in the workspace (implied by a metadata.namespace).',
  );
  out.push(`Labels: ${labelsText(labels)}`);
  const policies = index.policiesIn(name);
  out.push(
    '',
    policies.length
      ? `Policies in this namespace: ${policies.map((p) => ctx.links.policy(p)).join(', ')}`
      : 'No policy in this namespace.',
  );
  const matching = namespaceSelectorsMatching(engine, name).map(
    ({ policy, direction, rule, peer }) =>
      `${ctx.links.rule(policy.policy, direction, rule.ref.rule)}: ${peerPhrase(peer, policy.namespace)}`,
  );
  if (matching.length) out.push('', 'Matched by the namespaceSelectors of:', ...bullets(matching));
  const ws = index.workloadsIn(name);
  if (ws.length) {
    out.push('', `Workloads (${ws.length}):`);
    out.push(
      ...bullets(
        ws.map((w) => {
          const iso = engine.isolation(w);
          const part = (dir: Direction): string =>
            iso[dir].length
              ? `${dir} isolated (${iso[dir].map((c) => c.policy.name.value).join(', ')})`
              : `${dir} open`;
          return `${ctx.links.workload(w)}: ${part('ingress')}, ${part('egress')}`;
        }),
      ),
    );
  }
  return out;
}
