import type { Breakdown } from '@lifeline/protocol';
import { browserFamily, deviceType, osFamily } from './user-agent';
import { pathTemplate, urlPath } from './url-path';

/**
 * Each breakdown: the one `events` column it reads and the SQL that turns that column (or
 * any expression holding its value) into the breakdown value. Breakdowns are chosen from
 * this allow-list by name; a caller's text never becomes an identifier.
 */
export const BREAKDOWN: Record<Breakdown, { column: string; value: (expr: string) => string }> = {
  browser: { column: 'user_agent', value: browserFamily },
  os: { column: 'user_agent', value: osFamily },
  device: { column: 'user_agent', value: deviceType },
  country: { column: 'country', value: (c) => `if(${c} = '', '(unknown)', toString(${c}))` },
  release: { column: 'release', value: (c) => `if(${c} = '', '(unknown)', toString(${c}))` },
  path: { column: 'url', value: (c) => `if(${c} = '', '(unknown)', ${pathTemplate(urlPath(c))})` },
};
