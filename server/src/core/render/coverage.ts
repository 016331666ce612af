/**
 * What the analysis left out, as header lines for the CLI's reach and explain: manifest files
 * above the size limit, documents that were not analysed (unrendered templates, YAML it could not
 * read), Flux Kustomizations whose spec.path is not read, and policies of other kinds (Cilium,
 * Calico, AdminNetworkPolicy, AWS). Empty when nothing was left out, so the headers stay as they were.
 */
import { isKustomizationUri } from '../roots/kustomize';
import { renderedUri } from '../roots/render';
import type { WorkspaceIndex } from '../index/workspace-index';
import { plural } from '../text/words';

/** `renderErrors`: a failed kustomize build is said with its error (diff, where no "check" of that side exists). */
export function coverageNotes(index: WorkspaceIndex, opts: { renderErrors?: boolean } = {}): string[] {
  let templates = 0;
  let broken = 0;
  const kinds = new Map<string, number>();
  for (const f of index.files.values()) {
    for (const p of f.otherPolicies ?? []) kinds.set(p.kind.value, (kinds.get(p.kind.value) ?? 0) + 1);
    for (const u of f.unanalysed ?? []) {
      if (u.reason === 'template') templates++;
      else broken++;
    }
  }
  const out: string[] = [];
  // files above the size limit that look like manifests (their unreadable-file warning in check)
  const large = [...index.files.values()].filter((f) => f.tooLarge && f.problems.length > 0);
  if (large.length > 0) {
    const limit = Math.max(...large.map((f) => f.tooLarge?.limitBytes ?? 0)) / 1048576;
    out.push(
      `${plural(large.length, 'file')} above the ${Number.isInteger(limit) ? limit : limit.toFixed(1)} MiB size limit ${large.length === 1 ? 'is' : 'are'} not read (--max-file-size raises it): these verdicts may be wrong; "check" shows which.`,
    );
  }
  const n = templates + broken;
  if (n > 0) {
    const why = [
      ...(templates ? [plural(templates, 'unrendered template')] : []),
      ...(broken ? [`${broken} with YAML that could not be read`] : []),
    ];
    out.push(
      `${plural(n, 'document')} ${n === 1 ? 'is' : 'are'} not analysed (${why.join(', ')}): these verdicts may be wrong; "check" shows where.`,
    );
  }
  // what no kustomization lists (kustomize-not-listed)
  let leftOut = 0;
  for (const f of index.files.values()) {
    const l = f.listing;
    if (!l) continue;
    leftOut += l.leftOut?.length ?? 0;
    const u = l.unlisted;
    if (u?.ownerPath)
      out.push(
        `Component ${u.component} is analysed as if ${u.ownerPath} listed it, though no kustomization does (\`kustomize build ${u.ownerDir ?? '.'}\` leaves it out).`,
      );
    else if (u)
      out.push(`Component ${u.component} is listed by no kustomization: its files are analysed as written.`);
  }
  if (leftOut)
    out.push(
      `${plural(leftOut, 'file')} in kustomize folders ${leftOut === 1 ? 'is' : 'are'} listed by no kustomization and analysed as written (kustomize build leaves ${leftOut === 1 ? 'it' : 'them'} out): "check" says which.`,
    );
  // Flux Kustomizations whose spec.path is not read (flux-path-not-found)
  let missing = 0;
  let elsewhere = 0;
  for (const f of index.files.values())
    for (const n of f.flux ?? []) {
      if (n.reason === 'missing') missing++;
      else elsewhere++;
    }
  if (missing)
    out.push(
      `${plural(missing, 'Flux Kustomization')} ${missing === 1 ? 'applies a spec.path that is' : 'apply spec.paths that are'} not in the workspace: ${missing === 1 ? 'its' : 'their'} manifests are not analysed; "check" says which.`,
    );
  if (elsewhere)
    out.push(
      `${plural(elsewhere, 'Flux Kustomization')} ${elsewhere === 1 ? 'applies' : 'apply'} manifests from another source than this repository: not analysed; "check" says which.`,
    );
  // kustomizations rendered by the user's kustomize (roots/render.ts), and builds that failed
  for (const f of index.files.values()) {
    const r = f.render;
    if (!r || !isKustomizationUri(f.uri)) continue;
    if (r.error !== undefined)
      out.push(
        opts.renderErrors
          ? `\`${r.command}\` ${r.error} Its kustomization is analysed as netpol-lens reads it (no patches, generators…).`
          : `\`${r.command}\` failed: its kustomization is analysed as netpol-lens reads it (no patches, generators…); "check" says why.`,
      );
    else if (index.files.has(renderedUri(f.uri)))
      out.push(`Analysed as \`${r.command}\` prints it (the kustomization's patches, generators… applied).`);
  }
  const others = [...kinds.values()].reduce((a, b) => a + b, 0);
  if (others > 0) {
    const list = [...kinds]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([k, c]) => `${c} ${k}`)
      .join(', ');
    out.push(
      `${others === 1 ? '1 policy of another kind is' : `${others} policies of other kinds are`} not analysed: these verdicts may be wrong (${list}).`,
    );
  }
  return out;
}
