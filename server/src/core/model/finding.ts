import type { Span, SourceRef } from '../text/span';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface RelatedInfo extends SourceRef {
  readonly message: string;
}

/** Input for a fix, carried by a finding (and by an LSP diagnostic's `data`). */
export interface FixSpec {
  readonly kind: string;
  readonly title: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

/** One problem, at one node of one file. */
export interface Finding {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly uri: string;
  readonly span: Span;
  readonly related?: readonly RelatedInfo[];
  readonly fixes?: readonly FixSpec[];
  /** Marks LSP "unnecessary" / "deprecated" rendering. */
  readonly tags?: ReadonlyArray<'unnecessary' | 'deprecated'>;
}
