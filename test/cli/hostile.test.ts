/**
 * The hostile-input set (test/support/hostile-inputs.ts) through the core (in process, read as the
 * CLI reads files) and through the built CLI: each input gives its finding on its own file, no
 * check fails (internal-error), and the control files beside them keep exactly the findings they
 * have alone. Cost is measured by `npm run bench` style runs, not timed here.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import {
  AnalysisHost,
  HEAD_BYTES,
  invalidUtf8Offset,
  maxFileBytes,
  tooLargeChange,
  type Analysis,
  type FileChange,
} from '../../server/src/core/index';
import { ROOT } from '../support/golden';
import {
  CONTROL_CODES,
  CONTROL_FILES,
  hostileInputs,
  judge,
  SIZE_LIMIT_MIB,
  writeHostileWorkspace,
} from '../support/hostile-inputs';

const CLI = join(ROOT, 'server', 'dist', 'cli.js');

interface Placed {
  path: string;
  code: string;
  message: string;
  line: number;
  column: number;
}

function placed(a: Analysis, dir: string): Placed[] {
  return a.findings().map((f) => {
    const p = a.lineIndex(f.uri)?.lineCol1(f.span.start) ?? { line: 1, column: 1 };
    const path = relative(dir, new URL(f.uri).pathname).split('\\').join('/');
    return { path, code: f.code, message: f.message, line: p.line, column: p.column };
  });
}

/** The files of `dir` read as the adapters read them (cli/load.ts, lsp/workspace.ts), with the core's rules. */
function readAsAdapters(dir: string, limitBytes: number): FileChange[] {
  const out: FileChange[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        walk(p);
        continue;
      }
      const uri = pathToFileURL(p).href;
      const size = statSync(p).size;
      if (size > limitBytes) {
        const fd = openSync(p, 'r');
        const head = Buffer.alloc(HEAD_BYTES);
        const n = readSync(fd, head, 0, HEAD_BYTES, 0);
        closeSync(fd);
        const big = tooLargeChange(uri, head.subarray(0, n).toString('utf8'), size, limitBytes);
        if (big) out.push(big);
        continue;
      }
      const bytes = readFileSync(p);
      const bad = invalidUtf8Offset(bytes);
      out.push({ uri, text: bytes.toString('utf8'), ...(bad >= 0 ? { invalidUtf8At: bad } : {}) });
    }
  };
  walk(dir);
  return out;
}

const controlAlone = (): string[] => {
  const host = new AnalysisHost();
  host.applyChanges(Object.entries(CONTROL_FILES).map(([rel, text]) => ({ uri: `file:///w/${rel}`, text })));
  return host
    .snapshot()
    .findings()
    .map((f) => `${f.uri.slice('file:///w/'.length)} ${f.code} ${f.message}`)
    .sort();
};

describe('hostile inputs', () => {
  const inputs = hostileInputs();
  let ws: { dir: string; dispose: () => void };
  before(() => {
    ws = writeHostileWorkspace(inputs);
  });
  after(() => ws.dispose());

  it('the control files alone give the findings the set expects of them', () => {
    assert.deepEqual([...new Set(controlAlone().map((l) => l.split(' ')[1]))].sort(), [...CONTROL_CODES]);
  });

  it('core: every input gets its finding, nothing else is lost, no check fails', () => {
    const host = new AnalysisHost();
    host.applyChanges(readAsAdapters(ws.dir, maxFileBytes(SIZE_LIMIT_MIB)));
    const a = host.snapshot();
    const all = placed(a, ws.dir);
    assert.deepEqual(
      all.filter((f) => f.code === 'internal-error'),
      [],
    );
    const failures = inputs
      .map((i) =>
        judge(
          i,
          all.filter((f) => f.path === i.name),
        ),
      )
      .filter(Boolean);
    assert.deepEqual(failures, [], failures.join('\n\n'));
    const control = all
      .filter((f) => f.path.startsWith('control/'))
      .map((f) => `${f.path} ${f.code} ${f.message}`)
      .sort();
    assert.deepEqual(control, controlAlone());
    // the big file was read whole: all its policies are in the index
    const bulk = pathToFileURL(join(ws.dir, 'bulk-40000.yaml')).href;
    assert.equal(a.index.policies.filter((p) => p.doc.uri === bulk).length, 40_000);
    // every query still answers
    const w = a.index.workloads.find((x) => x.name === 'frontend');
    assert.ok(w);
    assert.equal(a.explain(w.id, w.id).ok, true);
  });

  it('CLI: the same findings, the 50 MB file reported (not only on stderr), and analysed with --max-file-size', () => {
    const r = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', ws.dir], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr, '');
    const base = relative(ROOT, ws.dir).split('\\').join('/');
    const all = (JSON.parse(r.stdout) as Placed[]).map((f) => ({
      ...f,
      path: relative(base, f.path).split('\\').join('/'),
    }));
    const failures = inputs
      .map((i) =>
        judge(
          i,
          all.filter((f) => f.path === i.name),
        ),
      )
      .filter(Boolean);
    assert.deepEqual(failures, [], failures.join('\n\n'));
    assert.deepEqual(
      all
        .filter((f) => f.path.startsWith('control/'))
        .map((f) => `${f.path} ${f.code} ${f.message}`)
        .sort(),
      controlAlone(),
    );
    // the limit raised: the 50 MB file is read (a valid policy and a comment: no finding at all)
    const big = join(ws.dir, 'huge-50mb.yaml');
    const raised = spawnSync(process.execPath, [CLI, 'check', '--max-file-size', '64', big], {
      encoding: 'utf8',
    });
    assert.equal(raised.status, 0, raised.stdout + raised.stderr);
    assert.match(raised.stdout, /No problems found/);
    const bad = spawnSync(process.execPath, [CLI, 'check', '--max-file-size', 'lots', big], {
      encoding: 'utf8',
    });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--max-file-size/);
  });
});
