/**
 * The server's warm start (lsp/warm-cache.ts): a server given a cache folder
 * (`initializationOptions.cacheDir`, the extension's storage folder) writes the facts of the files
 * it indexed; a second server on the same folder takes them from there (the log and the status
 * say how many) and publishes exactly the diagnostics of a cold start. A file changed on disk in
 * between is read again; a corrupt, truncated or other-format cache is ignored and rewritten; a
 * planted but well-formed entry shows through (the lookup is real); `netpolLens.cache.enabled:
 * false` writes nothing; a folder that cannot be written costs one log line and nothing else.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import type { StatusParams } from '../../server/src/protocol/requests';
import type { NetpolLensSettings } from '../../server/src/protocol/settings';
import { entryCodec, readPayload, writePayload } from '../support/cache-file';
import { tempWorkspace, withServer, type LspClient, type TempWorkspace } from '../support/lsp-harness';

const FACTS = 'netpol-lens-facts.bin';
/** The seed example's manifest files: every one is read, every one cached. */
const FILES = 9;

/** The diagnostics a server published, per workspace-relative path, as comparable text. */
function published(client: LspClient, ws: TempWorkspace): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [uri, p] of client.diagnostics)
    if (p.diagnostics.length > 0) out[uri.slice(ws.uri.length + 1)] = JSON.stringify(p.diagnostics);
  return out;
}

/** The scan's log line: how many files came from the cache and how many were read. */
function indexedLine(logs: readonly string[]): { cached: number; read: number } | undefined {
  for (const l of logs) {
    const m = /^Indexed \d+ files? in \d+ ms: (\d+) from the facts cache, (\d+) read\.$/.exec(l);
    if (m) return { cached: Number(m[1]), read: Number(m[2]) };
  }
  return undefined;
}

interface Run {
  diagnostics: Record<string, string>;
  indexed: { cached: number; read: number } | undefined;
  logs: string[];
  lastStatus: StatusParams | undefined;
}

/**
 * One server on `ws` (kept after it stops) with the cache in `cacheDir` (none: no cache), run to
 * its first index and stopped; its log as it was when the server had exited.
 */
async function run(
  ws: TempWorkspace,
  cacheDir: string | undefined,
  settings: NetpolLensSettings = {},
): Promise<Run> {
  const keep: TempWorkspace = { ...ws, dispose: () => undefined };
  const client = await withServer(
    {
      workspace: keep,
      settings,
      ...(cacheDir !== undefined ? { initializationOptions: { cacheDir } } : {}),
    },
    (c) => Promise.resolve(c),
  );
  const statuses = client.recorded
    .filter((r) => r.method === 'netpolLens/status')
    .map((r) => r.params as StatusParams);
  return {
    diagnostics: published(client, ws),
    indexed: indexedLine(client.logs),
    logs: [...client.logs],
    lastStatus: statuses[statuses.length - 1],
  };
}

type Payload = { magic: string; format: number; tool: string; entries: Map<string, Buffer> };

describe('the facts cache of the language server (warm start)', () => {
  const dirs: string[] = [];
  const scratch = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'netpol-lens-warm-'));
    dirs.push(d);
    return d;
  };
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** A copy of the seed example, its cold findings without a cache, and a cache folder. */
  const setup = async (): Promise<{ ws: TempWorkspace; cache: string; cold: Run }> => {
    const ws = tempWorkspace();
    dirs.push(ws.dir);
    const cold = await run(ws, undefined);
    assert.ok(Object.keys(cold.diagnostics).length > 0, 'the seed example has findings');
    return { ws, cache: join(scratch(), 'storage'), cold };
  };

  it('a cold start writes the cache; a second start reads every file from it and publishes the same diagnostics', async () => {
    const { ws, cache, cold } = await setup();
    const first = await run(ws, cache);
    assert.deepEqual(first.indexed, { cached: 0, read: FILES });
    assert.deepEqual(first.diagnostics, cold.diagnostics);
    assert.ok(existsSync(join(cache, FACTS)), 'the cache file is written');
    assert.equal(readPayload<Payload>(join(cache, FACTS)).entries.size, FILES);

    const warm = await run(ws, cache);
    assert.deepEqual(warm.indexed, { cached: FILES, read: 0 }, warm.logs.join('\n'));
    assert.ok(
      warm.logs.some((l) => l === `Facts cache: ${FILES} files stored in ${cache}.`),
      warm.logs.join('\n'),
    );
    assert.equal(warm.lastStatus?.fromCache, FILES);
    assert.deepEqual(warm.diagnostics, cold.diagnostics);
  });

  it('a file changed on disk between two starts is read again, not taken from its stale entry', async () => {
    const { ws, cache } = await setup();
    await run(ws, cache);
    // np-layer2 no longer selects anything in layer1: its findings change
    const rel = 'layer2/np-layer2.yaml';
    const before = readFileSync(join(ws.dir, rel), 'utf8');
    const after = before.replace(/layer1/g, 'layer9');
    assert.notEqual(after, before);
    writeFileSync(join(ws.dir, rel), after);
    const warm = await run(ws, cache);
    assert.deepEqual(warm.indexed, { cached: FILES - 1, read: 1 });
    const fresh = await run(ws, undefined);
    assert.deepEqual(warm.diagnostics, fresh.diagnostics);
    // and the next start has the new bytes' facts
    const again = await run(ws, cache);
    assert.deepEqual(again.indexed, { cached: FILES, read: 0 });
    assert.deepEqual(again.diagnostics, fresh.diagnostics);
  });

  it('takes the stored facts themselves: a planted, well-formed entry shows through', async () => {
    const { ws, cache, cold } = await setup();
    await run(ws, cache);
    const file = join(cache, FACTS);
    const p = readPayload<Payload>(file);
    // every entry without its problems and resources: the warm start then knows no object at all
    for (const [k, buf] of p.entries) {
      const s = entryCodec().decodeEntry(buf) as { facts: Record<string, unknown>; sameText: boolean };
      p.entries.set(
        k,
        entryCodec().encodeEntry({ ...s, facts: { ...s.facts, resources: [], problems: [] } }),
      );
    }
    writePayload(file, p);
    const warm = await run(ws, cache);
    assert.deepEqual(warm.indexed, { cached: FILES, read: 0 });
    assert.notDeepEqual(warm.diagnostics, cold.diagnostics);
    assert.equal(warm.lastStatus?.counts.policies, 0);
  });

  const corruptions: Array<[string, (file: string) => void, RegExp]> = [
    [
      'random bytes',
      (f) => writeFileSync(f, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256))),
      /checksum/,
    ],
    ['truncated', (f) => writeFileSync(f, readFileSync(f).subarray(0, 1000)), /checksum/],
    ['shorter than its checksum', (f) => writeFileSync(f, readFileSync(f).subarray(0, 10)), /truncated/],
    ['another format version', (f) => writePayload(f, { ...readPayload<Payload>(f), format: 99 }), /format/],
    [
      'another build',
      (f) => writePayload(f, { ...readPayload<Payload>(f), tool: 'another build' }),
      /other build/,
    ],
    [
      'entries of the wrong shape',
      (f) => writePayload(f, { ...readPayload<Payload>(f), entries: [1, 2, 3] }),
      /format/,
    ],
  ];
  for (const [name, corrupt, reason] of corruptions)
    it(`ignores a cache file of ${name}, with the same findings, and writes it again`, async () => {
      const { ws, cache, cold } = await setup();
      await run(ws, cache);
      corrupt(join(cache, FACTS));
      const warm = await run(ws, cache);
      assert.deepEqual(warm.indexed, { cached: 0, read: FILES });
      const line = warm.logs.find((l) => l.startsWith(`Facts cache in ${cache} not used`));
      assert.ok(line && reason.test(line), warm.logs.join('\n'));
      assert.deepEqual(warm.diagnostics, cold.diagnostics);
      const again = await run(ws, cache);
      assert.deepEqual(again.indexed, { cached: FILES, read: 0 });
      assert.deepEqual(again.diagnostics, cold.diagnostics);
    });

  it('ignores an entry that does not hold facts (its file is read), with the same findings', async () => {
    const { ws, cache, cold } = await setup();
    await run(ws, cache);
    const file = join(cache, FACTS);
    const p = readPayload<Payload>(file);
    const [k] = [...p.entries.keys()];
    p.entries.set(k as string, serialize({ facts: { uri: 'file:///elsewhere.yaml' }, sameText: true }));
    writePayload(file, p);
    const warm = await run(ws, cache);
    assert.deepEqual(warm.indexed, { cached: FILES - 1, read: 1 });
    assert.deepEqual(warm.diagnostics, cold.diagnostics);
  });

  it('takes no entry read under other options (netpolLens.defaultNamespace): every file is read again', async () => {
    const { ws, cache } = await setup();
    await run(ws, cache);
    const settings: NetpolLensSettings = { defaultNamespace: 'layer2' };
    const other = await run(ws, cache, settings);
    const fresh = await run(ws, undefined, settings);
    assert.deepEqual(other.indexed, { cached: 0, read: FILES });
    assert.deepEqual(other.diagnostics, fresh.diagnostics);
    // and under those options the next start is warm
    const again = await run(ws, cache, settings);
    assert.deepEqual(again.indexed, { cached: FILES, read: 0 });
    assert.deepEqual(again.diagnostics, fresh.diagnostics);
  });

  it('writes nothing when netpolLens.cache.enabled is false', async () => {
    const { ws, cache, cold } = await setup();
    const off = await run(ws, cache, { cache: { enabled: false } });
    assert.ok(!off.logs.some((l) => /facts cache/i.test(l)), off.logs.join('\n'));
    assert.deepEqual(off.diagnostics, cold.diagnostics);
    assert.ok(!existsSync(cache) || readdirSync(cache).length === 0, 'nothing written');
  });

  it('a folder that cannot be written: one log line, no cache, the same findings', async () => {
    const { ws, cold } = await setup();
    const blocker = join(scratch(), 'a-file');
    writeFileSync(blocker, 'not a folder');
    const cache = join(blocker, 'storage'); // under a file: no folder can be made there
    const r = await run(ws, cache);
    assert.deepEqual(r.indexed, { cached: 0, read: FILES });
    assert.deepEqual(r.diagnostics, cold.diagnostics);
    assert.equal(
      r.logs.filter((l) => l.startsWith('The facts cache is off for this session')).length,
      1,
      r.logs.join('\n'),
    );
  });
});
