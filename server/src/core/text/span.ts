/** A half-open range of UTF-16 offsets into one file's text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** The single way the core points at YAML: a file URI and a span in it. */
export interface SourceRef {
  readonly uri: string;
  readonly span: Span;
}

/** A model value with the span of the YAML node it was read from. */
export interface Located<T> {
  readonly value: T;
  readonly span: Span;
}

export const EMPTY_SPAN: Span = { start: 0, end: 0 };

export function span(start: number, end: number): Span {
  return { start, end };
}

export function containsOffset(s: Span, offset: number): boolean {
  return offset >= s.start && offset <= s.end;
}
