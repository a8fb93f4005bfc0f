import type { QueryName } from '../query/queries';
import { UsageError, type ParsedArgs } from './args';

/** Flags that choose where and how to ask, not what: never sent as query parameters. */
export const CLI_FLAGS = ['url', 'token', 'data_dir', 'project', 'database', 'json', 'help'] as const;

/**
 * A command's positional words and flags as the API's parameters. Positionals:
 * `funnel <step>…` → `steps`, `timeline <id>` → `id`, `search <text>` → `q`.
 *
 * @example toParams('timeline', parseArgs(['timeline', 'FT-123456', '--by', 'order'])) // { id: 'FT-123456', by: 'order' }
 */
export function toParams(command: QueryName, args: ParsedArgs): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [k, v] of args.flags) if (!(CLI_FLAGS as readonly string[]).includes(k)) params[k] = v;
  const words = args.positionals;
  const take = (name: string, value: string) => {
    if (params[name] !== undefined) throw new UsageError(`give ${name} once: as a word or as --${name}, not both`);
    params[name] = value;
  };
  if (command === 'funnel' && words.length > 0) take('steps', words.join(','));
  else if (command === 'timeline' && words.length > 0) {
    if (words.length > 1) throw new UsageError('timeline takes one ID');
    take('id', words[0]!);
  } else if (command === 'search' && words.length > 0) take('q', words.join(' '));
  else if (words.length > 0) throw new UsageError(`${command} takes no words; unexpected ${JSON.stringify(words[0])}`);
  return params;
}
