/**
 * Cheap, content-based recognition of Kubernetes manifests, used to decide when the language
 * server is worth starting. Activation events can only name a language (`onLanguage:yaml`), and
 * most YAML and JSON files are not Kubernetes manifests (CI workflows, compose files, package.json).
 * This is a heuristic on the first bytes of a document; all real parsing happens in the server
 * (which also answers which policy is under the cursor: `netpolLens/policyAt`).
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

const YAML_POLICY = /^[ \t-]*kind[ \t]*:[ \t]*["']?NetworkPolicy\b/m;
const JSON_POLICY = /"kind"\s*:\s*"NetworkPolicy"/;

/** True when the document looks like it holds a NetworkPolicy (for the editor context menu). */
export function holdsPolicy(doc: vscode.TextDocument): boolean {
  if (!isCandidate(doc)) return false;
  const text = doc.getText();
  const head = text.length > SCAN_LIMIT ? text.slice(0, SCAN_LIMIT) : text;
  return (doc.languageId === 'json' ? JSON_POLICY : YAML_POLICY).test(head);
}
