/** The only public entry of the core: the façade and the plain data types adapters need. */
export { AnalysisHost, Analysis, type ExplainOutcome, type AnalysisRoot } from './analysis';
export { OTHER_ROOT_NAME, type RootKind } from './roots/roots';
export { isKustomizationUri } from './roots/kustomize';
export { uriPath } from './roots/paths';
export {
  buildInputs,
  isBuildInput,
  kustomizeCommands,
  renderFailureText,
  RENDER_MAX_BYTES,
  RENDER_TIMEOUT_MS,
  unionInputs,
  type BuildInputs,
  type KustomizeRender,
  type RenderFailure,
  type RenderTarget,
} from './roots/render';
export type { CoreHover } from './features/hover';
export type { FeatureOptions, IndexingProgress } from './features/context';
export type {
  CoreCodeLens,
  CoreLensCommand,
  ShowReachabilityLensArgs,
  ReferencesLensArgs,
} from './features/code-lens';
export { changeLenses } from './features/code-lens';
export type { CoreCompletion, CoreCompletionKind } from './features/completion';
export type { CoreSymbol, CoreSymbolKind } from './features/symbols';
export { tooLargeChange, type FileChange } from './index/change';
export { FileTally } from './index/tally';
export {
  WorkspaceIndex,
  changeFacts,
  METADATA_NAME_LABEL,
  cmp,
  type Workload,
  type NamespaceInfo,
  type FileFacts,
  type FolderNamespace,
  type IndexOptions,
} from './index/workspace-index';
export { namespacesFromText, type NamespacesFile, type SkippedDocument } from './namespaces-file';
export type { Finding, FixKind, FixSpec, Severity, RelatedInfo, YamlOp } from './model/finding';
export { FIX_KINDS, type CoreEdit } from './fixes/fix';
export type * from './model/types';
export { PROTOCOLS } from './model/types';
export { workloadId, parseWorkloadId, policyId } from './model/ids';
export type { Span, SourceRef, Located } from './text/span';
export { LineIndex, type Position } from './text/line-index';
export {
  DEFAULT_SETTINGS,
  parseMaxFileSize,
  isNamespaceName,
  resolveSettings,
  settingsFromConfig,
  type Settings,
} from './settings';
export { ALL_CHECKS, ALL_CODES, PARSE_CODES } from './checks/registry';
export type { Check, CodeMeta } from './checks/types';
export {
  checksSettingSchema,
  checksDocTable,
  CHECKS_TABLE_BEGIN,
  CHECKS_TABLE_END,
} from './checks/contributions';
export { ConnectionSet, formatConns, type Conns } from './semantics/port-set';
export type { Endpoint } from './semantics/compile';
export type { ReachEntry, ReachQuery } from './semantics/matrix';
export type { Explanation, SideExplanation, PolicyPointer, RulePointer } from './semantics/explain';
export { dependsOnStackDepth, isJsonUri, looksLikeManifest, readsAsNothing } from './yaml/parse';
export {
  MANIFEST_EXTENSIONS,
  MANIFEST_GLOB,
  isManifestPath,
  SKIPPED_FOLDERS,
  isSkippedFolder,
  inSkippedFolder,
  DEFAULT_MAX_FILE_SIZE_MIB,
  HEAD_BYTES,
  maxFileBytes,
  invalidUtf8Offset,
} from './manifest-files';
export {
  reachJson,
  reachJsonChunks,
  reachCsv,
  reachDot,
  reachTable,
  reachSummary,
  connsWords,
  type ReachListing,
  type SummaryQuery,
} from './render/reach';
export { explainText } from './render/explain-text';
export { changesByPolicy, reachDiff, type ReachChange, type ReachDiff } from './semantics/diff';
export {
  diffJson,
  diffText,
  diffMarkdown,
  diffSarif,
  diffCounts,
  changeLines,
  DIFF_RULE_ID,
  type DiffLocator,
  type DiffPlace,
} from './render/diff';
export { coverageNotes } from './render/coverage';
export type { PolicyEngine, SideResult } from './semantics/engine';
export { meetSides } from './semantics/engine';
export type {
  ReachView,
  ReachViewCounts,
  ReachViewEndpoint,
  ReachViewLimit,
  ReachViewQuery,
} from './view/reachability';
export {
  findingsText,
  findingsJson,
  findingsSarif,
  docsUrl,
  DOCS_BASE,
  type PlacedFinding,
} from './render/findings';
export { compileGlobs, globToRegExp, filesExcludePatterns, type PathMatcher } from './text/glob';
