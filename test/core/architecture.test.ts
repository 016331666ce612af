/**
 * Module boundaries (ARCHITECTURE.md, style.md part 4), checked on the import specifiers of every
 * source file: a pure core, thin adapters, a client that never computes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

interface Import {
  file: string;
  spec: string;
  typeOnly: boolean;
  target?: string;
}

function sources(dir: string, root = ROOT): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
    const p = join(dir, e.name).split('\\').join('/');
    if (e.isDirectory()) out.push(...sources(p, root));
    else if (/\.ts$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function imports(file: string, root = ROOT): Import[] {
  const text = readFileSync(join(root, file), 'utf8');
  const out: Import[] = [];
  const re =
    /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (const m of text.matchAll(re)) {
    const spec = (m[3] ?? m[4] ?? m[5]) as string;
    const target = spec.startsWith('.')
      ? relative(root, resolve(dirname(join(root, file)), spec))
          .split('\\')
          .join('/')
      : undefined;
    out.push({ file, spec, typeOnly: !!m[2], ...(target ? { target } : {}) });
  }
  return out;
}

function check(dir: string, allowed: (i: Import) => boolean): string[] {
  return sources(dir)
    .flatMap((f) => imports(f))
    .filter((i) => !allowed(i))
    .map((i) => `${i.file}: ${i.typeOnly ? 'import type ' : ''}'${i.spec}'`);
}

const inside = (i: Import, dir: string): boolean =>
  i.target !== undefined && (i.target === dir || i.target.startsWith(`${dir}/`));

test('core imports only itself and the yaml package', () => {
  assert.deepEqual(
    check('server/src/core', (i) => i.spec === 'yaml' || inside(i, 'server/src/core')),
    [],
  );
});

test('protocol imports nothing but itself', () => {
  assert.deepEqual(
    check('server/src/protocol', (i) => inside(i, 'server/src/protocol')),
    [],
  );
});

test('the language server uses the core façade only, the protocol, the shared fs pieces and the LSP libraries', () => {
  assert.deepEqual(
    check(
      'server/src/lsp',
      (i) =>
        inside(i, 'server/src/lsp') ||
        inside(i, 'server/src/protocol') ||
        inside(i, 'server/src/fs') ||
        i.target === 'server/src/core/index' ||
        i.spec.startsWith('node:') ||
        /^vscode-languageserver(-textdocument|-protocol)?(\/node)?$/.test(i.spec),
    ),
    [],
  );
});

test('the CLI uses the core façade and node only', () => {
  assert.deepEqual(
    check(
      'server/src/cli',
      (i) =>
        inside(i, 'server/src/cli') ||
        inside(i, 'server/src/fs') ||
        i.target === 'server/src/core/index' ||
        i.spec.startsWith('node:'),
    ),
    [],
  );
});

test('the file-system pieces both adapters share (fs/: reading files, the facts cache) use the core façade and node only', () => {
  assert.deepEqual(
    check(
      'server/src/fs',
      (i) => inside(i, 'server/src/fs') || i.target === 'server/src/core/index' || i.spec.startsWith('node:'),
    ),
    [],
  );
});

/** The one core file the client may import: the shared wording (dependency-free, see its header). */
const WORDS = 'server/src/core/text/words';

test('the client never imports the core but its wording module; protocol types only as types', () => {
  assert.deepEqual(
    check(
      'client/src',
      (i) =>
        inside(i, 'client/src') ||
        (inside(i, 'server/src/protocol') && i.typeOnly) ||
        i.target === WORDS ||
        i.spec === 'vscode' ||
        /^vscode-languageclient(\/node)?$/.test(i.spec) ||
        i.spec.startsWith('node:'),
    ),
    [],
  );
});

test('the webview uses the DOM, protocol types and the dependency-free wording module only', () => {
  assert.deepEqual(
    check(
      'client/webview',
      (i) =>
        inside(i, 'client/webview') || (inside(i, 'server/src/protocol') && i.typeOnly) || i.target === WORDS,
    ),
    [],
  );
});

test('the boundary check sees a forbidden import', () => {
  const fake: Import = { file: 'server/src/core/x.ts', spec: 'vscode', typeOnly: false };
  assert.equal(fake.spec === 'yaml' || inside(fake, 'server/src/core'), false);
  assert.ok(
    imports('server/src/lsp/handlers/custom.ts').some((i) => i.target === 'server/src/core/index'),
    'the scanner reads import specifiers',
  );
});

/** The source file an import target names (`x` → `x.ts` or `x/index.ts`), if it is one of ours. */
function sourceFile(target: string, root: string): string | undefined {
  for (const f of [`${target}.ts`, `${target}/index.ts`, target]) {
    const p = join(root, f);
    if (/\.ts$/.test(f) && existsSync(p) && statSync(p).isFile()) return f;
  }
  return undefined;
}

/** The import graph of the sources under `dirs` (type-only imports and re-exports included). */
function importGraph(dirs: readonly string[], root = ROOT): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of dirs.flatMap((d) => sources(d, root))) {
    const targets = imports(file, root)
      .flatMap((i) => (i.target ? [sourceFile(i.target, root)] : []))
      .filter((t): t is string => !!t);
    graph.set(file, [...new Set(targets)].sort());
  }
  return graph;
}

/** Every import cycle, one per strongly connected component (Tarjan), written `a → b → … → a`. */
function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop() as string; // v is on the stack, below w
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(cyclePath(graph, new Set(scc)));
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles.sort();
}

/** One cycle through a strongly connected component, from its first file in name order. */
function cyclePath(graph: ReadonlyMap<string, readonly string[]>, scc: ReadonlySet<string>): string {
  const start = [...scc].sort()[0] as string;
  const path = [start];
  const seen = new Set([start]);
  const walk = (v: string): boolean => {
    for (const w of graph.get(v) ?? []) {
      if (!scc.has(w)) continue;
      if (w === start) return true;
      if (seen.has(w)) continue;
      seen.add(w);
      path.push(w);
      if (walk(w)) return true;
      path.pop();
    }
    return false;
  };
  walk(start);
  return [...path, start].join(' → ');
}

test('no import cycles anywhere in server/src and client', () => {
  const graph = importGraph(['server/src', 'client']);
  assert.ok(
    graph.size > 50 && (graph.get('server/src/lsp/main.ts') ?? []).includes('server/src/lsp/session.ts'),
    'the graph is built from the sources',
  );
  assert.deepEqual(importCycles(graph), []);
});

test('the cycle check sees a planted cycle, through type-only imports and re-exports too', () => {
  const root = mkdtempSync(join(tmpdir(), 'netpol-cycles-'));
  try {
    mkdirSync(join(root, 'src', 'sub'), { recursive: true });
    writeFileSync(join(root, 'src', 'a.ts'), "import { b } from './b';\nexport const a = b;\n");
    writeFileSync(join(root, 'src', 'b.ts'), "import type { C } from './sub';\nexport const b: C = 1;\n");
    writeFileSync(join(root, 'src', 'sub', 'index.ts'), "export * from '../a';\nexport type C = number;\n");
    writeFileSync(
      join(root, 'src', 'leaf.ts'),
      "import { a } from './a';\nimport { self } from './self';\nexport const l = a + self;\n",
    );
    writeFileSync(
      join(root, 'src', 'self.ts'),
      "import * as me from './self';\nexport const self = 1; void me;\n",
    );
    assert.deepEqual(importCycles(importGraph(['src'], root)), [
      'src/a.ts → src/b.ts → src/sub/index.ts → src/a.ts',
      'src/self.ts → src/self.ts',
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
