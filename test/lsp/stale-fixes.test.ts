/**
 * Edits lose nothing (issue 10): a quick fix computed for one version of a buffer carries that
 * version, so a client refuses it once the text has moved on (as VS Code does with versioned
 * `documentChanges`) instead of applying it to newer text; asked again, the fix is computed for
 * the new text and applies.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeAction, Diagnostic, TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { applyTextEdits, codes, lspSuite } from '../support/lsp-harness';

/** What a client does with a workspace edit: applies it only to the versions it was made for. */
function applyVersioned(
  edit: WorkspaceEdit,
  buffers: Map<string, { text: string; version: number }>,
): { applied: boolean; reason?: string } {
  const changes = (edit.documentChanges ?? []) as TextDocumentEdit[];
  if (changes.length === 0) return { applied: false, reason: 'no versioned document changes' };
  for (const dc of changes) {
    const b = buffers.get(dc.textDocument.uri);
    if (b && dc.textDocument.version !== null && dc.textDocument.version !== b.version)
      return {
        applied: false,
        reason: `made for version ${dc.textDocument.version}, the buffer is at ${b.version}`,
      };
  }
  for (const dc of changes) {
    const b = buffers.get(dc.textDocument.uri);
    if (b) b.text = applyTextEdits(b.text, dc.edits);
  }
  return { applied: true };
}

describe('a fix for an older version of a buffer is refused, not applied to newer text', () => {
  const server = lspSuite();
  const { ws } = server;
  const np3 = ws.fileUri('layer3/np-layer3.yaml');

  async function dnsFix(version: number): Promise<CodeAction> {
    const diags = await server.client.waitForDiagnostics(
      np3,
      (d, p) => p.version === version && codes(d).includes('missing-dns-egress'),
      `missing-dns-egress on version ${version}`,
    );
    const dns = diags.find((d: Diagnostic) => d.code === 'missing-dns-egress');
    assert.ok(dns);
    const actions = await server.client.codeActionsFor(np3, dns, ['quickfix']);
    const fix = actions.find((a) => a.title === 'Allow DNS egress');
    assert.ok(fix?.edit, `actions: ${actions.map((a) => a.title).join(', ')}`);
    return fix;
  }

  it('carries the version it was computed for; refused after an edit; recomputed, it applies', async () => {
    const original = readFileSync(join(ws.dir, 'layer3/np-layer3.yaml'), 'utf8');
    await server.client.open(np3, original);
    const stale = await dnsFix(1);
    const dc = stale.edit?.documentChanges?.[0] as TextDocumentEdit;
    assert.deepEqual(dc.textDocument, { uri: np3, version: 1 });

    // the user types before the fix is applied: two comment lines at the top shift every line
    const newer = `# owned by team layer3\n# reviewed\n${original}`;
    const v2 = await server.client.change(np3, newer);
    const buffers = new Map([[np3, { text: newer, version: v2 }]]);
    const r = applyVersioned(stale.edit as WorkspaceEdit, buffers);
    assert.equal(r.applied, false, 'the stale fix was applied to newer text');
    assert.match(r.reason ?? '', /version 1, the buffer is at 2/);
    assert.equal(buffers.get(np3)?.text, newer, 'nothing changed');

    // asked again, the fix is for version 2 and applies, keeping the new comment lines
    const fresh = await dnsFix(v2);
    const ok = applyVersioned(fresh.edit as WorkspaceEdit, buffers);
    assert.equal(ok.applied, true, ok.reason);
    const fixed = buffers.get(np3)?.text ?? '';
    assert.ok(fixed.startsWith('# owned by team layer3\n# reviewed\n'), fixed);
    const v3 = await server.client.change(np3, fixed);
    const after3 = await server.client.waitForDiagnostics(np3, (_d, p) => p.version === v3);
    assert.ok(!codes(after3).includes('missing-dns-egress'), JSON.stringify(after3));
  });
});
