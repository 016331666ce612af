/**
 * Open buffers over the wire: didOpen/didChange → diagnostics with versions, hover, the
 * "Allow DNS egress" quick fix applied through its WorkspaceEdit, code lens, completion,
 * definition, references, document symbols and the default-deny source action.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  CodeAction,
  CodeLens,
  CompletionList,
  Diagnostic,
  DocumentSymbol,
  Hover,
  Location,
  MarkupContent,
} from 'vscode-languageserver-protocol';
import { applyTextEdits, codes, editsFor, lspSuite, positionOf } from '../support/lsp-harness';

const above = (ds: readonly Diagnostic[], sev = 3): string[] =>
  codes(ds.filter((d) => (d.severity ?? 1) < sev));

describe('open documents', () => {
  const server = lspSuite();
  const { ws } = server;
  const np3 = ws.fileUri('layer3/np-layer3.yaml');
  const np1 = ws.fileUri('layer1/np-layer1.yaml');
  const apps3 = ws.fileUri('layer3/apps.yaml');
  const read = (rel: string): string => readFileSync(join(ws.dir, rel), 'utf8');

  it('publishes the seed findings: one egress-allows-all in np-layer1 and np-layer2, missing-dns-egress in np-layer3', async () => {
    const d1 = await server.client.waitForDiagnostics(np1, (d) => d.length > 0);
    const d2 = await server.client.waitForDiagnostics(
      ws.fileUri('layer2/np-layer2.yaml'),
      (d) => d.length > 0,
    );
    const d3 = await server.client.waitForDiagnostics(np3, (d) => d.length > 0);
    assert.deepEqual(above(d1), ['egress-allows-all']);
    assert.deepEqual(above(d2), ['egress-allows-all']);
    assert.deepEqual(above(d3), ['missing-dns-egress']);
    const dns = d3.find((d) => d.code === 'missing-dns-egress');
    assert.ok(dns);
    assert.equal(dns.source, 'netpol-lens');
    assert.match(dns.codeDescription?.href ?? '', /#missing-dns-egress$/);
    assert.ok(
      (dns.relatedInformation ?? []).some((r) => r.location.uri === apps3),
      'related information points at the workloads',
    );
    const data = dns.data as { fixes: Array<{ title: string }>; version: number | null };
    assert.ok(data.fixes.some((f) => f.title === 'Allow DNS egress'));
    assert.equal(data.version, null, 'a file on disk has no version');
  });

  it('re-publishes an opened document with its version, and follows edits', async () => {
    const text = read('layer1/np-layer1.yaml');
    await server.client.open(np1, text);
    const opened = await server.client.waitForDiagnostics(
      np1,
      (_d, p) => p.version === 1,
      'diagnostics of np-layer1 v1',
    );
    assert.ok(codes(opened).includes('egress-allows-all'));
    assert.equal((opened[0]?.data as { version: number }).version, 1);
    // replace the allow-all egress rule by one that allows DNS only
    const edited = text.replace('  - {}\n', '  - ports:\n    - protocol: UDP\n      port: 53\n');
    assert.notEqual(edited, text);
    const v = await server.client.change(np1, edited);
    const after = await server.client.waitForDiagnostics(
      np1,
      (_d, p) => p.version === v,
      `diagnostics of np-layer1 v${v}`,
    );
    assert.ok(!codes(after).includes('egress-allows-all'), JSON.stringify(after));
    // and back
    const v2 = await server.client.change(np1, text);
    const back = await server.client.waitForDiagnostics(np1, (_d, p) => p.version === v2);
    assert.ok(codes(back).includes('egress-allows-all'));
  });

  it('coalesces a burst of edits and publishes only the last version', async () => {
    const text = read('layer1/np-layer1.yaml');
    const seen: number[] = [];
    const versions: number[] = [];
    // One burst: the five notifications are written in the same tick, so they reach the server
    // within its debounce however loaded the machine is (awaiting each one let a 10 ms debounce
    // expire between them under load, and an intermediate version was rightly published).
    versions.push(
      ...(await Promise.all([0, 1, 2, 3, 4].map((i) => server.client.change(np1, `${text}# edit ${i}\n`)))),
    );
    const last = versions[versions.length - 1] as number;
    await server.client.waitForDiagnostics(np1, (_d, p) => {
      if (p.version !== undefined) seen.push(p.version);
      return p.version === last;
    });
    for (const v of versions.slice(0, -1))
      assert.ok(
        !seen.includes(v),
        `version ${v} was superseded and must not be published (saw ${seen.join(', ')})`,
      );
    await server.client.close(np1);
    await server.client.waitForDiagnostics(
      np1,
      (_d, p) => p.version === undefined,
      'np-layer1 back from disk',
    );
  });

  it('hovers the podSelector of a policy with the pods it selects', async () => {
    const text = read('layer3/np-layer3.yaml');
    await server.client.open(np3, text);
    await server.client.waitForDiagnostics(np3, (_d, p) => p.version === 1);
    const at = positionOf(text, 'podSelector: {}');
    const hover = await server.client.request<Hover | null>('textDocument/hover', {
      textDocument: { uri: np3 },
      position: { line: at.line, character: at.character + 3 },
    });
    assert.ok(hover, 'a hover');
    const md = hover.contents as MarkupContent;
    assert.equal(md.kind, 'markdown');
    assert.match(md.value, /nginx3/);
    assert.match(md.value, /busybox3/);
    // links point at the workloads' manifests, by line (the core's SourceRefs, written by convert.ts)
    const links = [...md.value.matchAll(/\]\((file:[^)#]+)#L(\d+)\)/g)];
    assert.ok(links.length >= 2, md.value);
    for (const [, uri, line] of links) {
      const lines = readFileSync(new URL(uri ?? ''), 'utf8').split('\n');
      assert.match(lines[Number(line) - 1] ?? '', /name: (nginx3|busybox3)/, `${uri}#L${line}`);
    }
    assert.ok(hover.range && hover.range.start.line === at.line, JSON.stringify(hover.range));
  });

  it('fixes missing-dns-egress with "Allow DNS egress": only inserted lines change, and the finding goes away', async () => {
    const text = server.client.text(np3) ?? read('layer3/np-layer3.yaml');
    const diags = await server.client.waitForDiagnostics(
      np3,
      (d, p) => p.version === 1 && codes(d).includes('missing-dns-egress'),
    );
    const dns = diags.find((d) => d.code === 'missing-dns-egress');
    assert.ok(dns);
    const actions = await server.client.codeActionsFor(np3, dns, ['quickfix']);
    const fix = actions.find((a) => a.title === 'Allow DNS egress');
    assert.ok(fix, `actions: ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(fix.kind, 'quickfix');
    assert.deepEqual(
      fix.diagnostics?.map((d) => d.code),
      ['missing-dns-egress'],
    );
    assert.ok(fix.edit?.documentChanges, 'versioned document changes');
    const dc = fix.edit.documentChanges[0] as { textDocument: { uri: string; version: number | null } };
    assert.deepEqual(dc.textDocument, { uri: np3, version: 1 });
    const next = applyTextEdits(text, editsFor(fix.edit, np3));
    // every original line survives, in order; the new lines are the egress rule
    const oldLines = text.split('\n');
    const newLines = next.split('\n');
    let j = 0;
    const inserted: string[] = [];
    for (const l of newLines) {
      if (j < oldLines.length && l === oldLines[j]) j++;
      else inserted.push(l);
    }
    assert.equal(j, oldLines.length, `original lines kept:\n${next}`);
    assert.ok(
      inserted.some((l) => /k8s-app: kube-dns/.test(l)),
      inserted.join('\n'),
    );
    assert.ok(
      inserted.some((l) => /port: 53/.test(l)),
      inserted.join('\n'),
    );
    const v = await server.client.change(np3, next);
    const fixed = await server.client.waitForDiagnostics(np3, (_d, p) => p.version === v);
    assert.ok(!codes(fixed).includes('missing-dns-egress'), JSON.stringify(fixed));
    await server.client.change(np3, text);
  });

  it('offers no quick fix outside the diagnostic range, and honours context.only', async () => {
    const none = await server.client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: np3 },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['quickfix'] },
    });
    assert.deepEqual(
      none.filter((a) => a.kind === 'quickfix'),
      [],
    );
    const refactor = await server.client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: np3 },
      range: { start: { line: 10, character: 4 }, end: { line: 10, character: 4 } },
      context: { diagnostics: [], only: ['refactor'] },
    });
    assert.deepEqual(refactor, []);
  });

  it('offers "Generate default-deny policy" as a source action in a namespace without one', async () => {
    const apps = read('layer3/apps.yaml');
    await server.client.open(apps3, apps);
    const actions = await server.client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: apps3 },
      range: { start: positionOf(apps, 'nginx3'), end: positionOf(apps, 'nginx3') },
      context: { diagnostics: [], only: ['source'] },
    });
    const gen = actions.filter((a) => a.title.startsWith('Generate default-deny policy'));
    assert.ok(gen.length > 0, `actions: ${actions.map((a) => a.title).join(', ')}`);
    for (const a of gen) {
      assert.ok(a.kind?.startsWith('source'), a.kind);
      assert.match(a.title, /layer3/);
      assert.ok(a.edit);
    }
    await server.client.close(apps3);
  });

  it('shows code lenses above each policy, with the reachability command', async () => {
    const lenses = await server.client.request<CodeLens[]>('textDocument/codeLens', {
      textDocument: { uri: np3 },
    });
    assert.ok(
      lenses.some((l) => /selects 2 pods/.test(l.command?.title ?? '')),
      JSON.stringify(lenses),
    );
    const reach = lenses.find((l) => l.command?.command === 'netpolLens.showReachability');
    assert.ok(reach);
    assert.deepEqual(reach.command?.arguments, [{ uri: np3, namespace: 'layer3', name: 'np-layer3' }]);
  });

  it('completes label values inside selectors from the workspace', async () => {
    const text = server.client.text(np3) ?? '';
    const at = positionOf(text, 'values: [layer1');
    const list = await server.client.request<CompletionList>('textDocument/completion', {
      textDocument: { uri: np3 },
      position: { line: at.line, character: at.character + 'values: [lay'.length },
    });
    const labels = list.items.map((i) => i.label);
    for (const l of ['layer1', 'layer2', 'layer3']) assert.ok(labels.includes(l), labels.join(', '));
  });

  it('goes from a namespaceSelector to the namespaces it matches', async () => {
    const text = server.client.text(np3) ?? '';
    const defs = await server.client.request<Location[]>('textDocument/definition', {
      textDocument: { uri: np3 },
      position: positionOf(text, 'namespaceSelector'),
    });
    assert.deepEqual(defs.map((d) => d.uri).sort(), [
      ws.fileUri('layer1/namespace.yaml'),
      ws.fileUri('layer2/namespace.yaml'),
    ]);
  });

  it('finds the policies that select a workload', async () => {
    const apps = read('layer3/apps.yaml');
    await server.client.open(apps3, apps);
    const refs = await server.client.request<Location[]>('textDocument/references', {
      textDocument: { uri: apps3 },
      position: positionOf(apps, 'nginx3'),
      context: { includeDeclaration: false },
    });
    assert.ok(
      refs.some((r) => r.uri === np3),
      JSON.stringify(refs),
    );
    await server.client.close(apps3);
  });

  it('lists document symbols: the policy with its rules', async () => {
    const symbols = await server.client.request<DocumentSymbol[]>('textDocument/documentSymbol', {
      textDocument: { uri: np3 },
    });
    assert.equal(symbols.length, 1);
    assert.equal(symbols[0]?.name, 'np-layer3');
    assert.ok((symbols[0]?.children ?? []).length >= 1);
  });

  it('tags a redundant rule as unnecessary, and removes it with its quick fix', async () => {
    const uri = ws.fileUri('layer1/redundant.yaml');
    const text = [
      'apiVersion: networking.k8s.io/v1',
      'kind: NetworkPolicy',
      'metadata:',
      '  name: web-ingress',
      '  namespace: layer1',
      'spec:',
      '  podSelector:',
      '    matchLabels:',
      '      app: nginx1',
      '  policyTypes: [Ingress]',
      '  ingress:',
      '  - from:',
      '    - podSelector:',
      '        matchLabels:',
      '          app: busybox1',
      '    ports:',
      '    - port: 80',
      '  # the same again',
      '  - from:',
      '    - podSelector:',
      '        matchLabels:',
      '          app: busybox1',
      '    ports:',
      '    - port: 80',
      '',
    ].join('\n');
    await server.client.open(uri, text);
    const ds = await server.client.waitForDiagnostics(
      uri,
      (d, p) => p.version === 1 && codes(d).includes('redundant-rule'),
    );
    const d = ds.find((x) => x.code === 'redundant-rule');
    assert.ok(d);
    assert.equal(d.severity, 4);
    assert.deepEqual(d.tags, [1]);
    const actions = await server.client.codeActionsFor(uri, d);
    const fix = actions.find((a) => a.kind === 'quickfix' && /^Remove/.test(a.title));
    assert.ok(fix?.edit, actions.map((a) => a.title).join(', '));
    const next = applyTextEdits(text, editsFor(fix.edit, uri));
    assert.equal(next.split('app: busybox1').length, 2, next);
    const v = await server.client.change(uri, next);
    const after = await server.client.waitForDiagnostics(uri, (_x, p) => p.version === v);
    assert.ok(!codes(after).includes('redundant-rule'), JSON.stringify(after));
    await server.client.close(uri);
    await server.client.waitForDiagnostics(uri, (x, p) => x.length === 0 && p.version === undefined);
  });

  it('answers requests on unknown documents with empty results', async () => {
    const uri = ws.fileUri('nowhere.yaml');
    assert.equal(
      await server.client.request('textDocument/hover', {
        textDocument: { uri },
        position: { line: 0, character: 0 },
      }),
      null,
    );
    assert.deepEqual(await server.client.request('textDocument/codeLens', { textDocument: { uri } }), []);
    assert.deepEqual(
      await server.client.request('textDocument/documentSymbol', { textDocument: { uri } }),
      [],
    );
  });
});
