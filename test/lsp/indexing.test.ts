/**
 * Nothing false while indexing: a policy of the seed example opened while the first scan is held
 * back (testHooks.pauseIndexingAt, protocol/testing.ts) gets its file-scoped findings at once and
 * no finding that needs other files; hovers and code lenses say "indexing: 1 of 9 files" where
 * their answer needs the workspace; once the scan completes, every open file gets its
 * workspace-dependent findings. No sleeps: every step waits for a notification.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  CodeLens,
  Hover,
  MarkupContent,
  PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol';
import { ALL_CODES } from '../../server/src/core/index';
import { ResumeIndexingNotification } from '../../server/src/protocol/testing';
import type { StatusParams } from '../../server/src/protocol/requests';
import { codes, fullCapabilities, lspSuite, positionOf, type Recorded } from '../support/lsp-harness';

const WORKSPACE_CODES = new Set(ALL_CODES.filter((c) => c.scope === 'workspace').map((c) => c.code));
const isStatus = (r: Recorded): boolean => r.method === 'netpolLens/status';
const isDiagnostics = (r: Recorded): boolean => r.method === 'textDocument/publishDiagnostics';

describe('while the workspace is being indexed', () => {
  const caps = fullCapabilities();
  caps.workspace = { ...caps.workspace, codeLens: { refreshSupport: true } };
  // the scan stops after the first file of nine (layer1/apps.yaml): no Namespace manifest is read yet
  const server = lspSuite({
    capabilities: caps,
    initializationOptions: { testHooks: { pauseIndexingAt: 1 } },
    ready: false,
  });
  const { ws } = server;
  const np1 = ws.fileUri('layer1/np-layer1.yaml');
  const np2 = ws.fileUri('layer2/np-layer2.yaml');
  const np3 = ws.fileUri('layer3/np-layer3.yaml');
  const read = (rel: string): string => readFileSync(join(ws.dir, rel), 'utf8');
  /** Index of the first `ready` status in the client's recorded messages, once resumed. */
  let readyAt = -1;

  before(async () => {
    await server.client.waitFor(
      'the scan paused at 1 of 9 files',
      (r) => {
        const s = r.params as StatusParams;
        return isStatus(r) && s.state === 'indexing' && s.done === 1 && s.total === 9;
      },
      { past: true },
    );
  });

  it('publishes the per-file findings of an opened policy at once, and none that needs other files', async () => {
    await server.client.open(np2, read('layer2/np-layer2.yaml'));
    await server.client.open(np1, read('layer1/np-layer1.yaml'));
    const d2 = await server.client.waitForDiagnostics(np2, (_d, p) => p.version === 1);
    const d1 = await server.client.waitForDiagnostics(np1, (_d, p) => p.version === 1);
    // egress-allows-all counts the selected workloads and namespace-selector-matches-nothing reads
    // Namespace manifests: they wait (egress-to-metadata-endpoint leaves `egress: [{}]` to
    // egress-allows-all), so the first publication holds nothing
    assert.deepEqual(codes(d2), []);
    assert.deepEqual(codes(d1), []);
    const status = server.client.recorded.filter(isStatus).map((r) => r.params as StatusParams);
    assert.ok(
      status.every((s) => s.state === 'indexing'),
      'still indexing',
    );
    assert.equal(status[status.length - 1]?.findings, 'file');
  });

  it('publishes a per-file finding of an edit at once', async () => {
    const text = read('layer2/np-layer2.yaml');
    const v = await server.client.change(np2, text.replace('operator: In', 'operator: Inn'));
    const d = await server.client.waitForDiagnostics(np2, (_x, p) => p.version === v);
    assert.deepEqual(codes(d), ['invalid-selector']);
    const back = await server.client.change(np2, text);
    assert.deepEqual(codes(await server.client.waitForDiagnostics(np2, (_x, p) => p.version === back)), []);
  });

  it('hovers say how far indexing has got where the answer needs the workspace', async () => {
    const text = server.client.text(np2) ?? '';
    const pod = positionOf(text, 'podSelector: {}');
    const h1 = await server.client.request<Hover | null>('textDocument/hover', {
      textDocument: { uri: np2 },
      position: { line: pod.line, character: pod.character + 3 },
    });
    const md1 = (h1?.contents as MarkupContent | undefined)?.value ?? '';
    assert.match(md1, /indexing: 1 of 9 files/);
    assert.doesNotMatch(md1, /Selects no pods|0 workloads/);
    assert.match(md1, /- egress: /, 'the parts that need only the file stay');
    const ns = positionOf(text, 'namespaceSelector');
    const h2 = await server.client.request<Hover | null>('textDocument/hover', {
      textDocument: { uri: np2 },
      position: { line: ns.line, character: ns.character + 3 },
    });
    const md2 = (h2?.contents as MarkupContent | undefined)?.value ?? '';
    assert.match(md2, /indexing: 1 of 9 files/);
    assert.doesNotMatch(md2, /Matches none|Matches no pods/);
  });

  it('code lenses say indexing instead of "selects no pods"', async () => {
    const lenses = await server.client.request<CodeLens[]>('textDocument/codeLens', {
      textDocument: { uri: np2 },
    });
    const titles = lenses.map((l) => l.command?.title ?? '');
    assert.ok(
      titles.some((t) => t.startsWith('indexing: 1 of 9 files · ')),
      titles.join(' | '),
    );
    assert.ok(!titles.some((t) => /selects/.test(t)), titles.join(' | '));
  });

  it('publishes nothing for files that are not open, and no workspace-dependent finding, before the index completes', () => {
    const published = server.client.recorded
      .filter(isDiagnostics)
      .map((r) => r.params as PublishDiagnosticsParams);
    assert.ok(published.length > 0);
    assert.deepEqual([...new Set(published.map((p) => p.uri))].sort(), [np1, np2].sort());
    const early = published
      .flatMap((p) => p.diagnostics.map((d) => String(d.code)))
      .filter((c) => WORKSPACE_CODES.has(c));
    assert.deepEqual(early, []);
  });

  it('publishes the workspace-dependent findings of every open file when indexing completes', async () => {
    const before = server.client.recorded.length;
    await server.client.notify(ResumeIndexingNotification, {});
    const ready = await server.client.waitForReady(false);
    readyAt = server.client.recorded.findIndex(
      (r, i) => i >= before && isStatus(r) && (r.params as StatusParams).state === 'ready',
    );
    assert.equal(ready.findings, 'all');
    assert.deepEqual(ready.counts, { policies: 3, workloads: 6, namespaces: 3, files: 9 });
    // the pass that follows the index publishes before it reports ready
    const after = server.client.recorded
      .slice(before, readyAt)
      .filter(isDiagnostics)
      .map((r) => r.params as PublishDiagnosticsParams);
    const last = (uri: string): string[] =>
      codes([...after].reverse().find((p) => p.uri === uri)?.diagnostics ?? []);
    assert.deepEqual(last(np2), ['egress-allows-all']);
    assert.deepEqual(last(np1), ['egress-allows-all']);
    assert.ok(last(np3).includes('missing-dns-egress'), 'files that are not open get theirs too');
    // lenses asked while indexing said "indexing": the server.client is asked to ask again
    await server.client.waitFor(
      'workspace/codeLens/refresh',
      (r) => r.method === 'request:workspace/codeLens/refresh',
      { past: true },
    );
    assert.ok(
      server.client.recorded.findIndex((r) => r.method === 'request:workspace/codeLens/refresh') > readyAt,
      'after the ready status',
    );
    const all = server.client.recorded
      .slice(before)
      .filter(isDiagnostics)
      .flatMap((r) => (r.params as PublishDiagnosticsParams).diagnostics.map((d) => String(d.code)));
    assert.ok(
      !all.includes('namespace-selector-matches-nothing'),
      'role: layer1/layer2 match their namespaces',
    );
  });

  it('hovers and code lenses give the workspace answers once indexed', async () => {
    assert.ok(readyAt >= 0);
    const text = server.client.text(np2) ?? '';
    const pod = positionOf(text, 'podSelector: {}');
    const h = await server.client.request<Hover | null>('textDocument/hover', {
      textDocument: { uri: np2 },
      position: { line: pod.line, character: pod.character + 3 },
    });
    const md = (h?.contents as MarkupContent | undefined)?.value ?? '';
    assert.doesNotMatch(md, /indexing/);
    assert.match(md, /Selects 2 pods/);
    const lenses = await server.client.request<CodeLens[]>('textDocument/codeLens', {
      textDocument: { uri: np2 },
    });
    assert.ok(
      lenses.some((l) => /^selects 2 pods/.test(l.command?.title ?? '')),
      JSON.stringify(lenses.map((l) => l.command?.title)),
    );
  });
});
