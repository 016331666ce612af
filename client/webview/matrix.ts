/**
 * The reachability matrix view: draws a MatrixModel (matrix-model.ts) as sources (rows) ×
 * destinations (columns), with the tooltip; matrix-keyboard.ts drives it from the keyboard.
 *
 * One scroll container holds a sticky header (namespace bands + column headers) and absolutely
 * positioned rows whose row header is sticky on the left. Only the rows and columns in view
 * (plus a margin) are in the DOM once the matrix is beyond FULL_RENDER_LIMIT rows or columns, so
 * thousands of workloads stay responsive. ARIA grid semantics with aria-rowindex/aria-colindex
 * survive the windowing; a roving tabindex keeps one tab stop, arrow keys move, Enter explains.
 *
 * Geometry goes through the CSSOM (`el.style.x = …`): the CSP forbids inline style attributes.
 */
import { h, glyph } from './dom';
import { MatrixKeyboard } from './matrix-keyboard';
import {
  axisShortLabel,
  BAND_H,
  CHANGE_GLYPH,
  COL_W,
  endpointDescription,
  GLYPH,
  headerSizes,
  MatrixModel,
  pageRows,
  rowHeaderLabel,
  ROW_H,
  shortName,
  visibleWindow,
  WORD,
  type AxisItem,
  type CellTarget,
  type CellVerdict,
  type MatrixData,
  type RenderWindow,
  type RowItem,
  type Viewport,
} from './matrix-model';

export interface MatrixCallbacks {
  /** Click or Enter on a cell. */
  activate(target: CellTarget, key: { src: string; dst: string }): void;
  /** Click or Enter on a namespace header. */
  toggleGroup(group: string): void;
  scrolled(top: number, left: number): void;
}

export class Matrix {
  readonly element: HTMLElement;
  private readonly header: HTMLElement;
  private readonly bandRow: HTMLElement;
  private readonly colHeaderRow: HTMLElement;
  private readonly corner: HTMLElement;
  private readonly body: HTMLElement;
  private readonly tooltip: HTMLElement;
  private readonly model = new MatrixModel();
  private rowHeaderW = 200;
  private colHeaderH = 90;
  private rendered: RenderWindow = { r0: -1, r1: -1, c0: -1, c1: -1 };
  private frame = 0;
  private measureCtx: CanvasRenderingContext2D | null = null;

  constructor(private readonly cb: MatrixCallbacks) {
    this.element = h('div', 'matrix');
    this.element.setAttribute('role', 'grid');
    this.element.setAttribute('aria-label', 'Reachability matrix: sources in rows, destinations in columns');
    this.element.tabIndex = -1;
    this.header = h('div', 'matrix-header');
    this.header.setAttribute('role', 'rowgroup');
    this.bandRow = h('div', 'band-row');
    this.bandRow.setAttribute('aria-hidden', 'true');
    this.colHeaderRow = h('div', 'col-header-row');
    this.colHeaderRow.setAttribute('role', 'row');
    this.colHeaderRow.setAttribute('aria-rowindex', '1');
    this.corner = h('div', 'corner');
    this.corner.setAttribute('role', 'columnheader');
    this.corner.setAttribute('aria-colindex', '1');
    this.header.append(this.bandRow, this.colHeaderRow);
    this.body = h('div', 'matrix-body');
    this.body.setAttribute('role', 'rowgroup');
    this.element.append(this.header, this.body);
    this.tooltip = h('div', 'tooltip');
    this.tooltip.id = 'matrix-tooltip';
    this.tooltip.setAttribute('role', 'tooltip');
    this.tooltip.hidden = true;
    document.body.append(this.tooltip);

    this.element.addEventListener('scroll', () => {
      this.hideTooltip();
      this.scheduleRender();
      this.cb.scrolled(this.element.scrollTop, this.element.scrollLeft);
    });
    new MatrixKeyboard(this.element, this.model, {
      pageSize: () => pageRows(this.element.clientHeight, this.colHeaderH),
      focusGrid: () => this.focusGrid(),
      moved: () => this.showActive(),
      activate: () => {
        const a = this.model.active;
        if (a) this.activateAt(a.row, a.col);
      },
      nextChange: (forward) => {
        if (this.model.nextChange(forward)) this.showActive();
      },
    });
    this.element.addEventListener('click', (e) => this.onClick(e));
    this.element.addEventListener('mouseover', (e) => this.onHover(e));
    this.element.addEventListener('mouseleave', () => this.hideTooltip());
    this.element.addEventListener('focusin', (e) => this.onFocusIn(e));
    this.element.addEventListener('focusout', () => this.hideTooltip());
    new ResizeObserver(() => this.scheduleRender(true)).observe(this.element);
  }

  // ---- data -------------------------------------------------------------------------------

  setData(data: MatrixData): void {
    this.model.setData(data);
    this.measure();
    this.element.setAttribute('aria-rowcount', String(this.model.rows.length + 1));
    this.element.setAttribute('aria-colcount', String(this.model.cols.length + 1));
    this.render(true);
  }

  get isEmpty(): boolean {
    return this.model.rows.length === 0;
  }

  /** How many pairs opened and closed under the port filter (changes mode). */
  changeCounts(): { opened: number; closed: number } {
    return this.model.changeCounts();
  }

  setSelected(sel: { src: string; dst: string } | undefined): void {
    this.model.selected = sel;
    this.render(true);
  }

  /** Moves the keyboard position to a cell (e.g. restored selection) and scrolls it into view. */
  reveal(src: string, dst: string, options: { focus?: boolean; scroll?: boolean } = {}): void {
    const { focus = false, scroll = true } = options;
    if (!this.model.place(src, dst)) return;
    if (scroll) this.scrollIntoView();
    this.render(true);
    if (focus) this.focusActive();
  }

  focusGrid(): void {
    if (!this.model.ensureActive()) return;
    this.scrollIntoView();
    this.render(true);
    this.focusActive();
  }

  restoreScroll(top: number, left: number): void {
    this.element.scrollTop = top;
    this.element.scrollLeft = left;
    this.render(true);
  }

  /** The target behind a row key × column key (used by the explanation of aggregates). */
  target(rowKey: string, colKey: string): CellTarget | undefined {
    return this.model.target(rowKey, colKey);
  }

  verdictFor(src: string, dst: string): CellVerdict {
    return this.model.verdictFor(src, dst);
  }

  get renderedCounts(): { rows: number; cells: number } {
    return {
      rows: this.body.childElementCount,
      cells: this.body.querySelectorAll('[role="gridcell"]').length,
    };
  }

  // ---- geometry ---------------------------------------------------------------------------

  private textWidth(text: string, font: string): number {
    if (!this.measureCtx) this.measureCtx = document.createElement('canvas').getContext('2d');
    if (!this.measureCtx) return text.length * 7;
    this.measureCtx.font = font;
    return this.measureCtx.measureText(text).width;
  }

  private measure(): void {
    const font = getComputedStyle(this.element).font || '13px sans-serif';
    const bold = font.replace(/^(normal|[1-5]00)?\s*/, '700 ');
    const sizes = headerSizes(this.model.rows, this.model.cols, (text, isBold) =>
      this.textWidth(text, isBold ? bold : font),
    );
    this.rowHeaderW = sizes.rowHeaderW;
    this.colHeaderH = sizes.colHeaderH;
  }

  private viewport(): Viewport {
    const el = this.element;
    return {
      scrollTop: el.scrollTop,
      scrollLeft: el.scrollLeft,
      clientHeight: el.clientHeight,
      clientWidth: el.clientWidth,
      rowHeaderW: this.rowHeaderW,
      colHeaderH: this.colHeaderH,
    };
  }

  private scheduleRender(force = false): void {
    if (force) this.rendered.r0 = -1;
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render(false);
    });
  }

  // ---- rendering --------------------------------------------------------------------------

  private render(force: boolean): void {
    const { rows, cols } = this.model;
    const w = visibleWindow(rows.length, cols.length, this.viewport());
    const same =
      w.r0 === this.rendered.r0 &&
      w.r1 === this.rendered.r1 &&
      w.c0 === this.rendered.c0 &&
      w.c1 === this.rendered.c1;
    if (same && !force) return;
    this.rendered = w;
    const hadFocus = this.element.contains(document.activeElement) && document.activeElement !== this.element;
    const totalW = this.rowHeaderW + cols.length * COL_W;
    const totalH = rows.length * ROW_H;
    this.element.style.setProperty('--row-header-w', `${this.rowHeaderW}px`);
    this.element.style.setProperty('--col-header-h', `${this.colHeaderH}px`);
    this.element.style.setProperty('--band-h', `${BAND_H}px`);
    this.element.style.setProperty('--row-h', `${ROW_H}px`);
    this.element.style.setProperty('--col-w', `${COL_W}px`);
    this.header.style.width = `${totalW}px`;
    this.body.style.width = `${totalW}px`;
    this.body.style.height = `${totalH}px`;

    this.renderHeader(w.c0, w.c1);
    const frag = document.createDocumentFragment();
    for (let i = w.r0; i < w.r1; i++) {
      const r = rows[i];
      if (r) frag.append(this.renderRow(r, i, w.c0, w.c1));
    }
    this.body.replaceChildren(frag);
    const activeEl = this.activeElement();
    this.element.tabIndex = activeEl ? -1 : 0;
    if (hadFocus) this.focusActive();
  }

  private renderHeader(c0: number, c1: number): void {
    const cols = this.model.cols;
    // Namespace bands over the columns.
    const bands = document.createDocumentFragment();
    bands.append(h('div', 'band-corner'));
    let i = 0;
    while (i < cols.length) {
      const c = cols[i];
      if (!c) break;
      let j = i + 1;
      while (j < cols.length && cols[j]?.group === c.group) j++;
      if (j > c0 && i < c1) {
        const band = h(
          'button',
          `band${c.kind === 'aggregate' ? ' collapsed' : ''}${c.group.external ? ' external' : ''}`,
        );
        band.type = 'button';
        band.tabIndex = -1;
        band.dataset.group = c.group.key;
        band.textContent = `${c.kind === 'aggregate' ? '▸' : '▾'} ${c.group.label}`;
        band.title = `${c.kind === 'aggregate' ? 'Expand' : 'Collapse'} ${c.group.label} (${c.group.members.length})`;
        band.style.left = `${this.rowHeaderW + i * COL_W}px`;
        band.style.width = `${(j - i) * COL_W}px`;
        bands.append(band);
      }
      i = j;
    }
    this.bandRow.replaceChildren(bands);

    const frag = document.createDocumentFragment();
    this.corner.textContent = '';
    this.corner.append(h('span', 'corner-src', 'Source ↓'), h('span', 'corner-dst', 'Destination →'));
    frag.append(this.corner);
    for (let k = c0; k < c1; k++) {
      const c = cols[k];
      if (!c) continue;
      const el = h(
        'div',
        `col-header${c.kind === 'aggregate' ? ' aggregate' : ''}${this.model.isFocused(c) ? ' focused-ep' : ''}`,
      );
      el.setAttribute('role', 'columnheader');
      el.setAttribute('aria-colindex', String(k + 2));
      el.setAttribute(
        'aria-label',
        c.kind === 'endpoint'
          ? `Destination ${endpointDescription(c.ep)}`
          : `Destination namespace ${c.group.label}, collapsed`,
      );
      el.title =
        c.kind === 'endpoint'
          ? endpointDescription(c.ep)
          : `${c.group.label} (${c.group.members.length}), collapsed`;
      el.style.left = `${this.rowHeaderW + k * COL_W}px`;
      el.dataset.col = c.key;
      el.append(h('span', 'col-label', axisShortLabel(c)));
      frag.append(el);
    }
    this.colHeaderRow.replaceChildren(frag);
  }

  private renderRow(r: RowItem, i: number, c0: number, c1: number): HTMLElement {
    const row = h('div', `row row-${r.kind}`);
    row.setAttribute('role', 'row');
    row.setAttribute('aria-rowindex', String(i + 2));
    row.style.top = `${i * ROW_H}px`;
    row.dataset.row = r.key;
    const active = this.model.active;
    const onHeader = active?.row === r.key && active.col === null;

    const rh = h('div', 'row-header');
    rh.setAttribute('role', 'rowheader');
    rh.setAttribute('aria-colindex', '1');
    rh.dataset.row = r.key;
    rh.tabIndex = onHeader ? 0 : -1;
    rh.setAttribute('aria-label', rowHeaderLabel(r));
    if (r.kind === 'group' || r.kind === 'aggregate') {
      const collapsed = r.kind === 'aggregate';
      rh.classList.add('group-header');
      rh.dataset.group = r.group.key;
      rh.setAttribute('aria-expanded', String(!collapsed));
      rh.append(
        h('span', 'twisty', collapsed ? '▸' : '▾'),
        h('span', 'group-name', r.group.label),
        h('span', 'group-count', String(r.group.members.length)),
      );
      rh.title = `${collapsed ? 'Expand' : 'Collapse'} ${r.group.label} (Enter)`;
    } else {
      if (this.model.isFocused(r)) rh.classList.add('focused-ep');
      rh.title = endpointDescription(r.ep);
      rh.append(h('span', 'ep-name', shortName(r.ep)));
      if (r.ep.workloadKind) rh.append(h('span', 'ep-kind', r.ep.workloadKind));
      if (r.ep.kind === 'external') rh.classList.add('external');
    }
    if (onHeader) rh.classList.add('active');
    row.append(rh);
    if (r.kind === 'group') {
      row.setAttribute('aria-label', `Namespace ${r.group.label}`);
      return row;
    }
    for (let k = c0; k < c1; k++) {
      const c = this.model.cols[k];
      if (c) row.append(this.renderCell(r, c, k));
    }
    return row;
  }

  private renderCell(r: AxisItem, c: AxisItem, k: number): HTMLElement {
    const s = this.model.cellState(r, c);
    const cell = h('div', `cell v-${s.verdict}`);
    cell.setAttribute('role', 'gridcell');
    cell.setAttribute('aria-colindex', String(k + 2));
    cell.setAttribute('aria-label', s.label);
    cell.style.left = `${this.rowHeaderW + k * COL_W}px`;
    cell.dataset.row = r.key;
    cell.dataset.col = c.key;
    cell.tabIndex = s.active ? 0 : -1;
    if (s.active) cell.classList.add('active');
    cell.setAttribute('aria-selected', String(s.selected));
    if (s.selected) cell.classList.add('selected');
    if (s.dimmed) cell.classList.add('dimmed');
    if (s.aggregate) cell.classList.add('aggregate');
    cell.append(glyph(GLYPH[s.verdict]));
    if (s.change) {
      // not by colour alone: a glyph beside the verdict, and the words in the label
      cell.classList.add('changed', `ch-${s.change}`);
      const mark = glyph(CHANGE_GLYPH[s.change]);
      mark.classList.add('change-mark');
      cell.append(mark);
    }
    return cell;
  }

  // ---- interaction ------------------------------------------------------------------------

  private activeElement(): HTMLElement | null {
    const a = this.model.active;
    if (!a) return null;
    const sel =
      a.col === null
        ? `.row-header[data-row="${CSS.escape(a.row)}"]`
        : `.cell[data-row="${CSS.escape(a.row)}"][data-col="${CSS.escape(a.col)}"]`;
    return this.body.querySelector<HTMLElement>(sel);
  }

  private focusActive(): void {
    const el = this.activeElement();
    if (el) el.focus({ preventScroll: true });
    else this.element.focus({ preventScroll: true });
  }

  private scrollIntoView(): void {
    const { top, left } = this.model.revealScroll(this.viewport());
    if (top !== this.element.scrollTop) this.element.scrollTop = top;
    if (left !== this.element.scrollLeft) this.element.scrollLeft = left;
  }

  /** After a keyboard move: scroll to the new position, draw it, focus it, show its tooltip. */
  private showActive(): void {
    this.scrollIntoView();
    this.render(true);
    this.focusActive();
    this.showTooltipFor(this.activeElement());
  }

  private activateAt(rowKey: string, colKey: string | null): void {
    const a = this.model.activate(rowKey, colKey);
    if (!a) return;
    if (a.kind === 'toggleGroup') {
      this.cb.toggleGroup(a.group);
      return;
    }
    this.render(true);
    this.cb.activate(a.target, a.key);
  }

  private onClick(e: MouseEvent): void {
    const t = e.target as HTMLElement;
    const band = t.closest<HTMLElement>('.band');
    if (band?.dataset.group) {
      this.cb.toggleGroup(band.dataset.group);
      return;
    }
    const cell = t.closest<HTMLElement>('.cell, .row-header');
    if (!cell?.dataset.row) return;
    const col = cell.classList.contains('cell') ? (cell.dataset.col ?? null) : null;
    this.model.active = { row: cell.dataset.row, col };
    this.activateAt(cell.dataset.row, col);
    this.focusActive();
  }

  private onFocusIn(e: FocusEvent): void {
    const t = e.target as HTMLElement;
    if (t === this.element && this.model.active) {
      // Tabbing into the grid lands on the remembered cell.
      this.scrollIntoView();
      this.render(true);
      this.focusActive();
      return;
    }
    if (t.classList.contains('cell')) this.showTooltipFor(t);
  }

  private onHover(e: MouseEvent): void {
    const cell = (e.target as HTMLElement).closest<HTMLElement>('.cell');
    if (cell) this.showTooltipFor(cell);
    else this.hideTooltip();
  }

  private showTooltipFor(cell: HTMLElement | null): void {
    if (!cell || !cell.classList.contains('cell') || !cell.dataset.row || !cell.dataset.col) {
      this.hideTooltip();
      return;
    }
    const tip = this.model.tooltip(cell.dataset.row, cell.dataset.col);
    if (!tip) return;
    const t = this.tooltip;
    t.replaceChildren();
    t.append(h('div', 'tt-pair', tip.from), h('div', 'tt-pair', tip.to));
    const line = h('div', `tt-verdict v-${tip.verdict}`);
    line.append(h('span', 'glyph', GLYPH[tip.verdict]), document.createTextNode(` ${WORD[tip.verdict]}`));
    t.append(line);
    if (tip.detail !== undefined) t.append(h('div', 'tt-conns', tip.detail));
    if (tip.change !== undefined) t.append(h('div', 'tt-change', tip.change));
    if (tip.filter !== undefined) t.append(h('div', 'tt-hint', tip.filter));
    t.append(h('div', 'tt-hint', 'Click or press Enter to explain'));
    t.hidden = false;
    const rect = cell.getBoundingClientRect();
    const tw = t.offsetWidth;
    const th = t.offsetHeight;
    let x = rect.right + 6;
    let y = rect.top;
    if (x + tw > window.innerWidth - 4) x = Math.max(4, rect.left - tw - 6);
    if (y + th > window.innerHeight - 4) y = Math.max(4, window.innerHeight - th - 4);
    t.style.left = `${x}px`;
    t.style.top = `${y}px`;
  }

  private hideTooltip(): void {
    this.tooltip.hidden = true;
  }
}
