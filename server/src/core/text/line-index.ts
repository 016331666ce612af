/** Converts UTF-16 offsets to 0-based line/character positions and back (LSP), or 1-based (CLI). */
export interface Position {
  readonly line: number;
  readonly character: number;
}

export class LineIndex {
  private readonly starts: number[];

  constructor(private readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** 0-based line and UTF-16 character of an offset (clamped to the text). */
  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - (this.starts[lo] ?? 0) };
  }

  /** Offset of a 0-based position (clamped to the line). */
  offset(pos: Position): number {
    if (pos.line < 0) return 0;
    if (pos.line >= this.starts.length) return this.text.length;
    const start = this.starts[pos.line] ?? 0;
    const next =
      pos.line + 1 < this.starts.length ? (this.starts[pos.line + 1] ?? this.text.length) : this.text.length;
    return Math.min(start + Math.max(0, pos.character), next);
  }

  /** 1-based line of an offset, for CLI output. */
  line1(offset: number): number {
    return this.position(offset).line + 1;
  }

  /** 1-based line and column of an offset, for CLI output. */
  lineCol1(offset: number): { line: number; column: number } {
    const p = this.position(offset);
    return { line: p.line + 1, column: p.character + 1 };
  }

  /** The text of a 0-based line without its line break. */
  lineText(line: number): string {
    const start = this.starts[line];
    if (start === undefined) return '';
    const next =
      line + 1 < this.starts.length ? (this.starts[line + 1] ?? this.text.length) : this.text.length;
    return this.text.slice(start, next).replace(/\r?\n$|\r$/, '');
  }
}
