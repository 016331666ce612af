/**
 * Module boundaries (ARCHITECTURE.md, style.md part 4), checked on the import specifiers of every
 * source file: a pure core, thin adapters, a client that never computes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

interface Import { file: string; spec: string; typeOnly: boolean; target?: string }

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (/\.ts$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function imports(file: string): Import[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const out: Import[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (const m of text.matchAll(re)) {
    const spec = (m[3] ?? m[4] ?? m[5]) as string;
    const target = spec.startsWith('.') ? relative(ROOT, resolve(dirname(join(ROOT, file)), spec)).split('\\').join('/') : undefined;
    out.push({ file, spec, typeOnly: !!m[2], ...(target ? { target } : {}) });
  }
  return out;
}

function check(dir: string, allowed: (i: Import) => boolean): string[] {
  return sources(dir).flatMap(imports).filter((i) => !allowed(i)).map((i) => `${i.file}: ${i.typeOnly ? 'import type ' : ''}'${i.spec}'`);
}

const inside = (i: Import, dir: string): boolean => i.target !== undefined && (i.target === dir || i.target.startsWith(`${dir}/`));

test('core imports only itself and the yaml package', () => {
  assert.deepEqual(check('server/src/core', (i) => i.spec === 'yaml' || inside(i, 'server/src/core')), []);
});

test('protocol imports nothing but itself', () => {
  assert.deepEqual(check('server/src/protocol', (i) => inside(i, 'server/src/protocol')), []);
});

test('the language server uses the core façade only, the protocol and the LSP libraries', () => {
  assert.deepEqual(check('server/src/lsp', (i) =>
    inside(i, 'server/src/lsp') || inside(i, 'server/src/protocol') || i.target === 'server/src/core/index'
    || i.spec.startsWith('node:') || /^vscode-languageserver(-textdocument|-protocol)?(\/node)?$/.test(i.spec)), []);
});

test('the CLI uses the core façade and node only', () => {
  assert.deepEqual(check('server/src/cli', (i) => inside(i, 'server/src/cli') || i.target === 'server/src/core/index' || i.spec.startsWith('node:')), []);
});

test('the client never imports the core; protocol types only as types', () => {
  assert.deepEqual(check('client/src', (i) =>
    inside(i, 'client/src') || (inside(i, 'server/src/protocol') && i.typeOnly)
    || i.spec === 'vscode' || /^vscode-languageclient(\/node)?$/.test(i.spec) || i.spec.startsWith('node:')), []);
});

test('the webview uses the DOM and protocol types only', () => {
  assert.deepEqual(check('client/webview', (i) => inside(i, 'client/webview') || (inside(i, 'server/src/protocol') && i.typeOnly)), []);
});

test('the boundary check sees a forbidden import', () => {
  const fake: Import = { file: 'server/src/core/x.ts', spec: 'vscode', typeOnly: false };
  assert.equal(fake.spec === 'yaml' || inside(fake, 'server/src/core'), false);
  assert.ok(imports('server/src/lsp/handlers/custom.ts').some((i) => i.target === 'server/src/core/index'), 'the scanner reads import specifiers');
});
