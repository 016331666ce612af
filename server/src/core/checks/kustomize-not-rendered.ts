/**
 * kustomize-not-rendered (information): a kustomization uses what a reader cannot apply
 * (patches, generators, Helm charts, replacements, name prefixes, remote bases): netpol-lens
 * applies its resources, namespace and labels only, so the analysis may differ from
 * `kustomize build`. One finding per kustomization file, on the first such field; it names the
 * files the kustomization reads as input (patches, configurations…), which are not resources.
 */
import { defineCheck, defineCode, type Report } from './types';
import { kustomizationOf } from '../roots/kustomize';
import { listText, plural } from '../text/words';

const meta = defineCode({
  code: 'kustomize-not-rendered',
  defaultSeverity: 'information',
  scope: 'file',
  summary:
    'A kustomization uses patches, generators, Helm charts, replacements, name prefixes or remote bases, which netpol-lens does not apply; render it to analyse the output.',
});

export const kustomizeNotRendered = defineCheck(meta, ({ subjects }) => {
  const out: Report<typeof meta>[] = [];
  for (const f of subjects.files.values()) {
    const k = kustomizationOf(f);
    const first = k?.unrendered[0];
    if (!k || !first) continue;
    const fields = [...new Set(k.unrendered.map((u) => u.field))];
    const inputs = [...new Set(k.inputs)];
    const notApplied = inputs.length
      ? ` The ${plural(inputs.length, 'file')} it names as input (${listText(inputs, 4)}) ${inputs.length === 1 ? 'is' : 'are'} read by kustomize, not applied as resources: netpol-lens does not analyse ${inputs.length === 1 ? 'it' : 'them'}.`
      : '';
    out.push({
      uri: f.uri,
      span: first.span,
      message: `This kustomization uses ${listText(fields)}, which netpol-lens does not apply: it reads the resources it lists with their namespace and labels only, so the analysis may differ from what kustomize builds.${notApplied} To analyse the rendered output, pipe it in: kustomize build <folder> | netpol-lens check -`,
    });
  }
  return out;
});
