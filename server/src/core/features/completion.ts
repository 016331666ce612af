/**
 * Completion (checks.md D) from the text line (the document may be mid-edit and invalid YAML) plus
 * the workspace catalogues: label keys and values inside selectors (pod labels for podSelector,
 * namespace labels for namespaceSelector), namespace names, port names of the pods a rule's ports
 * resolve against, protocols, matchExpressions operators, and NetworkPolicy field names.
 * Items come most relevant first (labels of the document's namespace before others).
 */
import { METADATA_NAME_LABEL, type Workload } from '../index/workspace-index';
import type { Direction } from '../model/types';
import type { Span } from '../text/span';
import { catalogue, keyCount, type LabelCatalogue } from './catalogue';
import type { FeatureContext } from './context';
import { ruleDestinations } from '../semantics/queries';
import { plural } from '../text/words';
import { policyAt, ruleAt } from './lookup';
import { docKind, docNamespace, yamlCursor, type YamlCursor } from './yaml-context';

export type CoreCompletionKind =
  'labelKey' | 'labelValue' | 'namespace' | 'portName' | 'protocol' | 'operator' | 'field';

export interface CoreCompletion {
  readonly label: string;
  readonly kind: CoreCompletionKind;
  readonly detail?: string;
  /** Text to insert instead of the label (e.g. `app: ` for a label key, a quoted value). */
  readonly insertText?: string;
  /** The token to replace; absent = the word at the cursor. */
  readonly replace?: Span;
}

const SELECTOR_KEYS = new Set(['podSelector', 'namespaceSelector', 'selector']);

const OPERATORS: ReadonlyArray<[string, string]> = [
  ['In', 'the label has one of the values'],
  ['NotIn', 'the label has none of the values, or is absent'],
  ['Exists', 'the label is present (no values)'],
  ['DoesNotExist', 'the label is absent (no values)'],
];

const PROTOCOLS: ReadonlyArray<[string, string]> = [
  ['TCP', 'the default'],
  ['UDP', 'e.g. DNS on 53'],
  ['SCTP', ''],
];

const FIELDS: Record<string, ReadonlyArray<[string, boolean]>> = {
  // [name, is a collection]
  spec: [
    ['podSelector', true],
    ['policyTypes', true],
    ['ingress', true],
    ['egress', true],
  ],
  ingress: [
    ['from', true],
    ['ports', true],
  ],
  egress: [
    ['to', true],
    ['ports', true],
  ],
  peer: [
    ['podSelector', true],
    ['namespaceSelector', true],
    ['ipBlock', true],
  ],
  ports: [
    ['protocol', false],
    ['port', false],
    ['endPort', false],
  ],
  ipBlock: [
    ['cidr', false],
    ['except', true],
  ],
  selector: [
    ['matchLabels', true],
    ['matchExpressions', true],
  ],
  expression: [
    ['key', false],
    ['operator', false],
    ['values', true],
  ],
};

export function completions(ctx: FeatureContext, uri: string, offset: number): CoreCompletion[] {
  const text = ctx.index.file(uri)?.text;
  if (text === undefined) return [];
  const cur = yamlCursor(text, offset);
  if (!cur) return [];
  const items = new Completer(ctx, uri, offset, text, cur).run();
  // what the typed prefix matches first (a stable sort keeps the relevance order otherwise)
  const p = cur.partial.toLowerCase();
  if (!p) return items;
  const starts = (i: CoreCompletion): number => (i.label.toLowerCase().startsWith(p) ? 0 : 1);
  return items
    .map((i, n) => ({ i, n }))
    .sort((x, y) => starts(x.i) - starts(y.i) || x.n - y.n)
    .map((x) => x.i);
}

class Completer {
  private readonly kind: string | undefined;
  private readonly ns: string;
  private readonly colonAfter: boolean;

  constructor(
    private readonly ctx: FeatureContext,
    private readonly uri: string,
    private readonly offset: number,
    text: string,
    private readonly cur: YamlCursor,
  ) {
    this.kind = docKind(cur, offset);
    this.ns = docNamespace(cur) ?? 'default';
    this.colonAfter = /^[ \t]*:/.test(text.slice(cur.replace.end, cur.replace.end + 8));
  }

  run(): CoreCompletion[] {
    const { path, pos, key } = this.cur;
    const last = path[path.length - 1];
    let selIdx = -1;
    for (let i = path.length - 1; i >= 0; i--) {
      if (SELECTOR_KEYS.has(path[i] as string)) {
        selIdx = i;
        break;
      }
    }
    if (selIdx >= 0)
      return this.selector(path[selIdx] as string, path.slice(selIdx + 1), path.slice(0, selIdx));
    if (pos === 'value' && key === 'namespace' && last === 'metadata') return this.namespaces();
    if (pos === 'value' && key === 'protocol') return this.protocols();
    let dirIdx = -1;
    for (let i = path.length - 1; i >= 0; i--) {
      if (path[i] === 'ingress' || path[i] === 'egress') {
        dirIdx = i;
        break;
      }
    }
    const keyPos = pos === 'key' || pos === 'item';
    if (dirIdx >= 0) {
      const dir = path[dirIdx] as Direction;
      const below = path.slice(dirIdx + 1);
      if (below.length === 0 && keyPos) return this.fields(dir);
      if (below.length === 1 && below[0] === 'ports') {
        if (pos === 'value' && key === 'port') return this.portNames(dir);
        if (keyPos) return this.fields('ports');
      }
      if (below.length === 1 && (below[0] === 'from' || below[0] === 'to') && keyPos)
        return this.fields('peer');
      if (below.length === 2 && below[1] === 'ipBlock' && pos === 'key') return this.fields('ipBlock');
      return [];
    }
    if (
      path.length === 1 &&
      last === 'spec' &&
      pos === 'key' &&
      (this.kind === undefined || this.kind === 'NetworkPolicy')
    )
      return this.fields('spec');
    return [];
  }

  // ---------- selectors ----------

  private selector(selKey: string, rest: readonly string[], above: readonly string[]): CoreCompletion[] {
    const { pos, key } = this.cur;
    const nsSel = selKey === 'namespaceSelector';
    const plainMap = selKey === 'selector' && this.kind === 'Service';
    if (selKey === 'selector' && !plainMap && !(above.length === 1 && above[0] === 'spec')) return [];
    const cat = catalogue(this.ctx.index);
    const labels = nsSel ? cat.namespaceLabels : cat.podLabels;
    const preferred = nsSel ? undefined : cat.podLabelsIn(this.ns);
    const what = nsSel ? 'namespace' : 'pod';
    const inLabels = plainMap ? rest.length === 0 : rest.length === 1 && rest[0] === 'matchLabels';
    if (inLabels) {
      if (pos === 'key') return this.labelKeys(labels, preferred, what, true);
      if (pos === 'value' && key !== undefined) return this.labelValues(labels, preferred, key, nsSel, false);
      return [];
    }
    if (plainMap) return [];
    if (rest.length === 0) return pos === 'key' ? this.fields('selector') : [];
    if (rest[0] !== 'matchExpressions') return [];
    if (rest.length === 1) {
      if (pos === 'key' || pos === 'item') return this.fields('expression');
      if (pos === 'value' && key === 'key') return this.labelKeys(labels, preferred, what, false);
      if (pos === 'value' && key === 'operator') return this.operators();
      if (pos === 'value' && key === 'values') {
        const k = this.cur.sibling('key');
        return k === undefined ? [] : this.labelValues(labels, preferred, k, nsSel, true);
      }
      return [];
    }
    if (rest.length === 2 && rest[1] === 'values' && pos === 'item') {
      const k = this.cur.sibling('key');
      return k === undefined ? [] : this.labelValues(labels, preferred, k, nsSel, false);
    }
    return [];
  }

  private labelKeys(
    all: LabelCatalogue,
    preferred: LabelCatalogue | undefined,
    what: string,
    asMapKey: boolean,
  ): CoreCompletion[] {
    const keys = [...all.byKey.keys()];
    const score = (k: string): [number, number] => [preferred ? keyCount(preferred, k) : 0, keyCount(all, k)];
    keys.sort((a, b) => {
      const [pa, ta] = score(a);
      const [pb, tb] = score(b);
      return pb - pa || tb - ta || (a < b ? -1 : a > b ? 1 : 0);
    });
    return keys.map((k) => {
      const values = [...(all.byKey.get(k)?.keys() ?? [])];
      const n = keyCount(all, k);
      const insert = asMapKey && !this.colonAfter && !this.cur.quoted ? `${k}: ` : k;
      return this.item(
        k,
        'labelKey',
        `${what} label on ${plural(n, what === 'pod' ? 'workload' : 'namespace')} · values: ${values.slice(0, 5).join(', ')}${values.length > 5 ? ', …' : ''}`,
        insert,
      );
    });
  }

  private labelValues(
    all: LabelCatalogue,
    preferred: LabelCatalogue | undefined,
    key: string,
    nsSel: boolean,
    asList: boolean,
  ): CoreCompletion[] {
    const values = [...(all.byKey.get(key)?.entries() ?? [])];
    const pref = (v: string): number => preferred?.byKey.get(key)?.get(v)?.length ?? 0;
    values.sort(
      (a, b) =>
        pref(b[0]) - pref(a[0]) || b[1].length - a[1].length || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0),
    );
    const kind = nsSel && key === METADATA_NAME_LABEL ? 'namespace' : 'labelValue';
    return values.map(([v, owners]) => {
      const quoted = this.cur.quoted ? v : yamlScalar(v);
      const insert = asList ? `[${quoted}]` : quoted;
      return this.item(
        v,
        kind,
        `${key}=${v} · ${owners.slice(0, 4).join(', ')}${owners.length > 4 ? `, … (${owners.length})` : ''}`,
        insert,
      );
    });
  }

  // ---------- namespaces, ports, protocols, operators, fields ----------

  private namespaces(): CoreCompletion[] {
    return [...this.ctx.index.namespaces.values()].map((n) =>
      this.item(
        n.name,
        'namespace',
        n.declared.length ? 'Namespace (declared)' : 'Namespace (used by metadata.namespace, not declared)',
        this.cur.quoted ? n.name : yamlScalar(n.name),
      ),
    );
  }

  private portNames(dir: Direction): CoreCompletion[] {
    const { index } = this.ctx;
    const policy = policyAt(index, this.uri, this.offset);
    let dsts: readonly Workload[];
    if (policy) {
      const r = ruleAt(policy, this.offset);
      dsts = ruleDestinations(this.ctx.engine, policy, r?.direction ?? dir, r?.rule);
    } else {
      // mid-edit: the model has no policy here; resolve against the document's namespace (ingress) or everything
      dsts = dir === 'ingress' ? index.workloadsIn(this.ns) : index.workloads;
    }
    const proto = this.cur.sibling('protocol');
    const byName = new Map<string, { ports: Set<string>; owners: string[] }>();
    for (const w of dsts) {
      for (const cp of w.ports) {
        if (!cp.name || (proto !== undefined && cp.protocol !== proto)) continue;
        const e = byName.get(cp.name) ?? { ports: new Set<string>(), owners: [] };
        e.ports.add(`${cp.port}/${cp.protocol}`);
        if (!e.owners.includes(w.id)) e.owners.push(w.id);
        byName.set(cp.name, e);
      }
    }
    return [...byName.entries()]
      .sort((a, b) => b[1].owners.length - a[1].owners.length || (a[0] < b[0] ? -1 : 1))
      .map(([name, e]) =>
        this.item(
          name,
          'portName',
          `${[...e.ports].join(', ')} on ${e.owners.slice(0, 4).join(', ')}${e.owners.length > 4 ? ', …' : ''}`,
          this.cur.quoted ? name : yamlScalar(name),
        ),
      );
  }

  private protocols(): CoreCompletion[] {
    return PROTOCOLS.map(([p, d]) => this.item(p, 'protocol', d || undefined, p));
  }

  private operators(): CoreCompletion[] {
    return OPERATORS.map(([o, d]) => this.item(o, 'operator', d, o));
  }

  private fields(where: string): CoreCompletion[] {
    return (FIELDS[where] ?? []).map(([f, coll]) =>
      this.item(f, 'field', undefined, this.colonAfter || this.cur.quoted ? f : coll ? `${f}:` : `${f}: `),
    );
  }

  private item(
    label: string,
    kind: CoreCompletionKind,
    detail: string | undefined,
    insert: string,
  ): CoreCompletion {
    const insertText = this.cur.needsSpace ? ` ${insert}` : insert;
    return {
      label,
      kind,
      ...(detail ? { detail } : {}),
      ...(insertText !== label ? { insertText } : {}),
      replace: this.cur.replace,
    };
  }
}

/** A plain scalar YAML reads back as this string, else the string single-quoted. */
export function yamlScalar(v: string): string {
  const plain =
    v !== '' &&
    !/^(true|false|yes|no|on|off|y|n|null|~)$/i.test(v) &&
    !/^[-+]?(\d|\.\d)/.test(v) &&
    !/^[\s!&*|>'"%@`#,[\]{}?:-]/.test(v) &&
    !/[:#]\s|\s$|:$/.test(v);
  return plain ? v : `'${v.replace(/'/g, "''")}'`;
}
