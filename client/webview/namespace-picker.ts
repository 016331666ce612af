/**
 * The big-workspace banner and namespace picker. When the server answers with
 * `ReachabilityResult.limited` (the matrix shows only some namespaces), a status line above the
 * matrix says how much is shown and why, and a picker (a filterable group of checkboxes with each
 * namespace's workload count and a running total against `maxWorkloads`) lets the user choose
 * the namespaces, or hand the choice back to the server.
 *
 * Keyboard: the toggle opens the picker and focuses its filter; Tab goes into the list (one tab
 * stop, ↑/↓/Home/End move between namespaces), Space toggles, Enter applies, Escape closes. The
 * draft selection and the open/closed state live here, so live model updates keep them; only an
 * untouched draft follows the namespaces the new model shows.
 */
import type { ReachabilityLimit } from '../../server/src/protocol/requests';
import { groupDigits, noun } from '../../server/src/core/text/words';
import { h } from './dom';

export interface NamespacePickerHost {
  /** Show these namespaces (never empty). */
  apply(namespaces: string[]): void;
  /** Let the server choose the namespaces again. */
  letServerChoose(): void;
}

interface Item {
  name: string;
  li: HTMLLIElement;
  box: HTMLInputElement;
  /** The visible number and the words only screen readers get (" workloads"). */
  count: Text;
  unit: HTMLSpanElement;
}

/** `1,234 workloads`: a count with grouped digits and its noun. */
const counted = (n: number, one: string): string => `${groupDigits(n)} ${noun(n, one)}`;

const REASON: Record<ReachabilityLimit['reason'], (max: number) => string> = {
  requested: () => 'These are the namespaces you chose.',
  focus: () => 'netpol-lens picked the focused policy’s namespace and the namespaces its rules’ peers match.',
  first: (max) =>
    `netpol-lens picked the first namespaces in name order that fit in ${groupDigits(max)} workloads.`,
};

export class NamespacePicker {
  readonly element = h('section', 'limit');
  private readonly status = h('p', 'limit-status');
  private readonly toggle = h('button', 'button secondary limit-toggle', 'Choose namespaces…');
  private readonly panel = h('div', 'ns-picker');
  private readonly filterInput = h('input', 'ns-filter');
  private readonly list = h('ul', 'ns-list');
  private readonly noMatch = h('p', 'ns-nomatch muted', 'No namespace matches the filter.');
  private readonly total = h('p', 'ns-total');
  private readonly applyButton = h('button', 'button ns-apply', 'Apply');
  private readonly autoButton = h('button', 'button secondary ns-auto', 'Let netpol-lens choose');
  private readonly clearButton = h('button', 'button secondary ns-clear', 'Clear');

  private limit: ReachabilityLimit | undefined;
  private items: Item[] = [];
  private readonly byName = new Map<string, Item>();
  /** The draft selection (what Apply sends). */
  private selected = new Set<string>();
  /** The user changed the draft since the last model / Apply: live updates keep it. */
  private dirty = false;
  private open = false;
  /** The namespace whose checkbox is the list's tab stop. */
  private active: string | undefined;

  constructor(private readonly host: NamespacePickerHost) {
    this.build();
  }

  get isOpen(): boolean {
    return this.open;
  }

  private build(): void {
    this.element.hidden = true;
    this.element.setAttribute('aria-label', 'Namespaces shown');

    const bar = h('div', 'limit-bar');
    const icon = h('span', 'limit-icon', 'i');
    icon.setAttribute('aria-hidden', 'true');
    this.status.id = 'limit-status';
    this.status.setAttribute('role', 'status');
    this.status.setAttribute('aria-live', 'polite');
    this.toggle.type = 'button';
    this.toggle.setAttribute('aria-expanded', 'false');
    this.toggle.setAttribute('aria-controls', 'ns-picker');
    this.toggle.addEventListener('click', () => this.setOpen(!this.open, true));
    bar.append(icon, this.status, this.toggle);

    this.panel.id = 'ns-picker';
    this.panel.hidden = true;
    this.panel.setAttribute('role', 'group');
    this.panel.setAttribute('aria-labelledby', 'ns-picker-label');
    this.panel.setAttribute('aria-describedby', 'ns-picker-hint');

    const head = h('div', 'ns-head');
    const label = h('span', 'ns-label', 'Namespaces to show');
    label.id = 'ns-picker-label';
    const filter = h('label', 'field');
    filter.append(h('span', 'field-name', 'Filter'));
    this.filterInput.id = 'ns-filter';
    this.filterInput.type = 'search';
    this.filterInput.spellcheck = false;
    this.filterInput.autocomplete = 'off';
    this.filterInput.placeholder = 'namespace';
    this.filterInput.setAttribute('aria-controls', 'ns-list');
    filter.append(this.filterInput);
    this.total.id = 'ns-total';
    this.total.setAttribute('aria-live', 'polite');
    head.append(label, filter, this.total);

    this.list.id = 'ns-list';
    this.list.setAttribute('aria-label', 'Namespaces');
    this.noMatch.hidden = true;

    const actions = h('div', 'ns-actions');
    for (const b of [this.applyButton, this.autoButton, this.clearButton]) b.type = 'button';
    this.autoButton.title =
      'Show the namespaces netpol-lens picks (the focused policy’s, or the first that fit)';
    const hint = h('span', 'ns-hint muted', '↑ ↓ move · Space selects · Enter applies · Esc closes');
    hint.id = 'ns-picker-hint';
    actions.append(this.applyButton, this.autoButton, this.clearButton, hint);
    this.panel.append(head, this.list, this.noMatch, actions);
    this.element.append(bar, this.panel);

    this.filterInput.addEventListener('input', () => this.applyFilter());
    this.filterInput.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        this.apply();
      } else if (e.key === 'ArrowDown') {
        e.preventDefault();
        this.move('first');
      } else if (e.key === 'Escape' && this.filterInput.value !== '') {
        e.preventDefault();
        e.stopPropagation();
        this.filterInput.value = '';
        this.applyFilter();
      }
    });
    this.list.addEventListener('change', (e) => {
      const box = e.target;
      if (!(box instanceof HTMLInputElement) || !box.dataset.ns) return;
      if (box.checked) this.selected.add(box.dataset.ns);
      else this.selected.delete(box.dataset.ns);
      this.dirty = true;
      this.renderTotal();
    });
    this.list.addEventListener('focusin', (e) => {
      const box = e.target;
      if (box instanceof HTMLInputElement && box.dataset.ns) this.setActive(box.dataset.ns);
    });
    this.list.addEventListener('keydown', (e) => {
      const moves: Record<string, 'next' | 'prev' | 'first' | 'last'> = {
        ArrowDown: 'next',
        ArrowUp: 'prev',
        Home: 'first',
        End: 'last',
      };
      const where = moves[e.key];
      if (where) {
        e.preventDefault();
        this.move(where);
      } else if (e.key === 'Enter') {
        e.preventDefault();
        this.apply();
      }
    });
    this.panel.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        this.setOpen(false, true);
      }
    });
    this.applyButton.addEventListener('click', () => this.apply());
    this.autoButton.addEventListener('click', () => {
      this.dirty = false;
      this.setOpen(false, true);
      this.host.letServerChoose();
    });
    this.clearButton.addEventListener('click', () => {
      this.selected.clear();
      this.dirty = true;
      for (const it of this.items) it.box.checked = false;
      this.renderTotal();
    });
  }

  /** A new model: `limit` absent hides everything (the matrix shows the whole workspace). */
  update(limit: ReachabilityLimit | undefined): void {
    this.limit = limit;
    if (!limit) {
      this.element.hidden = true;
      return;
    }
    this.element.hidden = false;
    if (!this.dirty) this.selected = new Set(limit.shown);
    this.renderStatus(limit);
    this.renderList(limit);
    this.renderTotal();
  }

  private renderStatus(limit: ReachabilityLimit): void {
    const known = new Map(limit.namespaces.map((n) => [n.name, n.workloads]));
    const shown = limit.shown.filter((n) => known.has(n));
    const shownWorkloads = shown.reduce((sum, n) => sum + (known.get(n) ?? 0), 0);
    const allWorkloads = limit.namespaces.reduce((sum, n) => sum + n.workloads, 0);
    const large = allWorkloads > limit.maxWorkloads ? ' — this workspace is large' : '';
    const text =
      `Showing ${groupDigits(shown.length)} of ${counted(limit.namespaces.length, 'namespace')} ` +
      `(${groupDigits(shownWorkloads)} of ${counted(allWorkloads, 'workload')})${large}. ${REASON[limit.reason](limit.maxWorkloads)}`;
    // Rewriting the same text would make some screen readers announce it again on every update.
    if (this.status.textContent !== text) this.status.textContent = text;
  }

  private renderList(limit: ReachabilityLimit): void {
    const names = [...limit.namespaces].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const same = names.length === this.items.length && names.every((n, i) => this.items[i]?.name === n.name);
    if (!same) {
      const focused =
        document.activeElement instanceof HTMLInputElement ? document.activeElement.dataset.ns : undefined;
      this.items = names.map((n) => this.byName.get(n.name) ?? this.makeItem(n.name));
      this.byName.clear();
      for (const it of this.items) this.byName.set(it.name, it);
      this.list.replaceChildren(...this.items.map((it) => it.li));
      if (focused !== undefined) this.byName.get(focused)?.box.focus();
    }
    for (const [i, n] of names.entries()) {
      const it = this.items[i];
      if (!it) continue;
      it.count.data = groupDigits(n.workloads);
      it.unit.textContent = ` ${noun(n.workloads, 'workload')}`;
      it.box.checked = this.selected.has(n.name);
    }
    this.applyFilter();
  }

  private makeItem(name: string): Item {
    const li = h('li', 'ns-item');
    const label = h('label', 'ns-option');
    const box = h('input', 'ns-check');
    box.type = 'checkbox';
    box.value = name;
    box.dataset.ns = name;
    box.tabIndex = -1;
    const countEl = h('span', 'ns-count');
    const count = document.createTextNode('');
    const unit = h('span', 'sr-only');
    countEl.append(count, unit);
    label.append(box, h('span', 'ns-name', name), countEl);
    li.append(label);
    li.dataset.ns = name;
    return { name, li, box, count, unit };
  }

  private renderTotal(): void {
    const limit = this.limit;
    if (!limit) return;
    const counts = new Map(limit.namespaces.map((n) => [n.name, n.workloads]));
    const chosen = [...this.selected].filter((n) => counts.has(n));
    const workloads = chosen.reduce((sum, n) => sum + (counts.get(n) ?? 0), 0);
    const over = workloads > limit.maxWorkloads;
    let text: string;
    if (chosen.length === 0) text = 'No namespace selected';
    else {
      text = `${counted(chosen.length, 'namespace')} selected · ${groupDigits(workloads)} of ${groupDigits(limit.maxWorkloads)} workloads`;
      if (over) text += ` — over the limit: the matrix may be slow to compute and to show`;
    }
    this.total.replaceChildren();
    if (over) {
      const warn = h('span', 'ns-warn-glyph', '⚠ ');
      warn.setAttribute('aria-hidden', 'true');
      this.total.append(warn);
    }
    this.total.append(document.createTextNode(text));
    this.total.classList.toggle('over', over);
    this.applyButton.disabled = chosen.length === 0;
  }

  private applyFilter(): void {
    const q = this.filterInput.value.trim().toLowerCase();
    let visible = 0;
    for (const it of this.items) {
      const show = q === '' || it.name.toLowerCase().includes(q);
      it.li.hidden = !show;
      if (show) visible++;
    }
    this.noMatch.hidden = visible > 0 || this.items.length === 0;
    const active = this.active === undefined ? undefined : this.byName.get(this.active);
    if (!active || active.li.hidden) this.setActive(this.visibleItems()[0]?.name);
    else this.setActive(active.name);
  }

  private visibleItems(): Item[] {
    return this.items.filter((it) => !it.li.hidden);
  }

  /** Roving tab stop: only the active namespace's checkbox is in the tab order. */
  private setActive(name: string | undefined): void {
    this.active = name;
    for (const it of this.items) it.box.tabIndex = it.name === name ? 0 : -1;
  }

  private move(where: 'next' | 'prev' | 'first' | 'last'): void {
    const visible = this.visibleItems();
    if (visible.length === 0) return;
    const i = visible.findIndex((it) => it.name === this.active);
    const j =
      where === 'first'
        ? 0
        : where === 'last'
          ? visible.length - 1
          : where === 'next'
            ? Math.min(visible.length - 1, i + 1)
            : Math.max(0, i - 1);
    const target = visible[j];
    if (!target) return;
    this.setActive(target.name);
    target.box.focus();
    target.li.scrollIntoView({ block: 'nearest' });
  }

  private setOpen(open: boolean, moveFocus: boolean): void {
    this.open = open;
    this.panel.hidden = !open;
    this.toggle.setAttribute('aria-expanded', String(open));
    if (!moveFocus) return;
    if (open) this.filterInput.focus();
    else this.toggle.focus();
  }

  private apply(): void {
    const chosen = this.items.filter((it) => this.selected.has(it.name)).map((it) => it.name);
    if (chosen.length === 0) return;
    this.dirty = false;
    this.setOpen(false, true);
    this.host.apply(chosen);
  }
}
