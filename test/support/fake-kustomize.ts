/**
 * A fake `kustomize` for tests (kustomize is not installed here): a shell script in `dir` that
 * appends `$PWD|<its arguments>` to `log` (when given) and prints a canned build. `outputs` is one
 * file printed for every build, or, per folder (the end of the path it is given, `apps/prod`), the
 * file printed for it; another folder fails as kustomize does (status 1, an error on stderr).
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function fakeKustomize(
  dir: string,
  outputs: string | Readonly<Record<string, string>>,
  log?: string,
  name = 'kustomize',
): string {
  const cat = (file: string): string => `/bin/cat '${file}'`;
  const lines = ['#!/bin/sh', ...(log ? [`echo "$PWD|$@" >> '${log}'`] : [])];
  if (typeof outputs === 'string') lines.push(cat(outputs));
  else
    lines.push(
      'case "$2" in',
      ...Object.entries(outputs).map(([folder, file]) => `  */${folder}) ${cat(file)} ;;`),
      `  *) echo "Error: unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '$2'" >&2; exit 1 ;;`,
      'esac',
    );
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  chmodSync(path, 0o755);
  return path;
}
