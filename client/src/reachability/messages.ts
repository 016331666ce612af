/**
 * Validation of what the reachability webview posts (`WebviewToHost`): the webview renders data
 * from the workspace's manifests, so the host trusts no message it receives. Each message is
 * checked against its type; anything else is dropped (and logged by the panel). The other
 * direction is validated in the webview (client/webview/messages.ts).
 */
import type { Protocol, SourceLocation } from '../../../server/src/protocol/requests';
import type { ViewState, WebviewToHost } from '../../../server/src/protocol/webview';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown, max = 4096): v is string => typeof v === 'string' && v.length <= max;
const isNat = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isStrList = (v: unknown): v is string[] =>
  Array.isArray(v) && v.length <= 100_000 && v.every((x) => isStr(x));
const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

function isPosition(v: unknown): boolean {
  return isObj(v) && isNat(v.line) && isNat(v.character);
}

export function isLocation(v: unknown): v is SourceLocation {
  return isObj(v) && isStr(v.uri) && isObj(v.range) && isPosition(v.range.start) && isPosition(v.range.end);
}

function isPort(v: unknown): boolean {
  return (
    isObj(v) && isNat(v.port) && v.port >= 1 && v.port <= 65535 && PROTOCOLS.includes(v.protocol as Protocol)
  );
}

function isViewState(v: unknown): v is ViewState {
  if (!isObj(v) || !isStr(v.port, 64) || !isStr(v.search) || !isStrList(v.collapsed)) return false;
  const optional: Array<[string, (x: unknown) => boolean]> = [
    ['selected', (x) => isObj(x) && isStr(x.src) && isStr(x.dst)],
    ['scrollTop', (x) => typeof x === 'number' && Number.isFinite(x)],
    ['scrollLeft', (x) => typeof x === 'number' && Number.isFinite(x)],
    ['focusPolicy', (x) => isObj(x) && isStr(x.uri) && isStr(x.name) && isStr(x.namespace)],
    ['namespaces', isStrList],
    ['mode', (x) => x === 'changes'],
    ['root', (x) => isStr(x)],
  ];
  return optional.every(([k, ok]) => v[k] === undefined || ok(v[k]));
}

/** The message as a `WebviewToHost`, or why it is not one. */
export function parseWebviewMessage(m: unknown): WebviewToHost | string {
  if (!isObj(m) || typeof m.type !== 'string') return 'not a message object with a type';
  const bad = (what: string): string => `a "${String(m.type).slice(0, 40)}" message with ${what}`;
  switch (m.type) {
    case 'ready':
    case 'clearFocus':
      return { type: m.type };
    case 'setPort':
      return isStr(m.port, 64) ? { type: 'setPort', port: m.port } : bad('no port text');
    case 'explain':
      if (typeof m.requestId !== 'number' || !Number.isFinite(m.requestId)) return bad('no requestId');
      if (!isStr(m.src) || !isStr(m.dst) || !m.src || !m.dst) return bad('no src or dst id');
      if (m.port !== undefined && !isPort(m.port)) return bad('a bad port');
      return m as WebviewToHost;
    case 'open':
      return isLocation(m.location) ? { type: 'open', location: m.location } : bad('a bad location');
    case 'stateChanged':
      return isViewState(m.state) ? { type: 'stateChanged', state: m.state } : bad('a bad state');
    case 'setNamespaces':
      // the items are filtered where they are used (namespaceList)
      return Array.isArray(m.namespaces) && m.namespaces.length <= 100_000
        ? { type: 'setNamespaces', namespaces: m.namespaces as string[] }
        : bad('no namespace list');
    case 'setMode':
      return m.mode === 'matrix' || m.mode === 'changes'
        ? { type: 'setMode', mode: m.mode }
        : bad('a mode other than matrix or changes');
    case 'setRoot':
      return isStr(m.root) ? { type: 'setRoot', root: m.root } : bad('no root id');
    default:
      return `an unknown message type "${m.type.slice(0, 40)}"`;
  }
}
