import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  AnalysisHost,
  type Analysis,
  type FileChange,
  type Settings,
  type Span,
} from '../../server/src/core/index';

export function readTree(dir: string): FileChange[] {
  const out: FileChange[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ya?ml|json)$/i.test(e.name))
        out.push({ uri: pathToFileURL(p).href, text: readFileSync(p, 'utf8') });
    }
  };
  if (statSync(dir).isDirectory()) walk(dir);
  else out.push({ uri: pathToFileURL(dir).href, text: readFileSync(dir, 'utf8') });
  return out;
}

export function analyseTree(dir: string, settings?: Settings): Analysis {
  const host = new AnalysisHost();
  if (settings) host.setSettings(settings);
  host.applyChanges(readTree(dir));
  return host.snapshot();
}

/** Analysis of in-memory files: `{ 'a.yaml': '...' }`. */
export function analyseTexts(files: Record<string, string>, settings?: Settings): Analysis {
  const host = new AnalysisHost();
  if (settings) host.setSettings(settings);
  host.applyChanges(Object.entries(files).map(([name, text]) => ({ uri: `file:///ws/${name}`, text })));
  return host.snapshot();
}

/**
 * A hover as the editor gets it: each `(link:N)` target written `file-uri#L<line>` (1-based), as
 * lsp/convert.ts `hoverMarkdown` does (test/lsp checks the server's own output).
 */
export function renderedHover(
  a: Analysis,
  uri: string,
  offset: number,
): { markdown: string; span: Span } | undefined {
  const h = a.hover(uri, offset);
  if (!h) return undefined;
  const markdown = h.markdown.replace(/\]\(link:(\d+)\)/g, (_all, n: string) => {
    const ref = h.links[Number(n)];
    assert.ok(ref, `link:${n} has no target in the hover's links`);
    return `](${ref.uri}#L${a.lineIndex(ref.uri)?.line1(ref.span.start) ?? 0})`;
  });
  return { markdown, span: h.span };
}
