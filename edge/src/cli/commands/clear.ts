import { usageError } from '../errors';
import { formatChange } from '../format';
import type { CommandContext } from './context';
import { featureArg } from './set';

/** `lifeline flags clear <feature> [--json]` */
export async function clearCommand({ client, options, print }: CommandContext): Promise<void> {
  const [, , feature, ...rest] = options.positionals;
  if (rest.length > 0) throw usageError(`clear takes one feature, not "${rest.join(' ')}"`);
  const result = await client.clear(featureArg(feature, 'clear'));
  print(options.json ? JSON.stringify(result) : formatChange(result));
}
