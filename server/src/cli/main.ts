/**
 * netpol-lens command line: `check`, `reach`, `explain` (contracts.md), `diff` (docs/cli.md). Exit
 * codes: 0 success, 1 findings at or above --fail-on (check), a denied connection (explain) or a
 * difference (diff), 2 usage or I/O error.
 */
import { isMainThread } from 'node:worker_threads';
import { DEFAULT_MAX_FILE_SIZE_MIB, MANIFEST_EXTENSIONS } from '../core/index';
import { runCheck } from './commands/check';
import { runDiff } from './commands/diff';
import { runExplain } from './commands/explain';
import { runReach } from './commands/reach';
import { UsageError } from './load';

const HELP = `netpol-lens — Kubernetes NetworkPolicy analysis

usage:
  netpol-lens check <path>... [--format text|json|sarif] [--fail-on error|warning|information] [settings]
  netpol-lens reach <path>... [--format table|json|csv|dot|summary] [--from <id>] [--to <id>] [--port <port>/<protocol>] [--no-external] [settings]
  netpol-lens explain <src-id> <dst-id> <port>/<protocol>|any <path>... [--format text|json] [settings]
  netpol-lens diff <old-path> <new-path> [--format text|json|md|sarif] [--fail-on opened] [--cluster <glob>]...
  netpol-lens diff --base <git-ref> <path>... [--format text|json|md|sarif] [--fail-on opened] [--cluster <glob>]...

settings: [--config <file>] [--max-file-size <MiB>] [--cluster <glob>]... [--namespace <ns>] [--namespaces <file>]... [--cache-dir <dir>]
          [--render-kustomize] [--kustomize-command <cmd>]   (diff takes these two and --cluster)
  --config       the netpolLens.* settings as JSON (checks, dns, podCidrs, namespaces, podProducers…)
  --namespace    the namespace of manifests without metadata.namespace (as kubectl apply -n)
  --namespaces   namespaces that exist only at run time: a YAML/JSON map name → labels, or Namespace manifests
  --cache-dir    keep what was read of each file (and check's output) in <dir>: unchanged files are not read again
  --render-kustomize   run your kustomize build (else kubectl kustomize) on each kustomize root that uses
                 patches, generators, Helm charts, replacements…, and analyse its output; only when given
  --kustomize-command  the program it runs, e.g. /opt/bin/kustomize or "kubectl kustomize"

Paths are manifest files or folders (searched for ${MANIFEST_EXTENSIONS.map((e) => `*.${e}`).join(', ')} and Kustomization);
"-" reads a manifest stream from the standard input, alone or with other paths, named <stdin> in
findings: kustomize build overlays/prod | netpol-lens check -
Files above --max-file-size MiB (default ${DEFAULT_MAX_FILE_SIZE_MIB}; the config's maxFileSize) are not read: a warning says so.
Workload ids are <namespace>/<name>[<Kind>], e.g. layer1/nginx1[Deployment], or <namespace>/<name>
where only one kind has that name; external endpoints are IP addresses, CIDRs or ranges a.b.c.d-e.f.g.h.
Analysis roots: each cluster folder (--cluster <glob>, repeatable; else clusters/<name>/ when there
are two or more) and each kustomize overlay is analysed as a cluster of its own (overlays of one
base are variants, one root each; kustomizations that share no file deploy together, one root);
reach and explain answer from one root (--cluster chooses it when there are several).
Exit codes: 0 ok; 1 findings at or above --fail-on (check), connection denied (explain) or a
difference (diff; with --fail-on opened only something opened); 2 usage or I/O error.
`;

function main(argv: string[]): number {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(HELP);
    return cmd ? 0 : 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(HELP);
    return 0;
  }
  switch (cmd) {
    case 'check':
      return runCheck(rest);
    case 'reach':
      return runReach(rest);
    case 'explain':
      return runExplain(rest);
    case 'diff':
      return runDiff(rest);
    default:
      throw new UsageError(`unknown command "${cmd}"; expected check, reach, explain or diff (see --help)`);
  }
}

// exitCode, not process.exit(): output to a pipe is written asynchronously, and exiting at once
// would cut a long listing short
// (a worker thread of cli/parallel.ts loads this bundle too: it runs no command)
if (isMainThread) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e: unknown) {
    if (e instanceof UsageError) process.stderr.write(`netpol-lens: ${e.message}\n`);
    else
      process.stderr.write(
        `netpol-lens: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
      );
    process.exitCode = 2;
  }
}
