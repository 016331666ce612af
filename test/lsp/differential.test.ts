/**
 * Differential test of the language server: random sequences of buffer edits (didOpen, didChange
 * full and incremental, didClose), files created, written, deleted and renamed on disk (with
 * workspace/didChangeWatchedFiles), severities changed (workspace/didChangeConfiguration) and
 * workspace folders added and removed give, after every step, exactly the diagnostics a fresh
 * `check` of the same files gives (code, file, range, severity, message), comments-only, empty,
 * binary and non-manifest files included.
 *
 * Every step waits until the server's published diagnostics equal the expected ones and its status
 * is `ready` with all findings (after the first index); nothing sleeps. Sequences run in a few
 * servers at once (the waits are mostly the server's debounce). fast-check (fixed seeds) prints the seed, path and ops of a
 * failing sequence; FUZZ_SHRINK=1 shrinks it (replays on fresh servers), FUZZ_REPLAY=<seed>:<path> replays it.
 * `FUZZ_RUNS=n` runs n times as many sequences (`npm run fuzz`).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fc from 'fast-check';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { ALL_CODES } from '../../server/src/core/index';
import type { StatusParams } from '../../server/src/protocol/requests';
import type { NetpolLensSettings } from '../../server/src/protocol/settings';
import { emptyWorkspace, withServer, type LspClient, type Recorded } from '../support/lsp-harness';
import {
  contentArb,
  expectedFindings,
  flatDiagnostic,
  FOLDERS,
  opArb,
  PATHS,
  type Flat,
  type Op,
} from '../support/differential';

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20261201;
const FACTOR = Math.max(1, Number(process.env.FUZZ_RUNS ?? '1') || 1);
/** Servers at once, sequences per server, steps per sequence: 4 × 2 × 260 = 2,080 steps. */
const PARALLEL = 4;
const RUNS = 2 * FACTOR;
const STEPS = Number(process.env.FUZZ_STEPS ?? '260') || 260;
/** Longest wait for the server to agree after one step (generous: the machine is shared). */
const STEP_TIMEOUT = Number(process.env.FUZZ_STEP_TIMEOUT ?? '30000') || 30_000;

const FILE_CHANGE = { Created: 1, Changed: 2, Deleted: 3 } as const;

class Run {
  /** The folders f0, f1, … of the sequence under one temporary folder (the harness removes it). */
  readonly ws = emptyWorkspace();
  readonly active: string[] = ['f0', 'f1'];
  /** uri → buffer text. */
  readonly open = new Map<string, string>();
  settings: NetpolLensSettings = {};
  readonly log: string[] = [];
  /** Steps where the server had to publish before it agreed. */
  waits = 0;
  client!: LspClient;

  /** The folders and the files on disk before the server starts (the harness's `prepare`). */
  prepare(initial: ReadonlyArray<{ folder: string; rel: string; text: string }>): void {
    for (const f of FOLDERS) {
      mkdirSync(join(this.dir(f), 'sub'), { recursive: true });
      mkdirSync(join(this.dir(f), 'node_modules'), { recursive: true });
    }
    for (const f of initial) this.writeDisk(f.folder, f.rel, f.text);
  }

  /** The started server (the harness's), once its first index is complete with every finding. */
  async started(client: LspClient): Promise<void> {
    this.client = client;
    await client.waitFor(
      'the first index',
      (r) => isStatus(r) && status(r).state === 'ready' && status(r).findings === 'all',
      { past: true, timeout: STEP_TIMEOUT },
    );
  }

  dir(folder: string): string {
    return join(this.ws.dir, folder);
  }

  private path(folder: string, rel: string): string {
    return join(this.dir(folder), rel);
  }

  private writeDisk(folder: string, rel: string, text: string): void {
    const p = this.path(folder, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }

  /** Every (folder, path) slot, and those holding a file on disk. */
  private slots(): Array<{ folder: string; rel: string; uri: string }> {
    return FOLDERS.flatMap((folder) =>
      PATHS.map((rel) => ({ folder, rel, uri: pathToFileURL(this.path(folder, rel)).href })),
    );
  }

  private onDisk(): Array<{ folder: string; rel: string; uri: string }> {
    return this.slots().filter((s) => existsSync(this.path(s.folder, s.rel)));
  }

  private watched(changes: Array<{ uri: string; type: number }>): Promise<void> {
    return this.client.notify('workspace/didChangeWatchedFiles', { changes });
  }

  /** Applies one operation through the protocol (and the disk); returns what it did, for the log. */
  async apply(op: Op): Promise<string> {
    const at = <T>(xs: readonly T[], n: number): T | undefined => (xs.length ? xs[n % xs.length] : undefined);
    switch (op.kind) {
      case 'create':
      case 'write': {
        const pool =
          op.kind === 'create'
            ? this.slots().filter((s) => !existsSync(this.path(s.folder, s.rel)))
            : this.onDisk();
        const s = at(pool, op.pick);
        if (!s) return 'nothing to write';
        this.writeDisk(s.folder, s.rel, op.text);
        await this.watched([
          { uri: s.uri, type: op.kind === 'create' ? FILE_CHANGE.Created : FILE_CHANGE.Changed },
        ]);
        return `${op.kind} ${s.folder}/${s.rel} ${JSON.stringify(op.text)}`;
      }
      case 'delete': {
        const s = at(this.onDisk(), op.pick);
        if (!s) return 'nothing to delete';
        unlinkSync(this.path(s.folder, s.rel));
        await this.watched([{ uri: s.uri, type: FILE_CHANGE.Deleted }]);
        return `delete ${s.folder}/${s.rel}`;
      }
      case 'rename': {
        const s = at(this.onDisk(), op.pick);
        const t = at(
          this.slots().filter((x) => !existsSync(this.path(x.folder, x.rel))),
          op.to,
        );
        if (!s || !t) return 'nothing to rename';
        mkdirSync(dirname(this.path(t.folder, t.rel)), { recursive: true });
        renameSync(this.path(s.folder, s.rel), this.path(t.folder, t.rel));
        await this.watched([
          { uri: s.uri, type: FILE_CHANGE.Deleted },
          { uri: t.uri, type: FILE_CHANGE.Created },
        ]);
        return `rename ${s.folder}/${s.rel} → ${t.folder}/${t.rel}`;
      }
      case 'open': {
        const s = at(
          this.onDisk().filter((x) => !this.open.has(x.uri)),
          op.pick,
        );
        if (!s) return 'nothing to open';
        const text = readFileSync(this.path(s.folder, s.rel), 'utf8');
        this.open.set(s.uri, text);
        await this.client.open(s.uri, text, languageOf(s.rel));
        return `open ${s.folder}/${s.rel}`;
      }
      case 'close': {
        const uri = at([...this.open.keys()], op.pick);
        if (!uri) return 'nothing to close';
        this.open.delete(uri);
        await this.client.close(uri);
        return `close ${rel(uri)}`;
      }
      case 'change': {
        const uri = at([...this.open.keys()], op.pick);
        if (!uri) return 'nothing to change';
        this.open.set(uri, op.text);
        await this.client.change(uri, op.text);
        return `change ${rel(uri)} ${JSON.stringify(op.text)}`;
      }
      case 'edit': {
        const uri = at([...this.open.keys()], op.pick);
        if (!uri) return 'nothing to edit';
        const lines = (this.open.get(uri) ?? '').split('\n');
        const line = op.line % lines.length;
        const end = Math.min(lines.length - 1, line + op.del);
        const range = { start: { line, character: 0 }, end: { line: end, character: 0 } };
        await this.client.edit(uri, [{ range, newText: op.text }]);
        this.open.set(uri, this.client.text(uri) ?? '');
        return `edit ${rel(uri)} lines ${line}..${end} ← ${JSON.stringify(op.text)}`;
      }
      case 'settings': {
        this.settings = {
          checks: op.checks as NetpolLensSettings['checks'],
          ...(op.unisolated ? { reportUnisolatedWorkloads: true } : {}),
        };
        await this.client.notify('workspace/didChangeConfiguration', { settings: null });
        return `settings ${JSON.stringify(this.settings)}`;
      }
      case 'folder': {
        const f = FOLDERS[op.pick % FOLDERS.length]!;
        const folder = { uri: pathToFileURL(this.dir(f)).href, name: f };
        const ix = this.active.indexOf(f);
        if (ix >= 0) this.active.splice(ix, 1);
        else this.active.push(f);
        await this.client.notify('workspace/didChangeWorkspaceFolders', {
          event: ix >= 0 ? { added: [], removed: [folder] } : { added: [folder], removed: [] },
        });
        return `${ix >= 0 ? 'remove' : 'add'} folder ${f}`;
      }
    }
  }

  expected(): Flat[] {
    return expectedFindings(
      this.active.map((f) => this.dir(f)),
      this.open,
      this.settings,
    );
  }

  actual(): Flat[] {
    const out: Flat[] = [];
    for (const [uri, p] of this.client.diagnostics)
      for (const d of p.diagnostics) out.push(flatDiagnostic(uri, d));
    return out.sort();
  }

  /** Open buffers whose latest publication is for an older version. */
  private stale(): string[] {
    const out: string[] = [];
    for (const uri of this.open.keys()) {
      if (!/\.(ya?ml|json)$/.test(uri)) continue;
      const p: PublishDiagnosticsParams | undefined = this.client.diagnostics.get(uri);
      if (p?.version !== undefined && p.version !== this.client.version(uri))
        out.push(`${rel(uri)} published v${p.version}, buffer v${this.client.version(uri)}`);
    }
    return out;
  }

  /** Waits until the server's diagnostics equal `want` and it is ready; throws a diff after the timeout. */
  async agree(want: Flat[]): Promise<void> {
    const ok = (): boolean => {
      const last = [...this.client.recorded].reverse().find(isStatus);
      return (
        (!last || (status(last).state === 'ready' && status(last).findings === 'all')) &&
        this.stale().length === 0 &&
        same(this.actual(), want)
      );
    };
    if (ok()) return;
    this.waits++;
    await this.client
      .waitFor(
        'the diagnostics of a fresh check',
        (r) => (r.method === 'textDocument/publishDiagnostics' || isStatus(r)) && ok(),
        { timeout: STEP_TIMEOUT },
      )
      .catch(() => {
        const got = this.actual();
        const missing = want.filter((x) => !got.includes(x)),
          extra = got.filter((x) => !want.includes(x));
        throw new Error(
          `the server disagrees with check:\n  missing (check has, server not):\n${missing.map((m) => `    ${this.short(m)}`).join('\n') || '    -'}\n  extra (server has, check not):\n${extra.map((m) => `    ${this.short(m)}`).join('\n') || '    -'}\n  stale: ${this.stale().join('; ') || '-'}\n  folders: ${this.active.join(', ') || '-'}\n  open buffers:\n${[...this.open].map(([u, t]) => `    ${this.short(u)} ${JSON.stringify(t)}`).join('\n') || '    -'}\n  on disk:\n${this.onDisk()
            .map(
              (x) =>
                `    ${x.folder}/${x.rel} ${JSON.stringify(readFileSync(this.path(x.folder, x.rel), 'utf8'))}`,
            )
            .join('\n')}\n  steps:\n${this.log
            .slice(-12)
            .map((l) => `    ${l}`)
            .join('\n')}`,
        );
      });
  }

  short(s: string): string {
    return s.split(this.ws.uri).join('');
  }
}

const isStatus = (r: Recorded): boolean => r.method === 'netpolLens/status';
const status = (r: Recorded): StatusParams => r.params as StatusParams;
const same = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);
const rel = (uri: string): string => fileURLToPath(uri).split(/[\\/]/).slice(-2).join('/');
const languageOf = (p: string): string =>
  p.endsWith('.json') ? 'json' : p.endsWith('.txt') ? 'plaintext' : 'yaml';

const CODES = ALL_CODES.map((c) => c.code);
const initialArb = fc
  .array(
    fc.record({ folder: fc.constantFrom(...FOLDERS), rel: fc.constantFrom(...PATHS), text: contentArb }),
    { maxLength: 6 },
  )
  .map((fs) => [...new Map(fs.map((f) => [`${f.folder}/${f.rel}`, f])).values()]);

async function sequence(
  initial: ReadonlyArray<{ folder: string; rel: string; text: string }>,
  ops: readonly Op[],
  counter: { steps: number; codes?: Set<string> },
): Promise<void> {
  const run = new Run();
  try {
    await withServer(
      {
        workspace: run.ws,
        prepare: () => run.prepare(initial),
        folders: () => run.active.map((f) => run.dir(f)),
        settings: () => run.settings,
        ready: false, // `started` waits for the status with every finding
      },
      async (client) => {
        await run.started(client);
        run.log.push(
          `start with ${initial.map((f) => `${f.folder}/${f.rel}`).join(', ') || 'no files'} (folders f0, f1)`,
        );
        await run.agree(run.expected());
        for (const op of ops) {
          run.log.push(await run.apply(op));
          const want = run.expected();
          for (const w of want) counter.codes?.add(w.split(' ')[3] ?? '');
          await run.agree(want);
          counter.steps++;
        }
      },
    );
  } finally {
    if (process.env.FUZZ_STATS) {
      const kinds = new Map<string, number>();
      for (const l of run.log)
        kinds.set(
          l.split(' ').slice(0, 2).join(' '),
          (kinds.get(l.split(' ').slice(0, 2).join(' ')) ?? 0) + 1,
        );
      console.log(
        `waited ${run.waits} of ${run.log.length}; ${[...kinds]
          .filter(([, n]) => n > 3)
          .map(([k, n]) => `${k}: ${n}`)
          .join(', ')}`,
      );
    }
  }
}

describe('the server against a fresh check, step by step', () => {
  it(`${PARALLEL * RUNS * STEPS} random steps of edits, disk changes, settings and folders`, async () => {
    const counter = { steps: 0, codes: new Set<string>() };
    const property = fc.asyncProperty(
      initialArb,
      fc.array(opArb(CODES), { minLength: STEPS, maxLength: STEPS }),
      (initial, ops) => sequence(initial, ops, counter),
    );
    // FUZZ_REPLAY=<seed>:<path> replays one reported case (fast-check's seed and path)
    const replay = process.env.FUZZ_REPLAY?.split(':');
    if (replay) {
      await fc.assert(property, {
        seed: Number(replay[0]),
        path: replay[1],
        numRuns: 1,
        endOnFailure: process.env.FUZZ_NO_SHRINK === '1',
        includeErrorInReport: true,
      });
      return;
    }
    await Promise.all(
      Array.from({ length: PARALLEL }, (_x, k) =>
        fc.assert(property, {
          seed: SEED + 100 * k,
          numRuns: RUNS,
          endOnFailure: process.env.FUZZ_SHRINK !== '1',
          includeErrorInReport: true,
        }),
      ),
    );
    assert.ok(counter.steps >= PARALLEL * RUNS * STEPS, `${counter.steps} steps ran`);
    for (const code of [
      'empty-file',
      'yaml-syntax-error',
      'helm-template',
      'duplicate-policy',
      'invalid-selector',
    ]) {
      assert.ok(counter.codes.has(code), `the sequences produced ${code} (${[...counter.codes].join(', ')})`);
    }
  });

  it('an open Namespace whose labels change republishes the closed policy files that select it', async () => {
    // the edited file is the Namespace; the findings that change are in the other files: a
    // publisher that compared only the files an edit touched would leave theirs stale
    const ns = (team: string): string =>
      `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    team: ${team}\n`;
    const policy = (name: string): string =>
      [
        'apiVersion: networking.k8s.io/v1',
        'kind: NetworkPolicy',
        'metadata:',
        `  name: ${name}`,
        '  namespace: web',
        'spec:',
        '  podSelector: {}',
        '  ingress:',
        '    - from:',
        '        - namespaceSelector:',
        '            matchLabels:',
        '              team: blue',
        '',
      ].join('\n');
    const counter = { steps: 0, codes: new Set<string>() };
    await sequence(
      [
        { folder: 'f0', rel: 'a.yaml', text: ns('blue') },
        { folder: 'f0', rel: 'b.yml', text: policy('p1') },
        { folder: 'f0', rel: 'sub/d.yaml', text: policy('p2') },
        { folder: 'f1', rel: 'c.yaml', text: policy('p3') },
      ],
      [
        { kind: 'open', pick: 0 },
        { kind: 'change', pick: 0, text: ns('red') },
        { kind: 'change', pick: 0, text: ns('blue') },
        { kind: 'change', pick: 0, text: ns('red') },
      ],
      counter,
    );
    assert.equal(counter.steps, 4);
    // the red labels gave the three policy files their finding (and the step after took it away)
    assert.ok(counter.codes.has('namespace-selector-matches-nothing'), [...counter.codes].join(', '));
  });

  it("a Namespace label edit that changes one policy's answer and not another's matches a fresh check", async () => {
    // shop's env flips between prod and dev: the env=prod peer's answer changes (its policy gains and
    // loses its findings), the team=blue and metadata.name peers keep theirs; the Service behind
    // the env=prod policy's namespace becomes unreachable and reachable again
    const ns = (env: string): string =>
      `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    team: blue\n    env: ${env}\n`;
    const pods = [
      'apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop, labels: {app: web}}\nspec: {containers: [{name: c, image: i, ports: [{containerPort: 80}]}]}',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: api, namespace: back, labels: {app: api}}\nspec: {containers: [{name: c, image: i, ports: [{containerPort: 80}]}]}',
      'apiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: back}\nspec:\n  selector: {app: api}\n  ports: [{port: 80}]',
      '',
    ].join('\n---\n');
    const policy = (name: string, namespace: string, selector: string): string =>
      [
        'apiVersion: networking.k8s.io/v1',
        'kind: NetworkPolicy',
        'metadata:',
        `  name: ${name}`,
        `  namespace: ${namespace}`,
        'spec:',
        '  podSelector: {}',
        '  ingress:',
        '    - from:',
        `        - namespaceSelector: {matchLabels: {${selector}}}`,
        '          podSelector: {matchLabels: {app: web}}',
        '',
      ].join('\n');
    const counter = { steps: 0, codes: new Set<string>() };
    await sequence(
      [
        { folder: 'f0', rel: 'a.yaml', text: ns('prod') },
        { folder: 'f0', rel: 'pods.yaml', text: pods },
        { folder: 'f0', rel: 'env.yaml', text: policy('by-env', 'back', 'env: prod') },
        { folder: 'f0', rel: 'team.yaml', text: policy('by-team', 'front', 'team: blue') },
        {
          folder: 'f1',
          rel: 'name.yaml',
          text: policy('by-name', 'side', 'kubernetes.io/metadata.name: shop'),
        },
      ],
      [
        { kind: 'open', pick: 0 },
        { kind: 'change', pick: 0, text: ns('dev') },
        { kind: 'change', pick: 0, text: ns('prod') },
        { kind: 'change', pick: 0, text: ns('dev') },
      ],
      counter,
    );
    assert.equal(counter.steps, 4);
    // the dev label gave the env=prod policy its findings (compared with check at every step)
    assert.ok(counter.codes.has('namespace-selector-matches-nothing'), [...counter.codes].join(', '));
  });

  it('a closed comments-only file gets its empty-file hint from the scan, as from check', async () => {
    const counter = { steps: 0, codes: new Set<string>() };
    await sequence(
      [
        { folder: 'f0', rel: 'a.yaml', text: '# only a comment\n' },
        { folder: 'f0', rel: 'b.yml', text: '' },
        { folder: 'f1', rel: 'c.yaml', text: 'kind: x\n\u0000apiVersion: y\n' },
        { folder: 'f1', rel: 'b.yml', text: 'binary\u0000data\n' },
      ],
      [
        { kind: 'create', pick: 0, text: '---\n# comments and markers\n---\n' },
        { kind: 'folder', pick: 2 },
      ],
      counter,
    );
    assert.ok(
      counter.codes.has('empty-file') && counter.codes.has('unreadable-file'),
      [...counter.codes].join(', '),
    );
  });
});
