/**
 * `--cache-dir` (fs/facts-cache.ts): a warm run prints what a cold one prints, byte for byte; the facts
 * and outputs it holds are used (a tampered but well-formed entry shows through, which proves the
 * lookup); a changed file is read again; a corrupt, truncated, foreign, other-build or
 * other-key cache is ignored (the output is a fresh run's) and rewritten; outputs are bounded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { entryCodec, readPayload, writePayload } from '../support/cache-file';
import { ROOT } from '../support/golden';

const CLI = join(ROOT, 'server', 'dist', 'cli.js');
const FACTS = 'netpol-lens-facts.bin';
const OUTPUT = /^netpol-lens-output-[0-9a-f]{64}\.bin$/;

function cli(cwd: string, ...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface Output {
  magic: string;
  format: number;
  tool: string;
  key: string;
  stdout: Uint8Array;
  stderr: string;
  code: number;
}
/** The output files in the cache folder. */
function outputFiles(cache: string): string[] {
  return readdirSync(cache)
    .filter((n) => OUTPUT.test(n))
    .map((n) => join(cache, n));
}
function onlyOutput(cache: string): string {
  const files = outputFiles(cache);
  assert.equal(files.length, 1, files.join(', '));
  return files[0] as string;
}
interface Payload<T> {
  magic: string;
  format: number;
  tool: string;
  entries: Map<string, T>;
}
function workspace(fn: (ws: string, cache: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-lens-cache-'));
  try {
    cpSync(join(ROOT, 'examples'), join(dir, 'ws'), { recursive: true });
    fn(join(dir, 'ws'), join(dir, 'cache'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('check, reach and explain with --cache-dir: cold and warm print what no cache prints', () => {
  workspace((ws, cache) => {
    for (const args of [
      ['check', '.', '--format', 'json', '--fail-on', 'information'],
      ['check', '.'],
      ['reach', '.', '--format', 'json'],
      ['explain', 'layer1/nginx1', 'layer2/nginx2', '80/TCP', '.'],
    ]) {
      const plain = cli(ws, ...args);
      assert.ok(plain.stdout.length > 0, plain.stderr);
      const cold = cli(ws, ...args, '--cache-dir', cache);
      assert.ok(existsSync(join(cache, FACTS)));
      const warm = cli(ws, ...args, '--cache-dir', cache);
      assert.deepEqual(cold, plain, args.join(' '));
      assert.deepEqual(warm, plain, args.join(' '));
    }
  });
});

test('the cache is used: a well-formed entry shows through, for a whole check output and for facts', () => {
  workspace((ws, cache) => {
    const args = ['check', '.', '--format', 'json', '--cache-dir', cache];
    const first = cli(ws, ...args);
    const facts = readPayload<Payload<Buffer>>(join(cache, FACTS));
    const outputFile = onlyOutput(cache);
    const output = readPayload<Output>(outputFile);
    assert.equal(facts.entries.size, 9);
    assert.equal(Buffer.from(output.stdout).toString('utf8'), first.stdout);
    // the stored output is printed as it is
    writePayload(outputFile, { ...output, stdout: Buffer.from('from the cache\n'), code: 0 });
    assert.deepEqual(cli(ws, ...args), { code: 0, stdout: 'from the cache\n', stderr: '' });
    // without the stored output, the facts are: a problem added to one file's facts is reported
    rmSync(outputFile);
    const [key, buf] = [...facts.entries][0] as [string, Buffer];
    const stored = entryCodec().decodeEntry(buf) as { facts: { uri: string; problems: unknown[] } };
    stored.facts.problems = [
      ...stored.facts.problems,
      {
        code: 'empty-file',
        severity: 'hint',
        uri: stored.facts.uri,
        span: { start: 0, end: 0 },
        message: 'planted',
      },
    ];
    facts.entries.set(key, entryCodec().encodeEntry(stored));
    writePayload(join(cache, FACTS), facts);
    const withPlanted = cli(ws, ...args);
    assert.match(withPlanted.stdout, /"message": "planted"/);
    assert.notEqual(withPlanted.stdout, first.stdout);
  });
});

test('an output is keyed by every byte of every file, and at most 8 outputs are kept', () => {
  workspace((ws, cache) => {
    const args = ['check', '.', '--format', 'json', '--cache-dir', cache];
    cli(ws, ...args);
    const outputFile = onlyOutput(cache);
    writePayload(outputFile, {
      ...readPayload<Output>(outputFile),
      stdout: Buffer.from('from the cache\n'),
      code: 0,
    });
    // one byte of one file changed, same size: another key, a fresh run (and a second output)
    const ns = join(ws, 'layer1', 'np-layer1.yaml');
    const text = readFileSync(ns, 'utf8');
    const i = text.indexOf('layer1');
    const changed = `${text.slice(0, i)}layer9${text.slice(i + 6)}`;
    assert.equal(changed.length, text.length);
    writeFileSync(ns, changed);
    const fresh = cli(ws, 'check', '.', '--format', 'json');
    assert.deepEqual(cli(ws, ...args), fresh);
    assert.equal(outputFiles(cache).length, 2);
    // back to the first bytes: the first output again
    writeFileSync(ns, text);
    assert.equal(cli(ws, ...args).stdout, 'from the cache\n');
    // an output file under another key's name is not used
    const other = outputFiles(cache).find((f) => f !== outputFile) as string;
    renameSync(other, `${other}.keep`);
    renameSync(outputFile, other);
    writeFileSync(ns, changed);
    assert.deepEqual(cli(ws, ...args), fresh);
    // nine outputs made (one of them again): the 8 most recent are kept
    for (const format of ['text', 'sarif', 'json'])
      for (const failOn of ['error', 'warning', 'information'])
        cli(ws, 'check', '.', '--format', format, '--fail-on', failOn, '--cache-dir', cache);
    assert.equal(outputFiles(cache).length, 8);
  });
});

test('a changed file is read again; a file gone is dropped from the cache', () => {
  workspace((ws, cache) => {
    const args = ['check', '.', '--format', 'json', '--cache-dir', cache];
    cli(ws, ...args);
    const np = join(ws, 'layer1', 'np-layer1.yaml');
    writeFileSync(
      np,
      readFileSync(np, 'utf8').replace('  - from:\n', '  - ports:\n    - port: 99999\n    from:\n'),
    );
    rmSync(join(ws, 'layer3'), { recursive: true });
    const fresh = cli(ws, 'check', '.', '--format', 'json');
    assert.match(fresh.stdout, /invalid-port/);
    assert.deepEqual(cli(ws, ...args), fresh);
    assert.deepEqual(cli(ws, ...args), fresh);
    assert.equal(readPayload<Payload<Buffer>>(join(cache, FACTS)).entries.size, 6);
  });
});

test('a corrupt, truncated, foreign or other-build cache is ignored and rewritten', () => {
  workspace((ws, cache) => {
    const args = ['check', '.', '--format', 'json', '--cache-dir', cache];
    const plain = cli(ws, 'check', '.', '--format', 'json');
    assert.deepEqual(cli(ws, ...args), plain);
    const factsFile = join(cache, FACTS);
    const outputFile = onlyOutput(cache);
    const facts = readPayload<Payload<Buffer>>(factsFile);
    const output = readPayload<Output>(outputFile);
    // each corrupt output file holds an output that would show if it were trusted
    const planted: Output = { ...output, stdout: Buffer.from('from the cache\n'), code: 0 };
    writePayload(outputFile, planted);
    const good = readFileSync(outputFile);
    assert.deepEqual(cli(ws, ...args).stdout, 'from the cache\n');
    const at = good.indexOf('from the cache');
    assert.ok(at > 32);
    const noOutput = (): void => rmSync(outputFile, { force: true });
    const corruptions: Array<[string, () => void]> = [
      // still deserializes (a letter of the output changed): only the checksum tells
      [
        'a byte of the output changed',
        () => writeFileSync(outputFile, Buffer.from(good).fill(0x67, at, at + 1)),
      ],
      ['the output truncated', () => writeFileSync(outputFile, good.subarray(0, good.length >> 1))],
      ['the output empty', () => writeFileSync(outputFile, '')],
      ['the output of another build', () => writePayload(outputFile, { ...planted, tool: 'another build' })],
      ['the output of another format', () => writePayload(outputFile, { ...planted, format: 99 })],
      ['the output of another key', () => writePayload(outputFile, { ...planted, key: '0'.repeat(64) })],
      ['the output as text', () => writePayload(outputFile, { ...planted, stdout: 'from the cache\n' })],
      [
        'not a cache',
        () => writeFileSync(outputFile, 'hello, world: this is no cache at all, but it is long enough\n'),
      ],
      [
        'the facts truncated',
        () => {
          noOutput();
          writeFileSync(factsFile, readFileSync(factsFile).subarray(0, 100));
        },
      ],
      [
        'the facts of another build',
        () => {
          noOutput();
          writePayload(factsFile, { ...facts, tool: 'another build' });
        },
      ],
      [
        'malformed facts',
        () => {
          noOutput();
          const bad = new Map(
            [...facts.entries].map(([k]) => [
              k,
              serialize({ facts: { uri: 'file:///elsewhere' }, sameText: true }),
            ]),
          );
          writePayload(factsFile, { ...facts, entries: bad });
        },
      ],
    ];
    for (const [what, corrupt] of corruptions) {
      corrupt();
      assert.deepEqual(cli(ws, ...args), plain, what);
      // rewritten: valid, of this build, and used again
      const rewritten = readPayload<Output>(onlyOutput(cache));
      assert.equal(rewritten.tool, output.tool, what);
      assert.equal(Buffer.from(rewritten.stdout).toString('utf8'), plain.stdout, what);
      assert.deepEqual(cli(ws, ...args), plain, what);
    }
    assert.equal(readPayload<Payload<Buffer>>(factsFile).entries.size, 9);
    assert.equal(readPayload<Payload<Buffer>>(factsFile).tool, facts.tool);
  });
});
