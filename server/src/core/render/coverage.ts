/**
 * What the analysis left out, as header lines for the CLI's reach and explain: documents that were
 * not analysed (unrendered templates, YAML it could not read). Empty when nothing was left out, so
 * the headers stay as they were.
 */
import type { WorkspaceIndex } from '../index/workspace-index';
import { plural } from '../text/words';

export function coverageNotes(index: WorkspaceIndex): string[] {
  let templates = 0;
  let broken = 0;
  for (const f of index.files.values()) {
    for (const u of f.unanalysed ?? []) {
      if (u.reason === 'template') templates++;
      else broken++;
    }
  }
  const out: string[] = [];
  const n = templates + broken;
  if (n > 0) {
    const why = [
      ...(templates ? [plural(templates, 'unrendered template')] : []),
      ...(broken ? [`${broken} with YAML that could not be read`] : []),
    ];
    out.push(`${plural(n, 'document')} ${n === 1 ? 'is' : 'are'} not analysed (${why.join(', ')}): these verdicts may be wrong; "check" shows where.`);
  }
  return out;
}
