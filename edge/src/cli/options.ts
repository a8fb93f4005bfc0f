import { parseArgs } from 'node:util';
import { usageError } from './errors';

/** The parsed command line. */
export interface CliOptions {
  positionals: string[];
  message?: string;
  for?: string;
  until?: string;
  limit?: string;
  json: boolean;
  edge?: string;
  project?: string;
  help: boolean;
}

/**
 * Reads the command line strictly: an unknown option is a usage error rather than
 * something silently ignored while flipping a production flag.
 *
 * @example parseOptions(['flags', 'set', 'checkout', 'down', '-m', 'Back soon'])
 */
export function parseOptions(argv: string[]): CliOptions {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        message: { type: 'string', short: 'm' },
        for: { type: 'string' },
        until: { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean', default: false },
        edge: { type: 'string' },
        project: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    return { ...values, positionals, json: values.json ?? false, help: values.help ?? false };
  } catch (err) {
    throw usageError((err as Error).message);
  }
}
