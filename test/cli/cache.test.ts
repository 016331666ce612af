/**
 * `--cache-dir` (cli/cache.ts): a warm run prints what a cold one prints, byte for byte; the facts
 * and outputs it holds are used (a tampered but well-formed entry shows through, which proves the
 * lookup); a changed file is read again; a corrupt, truncated, foreign or other-build cache is
 * ignored (the output is a fresh run's) and rewritten.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { ROOT } from '../support/golden';

const CLI = join(ROOT, 'server', 'dist', 'cli.js');
const FACTS = 'netpol-lens-facts.bin';
const OUTPUTS = 'netpol-lens-outputs.bin';

function cli(cwd: string, ...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface Output {
  stdout: string;
  stderr: string;
  code: number;
}
interface Payload<T> {
  magic: string;
  format: number;
  tool: string;
  entries: Map<string, T>;
}
function readPayload<T>(file: string): Payload<T> {
  const raw = readFileSync(file);
  assert.ok(createHash('sha256').update(raw.subarray(32)).digest().equals(raw.subarray(0, 32)), 'checksum');
  return deserialize(raw.subarray(32)) as Payload<T>;
}
function writePayload<T>(file: string, p: Payload<T>): void {
  const body = serialize(p);
  writeFileSync(file, Buffer.concat([createHash('sha256').update(body).digest(), body]));
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
    const facts = readPayload<Buffer>(join(cache, FACTS));
    const outputs = readPayload<Output>(join(cache, OUTPUTS));
    assert.equal(facts.entries.size, 9);
    assert.equal(outputs.entries.size, 1);
    // the stored output is printed as it is
    const planted = new Map(
      [...outputs.entries].map(([k, v]) => [k, { ...v, stdout: 'from the cache\n', code: 0 }]),
    );
    writePayload(join(cache, OUTPUTS), { ...outputs, entries: planted });
    assert.deepEqual(cli(ws, ...args), { code: 0, stdout: 'from the cache\n', stderr: '' });
    // without stored outputs, the facts are: a problem added to one file's facts is reported
    writePayload(join(cache, OUTPUTS), { ...outputs, entries: new Map() });
    const [key, buf] = [...facts.entries][0] as [string, Buffer];
    const stored = deserialize(buf) as { facts: { uri: string; problems: unknown[] } };
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
    facts.entries.set(key, serialize(stored));
    writePayload(join(cache, FACTS), facts);
    const withPlanted = cli(ws, ...args);
    assert.match(withPlanted.stdout, /"message": "planted"/);
    assert.notEqual(withPlanted.stdout, first.stdout);
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
    assert.equal(readPayload<Buffer>(join(cache, FACTS)).entries.size, 6);
  });
});

test('a corrupt, truncated, foreign or other-build cache is ignored and rewritten', () => {
  workspace((ws, cache) => {
    const args = ['check', '.', '--format', 'json', '--cache-dir', cache];
    const plain = cli(ws, 'check', '.', '--format', 'json');
    assert.deepEqual(cli(ws, ...args), plain);
    const factsFile = join(cache, FACTS);
    const outputsFile = join(cache, OUTPUTS);
    const facts = readPayload<Buffer>(factsFile);
    const outputs = readPayload<Output>(outputsFile);
    // each corrupt output file holds an output that would show if it were trusted
    const planted = {
      ...outputs,
      entries: new Map(
        [...outputs.entries].map(([k, v]) => [k, { ...v, stdout: 'from the cache\n', code: 0 }]),
      ),
    };
    writePayload(outputsFile, planted);
    const good = readFileSync(outputsFile);
    assert.deepEqual(cli(ws, ...args).stdout, 'from the cache\n');
    const at = good.indexOf('from the cache');
    assert.ok(at > 32);
    const noOutputs = (): void => writePayload(outputsFile, { ...outputs, entries: new Map() });
    const corruptions: Array<[string, () => void]> = [
      // still deserializes (a letter of a string changed): only the checksum tells
      [
        'a byte of the outputs changed',
        () => writeFileSync(outputsFile, Buffer.from(good).fill(0x67, at, at + 1)),
      ],
      ['the outputs truncated', () => writeFileSync(outputsFile, good.subarray(0, good.length >> 1))],
      ['the outputs empty', () => writeFileSync(outputsFile, '')],
      [
        'the outputs of another build',
        () => writePayload(outputsFile, { ...planted, tool: 'another build' }),
      ],
      ['the outputs of another format', () => writePayload(outputsFile, { ...planted, format: 99 })],
      [
        'not a cache',
        () => writeFileSync(outputsFile, 'hello, world: this is no cache at all, but it is long enough\n'),
      ],
      [
        'the facts truncated',
        () => {
          noOutputs();
          writeFileSync(factsFile, readFileSync(factsFile).subarray(0, 100));
        },
      ],
      [
        'the facts of another build',
        () => {
          noOutputs();
          writePayload(factsFile, { ...facts, tool: 'another build' });
        },
      ],
      [
        'malformed facts',
        () => {
          noOutputs();
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
      assert.equal(readPayload<Output>(outputsFile).tool, outputs.tool, what);
      assert.equal(readPayload<Output>(outputsFile).entries.size, 1, what);
      assert.deepEqual(cli(ws, ...args), plain, what);
    }
    assert.equal(readPayload<Buffer>(factsFile).entries.size, 9);
    assert.equal(readPayload<Buffer>(factsFile).tool, facts.tool);
  });
});
