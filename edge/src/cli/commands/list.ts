import { formatList } from '../format';
import type { CommandContext } from './context';

/** `lifeline flags list [--json]` */
export async function listCommand({ client, options, print }: CommandContext): Promise<void> {
  const list = await client.list();
  print(options.json ? JSON.stringify(list) : formatList(list));
}
