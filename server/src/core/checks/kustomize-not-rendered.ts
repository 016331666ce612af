/**
 * kustomize-not-rendered (information): a kustomization uses what a reader cannot apply
 * (patches, generators, Helm charts, replacements, name prefixes, remote bases): netpol-lens
 * applies its resources, namespace and labels only, so the analysis may differ from
 * `kustomize build`. One finding per kustomization file, on the first such field; it names the
 * files the kustomization reads as input (patches, configurations…), which are not resources, and
 * how to have it rendered. Where the user turned rendering on (roots/render.ts), a kustomization
 * of a rendered tree gets nothing, and one whose build failed a warning saying what failed and how
 * to fix it (the reader's transform is analysed instead).
 */
import { defineCheck, defineCode, type Report } from './types';
import { kustomizationOf } from '../roots/kustomize';
import { listText, plural } from '../text/words';

const meta = defineCode({
  code: 'kustomize-not-rendered',
  defaultSeverity: 'information',
  otherSeverities: ['warning'],
  scope: 'file',
  summary:
    'A kustomization uses patches, generators, Helm charts, replacements, name prefixes or remote bases, which netpol-lens does not apply; render it to analyse the output (a warning where rendering was turned on and kustomize build failed).',
});

/** How to have a kustomization rendered: said by every finding of this code. */
export const HOW_TO_RENDER =
  'To analyse what kustomize builds, turn on netpolLens.kustomize.render (in a trusted workspace: it runs your kustomize, or kubectl kustomize) or pass --render-kustomize to the command line, or pipe the build in: kustomize build <folder> | netpol-lens check -';

export const kustomizeNotRendered = defineCheck(meta, ({ subjects }) => {
  const out: Report<typeof meta>[] = [];
  for (const f of subjects.files.values()) {
    const k = kustomizationOf(f);
    if (!k) continue;
    const note = f.render;
    if (note?.error !== undefined) {
      const first = k.unrendered[0];
      const m = /^[A-Za-z]\w*/m.exec(f.text);
      out.push({
        uri: f.uri,
        span: first?.span ?? (m ? { start: m.index, end: m.index + m[0].length } : { start: 0, end: 0 }),
        severity: 'warning',
        message: `Rendering this kustomization failed: \`${note.command}\` ${note.error} netpol-lens analysed the kustomization as it reads it instead (its resources with their namespace and labels; no patches, generators or the like), so the analysis may differ from what kustomize builds.`,
      });
      continue;
    }
    if (note) continue; // rendered: its output is analysed
    const first = k.unrendered[0];
    if (!first) continue;
    const fields = [...new Set(k.unrendered.map((u) => u.field))];
    const inputs = [...new Set(k.inputs)];
    const notApplied = inputs.length
      ? ` The ${plural(inputs.length, 'file')} it names as input (${listText(inputs, 4)}) ${inputs.length === 1 ? 'is' : 'are'} read by kustomize, not applied as resources: netpol-lens does not analyse ${inputs.length === 1 ? 'it' : 'them'}.`
      : '';
    out.push({
      uri: f.uri,
      span: first.span,
      message: `This kustomization uses ${listText(fields)}, which netpol-lens does not apply: it reads the resources it lists with their namespace and labels only, so the analysis may differ from what kustomize builds.${notApplied} ${HOW_TO_RENDER}`,
    });
  }
  return out;
});
