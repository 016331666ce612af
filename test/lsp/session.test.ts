/**
 * A long session in small (bench/session.mjs, which `npm run bench` runs at full size): edits in
 * bursts across open files, each burst's hover cancelled, then a watcher storm of files changed
 * and created at once and deleted again. A correctness check, not a timed test: every edit's
 * version gets its diagnostics, the edit queue stays bounded by the open files, every cancelled
 * hover is answered, and each storm is read as one change of the index followed by one
 * diagnostics pass (the server's own counters, test hook `stats`); and what the server keeps per
 * file (index, stores, published diagnostics, status counts, disk reads) is after the storms what
 * it was before them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT as root } from '../support/lsp-harness';

describe('a long session (bench/session.mjs in small)', () => {
  it('edits, cancelled hovers and two watcher storms: nothing lost, queues bounded, one re-index per storm', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netpol-lens-session-ws-'));
    try {
      const gen = spawnSync(
        process.execPath,
        [
          join(root, 'bench', 'gen-workspace.mjs'),
          '--out',
          dir,
          '--seed',
          '3',
          '--quiet',
          '--namespaces',
          '6',
          '--workloads',
          '40',
          '--policies',
          '12',
        ],
        { encoding: 'utf8' },
      );
      assert.equal(gen.status, 0, gen.stderr);
      const run = spawnSync(
        process.execPath,
        [
          join(root, 'bench', 'session.mjs'),
          '--workspace',
          dir,
          '--edits',
          '300',
          '--files',
          '8',
          '--burst',
          '6',
          '--storm',
          '400',
          '--json',
        ],
        { encoding: 'utf8', timeout: 240_000 },
      );
      assert.equal(run.status, 0, run.stderr);
      const r = JSON.parse(run.stdout) as {
        openFiles: number;
        lostPublications: number;
        maxQueued: number;
        hovers: number;
        hoversCancelled: number;
        hoversAnswered: number;
        held: {
          files: number;
          stores: number;
          published: number;
          tallied: number;
          tracked: number;
          reading: number;
        }[];
        storm: {
          events: number;
          in: { indexChanges: number; passes: number };
          out: { indexChanges: number; passes: number };
        };
      };
      assert.equal(r.openFiles, 8);
      assert.equal(r.lostPublications, 0, 'every open file has the diagnostics of its last version');
      assert.ok(r.maxQueued <= r.openFiles, `queued edits ${r.maxQueued} ≤ open files`);
      assert.equal(r.hoversCancelled + r.hoversAnswered, r.hovers, 'every cancelled hover is answered');
      assert.equal(r.storm.events, 400);
      assert.deepEqual(
        r.storm.in,
        { ...r.storm.in, indexChanges: 1, passes: 1 },
        'the storm is one re-index',
      );
      assert.deepEqual(r.storm.out, { ...r.storm.out, indexChanges: 1, passes: 1 }, 'and its undoing too');
      // what the server keeps per file: the storm's files, created and deleted again, left nothing
      const [, afterEdits, afterStorm] = r.held;
      assert.ok(afterEdits && afterEdits.files > 0 && afterEdits.published > 0, JSON.stringify(r.held));
      assert.deepEqual(afterStorm, afterEdits, 'per-file entries after the storms = after the edits');
      assert.equal(afterStorm?.reading, 0, 'no read left in flight');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
