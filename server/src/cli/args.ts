/** The command line's argument parser, shared by every command (`cli/commands/*`). */
import { UsageError } from './load';

export interface ParsedArgs {
  positional: string[];
  /** The last value of each flag. */
  flags: Map<string, string | true>;
  /** Every value of each valued flag, in order (repeatable flags such as `--cluster`). */
  lists: Map<string, string[]>;
}

/** Parses `--flag value` / `--flag=value` / boolean flags; unknown flags are usage errors. */
export function parseArgs(
  argv: readonly string[],
  valued: readonly string[],
  booleans: readonly string[] = [],
): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  const lists = new Map<string, string[]>();
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
      lists.set(name, [...(lists.get(name) ?? []), v]);
    } else positional.push(a);
  }
  return { positional, flags, lists };
}
