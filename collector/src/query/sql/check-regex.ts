import { QUERY_LIMITS } from '@lifeline/protocol';
import type { Storage } from '../../storage/open-storage';
import { QueryParamError } from '../range';
import { createParams } from './params';
import { selectRows } from './run';

/**
 * Constructs RE2 does not have, named so the answer says why rather than quoting the
 * engine. RE2 runs in time linear in the input whatever the pattern, so the danger of a
 * hostile pattern is its size: counted repetitions multiply it (`(a{500}){500}`), and RE2
 * refuses programs past its limit — which is checked for real below.
 */
const UNSUPPORTED: [RegExp, string][] = [
  [/\\[1-9]/, 'backreferences (\\1…) are not supported'],
  [/\(\?<?[=!]/, 'lookahead and lookbehind are not supported'],
  [/\(\?>/, 'atomic groups are not supported'],
  [/[*+?}]\+/, 'possessive quantifiers are not supported'],
];

/**
 * Checks a regular expression before it meets the data: its length, constructs RE2 lacks,
 * the size counted repetitions can reach, and finally whether RE2 compiles it (a query on
 * no rows, so nothing is scanned).
 *
 * @throws QueryParamError naming the problem (a 400 for the caller).
 */
export async function checkRegex(storage: Storage, pattern: string): Promise<void> {
  if (pattern.length > QUERY_LIMITS.maxPattern) throw new QueryParamError('re', `at most ${QUERY_LIMITS.maxPattern} characters`);
  for (const [re, why] of UNSUPPORTED) if (re.test(pattern)) throw new QueryParamError('re', why);
  let product = 1;
  // `\x{…}` is a code point and `\p{…}` a class, not a repetition.
  for (const m of pattern.matchAll(/(?<!\\[xpP])\{(\d+)(?:,(\d*))?\}/g)) {
    product *= Math.max(Number(m[1]), Number(m[2] || m[1]) || 1);
    if (product > 1000) throw new QueryParamError('re', 'counted repetitions multiply past 1000');
  }
  const p = createParams();
  try {
    await selectRows(storage, `SELECT match(x, ${p.add('String', pattern)}) FROM (SELECT '' AS x) WHERE 0`, p);
  } catch (err) {
    const detail = /error: ([^.]+)/.exec(err instanceof Error ? err.message : '')?.[1];
    throw new QueryParamError('re', `not a valid RE2 expression${detail ? ` (${detail})` : ''}`);
  }
}
