/**
 * Editor features as core queries (hover, code lens, completion, definition, references, symbols),
 * data-driven over small in-memory workspaces. A cursor is written `<|>`: in a locator (a snippet of
 * a workspace file with the marker inside), or in the text of a file being edited.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Analysis, CoreCompletion, SourceRef } from '../../server/src/core/index';
import { analyseTexts, analyseTree, renderedHover } from '../support/load';

const CURSOR = '<|>';

const NS = `apiVersion: v1
kind: Namespace
metadata:
  name: web
  labels:
    team: a
---
apiVersion: v1
kind: Namespace
metadata:
  name: db
  labels:
    team: b
    tier: data
`;

const APPS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: frontend
  namespace: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
        tier: frontend
    spec:
      containers:
      - name: web
        image: nginx
        ports:
        - name: http
          containerPort: 8080
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: postgres
  namespace: db
spec:
  template:
    metadata:
      labels:
        app: pg
        enabled: "true"
    spec:
      containers:
      - name: pg
        image: postgres
        ports:
        - name: pg
          containerPort: 5432
        - name: metrics
          containerPort: 9187
---
apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: web
  labels:
    app: debug
spec:
  containers:
  - name: sh
    image: busybox
---
apiVersion: v1
kind: Service
metadata:
  name: frontend
  namespace: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: http
`;

const POL = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-web
  namespace: db
spec:
  podSelector:
    matchLabels:
      app: pg
  ingress:
  - from:
    - namespaceSelector:
        matchLabels:
          team: a
      podSelector:
        matchLabels:
          app: web
    ports:
    - port: pg
    - port: nope
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: lockdown
  namespace: web
spec:
  # deny all egress of the namespace
  podSelector: {}
  policyTypes:
  - Egress
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: frontend-out
  namespace: web
spec:
  podSelector:
    matchLabels:
      app: web
  policyTypes: [Egress]
  egress:
  - to:
    - ipBlock:
        cidr: 10.0.0.0/8
        except:
        - 10.1.0.0/16
    ports:
    - protocol: TCP
      port: 443
  - to:
    - podSelector:
        matchLabels:
          app: debug
    ports:
    - port: http
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: from-web
  namespace: web
spec:
  podSelector:
    matchLabels:
      app: debug
  ingress:
  - from:
    - podSelector:
        matchLabels:
          app: web
    ports:
    - port: 80
`;

const WS: Record<string, string> = { 'ns.yaml': NS, 'apps.yaml': APPS, 'pol.yaml': POL };
const uriOf = (name: string): string => `file:///ws/${name}`;

let wsCache: Analysis | undefined;
function ws(): Analysis {
  return (wsCache ??= analyseTexts(WS));
}

/** Offset of the `<|>` in a locator snippet that occurs once in the file. */
function locate(text: string, locator: string): number {
  const at = locator.indexOf(CURSOR);
  assert.ok(at >= 0, `locator without ${CURSOR}: ${locator}`);
  const needle = locator.replace(CURSOR, '');
  const i = text.indexOf(needle);
  assert.ok(i >= 0, `locator not found: ${JSON.stringify(needle)}`);
  assert.equal(text.indexOf(needle, i + 1), -1, `locator not unique: ${JSON.stringify(needle)}`);
  return i + at;
}

/** A file text with one `<|>`: the text without it, and the cursor's offset. */
function cursorText(withCursor: string): { text: string; offset: number } {
  const offset = withCursor.indexOf(CURSOR);
  assert.ok(offset >= 0, 'fixture without cursor');
  return { text: withCursor.replace(CURSOR, ''), offset };
}

function refTexts(a: Analysis, refs: readonly SourceRef[]): string[] {
  return refs.map((r) => {
    const t = a.index.file(r.uri)?.text ?? '';
    return `${r.uri.slice(r.uri.lastIndexOf('/') + 1)}: ${t.slice(r.span.start, r.span.end).trim()}`;
  });
}

// ---------- hover ----------

interface HoverCase {
  readonly name: string;
  readonly file: string;
  readonly at: string;
  readonly has?: readonly string[];
  readonly lacks?: readonly string[];
  /** The hovered node's text. */
  readonly span?: string;
  readonly none?: true;
}

const HOVERS: readonly HoverCase[] = [
  {
    name: 'spec.podSelector: selected pods with links, one sentence per direction, defaulted policyTypes',
    file: 'pol.yaml',
    at: '  pod<|>Selector:\n    matchLabels:\n      app: pg',
    has: [
      'Selects 1 pod',
      '[db/postgres[StatefulSet]](file:///ws/apps.yaml#L26) — StatefulSet',
      'ingress: only from pods labeled app=web in namespaces labeled team=a on TCP pg, TCP nope',
      'egress: not restricted by this policy (policyTypes has no Egress)',
      'policyTypes: Ingress (defaulted)',
    ],
    lacks: ['additive'],
    span: 'podSelector',
  },
  {
    name: 'metadata.name of a policy: same hover as its podSelector',
    file: 'pol.yaml',
    at: 'name: allow-<|>web',
    has: ['**NetworkPolicy** `db/allow-web`', 'Selects 1 pod'],
    span: 'allow-web',
  },
  {
    name: 'podSelector-only peer and a numeric port, in the words of checks.md',
    file: 'pol.yaml',
    at: '  name: from-<|>web',
    has: [
      'ingress: only from pods labeled app=web in namespace web on TCP 80',
      '[web/debug[Pod]](file:///ws/apps.yaml#L47) — Pod',
    ],
  },
  {
    name: 'a comment says deny: policies are additive, and the other policies selecting the pods are named',
    file: 'pol.yaml',
    at: '  name: lock<|>down',
    has: [
      'Selects 2 pods',
      'web/frontend[Deployment]',
      'web/debug[Pod]',
      'ingress: not restricted by this policy (policyTypes has no Ingress)',
      'egress: denied (no egress rules)',
      'policyTypes: Egress',
      'Policies are additive',
      'Also selecting these pods: [web/from-web](file:///ws/pol.yaml#L62), [web/frontend-out](file:///ws/pol.yaml#L36).',
    ],
    lacks: ['(defaulted)'],
  },
  {
    name: 'peer namespaceSelector: namespaces matched and the peer in one sentence',
    file: 'pol.yaml',
    at: '    - namespace<|>Selector:',
    has: [
      'The peer: pods labeled app=web in namespaces labeled team=a.',
      'Matches 1 namespace of 2',
      ': web',
      'Matches 1 pod',
      'web/frontend[Deployment]',
    ],
    lacks: ['web/debug'],
    span: 'namespaceSelector',
  },
  {
    name: 'peer podSelector inside the same peer',
    file: 'pol.yaml',
    at: '      podSelector:\n        matchLabels:\n          app: w<|>eb\n    ports:\n    - port: pg',
    has: [
      '**podSelector** in [db/allow-web ingress rule 1](file:///ws/pol.yaml#L11)',
      'web/frontend[Deployment]',
    ],
  },
  {
    name: 'podSelector-only peer: the policy namespace',
    file: 'pol.yaml',
    at: '          app: de<|>bug',
    has: ['pods labeled app=debug in namespace web', "policy's own namespace, web", 'web/debug[Pod]'],
  },
  {
    name: 'named port: the number on each destination (ingress: the selected pods)',
    file: 'pol.yaml',
    at: '- port: p<|>g',
    has: ['**Named port** `pg` (TCP)', '[db/postgres[StatefulSet]](file:///ws/apps.yaml#L26): 5432'],
    span: 'pg',
  },
  {
    name: 'named port no destination declares',
    file: 'pol.yaml',
    at: '- port: no<|>pe',
    has: ['not declared', 'this entry matches nothing'],
  },
  {
    name: 'named port of an egress rule: resolved on the peer pods',
    file: 'pol.yaml',
    at: '- port: ht<|>tp',
    has: ["the pods this rule's peers match", 'web/debug[Pod]', 'not declared'],
    lacks: ['web/frontend'],
  },
  {
    name: 'ipBlock cidr: first/last address, size, excepts',
    file: 'pol.yaml',
    at: 'cidr: 10.0.<|>0.0/8',
    has: [
      'first address: 10.0.0.0',
      'last address: 10.255.255.255',
      'size: 16,777,216 addresses',
      '`10.1.0.0/16`: 10.1.0.0 – 10.1.255.255 (65,536 addresses)',
      'The block matches 16,711,680 addresses in 2 ranges',
      'ClusterIP',
    ],
    span: '10.0.0.0/8',
  },
  {
    name: 'ipBlock except item',
    file: 'pol.yaml',
    at: '- 10.1.<|>0.0/16',
    has: ['**ipBlock** `10.0.0.0/8`'],
    span: '10.1.0.0/16',
  },
  {
    name: 'policyTypes: effective types',
    file: 'pol.yaml',
    at: 'policyTypes: [Eg<|>ress]',
    has: [
      '**Effective policyTypes**: Egress',
      'egress: only to addresses in 10.0.0.0/8 except 10.1.0.0/16 on TCP 443; or to pods labeled app=debug in namespace web on TCP http',
    ],
  },
  {
    name: 'workload name: policies selecting it, isolation, peers matching it',
    file: 'apps.yaml',
    at: 'name: front<|>end\n  namespace: web\nspec:\n  selector:\n    matchLabels',
    has: [
      '**Deployment** `web/frontend[Deployment]`',
      'Pod labels: app=web, tier=frontend',
      'Selected by: [web/lockdown](file:///ws/pol.yaml#L25), [web/frontend-out](file:///ws/pol.yaml#L36)',
      'ingress: not isolated',
      'egress: isolated by [web/lockdown]',
      '2 egress rules',
      'Matched as a peer by:',
      '[db/allow-web ingress rule 1](file:///ws/pol.yaml#L11)',
      '[web/from-web ingress rule 1]',
    ],
  },
  {
    name: 'pod template labels: the workload hover',
    file: 'apps.yaml',
    at: '        tier: front<|>end',
    has: ['**Deployment** `web/frontend[Deployment]`'],
  },
  {
    name: 'workload with all egress denied',
    file: 'apps.yaml',
    at: '  name: deb<|>ug',
    has: [
      'egress: isolated by [web/lockdown](file:///ws/pol.yaml#L25), and no egress rule allows anything: all egress is denied',
      'ingress: isolated by [web/from-web]',
    ],
  },
  {
    name: 'Namespace: policies, matching namespaceSelectors, isolation of its workloads',
    file: 'ns.yaml',
    at: 'name: w<|>eb',
    has: [
      '**Namespace** `web`',
      'team=a',
      'kubernetes.io/metadata.name=web',
      'Policies in this namespace: [web/lockdown]',
      'Matched by the namespaceSelectors of:',
      '[db/allow-web ingress rule 1]',
      'web/frontend[Deployment]',
      'egress isolated (lockdown, frontend-out)',
    ],
  },
  {
    name: 'metadata.namespace: the namespace hover',
    file: 'pol.yaml',
    at: 'namespace: d<|>b',
    has: [
      '**Namespace** `db`',
      '[db/postgres[StatefulSet]](file:///ws/apps.yaml#L26): ingress isolated (allow-web), egress open',
    ],
  },
  {
    name: 'kind: nothing',
    file: 'pol.yaml',
    at: 'ki<|>nd: NetworkPolicy\nmetadata:\n  name: allow-web',
    none: true,
  },
  { name: 'a Service name: nothing', file: 'apps.yaml', at: 'targetPort: ht<|>tp', none: true },
];

describe('hover', () => {
  for (const c of HOVERS) {
    it(c.name, () => {
      const a = ws();
      const text = WS[c.file] as string;
      const offset = locate(text, c.at);
      const h = renderedHover(a, uriOf(c.file), offset);
      if (c.none) {
        assert.equal(h, undefined, h?.markdown);
        return;
      }
      assert.ok(h, 'no hover');
      for (const s of c.has ?? [])
        assert.ok(h.markdown.includes(s), `missing ${JSON.stringify(s)} in:\n${h.markdown}`);
      for (const s of c.lacks ?? [])
        assert.ok(!h.markdown.includes(s), `unexpected ${JSON.stringify(s)} in:\n${h.markdown}`);
      assert.ok(h.span.start <= offset && offset <= h.span.end, 'span holds the cursor');
      if (c.span) assert.equal(text.slice(h.span.start, h.span.end), c.span);
    });
  }

  it('the seed example: np-layer3 podSelector lists layer3 pods and says egress is denied', () => {
    const a = analyseTree(join(__dirname, '../../../examples'));
    const uri = [...a.index.files.keys()].find((u) => u.endsWith('/layer3/np-layer3.yaml')) as string;
    const text = a.index.file(uri)?.text as string;
    const h = renderedHover(a, uri, locate(text, '  pod<|>Selector: {}'));
    assert.ok(h);
    const apps = uri.replace('np-layer3.yaml', 'apps.yaml');
    assert.match(
      h.markdown,
      new RegExp(
        `\\[layer3/nginx3\\[Deployment\\]\\]\\(${apps.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}#L5\\)`,
      ),
    );
    assert.ok(h.markdown.includes('layer3/busybox3[Deployment]'));
    assert.ok(h.markdown.includes('egress: denied (no egress rules)'));
    assert.ok(
      h.markdown.includes('ingress: only from all pods in namespaces labeled role in (layer1, layer2)'),
    );
    assert.ok(h.markdown.includes('Policies are additive'), 'the comment says egress is denied');
    assert.ok(!h.markdown.includes('layer1/'), 'no pod of another namespace');
  });
});

// ---------- code lens ----------

describe('code lens', () => {
  it('one summary lens and one Show reachability lens per policy', () => {
    const a = ws();
    const lenses = a.codeLenses(uriOf('pol.yaml'));
    assert.deepEqual(
      lenses.map((l) => l.title),
      [
        'selects 1 pod · ingress 1 rule',
        'Show reachability',
        'selects 2 pods · egress denied',
        'Show reachability',
        'selects 1 pod · egress 2 rules',
        'Show reachability',
        'selects 1 pod · ingress 1 rule',
        'Show reachability',
      ],
    );
    const reach = lenses[1];
    assert.deepEqual(reach?.command, {
      name: 'showReachability',
      args: [{ uri: uriOf('pol.yaml'), namespace: 'db', name: 'allow-web' }],
    });
    assert.equal(POL.slice(reach?.span.start ?? -1).startsWith('apiVersion'), true);
    const summary = lenses[2]?.command;
    assert.equal(summary?.name, 'references');
    const args = summary?.args[0] as { locations: SourceRef[] };
    assert.deepEqual(refTexts(a, args.locations).sort(), [
      'apps.yaml: app: debug',
      'apps.yaml: app: web\n        tier: frontend',
    ]);
    assert.deepEqual(a.codeLenses(uriOf('apps.yaml')), []);
  });

  it('defaulted types, ignored rules, allow-all and no pods', () => {
    const a = analyseTexts({
      'p.yaml': `kind: NetworkPolicy
apiVersion: networking.k8s.io/v1
metadata: {name: only-egress, namespace: x}
spec:
  podSelector: {matchLabels: {app: none}}
  egress: [{}]
---
kind: NetworkPolicy
apiVersion: networking.k8s.io/v1
metadata: {name: ignored, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress: [{}]
  egress: [{to: [{podSelector: {}}]}]
`,
    });
    assert.deepEqual(
      a.codeLenses(uriOf('p.yaml')).map((l) => l.title),
      [
        'selects no pods · ingress denied · egress allows all',
        'Show reachability',
        'selects no pods · ingress allows all · egress 1 rule ignored',
        'Show reachability',
      ],
    );
    const h = renderedHover(
      a,
      uriOf('p.yaml'),
      locate(a.index.file(uriOf('p.yaml'))?.text as string, 'name: only-eg<|>ress'),
    );
    assert.ok(h?.markdown.includes('policyTypes: Ingress (defaulted), Egress (defaulted)'), h?.markdown);
    assert.ok(h?.markdown.includes('ingress: denied (no ingress rules)'));
  });
});

// ---------- completion ----------

interface CompletionCase {
  readonly name: string;
  /** The file being edited, with `<|>`; added to the shared workspace as edit.yaml. */
  readonly text: string;
  /** Labels expected, in this order, at the start of the list (or anywhere, with `anyOrder`). */
  readonly labels?: readonly string[];
  readonly exactly?: true;
  readonly anyOrder?: true;
  readonly lacks?: readonly string[];
  readonly kind?: CoreCompletion['kind'];
  /** Expected insertText of the first item. */
  readonly insert?: string;
  /** Text the first item replaces. */
  readonly replaces?: string;
}

const HEAD = (ns: string): string => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: edit
  namespace: ${ns}
spec:
`;

const COMPLETIONS: readonly CompletionCase[] = [
  {
    name: "pod label keys in spec.podSelector.matchLabels (the namespace's first)",
    text: `${HEAD('db')}  podSelector:\n    matchLabels:\n      <|>\n`,
    labels: ['app', 'enabled', 'tier'],
    exactly: true,
    kind: 'labelKey',
    insert: 'app: ',
  },
  {
    name: "pod label values for the key on the line, the namespace's first",
    text: `${HEAD('web')}  podSelector:\n    matchLabels:\n      app: <|>\n`,
    labels: ['debug', 'web', 'pg'],
    exactly: true,
    kind: 'labelValue',
    insert: 'debug',
  },
  {
    name: 'a value that YAML would not read as a string is quoted',
    text: `${HEAD('db')}  podSelector:\n    matchLabels:\n      enabled: <|>\n`,
    labels: ['true'],
    exactly: true,
    insert: "'true'",
  },
  {
    name: 'right after the colon: the insert starts with a space',
    text: `${HEAD('db')}  podSelector:\n    matchLabels:\n      app:<|>\n`,
    labels: ['pg'],
    insert: ' pg',
  },
  {
    name: 'a partly typed value is replaced whole',
    text: `${HEAD('web')}  podSelector:\n    matchLabels:\n      app: we<|>bx\n`,
    labels: ['web'],
    replaces: 'webx',
  },
  {
    name: 'editing a key before its colon inserts the key alone',
    text: `${HEAD('web')}  podSelector:\n    matchLabels:\n      ap<|>: web\n`,
    labels: ['app'],
    insert: 'app',
    replaces: 'ap',
  },
  {
    name: 'namespace label keys in a peer namespaceSelector',
    text: `${HEAD('db')}  ingress:\n  - from:\n    - namespaceSelector:\n        matchLabels:\n          <|>\n`,
    labels: ['kubernetes.io/metadata.name', 'team', 'tier'],
    anyOrder: true,
    exactly: true,
    kind: 'labelKey',
  },
  {
    name: 'namespace names after kubernetes.io/metadata.name:',
    text: `${HEAD('db')}  ingress:\n  - from:\n    - namespaceSelector:\n        matchLabels:\n          kubernetes.io/metadata.name: <|>\n`,
    labels: ['db', 'web'],
    anyOrder: true,
    exactly: true,
    kind: 'namespace',
  },
  {
    name: 'namespace label values',
    text: `${HEAD('db')}  ingress:\n  - from:\n    - namespaceSelector: {matchLabels: {team: <|>}}\n`,
    labels: ['a', 'b'],
    anyOrder: true,
    exactly: true,
    kind: 'labelValue',
  },
  {
    name: 'metadata.namespace: namespace names',
    text: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  namespace: <|>\n',
    // the document being edited implies `default` until a namespace is written
    labels: ['db', 'default', 'web'],
    anyOrder: true,
    exactly: true,
    kind: 'namespace',
  },
  {
    name: 'flow map keys: podSelector: {matchLabels: {<|>}}',
    text: `${HEAD('web')}  podSelector: {matchLabels: {<|>}}\n`,
    labels: ['app', 'tier'],
    kind: 'labelKey',
    insert: 'app: ',
  },
  {
    name: 'named ports of the selected pods in an ingress rule',
    text: `${HEAD('db')}  podSelector: {matchLabels: {app: pg}}\n  ingress:\n  - ports:\n    - port: <|>\n`,
    labels: ['metrics', 'pg'],
    anyOrder: true,
    exactly: true,
    kind: 'portName',
  },
  {
    name: 'named ports of the peer pods in an egress rule',
    text: `${HEAD('db')}  podSelector: {}\n  egress:\n  - to:\n    - namespaceSelector: {matchLabels: {team: a}}\n      podSelector: {matchLabels: {app: web}}\n    ports:\n    - protocol: TCP\n      port: <|>\n`,
    labels: ['http'],
    exactly: true,
    kind: 'portName',
  },
  {
    name: 'protocols',
    text: `${HEAD('db')}  podSelector: {}\n  ingress:\n  - ports:\n    - protocol: <|>\n`,
    labels: ['TCP', 'UDP', 'SCTP'],
    exactly: true,
    kind: 'protocol',
  },
  {
    name: 'matchExpressions operators',
    text: `${HEAD('db')}  podSelector:\n    matchExpressions:\n    - key: app\n      operator: <|>\n`,
    labels: ['In', 'NotIn', 'Exists', 'DoesNotExist'],
    exactly: true,
    kind: 'operator',
  },
  {
    name: 'matchExpressions key: label keys, inserted without a colon',
    text: `${HEAD('db')}  podSelector:\n    matchExpressions:\n    - key: <|>\n`,
    labels: ['app'],
    kind: 'labelKey',
    insert: 'app',
  },
  {
    name: "matchExpressions values (block list): values of the expression's key",
    text: `${HEAD('db')}  podSelector:\n    matchExpressions:\n    - key: app\n      operator: In\n      values:\n      - <|>\n`,
    labels: ['pg', 'debug', 'web'],
    exactly: true,
    kind: 'labelValue',
  },
  {
    name: 'matchExpressions values (flow list), the key on a later line',
    text: `${HEAD('web')}  podSelector:\n    matchExpressions:\n    - operator: In\n      values: [web, <|>]\n      key: tier\n`,
    labels: ['frontend'],
    exactly: true,
  },
  {
    name: 'matchExpressions in one flow map',
    text: `${HEAD('web')}  podSelector: {}\n  ingress:\n  - from:\n    - namespaceSelector: {matchExpressions: [{key: team, operator: In, values: [<|>]}]}\n`,
    labels: ['a', 'b'],
    exactly: true,
    anyOrder: true,
  },
  {
    name: 'invalid YAML mid-edit (unclosed flow map below): still completes from the line',
    text: `${HEAD('db')}  podSelector:\n    matchLabels:\n      app: <|>\n  ingress:\n  - from:\n    - podSelector: {matchLabels: {app: web}\n      namespaceSelector: [\n`,
    labels: ['pg', 'debug', 'web'],
    exactly: true,
  },
  {
    name: "invalid YAML mid-edit: a named port with no model resolves against the document's namespace",
    text: `${HEAD('db')}  podSelector: {{\n  ingress:\n  - ports:\n    - port: <|>\n`,
    labels: ['metrics', 'pg'],
    anyOrder: true,
    exactly: true,
  },
  {
    name: 'a half-typed key with no colon yet',
    text: `${HEAD('db')}  ingress:\n  - from:\n    - namespaceSelector:\n        matchLabels:\n          te<|>\n`,
    labels: ['kubernetes.io/metadata.name', 'team', 'tier'],
    anyOrder: true,
    replaces: 'te',
  },
  {
    name: 'fields of a peer',
    text: `${HEAD('db')}  ingress:\n  - from:\n    - <|>\n`,
    labels: ['podSelector', 'namespaceSelector', 'ipBlock'],
    exactly: true,
    kind: 'field',
    insert: 'podSelector:',
  },
  {
    name: 'fields of a rule',
    text: `${HEAD('db')}  egress:\n  - to: []\n    <|>\n`,
    labels: ['to', 'ports'],
    exactly: true,
    kind: 'field',
  },
  {
    name: 'fields of spec',
    text: `${HEAD('db')}  <|>\n`,
    labels: ['podSelector', 'policyTypes', 'ingress', 'egress'],
    exactly: true,
    kind: 'field',
  },
  {
    name: 'fields of a selector',
    text: `${HEAD('db')}  podSelector:\n    <|>\n`,
    labels: ['matchLabels', 'matchExpressions'],
    exactly: true,
    kind: 'field',
  },
  {
    name: 'a Service selector: pod labels',
    text: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  namespace: db\nspec:\n  selector:\n    <|>\n',
    labels: ['app', 'enabled'],
    kind: 'labelKey',
  },
  {
    name: 'inside a comment: nothing',
    text: `${HEAD('db')}  podSelector:\n    matchLabels:\n      # app: <|>\n`,
    labels: [],
    exactly: true,
  },
  { name: 'apiVersion value: nothing', text: 'apiVersion: <|>\n', labels: [], exactly: true },
  { name: 'an empty file', text: '<|>', labels: [], exactly: true },
];

describe('completion', () => {
  for (const c of COMPLETIONS) {
    it(c.name, () => {
      const { text, offset } = cursorText(c.text);
      const a = analyseTexts({ ...WS, 'edit.yaml': text });
      const items = a.completions(uriOf('edit.yaml'), offset);
      const labels = items.map((i) => i.label);
      const want = c.labels ?? [];
      if (c.exactly) {
        if (c.anyOrder) assert.deepEqual([...labels].sort(), [...want].sort());
        else assert.deepEqual(labels, want);
      } else if (c.anyOrder) {
        for (const l of want) assert.ok(labels.includes(l), `missing ${l} in ${labels.join(', ')}`);
      } else assert.deepEqual(labels.slice(0, want.length), want);
      for (const l of c.lacks ?? []) assert.ok(!labels.includes(l), `unexpected ${l}`);
      if (c.kind) for (const i of items) assert.equal(i.kind, c.kind, i.label);
      const first = items[0];
      if (c.insert !== undefined) assert.equal(first?.insertText ?? first?.label, c.insert);
      if (c.replaces !== undefined)
        assert.equal(text.slice(first?.replace?.start, first?.replace?.end), c.replaces);
      for (const i of items) {
        if (i.replace)
          assert.ok(
            i.replace.start <= offset && offset <= i.replace.end,
            `replace ${JSON.stringify(i.replace)} holds ${offset}`,
          );
      }
    });
  }
});

// ---------- definition and references ----------

interface NavCase {
  readonly name: string;
  readonly file: string;
  readonly at: string;
  readonly what: 'definition' | 'references';
  /** `file: text` of every target, sorted. */
  readonly targets: readonly string[];
}

const NAV: readonly NavCase[] = [
  {
    name: "spec.podSelector → the selected workloads' pod labels",
    what: 'definition',
    file: 'pol.yaml',
    at: '  pod<|>Selector:\n    matchLabels:\n      app: pg',
    targets: ['apps.yaml: app: pg\n        enabled: "true"'],
  },
  {
    name: 'policy name → the selected workloads',
    what: 'definition',
    file: 'pol.yaml',
    at: 'name: lock<|>down',
    targets: ['apps.yaml: app: debug', 'apps.yaml: app: web\n        tier: frontend'],
  },
  {
    name: 'peer namespaceSelector → the Namespace manifests',
    what: 'definition',
    file: 'pol.yaml',
    at: '          te<|>am: a',
    targets: ['ns.yaml: web'],
  },
  {
    name: 'peer podSelector → the pods the peer matches',
    what: 'definition',
    file: 'pol.yaml',
    at: '          app: de<|>bug',
    targets: ['apps.yaml: app: debug'],
  },
  {
    name: 'named port → the container port entries',
    what: 'definition',
    file: 'pol.yaml',
    at: '- port: p<|>g',
    targets: ['apps.yaml: name: pg\n          containerPort: 5432'],
  },
  {
    name: 'metadata.namespace → the Namespace',
    what: 'definition',
    file: 'apps.yaml',
    at: 'name: postgres\n  namespace: d<|>b',
    targets: ['ns.yaml: db'],
  },
  {
    name: 'a workload name has no definition',
    what: 'definition',
    file: 'apps.yaml',
    at: 'name: front<|>end\n  namespace: web\nspec:\n  selector:\n    matchLabels',
    targets: [],
  },
  {
    name: 'workload → the policies selecting it and the peers matching it',
    what: 'references',
    file: 'apps.yaml',
    at: 'name: front<|>end\n  namespace: web\nspec:\n  selector:\n    matchLabels',
    targets: [
      'pol.yaml: matchLabels:\n      app: web',
      'pol.yaml: matchLabels:\n          app: web',
      'pol.yaml: matchLabels:\n          app: web',
      'pol.yaml: {}',
    ],
  },
  {
    name: 'Namespace → the namespaceSelectors matching it',
    what: 'references',
    file: 'ns.yaml',
    at: 'name: w<|>eb',
    targets: ['pol.yaml: matchLabels:\n          team: a'],
  },
  {
    name: 'container port → the policy ports resolving to it',
    what: 'references',
    file: 'apps.yaml',
    at: '- name: p<|>g\n          containerPort',
    targets: ['pol.yaml: pg'],
  },
  {
    name: 'a Namespace nothing matches',
    what: 'references',
    file: 'ns.yaml',
    at: 'name: d<|>b',
    targets: [],
  },
];

describe('definition and references', () => {
  for (const c of NAV) {
    it(`${c.what}: ${c.name}`, () => {
      const a = ws();
      const offset = locate(WS[c.file] as string, c.at);
      const refs =
        c.what === 'definition' ? a.definition(uriOf(c.file), offset) : a.references(uriOf(c.file), offset);
      assert.deepEqual(refTexts(a, refs).sort(), [...c.targets].sort());
    });
  }
});

// ---------- symbols ----------

describe('symbols', () => {
  it('policies with their rules, workloads, namespaces, services', () => {
    const a = ws();
    const pol = a.symbols(uriOf('pol.yaml'));
    assert.deepEqual(
      pol.map((s) => [s.name, s.kind, s.children.map((c) => c.name)]),
      [
        ['allow-web', 'policy', ['ingress rule 1']],
        ['lockdown', 'policy', []],
        ['frontend-out', 'policy', ['egress rule 1', 'egress rule 2']],
        ['from-web', 'policy', ['ingress rule 1']],
      ],
    );
    assert.equal(pol[0]?.detail, 'NetworkPolicy · db · app=pg · Ingress (defaulted)');
    assert.equal(pol[2]?.children[0]?.detail, 'to addresses in 10.0.0.0/8 except 10.1.0.0/16 on TCP 443');
    for (const s of pol) {
      assert.equal(POL.slice(s.selectionSpan.start, s.selectionSpan.end), s.name);
      assert.ok(s.span.start <= s.selectionSpan.start && s.selectionSpan.end <= s.span.end);
      for (const ch of s.children) assert.ok(s.span.start <= ch.span.start && ch.span.end <= s.span.end);
    }
    assert.deepEqual(
      a.symbols(uriOf('apps.yaml')).map((s) => [s.name, s.kind, s.detail]),
      [
        ['frontend', 'workload', 'Deployment · web · app=web, tier=frontend'],
        ['postgres', 'workload', 'StatefulSet · db · app=pg, enabled=true'],
        ['debug', 'workload', 'Pod · web · app=debug'],
        ['frontend', 'service', 'Service · web · app=web'],
      ],
    );
    assert.deepEqual(
      a.symbols(uriOf('ns.yaml')).map((s) => [s.name, s.kind, s.detail]),
      [
        ['web', 'namespace', 'Namespace · team=a'],
        ['db', 'namespace', 'Namespace · team=b, tier=data'],
      ],
    );
    assert.deepEqual(a.symbols('file:///ws/missing.yaml'), []);
  });
});

// ---------- robustness ----------

const BROKEN = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: half
  namespace: web: x
spec:
  podSelector: {matchLabels: {app: [}}
  ingress:
  - from:
    - namespaceSelector:
        matchExpressions:
        - key: te
          operator: In
          values: [a, b
    ports:
    - port:
      protocol: UDP
---
kind: List
apiVersion: v1
items:
- apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: in-list, namespace: web}
  spec:
    podSelector: {}
    ingress: [{from: [{ipBlock: {cidr: 'fe80::/10', except: ['fe80::/64', bad]}}], ports: [{port: 8000, endPort: 8100}]}]
    egress: {}
- kind: Pod
  apiVersion: v1
  metadata: {name: p1, namespace: web, ownerReferences: [{kind: ReplicaSet, name: rs, controller: true}]}
  spec: {containers: [{name: c, ports: [{name: x, containerPort: 1}]}]}
  status: {podIP: 10.2.0.1}
`;

describe('robustness', () => {
  it('no feature throws at any offset of any fixture file', () => {
    const a = analyseTexts({
      ...WS,
      'broken.yaml': BROKEN,
      'tabs.yaml': 'kind: NetworkPolicy\napiVersion: v1\n\tspec:\n  - : :\n{[',
    });
    const seed = analyseTree(join(__dirname, '../../../examples/layer3'));
    const runs: Array<[Analysis, string]> = [
      ...Object.keys(WS).map((f): [Analysis, string] => [a, uriOf(f)]),
      [a, uriOf('broken.yaml')],
      [a, uriOf('tabs.yaml')],
      ...[...seed.index.files.keys()].map((u): [Analysis, string] => [seed, u]),
    ];
    let hovers = 0;
    for (const [an, uri] of runs) {
      const text = an.index.file(uri)?.text ?? '';
      assert.ok(text.length > 0, uri);
      for (let o = 0; o <= text.length + 1; o++) {
        const h = renderedHover(an, uri, o);
        if (h) {
          hovers++;
          assert.ok(h.span.start >= 0 && h.span.end <= text.length && h.markdown.length > 0);
        }
        for (const c of an.completions(uri, o)) {
          if (c.replace) assert.ok(c.replace.start >= 0 && c.replace.end <= text.length);
        }
        for (const r of [...an.definition(uri, o), ...an.references(uri, o)])
          assert.ok(an.index.file(r.uri), r.uri);
      }
      an.codeLenses(uri);
      an.symbols(uri);
    }
    assert.ok(hovers > 1000, `hovers: ${hovers}`);
  });

  it('no feature throws at any offset of the mid-edit completion fixtures', () => {
    for (const c of COMPLETIONS) {
      const { text } = cursorText(c.text);
      const a = analyseTexts({ ...WS, 'edit.yaml': text });
      const uri = uriOf('edit.yaml');
      for (let o = 0; o <= text.length; o++) {
        renderedHover(a, uri, o);
        a.definition(uri, o);
        a.references(uri, o);
        for (const i of a.completions(uri, o)) {
          assert.ok(i.label.length > 0);
          if (i.replace) assert.ok(i.replace.start <= o && o <= i.replace.end, `${c.name} @${o}`);
        }
      }
    }
  });

  it('the List items and the ipBlock of the broken file are still understood', () => {
    const a = analyseTexts({ ...WS, 'broken.yaml': BROKEN });
    const uri = uriOf('broken.yaml');
    const h = renderedHover(a, uri, locate(BROKEN, "cidr: 'fe80::<|>/10'"));
    assert.ok(h?.markdown.includes('first address: fe80::'), h?.markdown);
    assert.ok(h?.markdown.includes('size: 2^118 addresses'));
    assert.ok(h?.markdown.includes('`bad`: not a valid CIDR'));
    assert.ok(
      renderedHover(a, uri, locate(BROKEN, 'port: 80<|>00'))?.markdown.includes(
        '**Ports** TCP 8000–8100 (101 ports)',
      ),
    );
    assert.deepEqual(
      a.symbols(uri).map((s) => [s.name, s.detail]),
      [
        ['in-list', 'NetworkPolicy · web · all pods · Ingress (defaulted)'],
        ['p1', 'Pod of ReplicaSet rs · web'],
      ],
    );
    assert.deepEqual(
      a.codeLenses(uri).map((l) => l.title),
      ['selects 3 pods · ingress 1 rule', 'Show reachability'],
    );
  });
});
