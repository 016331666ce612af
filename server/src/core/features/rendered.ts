/**
 * Hovers and code lenses on the source files of a rendered kustomize root (roots/render.ts): the
 * file holds no resources there (the build's output is analysed instead), so each answer is the
 * one at the place of the output the source became, put back on the source file through the same
 * mapping the findings take (`RenderedSources`: origin annotation, object, YAML path); likewise
 * definitions, references and document symbols. And the answers of several roots for one place
 * joined into one, each under its root's name.
 */
import type { SourceRef, Span } from '../text/span';
import { isRenderedUri, type RenderedSources } from '../roots/render';
import type { CoreCodeLens, ReferencesLensArgs, ShowReachabilityLensArgs } from './code-lens';
import { codeLenses } from './code-lens';
import type { FeatureContext } from './context';
import { hover, type CoreHover } from './hover';
import { symbols, type CoreSymbol } from './symbols';

/**
 * The hover at `offset` of the source file `uri` as the outputs of `sources` answer it (several
 * objects of the outputs from that place: their hovers one after the other); undefined when no
 * output comes from there.
 */
export function renderedHover(
  ctx: FeatureContext,
  sources: RenderedSources,
  uri: string,
  offset: number,
): CoreHover | undefined {
  const parts: CoreHover[] = [];
  for (const place of sources.rendered(uri, offset)) {
    const h = hover(ctx, place.uri, place.span.start);
    if (!h) continue;
    const back = sources.source(place.uri, h.span);
    parts.push({
      markdown: h.markdown,
      links: h.links.map((l) => sources.sourceRef(l)),
      span: back && back.uri === uri ? back.span : { start: offset, end: offset },
    });
  }
  return joinHovers(parts.map((hover) => ({ hover })));
}

/**
 * Hovers of one place joined: the same answer once; different answers one after the other, each
 * under its title (the analysis root it comes from), their links renumbered.
 */
export function joinHovers(
  parts: readonly { readonly title?: string; readonly hover: CoreHover }[],
): CoreHover | undefined {
  const distinct: { title?: string; hover: CoreHover }[] = [];
  for (const p of parts)
    if (!distinct.some((d) => sameHover(d.hover, p.hover)))
      distinct.push({ ...(p.title !== undefined ? { title: p.title } : {}), hover: p.hover });
  const first = distinct[0];
  if (!first) return undefined;
  if (distinct.length === 1) return first.hover;
  const links: SourceRef[] = [];
  const markdown = distinct
    .map(({ title, hover: h }) => {
      const shift = links.length;
      links.push(...h.links);
      const body = h.markdown.replace(
        /\]\(link:(\d+)\)/g,
        (_all, n: string) => `](link:${Number(n) + shift})`,
      );
      return title !== undefined ? `*${title}:*\n\n${body}` : body;
    })
    .join('\n\n---\n\n');
  return { markdown, links, span: first.hover.span };
}

function sameHover(a: CoreHover, b: CoreHover): boolean {
  return (
    a.markdown === b.markdown &&
    a.links.length === b.links.length &&
    a.links.every((l, i) => {
      const m = b.links[i];
      return m !== undefined && m.uri === l.uri && m.span.start === l.span.start;
    })
  );
}

/** The code lenses of the source file `uri` as the outputs of `sources` give them, on the source's lines. */
export function renderedLenses(ctx: FeatureContext, sources: RenderedSources, uri: string): CoreCodeLens[] {
  const out: CoreCodeLens[] = [];
  for (const output of sources.outputsFrom(uri))
    for (const lens of codeLenses(ctx, output)) {
      const back = sources.source(output, lens.span);
      if (!back || back.uri !== uri) continue; // a lens of an object from another file
      const span = { start: back.span.start, end: back.span.start };
      out.push({
        ...lens,
        span,
        ...(lens.command ? { command: movedCommand(lens.command, uri, sources) } : {}),
      });
    }
  return out;
}

/** A lens's command with its places in the output moved to the sources (`uri`: the lens's source file). */
function movedCommand(
  command: NonNullable<CoreCodeLens['command']>,
  uri: string,
  sources: RenderedSources,
): NonNullable<CoreCodeLens['command']> {
  if (command.name === 'references') {
    const args = command.args.map((a) => {
      const r = a as ReferencesLensArgs;
      const at = sources.sourceRef({ uri: r.uri, span: { start: r.offset, end: r.offset } });
      const moved: ReferencesLensArgs = {
        uri: at.uri,
        offset: at.span.start,
        locations: r.locations.map((l) => sources.sourceRef(l)),
      };
      return moved;
    });
    return { ...command, args };
  }
  if (command.name === 'showReachability') {
    const args = command.args.map((a) => {
      const moved: ShowReachabilityLensArgs = { ...(a as ShowReachabilityLensArgs), uri };
      return moved;
    });
    return { ...command, args };
  }
  return command;
}

/**
 * The code lenses several roots give one file: a lens every root gives alike (title and command)
 * once, as it is; the others each root's, their titles after the root's name (a "Show
 * reachability" lens once per place, the first root's).
 */
export function joinLenses(
  parts: readonly { readonly title: string; readonly lenses: readonly CoreCodeLens[] }[],
): CoreCodeLens[] {
  const key = (l: CoreCodeLens): string =>
    `${l.span.start}\u0000${l.title}\u0000${JSON.stringify(l.command)}`;
  const keys = parts.map((p) => p.lenses.map(key).join('\u0001'));
  if (parts.length <= 1 || keys.every((k) => k === keys[0])) return [...(parts[0]?.lenses ?? [])];
  // a lens every root gives alike is shown once, without a root's name; the others per root
  const alike = new Set(
    parts[0]?.lenses.map(key).filter((k) => parts.every((p) => p.lenses.some((l) => key(l) === k))),
  );
  const out: CoreCodeLens[] = [];
  const seen = new Set<string>();
  for (const p of parts)
    for (const l of p.lenses) {
      const k = key(l);
      if (alike.has(k)) {
        if (seen.has(k)) continue;
        seen.add(k);
        out.push(l);
      } else if (l.command?.name === 'showReachability') {
        const place = `${l.span.start}\u0000${l.title}`;
        if (seen.has(place)) continue;
        seen.add(place);
        out.push(l);
      } else out.push({ ...l, title: `${p.title}: ${l.title}` });
    }
  return out.sort((a, b) => a.span.start - b.span.start);
}

/**
 * The places a place-query (definition, references) answers at `offset` of the source file `uri`,
 * asked at every place of the outputs it became and mapped back to the sources. A place the build
 * made from no source (a generated object) has no file to go to and is left out.
 */
export function renderedPlaces(
  sources: RenderedSources,
  uri: string,
  offset: number,
  query: (uri: string, offset: number) => readonly SourceRef[],
): SourceRef[] {
  return joinPlaces(
    sources.rendered(uri, offset).map((place) =>
      query(place.uri, place.span.start)
        .map((r) => sources.sourceRef(r))
        .filter((r) => !isRenderedUri(r.uri)),
    ),
  );
}

/** Places of several answers (roots, outputs) once each, in the order first given. */
export function joinPlaces(parts: readonly (readonly SourceRef[])[]): SourceRef[] {
  const out: SourceRef[] = [];
  const seen = new Set<string>();
  for (const part of parts)
    for (const r of part) {
      const k = `${r.uri}\u0000${r.span.start}\u0000${r.span.end}`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(r);
    }
  return out;
}

/**
 * The document symbols of the source file `uri` as the outputs make its objects (the names and
 * namespaces the build gives them), on the source's ranges; an object or rule of an output that
 * does not come from this file is left out.
 */
export function renderedSymbols(ctx: FeatureContext, sources: RenderedSources, uri: string): CoreSymbol[] {
  const out: CoreSymbol[] = [];
  for (const output of sources.outputsFrom(uri))
    for (const s of symbols(ctx, output)) {
      const moved = movedSymbol(s, output, uri, sources, true);
      if (moved) out.push(moved);
    }
  return out.sort((a, b) => a.span.start - b.span.start);
}

function movedSymbol(
  s: CoreSymbol,
  output: string,
  uri: string,
  sources: RenderedSources,
  top: boolean,
): CoreSymbol | undefined {
  const back = sources.source(output, s.span);
  if (!back || back.uri !== uri) return undefined;
  // an object: the source object it was found in; a rule: the source node its start maps to
  const span = top && back.document ? back.document : back.span;
  const inside = (x: Span): boolean => x.start >= span.start && x.end <= span.end;
  const sel = sources.source(output, s.selectionSpan);
  const selectionSpan: Span =
    sel && sel.uri === uri && inside(sel.span) ? sel.span : { start: span.start, end: span.start };
  const children: CoreSymbol[] = [];
  for (const c of s.children) {
    const m = movedSymbol(c, output, uri, sources, false);
    if (m && inside(m.span)) children.push(m);
  }
  return { ...s, span, selectionSpan, children };
}

/**
 * The document symbols several roots give one file: one list when they agree; otherwise each
 * root's, its name before the detail.
 */
export function joinSymbols(
  parts: readonly { readonly title: string; readonly symbols: readonly CoreSymbol[] }[],
): CoreSymbol[] {
  const keys = parts.map((p) => JSON.stringify(p.symbols));
  if (parts.length <= 1 || keys.every((k) => k === keys[0])) return [...(parts[0]?.symbols ?? [])];
  return parts
    .flatMap((p) => p.symbols.map((s) => ({ ...s, detail: `${p.title} · ${s.detail}` })))
    .sort((a, b) => a.span.start - b.span.start);
}
