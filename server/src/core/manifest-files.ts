/**
 * Which files are manifests: one rule set for every adapter (the CLI's walk, the server's workspace
 * scan and its file watcher). Rules only; reading folders and files stays in the adapters.
 */

/** File extensions read as manifests (YAML and JSON), lower case, without the dot. */
export const MANIFEST_EXTENSIONS: readonly string[] = ['yaml', 'yml', 'json'];

/** The file names kustomize reads in a folder, in its order (roots/kustomize.ts reads them as kustomizations). */
export const KUSTOMIZATION_FILE_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

const MANIFEST_PATH = new RegExp(`\\.(${MANIFEST_EXTENSIONS.join('|')})$`, 'i');

/** The kustomization file names without a manifest extension (`Kustomization`): read as manifests too. */
const EXTENSIONLESS_NAMES: readonly string[] = KUSTOMIZATION_FILE_NAMES.filter((n) => !MANIFEST_PATH.test(n));

/** The manifest files as a glob, for file watchers. */
export const MANIFEST_GLOB = `**/{${[...MANIFEST_EXTENSIONS.map((e) => `*.${e}`), ...EXTENSIONLESS_NAMES].join(',')}}`;

/**
 * A file name, path or URI with a manifest extension (any case), or named as a kustomization
 * without one (`Kustomization`, as kustomize spells it).
 */
export function isManifestPath(pathOrUri: string): boolean {
  if (MANIFEST_PATH.test(pathOrUri)) return true;
  const name = pathOrUri.slice(Math.max(pathOrUri.lastIndexOf('/'), pathOrUri.lastIndexOf('\\')) + 1);
  return EXTENSIONLESS_NAMES.includes(name);
}

/** Folders never descended into, whatever the user's excludes. */
export const SKIPPED_FOLDERS: ReadonlySet<string> = new Set(['node_modules', '.git']);

/** A folder name that is never descended into. */
export function isSkippedFolder(name: string): boolean {
  return SKIPPED_FOLDERS.has(name);
}

/** A relative path (`/`-separated) that lies in a skipped folder. */
export function inSkippedFolder(relativePath: string): boolean {
  return relativePath.split('/').some(isSkippedFolder);
}

/**
 * The default of the size limit (`netpolLens.maxFileSize`, the CLI's `--max-file-size`), in MiB:
 * files above it are not read, and a manifest among them gets an `unreadable-file` warning that
 * says how to raise it. The adapters check a file's size before reading it (`tooLargeChange`).
 */
export const DEFAULT_MAX_FILE_SIZE_MIB = 8;

/** How much of an oversized file the adapters read, to tell a manifest from other data. */
export const HEAD_BYTES = 65536;

/** The size limit in bytes for a `maxFileSize` setting in MiB. */
export function maxFileBytes(maxFileSizeMiB: number): number {
  return Math.floor(maxFileSizeMiB * 1048576);
}

/** The warning for a file above the size limit: the same words in the editor and the CLI. */
export function tooLargeMessage(name: string, bytes: number, limitBytes: number): string {
  return `${name} is ${mib(bytes)} MiB, above the ${mib(limitBytes)} MiB size limit; it was not analysed. To analyse it, raise the limit: the setting netpolLens.maxFileSize (in MiB; the CLI's --max-file-size), or split the file.`;
}

function mib(bytes: number): string {
  const v = bytes / 1048576;
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

/**
 * Where a file's bytes stop being UTF-8: the offset, in the text the adapters decode from them
 * (UTF-16 code units; a byte order mark counts as one), of the first byte sequence that is not
 * UTF-8 (it decodes as U+FFFD), or -1 when they are all UTF-8. kubectl (go-yaml) rejects such a file.
 */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  let units = 0;
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      units++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return units;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return units;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return units;
    i += need + 1;
    units += cp >= 0x10000 ? 2 : 1;
  }
  return -1;
}
