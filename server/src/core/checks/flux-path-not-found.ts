/**
 * flux-path-not-found (warning; information for another source): nothing a Flux Kustomization
 * applies is skipped silently. The plan of roots (roots/roots.ts) resolves every Flux
 * `Kustomization`'s `spec.path` against the workspace's own repository; where the folder is not
 * in the workspace, its manifests are not analysed (a warning on `path:`), and where the source is
 * evidently another repository (an OCIRepository or Bucket, a GitRepository the workspace defines
 * with another URL than the bootstrap's `flux-system`), it cannot be read at all (information).
 * The plan puts both on the Flux file's facts (`FileFacts.flux`).
 */
import { defineCheck, defineCode, type Report } from './types';

const meta = defineCode({
  code: 'flux-path-not-found',
  defaultSeverity: 'warning',
  otherSeverities: ['information'],
  scope: 'workspace',
  summary:
    "A Flux Kustomization's spec.path is not in the workspace (a warning), or its source is another repository (information): the manifests it applies are not analysed.",
});

export const fluxPathNotFound = defineCheck(meta, ({ subjects }) => {
  const out: Report<typeof meta>[] = [];
  for (const f of subjects.files.values())
    for (const n of f.flux ?? []) {
      const who = `Flux Kustomization ${n.namespace}/${n.name}`;
      if (n.reason === 'missing')
        out.push({
          uri: f.uri,
          span: n.span,
          message: `spec.path ${n.path} is not in the workspace: its manifests are not analysed. ${who} applies it from ${n.source}, read as this workspace's repository; fix the path, or open the folder that holds the whole repository.`,
        });
      else
        out.push({
          uri: f.uri,
          span: n.span,
          severity: 'information',
          message: `spec.path ${n.path} is read from ${n.source}, another source than this workspace's repository: the manifests ${who} applies are not analysed (netpol-lens reads only the workspace's own files). To check them, analyse that repository too, or pipe its build in: kustomize build <folder> | netpol-lens check -`,
        });
    }
  return out;
});
