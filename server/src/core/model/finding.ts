import type { Span, SourceRef } from '../text/span';
import type { YamlPath, YamlScalar, YamlValue } from '../yaml/edit';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface RelatedInfo extends SourceRef {
  readonly message: string;
}

/**
 * Every kind of quick fix (fixes/fix.ts applies each; a check's meta declares the ones it offers).
 * Section-B fixes carry `data.ops`; `rewrite-api-version` and `generate-default-deny` have builders.
 */
export type FixKind =
  | 'add-metadata-except'
  | 'add-namespace-label'
  | 'add-policy-type'
  | 'add-policy-types'
  | 'allow-dns-egress'
  | 'generate-default-deny'
  | 'merge-peers'
  | 'migrate-cluster-policy'
  | 'remove-redundant-rule'
  | 'remove-rules'
  | 'replace-with-target-port'
  | 'rewrite-api-version'
  | 'rewrite-cidr'
  | 'select-namespace-by-name';

/** Input for a fix, carried by a finding (and by an LSP diagnostic's `data`). */
export interface FixSpec {
  readonly kind: FixKind;
  readonly title: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

interface OpBase {
  /** Target file; default: the file of the finding. */
  readonly uri?: string;
  readonly docIndex: number;
  readonly path: YamlPath;
}

/**
 * One CST-preserving operation of yaml/edit.ts, as plain JSON (it travels in an LSP diagnostic's data).
 * A FixSpec of an `ops` kind (fixes/fix.ts's FIX_KINDS) carries a list of them as `data.ops`.
 */
export type YamlOp =
  /** Set `key` of the mapping at `path` (created under its parent when missing). */
  | (OpBase & {
      readonly op: 'set';
      readonly key: string;
      readonly value: YamlValue;
      readonly after?: string;
      readonly before?: string;
    })
  /** Replace the entry `key` of the mapping at `path` by `newKey: value` (yaml/edit.ts `replaceEntry`). */
  | (OpBase & {
      readonly op: 'rename';
      readonly key: string;
      readonly newKey: string;
      readonly value: YamlValue;
    })
  /** Insert `item` into the sequence at `path` before item `index` (yaml/edit.ts `insertIntoSequence`). */
  | (OpBase & { readonly op: 'insert'; readonly index: number; readonly item: YamlValue })
  /** Append `item` to the sequence at `path` (created when missing). */
  | (OpBase & { readonly op: 'append'; readonly item: YamlValue; readonly after?: string })
  /** Replace the scalar at `path`. */
  | (OpBase & { readonly op: 'replace'; readonly value: YamlScalar })
  /** Remove the entry or item at `path`. */
  | (OpBase & { readonly op: 'remove' });

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
