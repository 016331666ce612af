/**
 * The reachability matrix as data, without the DOM: rows and columns (workloads grouped by
 * namespace, collapsible to one aggregate per namespace, external IP ranges last), the verdict and
 * words of every cell, the keyboard position and how keys move it, the selection, and the
 * geometry sums (which rows and columns are in view, where to scroll to reveal a cell).
 * matrix.ts draws it; matrix-keyboard.ts turns keys into its moves. Unit-tested under node:test.
 */
import type { ConnsDto, EndpointDto } from '../../server/src/protocol/requests';
import { plural } from '../../server/src/core/text/words';
import { formatConns, type PortFilter, verdictOf, type Verdict } from './conns';

export const ROW_H = 24;
export const COL_W = 30;
export const BAND_H = 22;
const OVERSCAN = 6;
/** Up to this many rows and columns everything is rendered; beyond, only what is visible. */
export const FULL_RENDER_LIMIT = 200;
const EXTERNAL = '(external)';
/** The names of domainNames peers (destinations only), a group of their own beside the IP ranges. */
const DOMAINS = '(domain names)';

export interface Group {
  key: string;
  label: string;
  external: boolean;
  members: EndpointDto[];
}

export type AxisItem =
  | { kind: 'endpoint'; key: string; ep: EndpointDto; group: Group }
  | { kind: 'aggregate'; key: string; group: Group };
export type RowItem = AxisItem | { kind: 'group'; key: string; group: Group };

export type CellVerdict = Verdict | 'self';

export type CellTarget =
  | { kind: 'pair'; src: EndpointDto; dst: EndpointDto; verdict: CellVerdict }
  | {
      kind: 'aggregate';
      srcLabel: string;
      dstLabel: string;
      sources: EndpointDto[];
      destinations: EndpointDto[];
      verdict: CellVerdict;
    };

export interface MatrixData {
  endpoints: EndpointDto[];
  connections: Map<string, ConnsDto>;
  filter: PortFilter;
  search: string;
  collapsed: ReadonlySet<string>;
  focus: ReadonlySet<string>;
  /** Changes mode: what opened and closed per pair against the base (absent: the mode is off). */
  changes?: ChangeMarks;
}

/** What opened and closed per pair (`pairKey`), against a base named `base` (`HEAD (1a2b3c4d)`). */
export interface ChangeMarks {
  base: string;
  pairs: Map<string, { opened: ConnsDto | 'none'; closed: ConnsDto | 'none' }>;
}

/** How a cell changed against the base, under the port filter. */
export type CellChange = 'opened' | 'closed' | 'both';

/** The glyph beside a changed cell's verdict, and its words. */
export const CHANGE_GLYPH: Record<CellChange, string> = { opened: '+', closed: '−', both: '±' };

/** The keyboard position: a row key, and a column key or null for the row header. */
export interface Position {
  row: string;
  col: string | null;
}

/** What a cell shows. */
export interface CellState {
  verdict: CellVerdict;
  label: string;
  active: boolean;
  selected: boolean;
  dimmed: boolean;
  aggregate: boolean;
  /** Changes mode: how the cell changed against the base. */
  change?: CellChange;
}

/** What the tooltip of a cell says, line by line. */
export interface TooltipContent {
  from: string;
  to: string;
  verdict: CellVerdict;
  /** Connections, or the allowed pairs of an aggregate; absent for a workload and itself. */
  detail?: string;
  /** The port filter in force. */
  filter?: string;
  /** Changes mode: what opened or closed against the base. */
  change?: string;
}

/** What Enter or a click on a position does. */
export type Activation =
  | { kind: 'toggleGroup'; group: string }
  | { kind: 'explain'; target: CellTarget; key: { src: string; dst: string } };

export type NavCommand =
  'down' | 'up' | 'pageDown' | 'pageUp' | 'right' | 'left' | 'home' | 'end' | 'top' | 'bottom' | 'activate';

export interface Viewport {
  scrollTop: number;
  scrollLeft: number;
  clientHeight: number;
  clientWidth: number;
  rowHeaderW: number;
  colHeaderH: number;
}

export interface RenderWindow {
  r0: number;
  r1: number;
  c0: number;
  c1: number;
}

export const pairKey = (src: string, dst: string): string => `${src}\u0000${dst}`;

export const GLYPH: Record<CellVerdict, string> = { all: '●', some: '◐', none: '✕', self: '—' };
export const WORD: Record<CellVerdict, string> = {
  all: 'allowed',
  some: 'allowed on some ports',
  none: 'denied',
  self: 'same workload',
};

function ipv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}

/** `10.0.0.0-10.255.255.255` → `10.0.0.0/8` when the range is exactly one IPv4 CIDR block. */
export function rangeLabel(id: string): string {
  const [a, b, extra] = id.split('-');
  if (extra !== undefined || a === undefined || b === undefined) return id;
  const first = ipv4(a);
  const last = ipv4(b);
  if (first === undefined || last === undefined || last < first) return id;
  const size = last - first + 1;
  const bits = Math.log2(size);
  if (!Number.isInteger(bits) || first % size !== 0) return id;
  return `${a}/${32 - bits}`;
}

export function shortName(ep: EndpointDto): string {
  return ep.kind === 'external' ? rangeLabel(ep.id) : ep.kind === 'domain' ? ep.id : (ep.name ?? ep.id);
}

export function endpointDescription(ep: EndpointDto): string {
  if (ep.kind === 'domain')
    return `domain name ${ep.id} (a destination only; enforcement depends on the platform's DNS-aware support)`;
  if (ep.kind === 'external')
    return rangeLabel(ep.id) === ep.id ? `IP range ${ep.id}` : `IP range ${rangeLabel(ep.id)} (${ep.id})`;
  const labels =
    ep.labels && Object.keys(ep.labels).length
      ? ` (labels ${Object.entries(ep.labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')})`
      : '';
  return `${ep.id}${labels}`;
}

/** The text of a column header: the short name, or `namespace (count)` when collapsed. */
export function axisShortLabel(item: AxisItem): string {
  return item.kind === 'endpoint' ? shortName(item.ep) : `${item.group.label} (${item.group.members.length})`;
}

/** The screen-reader label of a row header. */
export function rowHeaderLabel(r: RowItem): string {
  if (r.kind === 'endpoint') return `Source ${endpointDescription(r.ep)}`;
  return `${r.group.external ? '' : 'Namespace '}${r.group.label}, ${plural(r.group.members.length, 'endpoint')}, ${r.kind === 'aggregate' ? 'collapsed' : 'expanded'}`;
}

/** Groups and orders endpoints: namespaces alphabetically, external ranges last. */
export function groupEndpoints(endpoints: EndpointDto[], search: string): Group[] {
  const terms = search.toLowerCase().split(/\s+/).filter(Boolean);
  const haystack = (ep: EndpointDto): string =>
    [
      ep.id,
      ep.name ?? '',
      ep.namespace ?? '',
      ep.workloadKind ?? '',
      ...Object.entries(ep.labels ?? {}).map(([k, v]) => `${k}=${v}`),
    ]
      .join(' ')
      .toLowerCase();
  const groups = new Map<string, Group>();
  for (const ep of endpoints) {
    const external = ep.kind !== 'workload';
    const key = ep.kind === 'domain' ? DOMAINS : external ? EXTERNAL : (ep.namespace ?? 'default');
    let g = groups.get(key);
    if (!g) {
      const label = ep.kind === 'domain' ? 'Domain names' : external ? 'External IP ranges' : key;
      g = { key, label, external, members: [] };
      groups.set(key, g);
    }
    g.members.push(ep);
  }
  const out: Group[] = [];
  for (const g of groups.values()) {
    if (terms.length) {
      const groupHit = terms.every((t) => g.label.toLowerCase().includes(t));
      if (!groupHit) g.members = g.members.filter((ep) => terms.every((t) => haystack(ep).includes(t)));
    }
    if (g.members.length === 0) continue;
    g.members.sort((a, b) => shortName(a).localeCompare(shortName(b)) || a.id.localeCompare(b.id));
    out.push(g);
  }
  return out.sort((a, b) => (a.external === b.external ? a.key.localeCompare(b.key) : a.external ? 1 : -1));
}

/** The arrow-key vocabulary of the grid: `key` of a KeyboardEvent (with Ctrl) → a command. */
export function navCommand(key: string, ctrlKey: boolean): NavCommand | undefined {
  switch (key) {
    case 'ArrowDown':
      return 'down';
    case 'ArrowUp':
      return 'up';
    case 'PageDown':
      return 'pageDown';
    case 'PageUp':
      return 'pageUp';
    case 'ArrowRight':
      return 'right';
    case 'ArrowLeft':
      return 'left';
    case 'Home':
      return ctrlKey ? 'top' : 'home';
    case 'End':
      return ctrlKey ? 'bottom' : 'end';
    case 'Enter':
    case ' ':
      return 'activate';
    default:
      return undefined;
  }
}

/** Rows and columns to put in the DOM: all of them up to FULL_RENDER_LIMIT, else what is in view plus a margin. */
export function visibleWindow(rows: number, cols: number, v: Viewport): RenderWindow {
  if (rows <= FULL_RENDER_LIMIT && cols <= FULL_RENDER_LIMIT) return { r0: 0, r1: rows, c0: 0, c1: cols };
  const viewH = Math.max(v.clientHeight - BAND_H - v.colHeaderH, ROW_H * 10);
  const viewW = Math.max(v.clientWidth - v.rowHeaderW, COL_W * 10);
  return {
    r0: Math.max(0, Math.floor(v.scrollTop / ROW_H) - OVERSCAN),
    r1: Math.min(rows, Math.ceil((v.scrollTop + viewH) / ROW_H) + OVERSCAN),
    c0: Math.max(0, Math.floor(v.scrollLeft / COL_W) - OVERSCAN),
    c1: Math.min(cols, Math.ceil((v.scrollLeft + viewW) / COL_W) + OVERSCAN),
  };
}

/** How many rows PageUp/PageDown move. */
export function pageRows(clientHeight: number, colHeaderH: number): number {
  return Math.max(1, Math.floor((clientHeight - BAND_H - colHeaderH) / ROW_H) - 1);
}

/** Row header width and column header height for these labels (`measure` gives a text's width). */
export function headerSizes(
  rows: readonly RowItem[],
  cols: readonly AxisItem[],
  measure: (text: string, bold: boolean) => number,
): { rowHeaderW: number; colHeaderH: number } {
  let rowW = measure('Source ↓  Destination →', false) + 16;
  let colH = 40;
  for (const r of rows) {
    if (r.kind === 'endpoint') {
      const kind = r.ep.workloadKind ? measure(r.ep.workloadKind, false) * 0.85 + 6 : 0;
      rowW = Math.max(rowW, measure(shortName(r.ep), false) + kind + 40);
    } else {
      // twisty + bold name + count badge + paddings
      rowW = Math.max(
        rowW,
        measure(r.group.label, true) + measure(String(r.group.members.length), false) + 64,
      );
    }
  }
  for (const c of cols) colH = Math.max(colH, measure(axisShortLabel(c), false) + 16);
  return {
    rowHeaderW: Math.ceil(Math.min(Math.max(rowW, 160), 340)),
    colHeaderH: Math.ceil(Math.min(colH, 160)),
  };
}

export class MatrixModel {
  private data: MatrixData | undefined;
  private rowList: RowItem[] = [];
  private colList: AxisItem[] = [];
  private rowIndex = new Map<string, number>();
  private colIndex = new Map<string, number>();
  private verdictCache = new Map<string, { verdict: CellVerdict; allowed: number; pairs: number }>();
  /** The keyboard position. */
  active: Position | undefined;
  /** Column remembered while passing over namespace header rows. */
  private wantedCol: string | null = null;
  selected: { src: string; dst: string } | undefined;

  setData(data: MatrixData): void {
    this.data = data;
    this.verdictCache.clear();
    this.rowList = [];
    this.colList = [];
    for (const g of groupEndpoints(data.endpoints, data.search)) {
      // a domain name is only ever a destination (egress to it): a column, never a row of sources
      const destinationOnly = g.key === DOMAINS;
      if (data.collapsed.has(g.key)) {
        const item: AxisItem = { kind: 'aggregate', key: `group:${g.key}`, group: g };
        if (!destinationOnly) this.rowList.push(item);
        this.colList.push(item);
      } else {
        if (!destinationOnly) this.rowList.push({ kind: 'group', key: `header:${g.key}`, group: g });
        for (const ep of g.members) {
          const item: AxisItem = { kind: 'endpoint', key: ep.id, ep, group: g };
          if (!destinationOnly) this.rowList.push(item);
          this.colList.push(item);
        }
      }
    }
    this.rowIndex = new Map(this.rowList.map((r, i) => [r.key, i]));
    this.colIndex = new Map(this.colList.map((c, i) => [c.key, i]));
    if (this.active && !this.rowIndex.has(this.active.row)) this.active = undefined;
    if (this.active?.col && !this.colIndex.has(this.active.col))
      this.active = { row: this.active.row, col: null };
  }

  get rows(): readonly RowItem[] {
    return this.rowList;
  }

  get cols(): readonly AxisItem[] {
    return this.colList;
  }

  get filter(): PortFilter {
    return this.data?.filter;
  }

  rowAt(key: string): number | undefined {
    return this.rowIndex.get(key);
  }

  colAt(key: string): number | undefined {
    return this.colIndex.get(key);
  }

  // ---- verdicts ---------------------------------------------------------------------------

  verdictFor(src: string, dst: string): CellVerdict {
    if (src === dst) return 'self';
    return verdictOf(this.data?.connections.get(pairKey(src, dst)), this.data?.filter);
  }

  /** The verdict of a cell; an aggregate counts its workload pairs (allowed on every port / all pairs). */
  cellVerdict(r: AxisItem, c: AxisItem): { verdict: CellVerdict; allowed: number; pairs: number } {
    if (r.kind === 'endpoint' && c.kind === 'endpoint') {
      const v = this.verdictFor(r.ep.id, c.ep.id);
      return { verdict: v, allowed: v === 'all' ? 1 : 0, pairs: v === 'self' ? 0 : 1 };
    }
    const key = pairKey(r.key, c.key);
    const cached = this.verdictCache.get(key);
    if (cached) return cached;
    let all = 0;
    let some = 0;
    let pairs = 0;
    for (const s of members(r)) {
      for (const d of members(c)) {
        if (s.id === d.id) continue;
        pairs++;
        const v = this.verdictFor(s.id, d.id);
        if (v === 'all') all++;
        else if (v === 'some') some++;
      }
    }
    const verdict: CellVerdict =
      pairs === 0 ? 'self' : all === pairs ? 'all' : all + some === 0 ? 'none' : 'some';
    const out = { verdict, allowed: all, pairs };
    this.verdictCache.set(key, out);
    return out;
  }

  /** The target behind a row key × column key (what a click explains). */
  target(rowKey: string, colKey: string): CellTarget | undefined {
    const r = this.rowList[this.rowIndex.get(rowKey) ?? -1];
    const c = this.colList[this.colIndex.get(colKey) ?? -1];
    if (!r || !c || r.kind === 'group') return undefined;
    const v = this.cellVerdict(r, c).verdict;
    if (r.kind === 'endpoint' && c.kind === 'endpoint')
      return { kind: 'pair', src: r.ep, dst: c.ep, verdict: v };
    return {
      kind: 'aggregate',
      srcLabel: axisLabel(r),
      dstLabel: axisLabel(c),
      sources: members(r),
      destinations: members(c),
      verdict: v,
    };
  }

  private portWords(): string {
    const f = this.data?.filter;
    return f ? ` on ${f.port}/${f.protocol}` : '';
  }

  cellLabel(r: AxisItem, c: AxisItem): string {
    const { verdict, allowed, pairs } = this.cellVerdict(r, c);
    const change = this.changeWords(r, c);
    if (r.kind === 'endpoint' && c.kind === 'endpoint') {
      const conns =
        verdict === 'some' ? `: ${formatConns(this.data?.connections.get(pairKey(r.ep.id, c.ep.id)))}` : '';
      return `From ${r.ep.id} to ${c.ep.id}${this.portWords()}: ${WORD[verdict]}${conns}${change ? `; ${change}` : ''}`;
    }
    return `From ${axisLabel(r)} to ${axisLabel(c)}${this.portWords()}: ${allowed} of ${pairs} workload pairs allowed${change ? `; ${change}` : ''}`;
  }

  // ---- changes ----------------------------------------------------------------------------

  /** How a pair changed under the port filter: the opened or closed part on the filtered port only. */
  pairChange(src: string, dst: string): CellChange | undefined {
    const m = this.data?.changes?.pairs.get(pairKey(src, dst));
    if (!m) return undefined;
    const f = this.data?.filter;
    const o = verdictOf(m.opened, f) !== 'none';
    const c = verdictOf(m.closed, f) !== 'none';
    return o && c ? 'both' : o ? 'opened' : c ? 'closed' : undefined;
  }

  /** How a cell changed: a collapsed namespace combines its pairs. */
  cellChange(r: AxisItem, c: AxisItem): CellChange | undefined {
    if (!this.data?.changes) return undefined;
    if (r.kind === 'endpoint' && c.kind === 'endpoint') return this.pairChange(r.ep.id, c.ep.id);
    let o = false;
    let cl = false;
    for (const s of members(r))
      for (const d of members(c)) {
        const x = s.id === d.id ? undefined : this.pairChange(s.id, d.id);
        if (x === 'opened' || x === 'both') o = true;
        if (x === 'closed' || x === 'both') cl = true;
      }
    return o && cl ? 'both' : o ? 'opened' : cl ? 'closed' : undefined;
  }

  /** `opened since HEAD (1a2b3c4d): TCP 80`, for screen readers and the tooltip. */
  private changeWords(r: AxisItem, c: AxisItem): string | undefined {
    const ch = this.data?.changes;
    const kind = this.cellChange(r, c);
    if (!ch || !kind) return undefined;
    if (r.kind !== 'endpoint' || c.kind !== 'endpoint') {
      const what = kind === 'both' ? 'opened and closed' : kind;
      return `some pairs ${what} since ${ch.base}`;
    }
    const m = ch.pairs.get(pairKey(r.ep.id, c.ep.id));
    const parts: string[] = [];
    if (kind !== 'closed') parts.push(`opened since ${ch.base}: ${formatConns(m?.opened)}`);
    if (kind !== 'opened') parts.push(`closed since ${ch.base}: ${formatConns(m?.closed)}`);
    return parts.join('; ');
  }

  /** How many pairs have something opened, and closed, under the port filter (of the pairs known). */
  changeCounts(): { opened: number; closed: number } {
    let opened = 0;
    let closed = 0;
    const f = this.data?.filter;
    for (const m of this.data?.changes?.pairs.values() ?? []) {
      if (verdictOf(m.opened, f) !== 'none') opened++;
      if (verdictOf(m.closed, f) !== 'none') closed++;
    }
    return { opened, closed };
  }

  /**
   * Moves the keyboard position to the next (or previous) changed cell in reading order (rows,
   * then columns), wrapping around. False when no cell shown is changed.
   */
  nextChange(forward: boolean): boolean {
    if (!this.data?.changes) return false;
    const rows = this.rowList;
    const cols = this.colList;
    const n = rows.length * cols.length;
    if (n === 0) return false;
    const ri = this.active ? (this.rowIndex.get(this.active.row) ?? 0) : forward ? 0 : rows.length - 1;
    const ci =
      this.active?.col != null ? (this.colIndex.get(this.active.col) ?? -1) : forward ? -1 : cols.length;
    const start = ri * cols.length + ci;
    for (let step = 1; step <= n; step++) {
      const i = (((forward ? start + step : start - step) % n) + n) % n;
      const r = rows[Math.floor(i / cols.length)];
      const c = cols[i % cols.length];
      if (!r || !c || r.kind === 'group') continue;
      if (this.cellChange(r, c)) {
        this.active = { row: r.key, col: c.key };
        return true;
      }
    }
    return false;
  }

  /** An endpoint of the focused policy, or a collapsed namespace holding one. */
  isFocused(item: AxisItem): boolean {
    const f = this.data?.focus;
    if (!f || f.size === 0) return false;
    return item.kind === 'endpoint' ? f.has(item.ep.id) : item.group.members.some((m) => f.has(m.id));
  }

  cellState(r: AxisItem, c: AxisItem): CellState {
    const focus = this.data?.focus;
    return {
      verdict: this.cellVerdict(r, c).verdict,
      label: this.cellLabel(r, c),
      active: this.active?.row === r.key && this.active.col === c.key,
      selected: this.selected?.src === r.key && this.selected.dst === c.key,
      dimmed: !!focus && focus.size > 0 && !this.isFocused(r) && !this.isFocused(c),
      aggregate: r.kind === 'aggregate' || c.kind === 'aggregate',
      ...(this.data?.changes ? { change: this.cellChange(r, c) } : {}),
    };
  }

  tooltip(rowKey: string, colKey: string): TooltipContent | undefined {
    const r = this.rowList[this.rowIndex.get(rowKey) ?? -1];
    const c = this.colList[this.colIndex.get(colKey) ?? -1];
    if (!r || !c || r.kind === 'group') return undefined;
    const { verdict, allowed, pairs } = this.cellVerdict(r, c);
    const out: TooltipContent = { from: `From ${axisLabel(r)}`, to: `To ${axisLabel(c)}`, verdict };
    if (r.kind === 'endpoint' && c.kind === 'endpoint') {
      const conns = this.data?.connections.get(pairKey(r.ep.id, c.ep.id));
      if (verdict !== 'self')
        out.detail = conns ? `Connections: ${formatConns(conns)}` : 'No connection allowed';
    } else {
      out.detail = `${allowed} of ${pairs} workload pairs allowed`;
    }
    const f = this.data?.filter;
    if (f) out.filter = `Port filter: ${f.port}/${f.protocol}`;
    const change = this.changeWords(r, c);
    if (change) out.change = change.charAt(0).toUpperCase() + change.slice(1);
    return out;
  }

  // ---- keyboard position ------------------------------------------------------------------

  /** Puts the keyboard position on a cell; false when the matrix does not show it. */
  place(src: string, dst: string): boolean {
    if (!this.rowIndex.has(src) || !this.colIndex.has(dst)) return false;
    this.active = { row: src, col: dst };
    return true;
  }

  /** Gives the grid a keyboard position when it has none: the first cell. False when empty. */
  ensureActive(): boolean {
    if (this.active) return true;
    const firstRow = this.rowList.find((r) => r.kind !== 'group');
    if (!firstRow) return false;
    this.active = { row: firstRow.key, col: this.colList[0]?.key ?? null };
    return true;
  }

  /** Moves to row `rowIdx`, column `col`; a namespace header row has only its header, and remembers the column. */
  moveTo(rowIdx: number, col: string | null): boolean {
    const r = this.rowList[rowIdx];
    if (!r) return false;
    if (r.kind === 'group') {
      if (col !== null) this.wantedCol = col;
      this.active = { row: r.key, col: null };
      return true;
    }
    let c = col;
    if (
      c === null &&
      this.wantedCol !== null &&
      this.active?.col === null &&
      this.rowList[this.rowIndex.get(this.active.row) ?? -1]?.kind === 'group'
    ) {
      c = this.wantedCol;
    }
    if (c !== null && !this.colIndex.has(c)) c = this.colList[0]?.key ?? null;
    this.active = { row: r.key, col: c };
    if (c !== null) this.wantedCol = null;
    return true;
  }

  /**
   * Applies a movement (not `activate`) from the keyboard position. Returns undefined when the
   * key does nothing here (→ on a namespace header row), else whether the position moved onto a row.
   */
  move(cmd: Exclude<NavCommand, 'activate'>, page: number): boolean | undefined {
    if (!this.active) return undefined;
    const last = this.rowList.length - 1;
    const ri = this.rowIndex.get(this.active.row) ?? 0;
    const ci = this.active.col === null ? -1 : (this.colIndex.get(this.active.col) ?? 0);
    const colKey = (i: number): string | null =>
      i < 0 ? null : (this.colList[Math.min(i, this.colList.length - 1)]?.key ?? null);
    const wanted = this.active.col ?? this.wantedCol;
    switch (cmd) {
      case 'down':
        return this.moveTo(Math.min(ri + 1, last), wanted);
      case 'up':
        return this.moveTo(Math.max(ri - 1, 0), wanted);
      case 'pageDown':
        return this.moveTo(Math.min(ri + page, last), wanted);
      case 'pageUp':
        return this.moveTo(Math.max(ri - page, 0), wanted);
      case 'right':
        if (this.rowList[ri]?.kind === 'group') return undefined;
        return this.moveTo(ri, colKey(Math.min(ci + 1, this.colList.length - 1)));
      case 'left':
        return this.moveTo(ri, colKey(ci - 1));
      case 'home':
        return this.moveTo(ri, null);
      case 'end':
        return this.moveTo(ri, colKey(this.colList.length - 1));
      case 'top':
        return this.moveTo(0, wanted);
      case 'bottom':
        return this.moveTo(last, wanted);
    }
  }

  /** Enter or a click at a position: a namespace header toggles it, a cell is selected and explained. */
  activate(rowKey: string, colKey: string | null): Activation | undefined {
    const r = this.rowList[this.rowIndex.get(rowKey) ?? -1];
    if (!r) return undefined;
    if (colKey === null)
      return r.kind === 'endpoint' ? undefined : { kind: 'toggleGroup', group: r.group.key };
    const c = this.colList[this.colIndex.get(colKey) ?? -1];
    if (!c || r.kind === 'group') return undefined;
    this.selected = { src: r.key, dst: c.key };
    const target = this.target(r.key, c.key);
    return target && { kind: 'explain', target, key: { src: r.key, dst: c.key } };
  }

  /** The scroll position that brings the keyboard position into view (unchanged when it is). */
  revealScroll(v: Viewport): { top: number; left: number } {
    let top = v.scrollTop;
    let left = v.scrollLeft;
    if (!this.active) return { top, left };
    const ri = this.rowIndex.get(this.active.row) ?? 0;
    const ci = this.active.col === null ? -1 : (this.colIndex.get(this.active.col) ?? 0);
    const viewH = v.clientHeight - BAND_H - v.colHeaderH;
    const y = ri * ROW_H;
    if (y < top) top = y;
    else if (y + ROW_H > top + viewH) top = y + ROW_H - viewH;
    if (ci >= 0) {
      const viewW = v.clientWidth - v.rowHeaderW;
      const x = ci * COL_W;
      if (x < left) left = x;
      else if (x + COL_W > left + viewW) left = x + COL_W - viewW;
    }
    return { top, left };
  }
}

function members(item: AxisItem): EndpointDto[] {
  return item.kind === 'endpoint' ? [item.ep] : item.group.members;
}

/** `layer1/nginx1[Deployment]`, or `layer1 (2)` for a collapsed namespace. */
export function axisLabel(item: AxisItem): string {
  return item.kind === 'endpoint' ? item.ep.id : `${item.group.label} (${item.group.members.length})`;
}
