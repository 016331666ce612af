/**
 * The explanation pane: the verdict for one source → destination pair as the server's
 * `netpolLens/explain` gives it (isolation of each side, the rules that allow it, with links that
 * open the policy at the rule's line), or, for a collapsed namespace cell, the list of pairs
 * behind it. In changes mode: below the explanation, the pair before (at the git base) and now,
 * with what opened or closed and the rules that did it; with nothing selected, every change.
 */
import type {
  ChangeDto,
  EndpointDto,
  ExplainResult,
  RuleRefDto,
  SideDto,
  SourceLocation,
  TrailStepDto,
} from '../../server/src/protocol/requests';
import { formatConns, formatPortFilter, type PortFilter } from './conns';
import { h, glyph } from './dom';
import { GLYPH, type CellVerdict } from './matrix-model';

export interface ExplainCallbacks {
  open(location: SourceLocation): void;
  explainPair(src: string, dst: string): void;
  verdictFor(src: string, dst: string): CellVerdict;
}

/** The tiers' badges in the trail (and the legend), in evaluation order. */
export const TIER_LABEL: Record<TrailStepDto['tier'], string> = {
  Admin: 'Admin',
  NetworkPolicy: 'NetworkPolicy',
  Baseline: 'Baseline',
  default: 'Default',
};
const TIER_HELP: Record<TrailStepDto['tier'], string> = {
  Admin:
    'Admin tier: ClusterNetworkPolicies of tier Admin, by priority; Accept and Deny are final, Pass hands on',
  NetworkPolicy: 'NetworkPolicy tier: the NetworkPolicies isolating the pod decide what reaches them',
  Baseline: 'Baseline tier: ClusterNetworkPolicies of tier Baseline, for what no NetworkPolicy isolates',
  default: 'No tier decided: allowed by default',
};

function fileName(uri: string): string {
  const path = decodeURIComponent(uri.replace(/^[a-z-]+:\/\/[^/]*/i, ''));
  const parts = path.split('/').filter(Boolean);
  return parts.slice(-2).join('/');
}

export class ExplainView {
  readonly element: HTMLElement;
  private readonly content: HTMLElement;

  constructor(private readonly cb: ExplainCallbacks) {
    this.element = h('aside', 'explain');
    this.element.setAttribute('aria-label', 'Explanation');
    this.content = h('div', 'explain-content');
    this.content.setAttribute('aria-live', 'polite');
    this.element.append(this.content);
    this.element.addEventListener('click', (e) => {
      const a = (e.target as HTMLElement).closest<HTMLElement>('[data-action]');
      if (!a) return;
      e.preventDefault();
      if (a.dataset.action === 'open' && a.dataset.location)
        this.cb.open(JSON.parse(a.dataset.location) as SourceLocation);
      if (a.dataset.action === 'explain' && a.dataset.src && a.dataset.dst)
        this.cb.explainPair(a.dataset.src, a.dataset.dst);
    });
    this.showHint();
  }

  showHint(): void {
    const p = h('p', 'hint');
    p.append(
      document.createTextNode('Select a cell and press '),
      h('kbd', undefined, 'Enter'),
      document.createTextNode(
        ' (or click it) to see which policies isolate each side and which rule allows the connection.',
      ),
    );
    this.content.replaceChildren(h('h2', undefined, 'Explanation'), p);
  }

  showLoading(src: string, dst: string): void {
    const p = h('p', 'loading', `Explaining ${src} → ${dst}…`);
    this.content.replaceChildren(h('h2', undefined, 'Explanation'), p);
    this.content.setAttribute('aria-busy', 'true');
  }

  showSelf(ep: EndpointDto): void {
    this.content.removeAttribute('aria-busy');
    this.content.replaceChildren(
      h('h2', undefined, 'Explanation'),
      h(
        'p',
        undefined,
        `${ep.id} talking to itself: traffic between the pods of one workload is subject to the same policies as any other pod-to-pod traffic, but the matrix does not list it.`,
      ),
    );
  }

  showAggregate(
    srcLabel: string,
    dstLabel: string,
    sources: EndpointDto[],
    destinations: EndpointDto[],
  ): void {
    this.content.removeAttribute('aria-busy');
    const list = h('ul', 'pairs');
    let n = 0;
    for (const s of sources) {
      for (const d of destinations) {
        if (s.id === d.id) continue;
        if (++n > 400) break;
        const v = this.cb.verdictFor(s.id, d.id);
        const li = h('li', `v-${v}`);
        const a = h('a', 'pair-link');
        a.href = '#';
        a.dataset.action = 'explain';
        a.dataset.src = s.id;
        a.dataset.dst = d.id;
        a.append(glyph(GLYPH[v]), document.createTextNode(` ${s.id} → ${d.id}`));
        a.setAttribute('aria-label', `Explain ${s.id} to ${d.id}`);
        li.append(a);
        list.append(li);
      }
    }
    this.content.replaceChildren(
      h('h2', undefined, `${srcLabel} → ${dstLabel}`),
      h('p', 'muted', 'A collapsed namespace: pick a pair to explain it.'),
      list,
    );
  }

  /** Changes mode with nothing selected: every change against the base, in words. */
  showChanges(base: string, changes: readonly ChangeDto[]): void {
    this.content.removeAttribute('aria-busy');
    const parts: HTMLElement[] = [h('h2', undefined, `Changes against ${base}`)];
    if (changes.length === 0) parts.push(h('p', 'muted', 'Nothing opened or closed.'));
    else {
      const ul = h('ul', 'change-lines');
      let n = 0;
      for (const c of changes)
        for (const line of c.lines) {
          if (++n > 400) break;
          const li = h('li', line.startsWith('opened') ? 'opened' : 'closed');
          const a = h('a', 'pair-link', line);
          a.href = '#';
          a.dataset.action = 'explain';
          a.dataset.src = c.src;
          a.dataset.dst = c.dst;
          li.append(a);
          ul.append(li);
        }
      parts.push(
        h('p', 'muted', 'Press n in the matrix for the next changed cell, or pick a change to explain it.'),
        ul,
      );
    }
    const sec = h('section', 'change-section');
    sec.append(...parts);
    this.content.replaceChildren(sec);
  }

  showError(message: string): void {
    this.content.removeAttribute('aria-busy');
    this.content.replaceChildren(h('h2', undefined, 'Explanation'), h('p', 'error-text', message));
  }

  /** The pair before and now, what opened or closed, and the rules that did it. */
  private changeSection(change: ChangeDto, base: string): HTMLElement {
    const sec = h('section', 'change-section');
    sec.append(h('h3', undefined, `Changed since ${base}`));
    const only = (o: ChangeDto['srcOnly']): string =>
      o === 'after' ? ' (a new workload)' : o === 'before' ? ' (a removed workload)' : '';
    const why = only(change.srcOnly) || only(change.dstOnly);
    sec.append(
      h('p', undefined, `Before ${base}: ${formatConns(change.before)}`),
      h('p', undefined, `Now: ${formatConns(change.after)}${why}`),
    );
    const ul = h('ul', 'change-lines');
    for (const line of change.lines)
      ul.append(h('li', line.startsWith('opened') ? 'opened' : 'closed', line));
    sec.append(ul);
    if (change.causes.length) {
      const p = h('p', undefined, 'Open: ');
      change.causes.forEach((c, i) => {
        if (i > 0) p.append(document.createTextNode(', '));
        if (c.location) p.append(this.link(c.text, c.location, `Open ${c.text}`));
        else p.append(document.createTextNode(c.text));
      });
      sec.append(p);
    }
    return sec;
  }

  show(ex: ExplainResult, filter: PortFilter, change?: { change: ChangeDto; base: string }): void {
    this.content.removeAttribute('aria-busy');
    const verdict: CellVerdict = ex.allowed ? (ex.partial ? 'some' : 'all') : 'none';
    const title = h('h2', `verdict v-${verdict}`);
    const port = ex.port
      ? ` on ${ex.port.port}/${ex.port.protocol}`
      : filter
        ? ` on ${formatPortFilter(filter)}`
        : '';
    title.append(
      glyph(GLYPH[verdict]),
      document.createTextNode(
        ` ${ex.allowed ? (ex.partial ? 'Allowed on some ports' : 'Allowed') : 'Denied'}${port}`,
      ),
    );

    const pair = h('p', 'pair');
    pair.append(h('code', undefined, ex.src), document.createTextNode(' → '), h('code', undefined, ex.dst));

    const parts: HTMLElement[] = [title, pair];
    if (ex.allowed && !ex.port) parts.push(h('p', 'conns', `Connections: ${formatConns(ex.conns)}`));
    if (ex.summary.length) {
      const ul = h('ul', 'summary');
      for (const s of ex.summary) ul.append(h('li', undefined, s));
      parts.push(ul);
    }
    parts.push(
      this.side('Egress', 'from', ex.src, ex.egress),
      this.side('Ingress', 'to', ex.dst, ex.ingress),
    );
    // the legend of the tiers' badges, when a cluster-wide policy decided a side
    if (ex.egress.trail || ex.ingress.trail) {
      const legend = h('p', 'muted tier-legend');
      legend.append(document.createTextNode('Tiers, in evaluation order: '));
      (['Admin', 'NetworkPolicy', 'Baseline', 'default'] as const).forEach((t, i) => {
        if (i > 0) legend.append(document.createTextNode(' → '));
        const b = h('span', `tier-badge tier-${t}`, TIER_LABEL[t]);
        b.title = TIER_HELP[t];
        legend.append(b);
      });
      parts.push(legend);
    }
    if (ex.notes.length) {
      const sec = h('section', 'notes');
      sec.append(h('h3', undefined, 'Depends on the network plugin'));
      const ul = h('ul');
      for (const n of ex.notes) ul.append(h('li', undefined, n));
      sec.append(ul);
      parts.push(sec);
    }
    if (change) parts.push(this.changeSection(change.change, change.base));
    this.content.replaceChildren(...parts);
  }

  private side(
    direction: 'Egress' | 'Ingress',
    preposition: string,
    endpoint: string,
    side: SideDto,
  ): HTMLElement {
    const sec = h('section', `side v-${side.allowed ? 'all' : 'none'}`);
    const head = h('h3');
    head.append(
      glyph(side.allowed ? GLYPH.all : GLYPH.none),
      document.createTextNode(` ${direction} ${preposition} `),
      h('code', undefined, endpoint),
      document.createTextNode(side.allowed ? ': allowed' : ': denied'),
    );
    sec.append(head);
    if (side.trail) {
      sec.append(this.trail(side.trail));
      return sec;
    }
    if (!side.isolated) {
      sec.append(
        h(
          'p',
          undefined,
          `Not isolated for ${direction.toLowerCase()}: no policy selecting it has ${direction} in its policyTypes, so all ${direction.toLowerCase()} is allowed.`,
        ),
      );
      return sec;
    }
    const iso = h('p');
    iso.append(document.createTextNode('Isolated by '));
    side.isolatingPolicies.forEach((p, i) => {
      if (i > 0) iso.append(document.createTextNode(', '));
      iso.append(this.link(p.policy, p.location, `Open policy ${p.policy}`));
    });
    iso.append(document.createTextNode('.'));
    sec.append(iso);
    if (side.allowingRules.length === 0) {
      sec.append(h('p', 'muted', `No ${direction.toLowerCase()} rule of these policies allows it.`));
    } else {
      const ul = h('ul', 'rules');
      for (const r of side.allowingRules) ul.append(this.rule(r));
      const p = h('p', undefined, 'Allowed by:');
      sec.append(p, ul);
    }
    if (side.conns !== 'none' && side.conns !== 'all')
      sec.append(h('p', 'muted', `This side allows: ${formatConns(side.conns)}`));
    return sec;
  }

  /** The tiers that decided one side, in evaluation order, each with its tier badge and rule link. */
  private trail(steps: readonly TrailStepDto[]): HTMLElement {
    const ol = h('ol', 'trail');
    ol.setAttribute('aria-label', 'Through the tiers, in evaluation order');
    for (const s of steps) {
      const li = h('li', `tier-${s.tier}`);
      const badge = h('span', `tier-badge tier-${s.tier}`, TIER_LABEL[s.tier]);
      badge.title = TIER_HELP[s.tier];
      li.append(badge, document.createTextNode(' '));
      // the step's words without the "Admin tier: " the badge already says
      const words = s.text.replace(/^(Admin|NetworkPolicy|Baseline) tier: /, '');
      if (s.location) li.append(this.link(words, s.location, `Open the rule: ${words}`));
      else li.append(document.createTextNode(words));
      ol.append(li);
    }
    return ol;
  }

  private rule(r: RuleRefDto): HTMLElement {
    const li = h('li');
    const text = `${r.direction} rule ${r.ruleIndex + 1} of ${r.policy}`;
    li.append(
      this.link(text, r.location, `Open ${text}`),
      document.createTextNode(' '),
      h('span', 'muted file-ref', `${fileName(r.location.uri)}:${r.location.range.start.line + 1}`),
    );
    return li;
  }

  private link(text: string, location: SourceLocation, label: string): HTMLElement {
    const a = h('a', 'source-link', text);
    a.href = '#';
    a.dataset.action = 'open';
    a.dataset.location = JSON.stringify(location);
    a.setAttribute('aria-label', label);
    a.title = `${fileName(location.uri)}:${location.range.start.line + 1}`;
    return a;
  }
}
