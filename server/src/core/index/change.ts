import { HEAD_BYTES } from '../manifest-files';

/** One file's new content (`text: null` = deleted). */
export interface FileChange {
  readonly uri: string;
  readonly text: string | null;
  readonly version?: number;
  /**
   * The file is above the size limit and was not read: `text` holds only its beginning (at most
   * `HEAD_BYTES`, to tell a manifest from other data). A manifest gets an `unreadable-file` warning.
   */
  readonly tooLarge?: { readonly bytes: number; readonly limitBytes: number };
  /** The file's bytes are not valid UTF-8 (`decodeManifest`): the offset in `text` of the first bad one. */
  readonly invalidUtf8At?: number;
}

/**
 * The change for a file of `bytes` bytes (or characters, for an editor's buffer) whose beginning is
 * `head`: a `tooLarge` one above `limitBytes`, else undefined (read it whole).
 */
export function tooLargeChange(
  uri: string,
  head: string,
  bytes: number,
  limitBytes: number,
  version?: number,
): FileChange | undefined {
  if (bytes <= limitBytes) return undefined;
  return {
    uri,
    text: head.slice(0, HEAD_BYTES),
    tooLarge: { bytes, limitBytes },
    ...(version !== undefined ? { version } : {}),
  };
}
