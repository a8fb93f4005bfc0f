import { LIMITS } from '@lifeline/protocol/limits';
import { clip } from './clip.js';
import { safely } from './safely.js';

/** The page's URL, cut to the protocol's limit. */
export function currentUrl(): string {
  return safely(() => clip(location.href, LIMITS.url), '');
}
