/**
 * Which files are manifests: one rule set for every adapter (the CLI's walk, the server's workspace
 * scan and its file watcher). Rules only; reading folders and files stays in the adapters.
 */

/** File extensions read as manifests (YAML and JSON), lower case, without the dot. */
export const MANIFEST_EXTENSIONS: readonly string[] = ['yaml', 'yml', 'json'];

/** The manifest files as a glob, for file watchers. */
export const MANIFEST_GLOB = `**/*.{${MANIFEST_EXTENSIONS.join(',')}}`;

const MANIFEST_PATH = new RegExp(`\\.(${MANIFEST_EXTENSIONS.join('|')})$`, 'i');

/** A file name, path or URI with a manifest extension (any case). */
export function isManifestPath(pathOrUri: string): boolean {
  return MANIFEST_PATH.test(pathOrUri);
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
 * Files above this many bytes are not read at all. The parser has its own, lower, limit
 * (`ParseOptions.maxFileBytes`) and reports the files between the two as unreadable.
 */
export const READ_LIMIT_BYTES = 64 * 1024 * 1024;

/** The read limit in MiB, for messages. */
export const READ_LIMIT_MIB = READ_LIMIT_BYTES / 1048576;
