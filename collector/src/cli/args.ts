/** A command line split into its command, positional words and `--flags`. */
export interface ParsedArgs {
  command: string | undefined;
  positionals: string[];
  /** `--name value` / `--name=value`; a bare `--flag` is `'true'`, `--no-flag` is `'false'`. */
  flags: Map<string, string>;
}

/** Flags that take no value. */
const BOOLEAN = new Set(['json', 'help', 'compare', 'related', 'causes']);

/** A usage mistake: exit code 2 and the message. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Splits argv. Flag names are kept as written, with `-` turned into `_` so they match the
 * API's parameter names (`--breakdown-limit` → `breakdown_limit`). `--` ends the flags.
 *
 * @example parseArgs(['funnel', 'a', 'b', '--from', 'now-1d', '--compare'])
 */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const flags = new Map<string, string>();
  const positionals: string[] = [];
  let onlyPositionals = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (onlyPositionals || !arg.startsWith('--') || arg === '--') {
      if (arg === '--' && !onlyPositionals) onlyPositionals = true;
      else positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    let name = (eq > 0 ? arg.slice(2, eq) : arg.slice(2)).replaceAll('-', '_');
    let value: string | undefined = eq > 0 ? arg.slice(eq + 1) : undefined;
    if (value === undefined && name.startsWith('no_') && BOOLEAN.has(name.slice(3))) {
      name = name.slice(3);
      value = 'false';
    } else if (value === undefined && BOOLEAN.has(name)) {
      value = 'true';
    } else if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new UsageError(`--${name.replaceAll('_', '-')} needs a value`);
    }
    if (flags.has(name)) throw new UsageError(`--${name.replaceAll('_', '-')} is given twice`);
    flags.set(name, value);
  }
  const [command, ...rest] = positionals;
  return { command, positionals: rest, flags };
}
