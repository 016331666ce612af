/**
 * A fake `kustomize` for tests (kustomize is not installed here): a shell script in `dir` that
 * appends `$PWD|<its arguments>` to `log` (when given) and prints a canned build. `outputs` is one
 * file printed for every build, or, per folder (the end of the path it is given, `apps/prod`), the
 * file printed for it; another folder fails as kustomize does (status 1, an error on stderr).
 * `requires`: files (relative to the folder it is given) a real build would read; one missing
 * fails the build as kustomize does.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function fakeKustomize(
  dir: string,
  outputs: string | Readonly<Record<string, string>>,
  opts: { readonly log?: string; readonly requires?: readonly string[] } = {},
): string {
  const cat = (file: string): string => `/bin/cat '${file}'`;
  const lines = ['#!/bin/sh', ...(opts.log ? [`echo "$PWD|$@" >> '${opts.log}'`] : [])];
  for (const f of opts.requires ?? [])
    lines.push(
      `[ -f "$2/${f}" ] || { echo "Error: accumulating resources: open $2/${f}: no such file or directory" >&2; exit 1; }`,
    );
  if (typeof outputs === 'string') lines.push(cat(outputs));
  else
    lines.push(
      'case "$2" in',
      ...Object.entries(outputs).map(([folder, file]) => `  */${folder}) ${cat(file)} ;;`),
      `  *) echo "Error: unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '$2'" >&2; exit 1 ;;`,
      'esac',
    );
  const path = join(dir, 'kustomize');
  writeFileSync(path, `${lines.join('\n')}\n`);
  chmodSync(path, 0o755);
  return path;
}
