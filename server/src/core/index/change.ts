/** One file's new content (`text: null` = deleted). */
export interface FileChange {
  readonly uri: string;
  readonly text: string | null;
  readonly version?: number;
}
