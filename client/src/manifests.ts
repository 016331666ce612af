/**
 * Cheap, content-based recognition of Kubernetes manifests, used to decide when the language
 * server is worth starting. Activation events can only name a language (`onLanguage:yaml`), and
 * most YAML and JSON files are not Kubernetes manifests (CI workflows, compose files, package.json).
 * This is a heuristic on the first bytes of a document; all real parsing happens in the server.
 */
import * as vscode from 'vscode';

export const LANGUAGES = ['yaml', 'json'] as const;
const SCAN_LIMIT = 64 * 1024;

const YAML_API_VERSION = /^[ \t-]*apiVersion[ \t]*:[ \t]*["']?[A-Za-z0-9.\-/]+/m;
const YAML_KIND = /^[ \t-]*kind[ \t]*:[ \t]*["']?[A-Z][A-Za-z]*/m;
const JSON_API_VERSION = /"apiVersion"\s*:\s*"[A-Za-z0-9.\-/]+"/;
const JSON_KIND = /"kind"\s*:\s*"[A-Z][A-Za-z]*"/;

/** True when `text` looks like one or more Kubernetes manifests (YAML or JSON). */
export function looksLikeManifest(text: string, languageId: string): boolean {
  const head = text.length > SCAN_LIMIT ? text.slice(0, SCAN_LIMIT) : text;
  if (languageId === 'json') return JSON_API_VERSION.test(head) && JSON_KIND.test(head);
  return YAML_API_VERSION.test(head) && YAML_KIND.test(head);
}

export function isCandidate(doc: vscode.TextDocument): boolean {
  return (
    (LANGUAGES as readonly string[]).includes(doc.languageId) &&
    (doc.uri.scheme === 'file' || doc.uri.scheme === 'untitled') &&
    looksLikeManifest(doc.getText(), doc.languageId)
  );
}

/** The NetworkPolicy around `position`, found by a plain scan of the YAML document it sits in. */
export function policyAt(
  doc: vscode.TextDocument,
  position: vscode.Position,
): { uri: string; name: string; namespace: string } | undefined {
  if (doc.languageId !== 'yaml') return undefined;
  const lines = doc.getText().split(/\r?\n/);
  let start = position.line;
  while (start > 0 && !/^---/.test(lines[start] ?? '')) start--;
  let end = position.line + 1;
  while (end < lines.length && !/^---/.test(lines[end] ?? '')) end++;
  let kind: string | undefined;
  let name: string | undefined;
  let namespace: string | undefined;
  let inMetadata = false;
  for (let i = start; i < end; i++) {
    const line = lines[i] ?? '';
    const top = /^([A-Za-z]+)\s*:\s*(.*)$/.exec(line);
    if (top) {
      inMetadata = top[1] === 'metadata';
      if (top[1] === 'kind') kind = unquote(top[2] ?? '');
      continue;
    }
    if (!inMetadata) continue;
    const child = /^ {1,8}(name|namespace)\s*:\s*(.*)$/.exec(line);
    if (child && /^ {1,8}\S/.test(line) && (line.length - line.trimStart().length) === indentOfFirstChild(lines, i)) {
      if (child[1] === 'name') name = unquote(child[2] ?? '');
      else namespace = unquote(child[2] ?? '');
    }
  }
  if (kind !== 'NetworkPolicy' || !name) return undefined;
  return { uri: doc.uri.toString(), name, namespace: namespace || 'default' };
}

function indentOfFirstChild(lines: string[], i: number): number {
  // the indentation of the first line below `metadata:`
  let j = i;
  while (j > 0 && !/^metadata\s*:/.test(lines[j - 1] ?? '')) j--;
  const first = lines[j] ?? '';
  return first.length - first.trimStart().length;
}

function unquote(v: string): string {
  const s = v.replace(/\s+#.*$/, '').trim();
  return s.replace(/^(['"])(.*)\1$/, '$2');
}

const YAML_POLICY = /^[ \t-]*kind[ \t]*:[ \t]*["']?NetworkPolicy\b/m;
const JSON_POLICY = /"kind"\s*:\s*"NetworkPolicy"/;

/** True when the document looks like it holds a NetworkPolicy (for the editor context menu). */
export function holdsPolicy(doc: vscode.TextDocument): boolean {
  if (!isCandidate(doc)) return false;
  const text = doc.getText();
  const head = text.length > SCAN_LIMIT ? text.slice(0, SCAN_LIMIT) : text;
  return (doc.languageId === 'json' ? JSON_POLICY : YAML_POLICY).test(head);
}
