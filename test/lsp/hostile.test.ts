/**
 * The hostile-input set (test/support/hostile-inputs.ts) through the built server: read from disk
 * by the workspace scan, each input gets its finding on its own file and the control files keep
 * exactly the findings they have alone; then each input (but the ones too big to sync) is opened
 * as a buffer, and right after it a hover on the control policy is answered, and correct. The
 * hover's latency is logged, not asserted (no timed tests); the timeout only guards against a hang.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { AnalysisHost } from '../../server/src/core/index';
import {
  CONTROL_FILES,
  CONTROL_HOVER,
  hostileInputs,
  judge,
  writeHostileFiles,
  type HostileInput,
} from '../support/hostile-inputs';
import { emptyWorkspace, LspClient, lspSuite, withTimeout } from '../support/lsp-harness';

/** Generous: the machine is shared; this only tells a hang from an answer. */
const HANG = 60_000;

const placed = (
  ds: readonly Diagnostic[],
): Array<{ code: string; message: string; line: number; column: number }> =>
  ds.map((d) => ({
    code: String(d.code),
    message: d.message,
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
  }));

function controlAlone(): Map<string, string[]> {
  const host = new AnalysisHost();
  host.applyChanges(Object.entries(CONTROL_FILES).map(([rel, text]) => ({ uri: `file:///w/${rel}`, text })));
  const out = new Map<string, string[]>(Object.keys(CONTROL_FILES).map((rel) => [rel, []]));
  for (const f of host.snapshot().findings())
    out.get(f.uri.slice('file:///w/'.length))?.push(`${f.code} ${f.message}`);
  for (const v of out.values()) v.sort();
  return out;
}

/**
 * `onDisk`: the inputs written into the workspace folder (the rest are opened as buffers later).
 * The second server leaves the 40,000-policy file out: every edit compiles the workspace's policies
 * again, so each step of the buffer phase would cost seconds on this shared machine.
 */
function hostileServer(onDisk: (i: HostileInput) => boolean): {
  inputs: HostileInput[];
  client: () => LspClient;
  uriOf: (rel: string) => string;
  latencies: Array<[string, number]>;
} {
  const inputs = hostileInputs();
  const latencies: Array<[string, number]> = [];
  const server = lspSuite({
    workspace: emptyWorkspace(),
    prepare: (dir) => writeHostileFiles(dir, inputs.filter(onDisk)),
    settings: {},
    // the first index of the hostile workspace
    ready: 4 * HANG,
  });
  after(() => {
    if (latencies.length)
      console.log(`hover latency (ms), after: ${latencies.map(([n, ms]) => `${n} ${ms}`).join(', ')}`);
  });
  return { inputs, client: () => server.client, uriOf: server.ws.fileUri, latencies };
}

async function controlIntact(client: LspClient, uriOf: (rel: string) => string, when: string): Promise<void> {
  for (const [rel, want] of controlAlone()) {
    // a file without findings may never have been published
    if (want.length === 0 && !client.diagnostics.get(uriOf(rel))?.diagnostics.length) continue;
    const got = await client.waitForDiagnostics(
      uriOf(rel),
      (ds) => JSON.stringify(ds.map((d) => `${String(d.code)} ${d.message}`).sort()) === JSON.stringify(want),
      `${rel} with exactly its own findings ${when}`,
      HANG,
    );
    assert.ok(got);
  }
}

async function hoverAnswers(
  client: LspClient,
  uriOf: (rel: string) => string,
  latencies: Array<[string, number]>,
  step: string,
): Promise<void> {
  const started = Date.now();
  const hover = await withTimeout(
    client.conn.sendRequest<Hover | null>('textDocument/hover', {
      textDocument: { uri: uriOf(CONTROL_HOVER.file) },
      position: { line: CONTROL_HOVER.line, character: CONTROL_HOVER.character },
    }),
    HANG,
    `the hover on the control policy after ${step}`,
  );
  latencies.push([step, Date.now() - started]);
  const md = (hover?.contents as MarkupContent | undefined)?.value ?? '';
  assert.ok(md.includes(CONTROL_HOVER.says), `hover after ${step}: ${md.slice(0, 300)}`);
}

describe('hostile inputs read from disk by the server', () => {
  const h = hostileServer(() => true);
  it('read from disk: each input gets its finding, the control files keep theirs', async () => {
    const { inputs, uriOf } = h;
    const client = h.client();
    const failures: string[] = [];
    for (const input of inputs) {
      const uri = uriOf(input.name);
      try {
        await client.waitForDiagnostics(uri, (ds) => judge(input, placed(ds)) === '', input.name, HANG);
      } catch {
        failures.push(
          judge(input, placed(client.diagnostics.get(uri)?.diagnostics ?? [])) ||
            `${input.name}: nothing published`,
        );
      }
    }
    assert.deepEqual(failures, [], failures.join('\n\n'));
    await controlIntact(client, uriOf, 'beside the hostile files');
    await hoverAnswers(client, uriOf, h.latencies, 'indexing');
  });
});

describe('hostile inputs opened as buffers in the server', () => {
  const h = hostileServer((i) => i.name === 'huge-50mb.yaml');
  it('opened as buffers: a finding on each, the hover answered right after, the control files intact', async () => {
    const { inputs, uriOf } = h;
    const client = h.client();
    const buffered = (i: HostileInput): HostileInput =>
      // the editor decodes the bytes itself: what was invalid UTF-8 is text with U+FFFD (still reported)
      i.name === 'invalid-utf8.yaml'
        ? { ...i, code: 'invalid-selector', message: undefined, line: undefined, column: undefined }
        : i;
    const failures: string[] = [];
    for (const input of inputs.filter((i) => !i.noBuffer)) {
      const uri = uriOf(input.name);
      const text = typeof input.content === 'string' ? input.content : input.content.toString('utf8');
      await client.open(uri, text);
      await hoverAnswers(client, uriOf, h.latencies, input.name);
      const want = buffered(input);
      try {
        await client.waitForDiagnostics(
          uri,
          (ds, p) => p.version === 1 && judge(want, placed(ds)) === '',
          `${input.name} as a buffer`,
          HANG,
        );
      } catch {
        failures.push(
          judge(want, placed(client.diagnostics.get(uri)?.diagnostics ?? [])) ||
            `${input.name}: nothing published`,
        );
      }
    }
    assert.deepEqual(failures, [], failures.join('\n\n'));
    await controlIntact(client, uriOf, 'with every hostile buffer open');
  });

  it('a buffer above the size limit is not analysed either, and says how to raise the limit', async () => {
    const { inputs, uriOf } = h;
    const client = h.client();
    const uri = uriOf('big-buffer.yaml');
    const big = inputs.find((i) => i.name === 'long-line.json');
    assert.ok(big && typeof big.content === 'string');
    // 5 MiB of text, with the limit at 4 MiB for this folder
    client.settings = { maxFileSize: 4 };
    await client.notify('workspace/didChangeConfiguration', { settings: {} });
    await client.open(uri, big.content);
    await hoverAnswers(client, uriOf, h.latencies, 'a buffer above the limit');
    const ds = await client.waitForDiagnostics(
      uri,
      (d) => d.some((x) => x.code === 'unreadable-file' && /above the 4 MiB size limit/.test(x.message)),
      'the size-limit warning on the buffer',
      HANG,
    );
    assert.match(ds[0]?.message ?? '', /netpolLens\.maxFileSize/);
    // the 50 MB file on disk is read once the limit is above it: no warning then
    client.settings = { maxFileSize: 64 };
    await client.notify('workspace/didChangeConfiguration', { settings: {} });
    await client.waitForDiagnostics(
      uriOf('huge-50mb.yaml'),
      (d) => !d.some((x) => x.code === 'unreadable-file'),
      'the 50 MB file read under a 64 MiB limit',
      HANG,
    );
    await client.waitForDiagnostics(
      uri,
      (d) => d.some((x) => x.code === 'invalid-port'),
      'the 5 MiB buffer analysed under a 64 MiB limit',
      HANG,
    );
  });
});
