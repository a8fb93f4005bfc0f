/**
 * The `lifeline-collector` command: `serve` (the default) starts the collector; the other
 * commands ask the query API, over HTTP or on the embedded store, and print tables (or
 * `--json`). Run through `bin/lifeline-collector.js`.
 */
import { describeIssues } from '@lifeline/protocol';
import { errorMessage } from '../log';
import { QUERY_NAMES, QUERY_SCHEMAS, type QueryName } from '../query/queries';
import { UsageError, parseArgs } from './args';
import { embeddedBackend, httpBackend, type QueryBackend } from './backend';
import { FORMATTERS } from './format';
import { withProgress } from './progress';
import { toParams } from './to-params';
import { USAGE } from './usage';

export interface CliIo {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  stdout: (s: string) => void;
}

/** Runs one command line; resolves with the exit status. */
export async function runCli(io: CliIo): Promise<number> {
  const args = parseArgs(io.argv);
  const command = args.command ?? 'serve';
  if (command === 'help' || args.flags.get('help') === 'true') {
    io.stdout(USAGE);
    return 0;
  }
  if (command === 'serve') {
    await import('../main');
    return -1;
  }
  if (!(QUERY_NAMES as string[]).includes(command)) throw new UsageError(`unknown command ${JSON.stringify(command)}; try --help`);
  const name = command as QueryName;
  const params = toParams(name, args);
  // Checked here with the API's own schema, so a typo fails before any connection.
  const parsed = QUERY_SCHEMAS[name].safeParse(params);
  if (!parsed.success) throw new UsageError(describeIssues(parsed.error).reason);

  const backend = await withProgress('opening the store', () => chooseBackend(args.flags, io.env));
  let result: unknown;
  try {
    result = await withProgress(`running ${name}`, () => backend.run(name, params));
  } finally {
    await backend.close();
  }
  io.stdout(args.flags.get('json') === 'true' ? `${JSON.stringify(result, null, 2)}\n` : FORMATTERS[name](result as never));
  return 0;
}

async function chooseBackend(flags: Map<string, string>, env: CliIo['env']): Promise<QueryBackend> {
  const dataDir = flags.get('data_dir');
  const url = flags.get('url') ?? env.LIFELINE_COLLECTOR_URL;
  const database = flags.get('database') ?? env.CLICKHOUSE_DATABASE ?? 'lifeline';
  const project = flags.get('project') ?? env.LIFELINE_PROJECT;
  if (dataDir === undefined && url) {
    const token = flags.get('token') ?? env.LIFELINE_READ_TOKEN;
    if (!token) throw new UsageError('querying a collector needs a read token: --token or LIFELINE_READ_TOKEN');
    return httpBackend({ url, token });
  }
  const dir = dataDir ?? env.LIFELINE_DATA_DIR;
  if (!dir) throw new UsageError('say where to ask: --url (or LIFELINE_COLLECTOR_URL) for a running collector, or --data-dir for the embedded store');
  return embeddedBackend({ dataDir: dir, database, ...(project ? { project } : {}) });
}

const io: CliIo = { argv: process.argv.slice(2), env: process.env, stdout: (s) => process.stdout.write(s) };
runCli(io).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    const usage = err instanceof UsageError;
    process.stderr.write(`lifeline-collector: ${errorMessage(err)}\n${usage ? 'see lifeline-collector --help\n' : ''}`);
    process.exitCode = usage ? 2 : 1;
  },
);
