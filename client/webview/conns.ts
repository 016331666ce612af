/**
 * Connection-set arithmetic for the view: what a `ConnsDto` allows under the port filter, and
 * how to say it in words. Pure functions (unit-tested through the browser tests).
 */
import type { ConnsDto, Protocol } from '../../server/src/protocol/requests';

export type PortFilter = { port: number; protocol: Protocol } | undefined;
/** `all`: allowed (every port, or the filtered port); `some`: some ports only; `none`: denied. */
export type Verdict = 'all' | 'some' | 'none';

const PROTOCOLS: Protocol[] = ['TCP', 'UDP', 'SCTP'];

/** `any` → undefined filter; `80`, `80/TCP`, `53/udp` → port filter; null when invalid. */
export function parsePortFilter(text: string): PortFilter | null {
  const t = text.trim();
  if (t === '' || t.toLowerCase() === 'any') return undefined;
  const m = /^(\d{1,5})(?:\s*\/\s*(tcp|udp|sctp))?$/i.exec(t);
  if (!m) return null;
  const port = Number(m[1]);
  if (port < 1 || port > 65535) return null;
  return { port, protocol: (m[2] ?? 'TCP').toUpperCase() as Protocol };
}

export function formatPortFilter(f: PortFilter): string {
  return f ? `${f.port}/${f.protocol}` : 'any';
}

export function verdictOf(conns: ConnsDto | 'none' | undefined, filter: PortFilter): Verdict {
  if (conns === undefined || conns === 'none') return 'none';
  if (conns === 'all') return 'all';
  if (filter) {
    const ranges = conns[filter.protocol] ?? [];
    return ranges.some(([a, b]) => a <= filter.port && filter.port <= b) ? 'all' : 'none';
  }
  return PROTOCOLS.some((p) => (conns[p]?.length ?? 0) > 0) ? 'some' : 'none';
}

/** "all ports", "TCP 80, 8080-8090 · UDP 53", or "nothing". */
export function formatConns(conns: ConnsDto | 'none' | undefined): string {
  if (conns === undefined || conns === 'none') return 'nothing';
  if (conns === 'all') return 'all ports';
  const parts: string[] = [];
  for (const p of PROTOCOLS) {
    const ranges = conns[p];
    if (!ranges || ranges.length === 0) continue;
    parts.push(
      `${p} ${ranges.map(([a, b]) => (a === b ? `${a}` : a === 1 && b === 65535 ? 'all' : `${a}-${b}`)).join(', ')}`,
    );
  }
  return parts.length ? parts.join(' · ') : 'nothing';
}

/** Ports named in the connections, for the port filter's suggestions (`80/TCP`, `53/UDP`, …). */
export function suggestedPorts(all: Iterable<ConnsDto>): string[] {
  const out = new Set<string>(['53/UDP', '53/TCP', '80/TCP', '443/TCP']);
  for (const c of all) {
    if (c === 'all') continue;
    for (const p of PROTOCOLS) {
      for (const [a, b] of c[p] ?? []) {
        if (b - a < 4) for (let x = a; x <= b; x++) out.add(`${x}/${p}`);
        else out.add(`${a}/${p}`);
      }
    }
  }
  return [...out].sort((x, y) => parseInt(x, 10) - parseInt(y, 10) || x.localeCompare(y)).slice(0, 50);
}
