/** Locating the check fixtures: test/fixtures/checks/<code>/[sub/…/]*.yaml, one workspace per folder. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveSettings, type Settings } from '../../server/src/core/index';

export const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'checks');
const FIXTURE_FILE = /\.ya?ml$/i;

export interface Workspace {
  readonly code: string;
  readonly dir: string;
  readonly files: string[];
}

/** Folders under `root/<code>/…` that directly hold fixture files. */
export function workspaces(root: string = FIXTURES): Workspace[] {
  const out: Workspace[] = [];
  if (!existsSync(root)) return out;
  const walk = (code: string, dir: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    const files = entries
      .filter((e) => e.isFile() && FIXTURE_FILE.test(e.name))
      .map((e) => join(dir, e.name));
    if (files.length) out.push({ code, dir, files });
    for (const e of entries) if (e.isDirectory()) walk(code, join(dir, e.name));
  };
  for (const e of readdirSync(root, { withFileTypes: true }))
    if (e.isDirectory()) walk(e.name, join(root, e.name));
  return out.sort((a, b) => (a.dir < b.dir ? -1 : 1));
}

/** A per-workspace file: in the workspace folder, else in its code folder. */
export function lookup(ws: Workspace, name: string): string | undefined {
  for (const d of [ws.dir, join(FIXTURES, ws.code)]) {
    const p = join(d, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** The workspace's `settings.json` (core Settings overrides) over the defaults. */
export function settingsFor(ws: Workspace): Settings {
  const p = lookup(ws, 'settings.json');
  return resolveSettings(p ? (JSON.parse(readFileSync(p, 'utf8')) as Partial<Settings>) : undefined);
}
