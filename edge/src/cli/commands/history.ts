import { FLAG_HISTORY_MAX } from '@lifeline/protocol';
import { usageError } from '../errors';
import { formatHistory } from '../format';
import type { CommandContext } from './context';

/** Entries shown when no `--limit` is given: a screenful. */
const DEFAULT_LIMIT = 20;

/** `lifeline flags history [--limit N] [--json]` */
export async function historyCommand({ client, options, print }: CommandContext): Promise<void> {
  const limit = options.limit === undefined ? DEFAULT_LIMIT : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > FLAG_HISTORY_MAX) {
    throw usageError(`--limit must be a whole number from 1 to ${FLAG_HISTORY_MAX}`);
  }
  const { project, history } = await client.history(limit);
  print(options.json ? JSON.stringify({ project, history }) : formatHistory(project, history));
}
