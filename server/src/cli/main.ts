/**
 * netpol-lens command line: `check`, `reach`, `explain` (contracts.md). Exit codes: 0 success,
 * 1 findings at or above --fail-on (check) or a denied connection (explain), 2 usage or I/O error.
 */
import { runCheck } from './commands/check';
import { runExplain } from './commands/explain';
import { runReach } from './commands/reach';
import { UsageError } from './load';

const HELP = `netpol-lens — Kubernetes NetworkPolicy analysis

usage:
  netpol-lens check <path>... [--format text|json|sarif] [--fail-on error|warning|information] [--config <file>]
  netpol-lens reach <path>... [--format table|json|csv|dot] [--from <id>] [--to <id>] [--port <port>/<protocol>] [--no-external]
  netpol-lens explain <src-id> <dst-id> <port>/<protocol>|any <path>...

Paths are manifest files or folders (searched for *.yaml, *.yml, *.json).
Workload ids are <namespace>/<name>[<Kind>], e.g. layer1/nginx1[Deployment]; external
endpoints are IP addresses, CIDRs or ranges a.b.c.d-e.f.g.h.
Exit codes: 0 ok; 1 findings at or above --fail-on (check) or connection denied (explain); 2 usage or I/O error.
`;

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string | true>;
}

/** Parses `--flag value` / `--flag=value` / boolean flags; unknown flags are usage errors. */
export function parseArgs(argv: readonly string[], valued: readonly string[], booleans: readonly string[] = []): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      if (booleans.includes(name) && eq < 0) {
        flags.set(name, true);
        continue;
      }
      if (!valued.includes(name)) throw new UsageError(`unknown option --${name} (see --help)`);
      const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new UsageError(`option --${name} needs a value`);
      flags.set(name, v);
    } else positional.push(a);
  }
  return { positional, flags };
}

async function main(argv: string[]): Promise<number> {
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
    default:
      throw new UsageError(`unknown command "${cmd}"; expected check, reach or explain (see --help)`);
  }
}

// exitCode, not process.exit(): output to a pipe is written asynchronously, and exiting at once
// would cut a long listing short
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError) process.stderr.write(`netpol-lens: ${e.message}\n`);
    else process.stderr.write(`netpol-lens: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);
