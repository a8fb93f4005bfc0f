import type { OpsClient } from '../client';
import type { CliOptions } from '../options';

/** What every command gets: the client, the parsed options and where to print. */
export interface CommandContext {
  client: OpsClient;
  options: CliOptions;
  /** Writes one line (or block) to stdout. */
  print(text: string): void;
  /** Aborted on Ctrl-C; long-running commands stop when it fires. */
  signal: AbortSignal;
}
