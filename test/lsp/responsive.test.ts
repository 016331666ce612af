/**
 * A big workspace: the reachability matrix computes row by row and yields, so other requests are
 * answered meanwhile, and a cancelled request stops (workspace from bench/gen-workspace.mjs).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import type { ReachabilityResult } from '../../server/src/protocol/requests';
import { emptyWorkspace, lspSuite, REPO_ROOT } from '../support/lsp-harness';

const GEN = join(REPO_ROOT, 'bench', 'gen-workspace.mjs');

function firstPolicyFile(dir: string): string {
  const walk = (d: string): string | undefined => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        const f = walk(p);
        if (f) return f;
      } else if (p.includes('network-policies') && readFileSync(p, 'utf8').includes('podSelector')) return p;
    }
    return undefined;
  };
  const f = walk(dir);
  assert.ok(f, 'no policy file generated');
  return f;
}

describe('a big workspace stays responsive', () => {
  const server = lspSuite({
    workspace: emptyWorkspace(),
    prepare: (dir) => {
      const g = spawnSync(
        process.execPath,
        [
          GEN,
          '--out',
          join(dir, 'ws'),
          '--namespaces',
          '40',
          '--workloads',
          '1500',
          '--policies',
          '300',
          '--seed',
          '7',
          '--quiet',
        ],
        { encoding: 'utf8' },
      );
      assert.equal(g.status, 0, g.stderr);
    },
    folders: (dir) => [join(dir, 'ws')],
    // the matrix yields after every row: a hover or cancel sent while it computes is in time on any
    // machine (at 15 ms slices a quiet one finished the matrix first; CI failed so at stop 18)
    initializationOptions: { testHooks: { matrixSliceMs: 0 } },
    // indexing 1,500 workloads: minutes when six engineers share two cores (timing is npm run bench's)
    ready: 600_000,
  });
  const dir = join(server.ws.dir, 'ws');

  it('shows some namespaces at a time above the workload limit', async () => {
    const first = await server.client.request<ReachabilityResult>('netpolLens/reachability', {}, 120_000);
    const lim = first.limited;
    assert.ok(lim, 'a 1,500-workload workspace is limited');
    assert.equal(lim.reason, 'first');
    assert.equal(
      lim.namespaces.reduce((n, x) => n + x.workloads, 0),
      first.counts.workloads,
    );
    const shown = new Set(lim.shown);
    const workloads = first.endpoints.filter((e) => e.kind === 'workload');
    assert.ok(
      workloads.length > 0 && workloads.length <= lim.maxWorkloads,
      `${workloads.length} workloads shown`,
    );
    assert.ok(workloads.every((e) => shown.has(e.namespace ?? '')));
    assert.ok(
      first.endpoints.some((e) => e.kind === 'external'),
      'external ranges stay',
    );
    const two = lim.namespaces
      .filter((n) => n.workloads > 0)
      .slice(-2)
      .map((n) => n.name);
    const asked = await server.client.request<ReachabilityResult>(
      'netpolLens/reachability',
      { namespaces: [...two, 'no-such-namespace'] },
      120_000,
    );
    assert.equal(asked.limited?.reason, 'requested');
    assert.deepEqual(asked.limited?.shown, [...two].sort());
    assert.deepEqual(
      [...new Set(asked.endpoints.filter((e) => e.kind === 'workload').map((e) => e.namespace))].sort(),
      [...two].sort(),
    );
    const file = firstPolicyFile(dir);
    const text = readFileSync(file, 'utf8');
    const name = /\n {2}name: (\S+)/.exec(text)?.[1];
    const namespace = /\n {2}namespace: (\S+)/.exec(text)?.[1];
    assert.ok(name && namespace);
    const focused = await server.client.request<ReachabilityResult>(
      'netpolLens/reachability',
      { focusPolicy: { uri: pathToFileURL(file).href, name, namespace } },
      120_000,
    );
    assert.equal(focused.limited?.reason, 'focus');
    assert.ok(focused.limited?.shown.includes(namespace));
  });

  it('answers a hover while the matrix computes', async () => {
    const order: string[] = [];
    const everything = (
      await server.client.request<ReachabilityResult>('netpolLens/reachability', { namespaces: ['default'] })
    ).limited?.namespaces.map((n) => n.name);
    assert.ok(everything);
    const file = firstPolicyFile(dir);
    const uri = pathToFileURL(file).href;
    const text = readFileSync(file, 'utf8');
    const at = text.indexOf('podSelector');
    const line = text.slice(0, at).split('\n').length - 1;
    await server.client.open(uri, text);
    const matrix = server.client
      .request<ReachabilityResult>('netpolLens/reachability', { namespaces: everything }, 120_000)
      .then((r) => {
        order.push('reachability');
        return r;
      });
    const hover = await server.client.request<{ contents: unknown } | null>('textDocument/hover', {
      textDocument: { uri },
      position: { line, character: 4 },
    });
    order.push('hover');
    assert.ok(hover, 'hover answered');
    const r = await matrix;
    assert.deepEqual(order, ['hover', 'reachability']);
    assert.ok(
      r.endpoints.length > 1500 && r.connections.length > 10_000,
      `${r.endpoints.length} endpoints, ${r.connections.length} connections`,
    );
  });

  it('stops a cancelled matrix request', async () => {
    const cts = new CancellationTokenSource();
    const everything = (
      await server.client.request<ReachabilityResult>('netpolLens/reachability', { namespaces: ['default'] })
    ).limited?.namespaces.map((n) => n.name);
    const p = server.client.conn.sendRequest(
      'netpolLens/reachability',
      { namespaces: everything },
      cts.token,
    );
    // once a hover sent after it is answered, the matrix is computing (it yields after every row)
    const file = firstPolicyFile(dir);
    await server.client.request('textDocument/hover', {
      textDocument: { uri: pathToFileURL(file).href },
      position: { line: 0, character: 0 },
    });
    cts.cancel();
    await assert.rejects(p, (e: { code?: number }) => e.code === -32800);
    // the server is still there
    const r = await server.client.request<unknown>('textDocument/documentSymbol', {
      textDocument: { uri: pathToFileURL(firstPolicyFile(dir)).href },
    });
    assert.ok(Array.isArray(r));
  });
});
