/**
 * The reachability changes against the git base (base.ts; `netpolLens.diff.base`, default HEAD):
 *
 * `netpolLens/changes` (ChangesParams → ChangesResult)
 *   Every ordered pair of endpoints whose allowed connections differ between the base and the
 *   workspace as it is now (unsaved buffers included), as `cli.js diff --base` computes it, with
 *   the change in words and the rules that caused it. `focusPolicy`: only the changes that policy
 *   made. `{available: false, reason}` when no workspace folder is in a git repository, git is
 *   missing, the ref is unknown, or the workspace is still being indexed: the view hides the mode.
 *
 * The change code lens (`changeLenses`): added to textDocument/codeLens above each policy that
 *   differs from the base and changes something.
 */
import {
  changeLenses,
  changeLines,
  diffCounts,
  type Analysis,
  type CoreCodeLens,
  type DiffLocator,
  type ReachChange,
  type SourceRef,
} from '../../core/index';
import type { ChangeCauseDto, ChangeDto, ChangesParams, ChangesResult } from '../../protocol/requests';
import type { BaseSnapshot } from '../base';
import { sourceLocation } from '../convert';
import type { ServerContext } from '../context';
import { baseName } from '../uri';

type Base = Extract<BaseSnapshot, { ok: true }>;

function indexingReason(ctx: ServerContext): string | undefined {
  const p = ctx.indexingProgress();
  return p ? `the workspace is being indexed (${p.done} of ${p.total} files)` : undefined;
}

/** `file.yaml:14`, on the side the reference belongs to. */
function placeText(base: Base, side: 'before' | 'after', ref: SourceRef): string {
  const a = side === 'before' ? base.before : base.after;
  const line = a.lineIndex(ref.uri)?.line1(ref.span.start);
  return line === undefined ? baseName(ref.uri) : `${baseName(ref.uri)}:${line}`;
}

function rootOf(a: Analysis, root: unknown, uri: string | undefined): string | undefined {
  if (!a.split) return undefined;
  if (typeof root === 'string') return root;
  return (uri !== undefined ? a.rootsOf(uri)[0]?.id : undefined) ?? a.roots[0]?.id;
}

export async function changes(
  ctx: ServerContext,
  params: ChangesParams | null | undefined,
): Promise<ChangesResult> {
  const indexing = indexingReason(ctx);
  if (indexing) return { available: false, reason: indexing };
  const base = await ctx.base();
  if (!base.ok) return { available: false, reason: base.reason };
  const fp = params?.focusPolicy;
  const fpUri = fp && typeof fp.uri === 'string' ? ctx.canonical(fp.uri) : undefined;
  const root = rootOf(base.after, params?.root, fpUri);
  if (root !== undefined && !base.after.root(root))
    return { available: false, reason: `unknown analysis root ${JSON.stringify(root)}` };
  const d = ctx.bases.diff(base, root);
  let list: readonly ReachChange[] = d.changes;
  if (fp && typeof fp.name === 'string' && typeof fp.namespace === 'string')
    list = ctx.bases.policyChanges(base, fpUri ?? '', `${fp.namespace}/${fp.name}`);
  const out: ChangeDto[] = list.map((c) => {
    const causes: ChangeCauseDto[] = [];
    const loc: DiffLocator = (side, ref) => {
      const text = placeText(base, side, ref);
      const a = side === 'before' ? base.before : base.after;
      const l = sourceLocation((u) => a.lineIndex(u), ref);
      causes.push({ text, location: { uri: ctx.clientUri(l.uri), range: l.range } });
      return text;
    };
    const lines = changeLines(c, loc);
    return {
      src: c.src.id,
      dst: c.dst.id,
      before: conns(c.before),
      after: conns(c.after),
      opened: conns(c.opened),
      closed: conns(c.closed),
      lines,
      causes,
      ...(c.srcOnly ? { srcOnly: c.srcOnly } : {}),
      ...(c.dstOnly ? { dstOnly: c.dstOnly } : {}),
    };
  });
  const counts = diffCounts({ changes: list, endpoints: d.endpoints });
  return {
    available: true,
    base: base.label,
    via: [...base.via],
    changes: out,
    counts,
    files: base.files.map((u) => ctx.clientUri(u)),
  };
}

/** The change lenses of a file (none while indexing, without a base, or for a file as at the base). */
export async function changeLensesOf(ctx: ServerContext, uri: string): Promise<CoreCodeLens[]> {
  if (indexingReason(ctx)) return [];
  const base = await ctx.base();
  if (!base.ok || !base.files.includes(uri)) return [];
  // the root holding the file, with one root too (its files as its kustomizations make them)
  const after = base.after.rootAt(uri);
  const before = base.before.rootAt(uri, base.after.rootsOf(uri)[0]?.id);
  const d = ctx.bases.diff(base, rootOf(base.after, undefined, uri));
  const loc: DiffLocator = (side, ref) => placeText(base, side, ref);
  return changeLenses(after.index, before.index, uri, d, (c) => changeLines(c, loc));
}

function conns(set: ReachChange['before']): ChangeDto['before'] {
  return set.isEmpty ? 'none' : set.toConns();
}
