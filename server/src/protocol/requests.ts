/**
 * Custom LSP requests of netpol-lens, shared by the server (lsp/), the client (client/src) and the
 * webview (client/webview) with `import type`. Plain JSON only: URIs as strings, LSP-shaped ranges
 * (0-based line, UTF-16 character).
 *
 * Methods:
 * - `netpolLens/reachability` (client → server, request): the reachability matrix of the workspace,
 *   optionally narrowed to one port/protocol or focused on the pods one policy selects.
 * - `netpolLens/explain` (client → server, request): why a connection from one endpoint to another
 *   on one port is allowed or denied, with links to the policies and rules involved.
 * - `netpolLens/policyAt` (client → server, request): the NetworkPolicy whose manifest holds a
 *   position, for commands that act on "the policy under the cursor".
 * - `netpolLens/changes` (client → server, request): what changed in reachability against a git
 *   base (`netpolLens.diff.base`, default HEAD), unsaved buffers included: the view's changes mode.
 * - `netpolLens/git` (server → client, request): git through the editor's own git support (VS Code's
 *   `vscode.git` extension API), when the client says in InitializationOptions that it has it; the
 *   server falls back to the git command line for what the editor cannot answer.
 * - `netpolLens/status` (server → client, notification): indexing progress and workspace counts,
 *   sent whenever the index changes.
 * - `netpolLens/test/resumeIndexing` (client → server, notification): tests only, see testing.ts.
 */

export interface LspPosition {
  line: number;
  character: number;
}
export interface LspRange {
  start: LspPosition;
  end: LspPosition;
}
/** A place in a YAML file: the document URI and the range of the node. */
export interface SourceLocation {
  uri: string;
  range: LspRange;
}

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
/** Inclusive port ranges per protocol, sorted and disjoint; `"all"` means every port of every protocol. */
export type ConnsDto = 'all' | Partial<Record<Protocol, Array<[number, number]>>>;

export interface EndpointDto {
  /** `<namespace>/<name>[<Kind>]` for workloads, `first-last` for an IP range, the name for a domain (`db.example.com`, `*.example.com`). */
  id: string;
  /** `domain`: a name of a `domainNames` peer, a destination only (never a source). */
  kind: 'workload' | 'external' | 'domain';
  namespace?: string;
  name?: string;
  workloadKind?: string;
  labels?: Record<string, string>;
  /** Where the workload (or the policy that names the IP range) is written. */
  location?: SourceLocation;
  isolatedIngress?: boolean;
  isolatedEgress?: boolean;
}

export const ReachabilityMethod = 'netpolLens/reachability';
export interface ReachabilityParams {
  /** Narrow to one port and protocol, e.g. `{port: 53, protocol: 'UDP'}`; absent = any port. */
  port?: { port: number; protocol: Protocol };
  /** Focus on the pods a policy selects (rows and columns that involve them). */
  focusPolicy?: { uri: string; name: string; namespace: string };
  /**
   * Only the workloads of these namespaces (rows and columns; external ranges stay). Absent: every
   * namespace while the workspace has at most `ReachabilityLimit.maxWorkloads` workloads; beyond
   * that the server picks namespaces itself and says so in `ReachabilityResult.limited`.
   */
  namespaces?: string[];
  /**
   * The analysis root to answer from (an id of `ReachabilityResult.roots`). Absent: the root of
   * `focusPolicy.uri` when given, else the first root.
   */
  root?: string;
}

/** Workspaces above this many workloads get a matrix of some namespaces at a time. */
export const REACHABILITY_MAX_WORKLOADS = 600;

export interface ReachabilityLimit {
  /** The limit that applied (workloads per matrix). */
  maxWorkloads: number;
  /** Every namespace of the workspace with its number of workloads, for a namespace picker. */
  namespaces: Array<{ name: string; workloads: number }>;
  /** The namespaces this answer shows. */
  shown: string[];
  /** Why these: `requested` (params.namespaces), `focus` (the focused policy's namespace and the namespaces its peers match), `first` (the first namespaces in name order). */
  reason: 'requested' | 'focus' | 'first';
}
export interface ReachabilityResult {
  version: 1;
  endpoints: EndpointDto[];
  /** One entry per ordered pair with at least one allowed connection (no self pairs). */
  connections: Array<{ src: string; dst: string; conns: ConnsDto }>;
  /** Ids selected by `focusPolicy`, when given. */
  focus?: string[];
  /** Counts for the status item. */
  counts: { policies: number; workloads: number; namespaces: number; files: number };
  /** Present when the matrix shows only some namespaces (`params.namespaces`, or a big workspace). */
  limited?: ReachabilityLimit;
  /** With several analysis roots (cluster folders, kustomize overlays): all of them, and the one answered. */
  roots?: Array<{ id: string; name: string }>;
  root?: string;
}

export const ExplainMethod = 'netpolLens/explain';
export interface ExplainParams {
  src: string;
  dst: string;
  port?: { port: number; protocol: Protocol };
  /** The analysis root to answer from (`ReachabilityResult.roots`); absent: the first root. */
  root?: string;
}
export interface RuleRefDto {
  policy: string; // "<namespace>/<name>"
  direction: 'ingress' | 'egress';
  /** Index of the rule in the policy's ingress/egress list. */
  ruleIndex: number;
  location: SourceLocation;
}
export interface SideDto {
  isolated: boolean;
  /** Policies that select the pod and isolate it in this direction. */
  isolatingPolicies: Array<{ policy: string; location: SourceLocation }>;
  /** Rules that allow the connection on this side (empty when not isolated or denied). */
  allowingRules: RuleRefDto[];
  allowed: boolean;
  /** Connection set this side allows, before the other side is applied. */
  conns: ConnsDto | 'none';
  /**
   * On a side that denies: the rule that almost allowed it (right peer and other ports, or right
   * ports and one peer requirement differing), with what differs in words (also in `summary`).
   */
  nearestRule?: RuleRefDto & { differs: 'ports' | 'peer'; text: string };
  /**
   * Where a cluster-wide policy selects the pod in this direction: the tiers that decided, in
   * evaluation order (Admin, NetworkPolicy, Baseline, default), each with its words and rule.
   */
  trail?: TrailStepDto[];
}
export interface TrailStepDto {
  tier: 'Admin' | 'NetworkPolicy' | 'Baseline' | 'default';
  /** e.g. "Admin tier: cnp/delegate priority 20, ingress rule deny-dev → Deny (TCP 5432)". */
  text: string;
  location?: SourceLocation;
}
export interface ExplainResult {
  src: string;
  dst: string;
  port?: { port: number; protocol: Protocol };
  allowed: boolean;
  /** Allowed on some ports only (when no port was given). */
  partial: boolean;
  conns: ConnsDto | 'none';
  egress: SideDto;
  ingress: SideDto;
  /** Plain-English summary lines, the same as the CLI `explain` prints. */
  summary: string[];
  /** Cases where the result depends on the network plugin (ipBlock vs pod IPs, hostNetwork). */
  notes: string[];
}

/**
 * `initialize`'s `initializationOptions` from an editor with workspace trust (VS Code): in an
 * untrusted workspace the server never runs git there (a repository's configuration can make git
 * run programs), so the changes mode and the change code lens are off until
 * `netpolLens/workspaceTrusted` (client → server notification) says trust was granted. Absent:
 * trusted (editors without workspace trust).
 */
export interface InitializationOptions {
  workspaceTrusted?: boolean;
  /** The client answers `netpolLens/git` (VS Code's git extension is installed). */
  gitExtension?: boolean;
  /**
   * A folder the server may keep its facts cache in (lsp/warm-cache.ts): the extension's storage
   * folder of the workspace (`ExtensionContext.storageUri`, else `globalStorageUri`), a file-system
   * path. Without it there is no cache; `netpolLens.cache.enabled: false` turns it off.
   */
  cacheDir?: string;
}

/**
 * `netpolLens/git` (server → client): one git question for the editor's git support. Paths are
 * file-system paths (`top`, `dir`) or paths relative to the repository's top folder with `/`
 * (`path`, and the lists of `differences`). A result `{unavailable}` means the editor cannot
 * answer (no repository it knows there, its git support disabled): the server asks the git command
 * line instead. `{error}` is git's own answer (an unknown ref), shown to the user.
 */
export const GitMethod = 'netpolLens/git';
export type GitParams =
  | { op: 'top'; dir: string }
  | { op: 'commit'; top: string; ref: string }
  | { op: 'differences'; top: string; commit: string }
  | { op: 'show'; top: string; commit: string; path: string };
export type GitResult =
  | { unavailable: string }
  | { error: string }
  /** `top`: the repository's top folder. */
  | { top: string }
  /** `commit`: the full hash the ref names. */
  | { commit: string }
  /** `differences`: tracked files whose content differs from the commit (deleted included), and untracked files. */
  | { changed: string[]; untracked: string[] }
  /** `show`: the file's bytes at the commit (base64), or null when the commit holds no such file. */
  | { base64: string | null };
export const WorkspaceTrustedNotification = 'netpolLens/workspaceTrusted';

export const StatusNotification = 'netpolLens/status';
export interface StatusParams {
  state: 'indexing' | 'ready';
  /** Files indexed so far / in total, while indexing. */
  done?: number;
  total?: number;
  /** Of the files the last scan read, those whose facts came from the facts cache (absent: none). */
  fromCache?: number;
  counts: { policies: number; workloads: number; namespaces: number; files: number };
  /** Files that could not be read or parsed. */
  problems: number;
  /**
   * Which findings the published diagnostics hold: `file` until the workspace is first indexed
   * (only findings that need no other file, for open files), `all` after. Absent from older servers.
   */
  findings?: 'file' | 'all';
}

/**
 * Client command a server-side code lens (or hover link) can invoke to open the reachability view
 * focused on the pods one policy selects: `{command: ShowReachabilityCommand, arguments: [args]}`.
 * Without an argument the command shows the whole workspace.
 */
export const ShowReachabilityCommand = 'netpolLens.showReachability';
export type ShowReachabilityArgs = NonNullable<ReachabilityParams['focusPolicy']> & {
  /** Open the view in changes mode (the code lens "opens 2 connections · closes 1"). */
  mode?: 'changes';
  /**
   * The change lens's list of changes, one per line: also its `Command.tooltip`, which
   * vscode-languageclient 9 drops, so the VS Code client sets the tooltip from here.
   */
  summary?: string;
};

export const ChangesMethod = 'netpolLens/changes';
export interface ChangesParams {
  /** The analysis root to compare (`ReachabilityResult.roots`); absent: as `netpolLens/reachability`. */
  root?: string;
  /** Only the changes this policy made (the code lens's list); absent: every change. */
  focusPolicy?: { uri: string; name: string; namespace: string };
}
/** One rule or policy that caused a change, with where it is written (on its side). */
export interface ChangeCauseDto {
  text: string;
  location?: SourceLocation;
}
export interface ChangeDto {
  src: string;
  dst: string;
  before: ConnsDto | 'none';
  after: ConnsDto | 'none';
  /** After minus before, and before minus after. */
  opened: ConnsDto | 'none';
  closed: ConnsDto | 'none';
  /** The change in words, one line per opened or closed part, as `cli.js diff` prints it. */
  lines: string[];
  /** The rules and policies the lines name (new side for opened, old side for closed). */
  causes: ChangeCauseDto[];
  /** An endpoint exists on one side only. */
  srcOnly?: 'before' | 'after';
  dstOnly?: 'before' | 'after';
}
export type ChangesResult =
  | {
      available: false;
      /** Why there is no base: no git repository, git missing, an unknown ref. */
      reason: string;
    }
  | {
      available: true;
      /** The base as the user named it (`HEAD`, `main`), with its commit: `HEAD (1a2b3c4d)`. */
      base: string;
      /**
       * What read the base: `vscode.git` (the editor's git extension) or `git` (the command line);
       * both when repositories were read differently. Absent from older servers.
       */
      via?: Array<'vscode.git' | 'git'>;
      /** Sorted by source, then destination. */
      changes: ChangeDto[];
      /** Pairs with something opened, and with something closed. */
      counts: { opened: number; closed: number };
      /** Files that differ from the base (uris as the client spells them). */
      files: string[];
    };

export const PolicyAtMethod = 'netpolLens/policyAt';
export interface PolicyAtParams {
  textDocument: { uri: string };
  position: LspPosition;
}
/** The policy around the position (`uri` as sent), or null: no policy there, or a file the server does not index. */
export type PolicyAtResult = ShowReachabilityArgs | null;
