/**
 * kustomize-not-listed (information): nothing in a kustomize tree is skipped silently. A Component
 * that no kustomization lists is analysed as if the nearest top kustomization whose folder holds it
 * listed it under `components:` (roots/kustomize.ts `optionalComponents`), which `kustomize build`
 * does not do: one finding on the component's kustomization, naming the kustomization it is read
 * with and the comment that mentions it. Files of a kustomization's folder that no kustomization
 * lists (nor reads as input) and that hold objects are analysed as written, without the
 * kustomization's namespace and labels, and are not deployed by its build: at most one finding per
 * kustomization, naming them (related information on each). The plan of roots (roots/roots.ts
 * `listingNotes`) works both out over the whole workspace and puts them on the kustomization
 * file's facts (`FileFacts.listing`).
 */
import { defineCheck, defineCode, type Report } from './types';
import { baseName, dirOf, relativeTo, uriPath } from '../roots/paths';
import { listText, plural } from '../text/words';
import type { Span } from '../text/span';

const meta = defineCode({
  code: 'kustomize-not-listed',
  defaultSeverity: 'information',
  scope: 'workspace',
  summary:
    'A kustomize Component no kustomization lists (analysed as if its nearest overlay listed it), or files of a kustomization folder no kustomization lists (analysed as written): kustomize build leaves them out.',
});

function keySpan(text: string, re: RegExp): Span | undefined {
  const m = re.exec(text);
  if (!m) return undefined;
  const g = m[1] ?? m[0];
  const start = m.index + m[0].indexOf(g);
  return { start, end: start + g.length };
}

export const kustomizeNotListed = defineCheck(meta, ({ subjects }) => {
  const out: Report<typeof meta>[] = [];
  for (const f of subjects.files.values()) {
    const note = f.listing;
    if (!note) continue;
    const first = keySpan(f.text, /^[A-Za-z]\w*/m) ?? { start: 0, end: 0 };
    const u = note.unlisted;
    if (u) {
      const span = keySpan(f.text, /^kind:[ \t]*(Component)\b/m) ?? first;
      if (u.owner && u.ownerPath) {
        const said = u.mention
          ? `${u.ownerPath} mentions it only in a comment`
          : `${u.ownerPath} does not mention it`;
        out.push({
          uri: f.uri,
          span,
          message: `Component ${u.component} is listed by no kustomization (${said}); netpol-lens analyses it as if ${u.ownerPath} listed it under components:, but \`kustomize build ${u.ownerDir ?? '.'}\` leaves it out. Add it to the components: of the kustomization that deploys it, or delete it if nothing does.`,
          related: [
            {
              uri: u.owner,
              span: u.mention ?? { start: 0, end: 0 },
              message: u.mention
                ? `${baseName(u.ownerPath)} mentions ${u.component} only in this comment`
                : `the kustomization ${u.component} is analysed with`,
            },
          ],
        });
      } else
        out.push({
          uri: f.uri,
          span,
          message: `Component ${u.component} is listed by no kustomization, and no kustomization's folder holds it: netpol-lens analyses the files it lists as written (without its namespace and labels), and no \`kustomize build\` deploys them. Add it to the components: of the kustomization that deploys it, or delete it if nothing does.`,
        });
    }
    const left = note.leftOut ?? [];
    if (left.length) {
      const dir = dirOf(uriPath(f.uri) ?? '');
      const names = left.map((l) => relativeTo(dir, uriPath(l) ?? l));
      const span = keySpan(f.text, /^(resources):/m) ?? first;
      out.push({
        uri: f.uri,
        span,
        message: `This kustomization leaves out ${plural(left.length, 'file')} of its folder that no kustomization lists (${listText(names, 4)}): netpol-lens analyses ${left.length === 1 ? 'it' : 'them'} as written, without this kustomization's namespace and labels, but \`kustomize build\` of this folder does not deploy ${left.length === 1 ? 'it' : 'them'}. List ${left.length === 1 ? 'it' : 'them'} under resources: if ${left.length === 1 ? 'it belongs' : 'they belong'} here, or move ${left.length === 1 ? 'it' : 'them'} out of the folder.`,
        related: left.map((l, i) => ({
          uri: l,
          span: { start: 0, end: 0 },
          message: `${names[i] ?? l} is listed by no kustomization`,
        })),
      });
    }
  }
  return out;
});
