import { createOpsClient } from './client';
import { clearCommand } from './commands/clear';
import type { CommandContext } from './commands/context';
import { historyCommand } from './commands/history';
import { listCommand } from './commands/list';
import { setCommand } from './commands/set';
import { watchCommand } from './commands/watch';
import { CliError, usageError } from './errors';
import { parseOptions } from './options';
import { USAGE } from './usage';

const COMMANDS: Record<string, (context: CommandContext) => Promise<void>> = {
  list: listCommand,
  set: setCommand,
  clear: clearCommand,
  history: historyCommand,
  watch: watchCommand,
};

/** The edge when neither `--edge` nor `LIFELINE_EDGE_URL` says otherwise: `wrangler dev`'s address. */
export const DEFAULT_EDGE_URL = 'http://127.0.0.1:8787';

export interface MainIo {
  env: Record<string, string | undefined>;
  stdout(text: string): void;
  stderr(text: string): void;
  signal: AbortSignal;
}

async function run(argv: string[], io: MainIo): Promise<void> {
  const options = parseOptions(argv);
  const [group, command] = options.positionals;
  if (options.help || argv.length === 0) {
    io.stdout(USAGE);
    return;
  }
  if (group !== 'flags') throw usageError(`unknown command "${group ?? ''}"; try: lifeline flags list`);
  const handler = command === undefined ? undefined : COMMANDS[command];
  if (!handler) throw usageError(`unknown flags command "${command ?? ''}"; one of ${Object.keys(COMMANDS).join(', ')}`);

  const token = io.env.LIFELINE_OPS_TOKEN?.trim();
  if (!token) throw usageError('set LIFELINE_OPS_TOKEN to an ops token (the token part of an entry of the edge\'s LIFELINE_OPS_TOKENS)');
  const edgeUrl = options.edge ?? io.env.LIFELINE_EDGE_URL ?? DEFAULT_EDGE_URL;
  if (!URL.canParse(edgeUrl)) throw usageError(`"${edgeUrl}" is not a URL; set LIFELINE_EDGE_URL like http://127.0.0.1:8787`);

  const client = createOpsClient({ edgeUrl, token, ...(options.project ? { project: options.project } : {}) });
  await handler({ client, options, print: io.stdout, signal: io.signal });
}

/**
 * Runs one CLI invocation and answers its exit status: 0 done, 1 the edge refused or was
 * unreachable, 2 bad usage. Every failure is one `lifeline: …` message on stderr.
 *
 * @example process.exitCode = await main(process.argv.slice(2), io)
 */
export async function main(argv: string[], io: MainIo): Promise<number> {
  try {
    await run(argv, io);
    return 0;
  } catch (err) {
    if (err instanceof CliError) {
      io.stderr(`lifeline: ${err.message}`);
      if (err.exitCode === 2) io.stderr('run `lifeline --help` for usage');
      return err.exitCode;
    }
    io.stderr(`lifeline: unexpected failure: ${(err as Error).stack ?? String(err)}`);
    return 1;
  }
}
