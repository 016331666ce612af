/**
 * Hovers and code lenses on the source files of a rendered kustomize root (roots/render.ts): the
 * file holds no resources there (the build's output is analysed instead), so each answer is the
 * one at the place of the output the source became, put back on the source file through the same
 * mapping the findings take (`RenderedSources`: origin annotation, object, YAML path). And the
 * answers of several roots for one place joined into one, each under its root's name.
 */
import type { SourceRef } from '../text/span';
import type { RenderedSources } from '../roots/render';
import type { CoreCodeLens, ReferencesLensArgs, ShowReachabilityLensArgs } from './code-lens';
import { codeLenses } from './code-lens';
import type { FeatureContext } from './context';
import { hover, type CoreHover } from './hover';

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
