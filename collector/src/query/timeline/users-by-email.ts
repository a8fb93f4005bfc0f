import { createHash } from 'node:crypto';
import { EMAIL_HASH_TRAIT, IDENTIFY_EVENT, MAX_EMAIL_USERS, QUERY_LIMITS, normalizeEmail } from '@lifeline/protocol';
import type { Storage } from '../../storage/open-storage';
import { createParams } from '../sql/params';
import { selectRows } from '../sql/run';

const DAY = 86_400_000;

/**
 * The lowercase hex SHA-256 of an email as the store hashes it for `identify`
 * (`normalizeEmail`: trimmed, lower-cased).
 *
 * @example emailHash(' Ada@Example.com') === emailHash('ada@example.com') // true
 */
export function emailHash(email: string): string {
  return createHash('sha256').update(normalizeEmail(email), 'utf8').digest('hex');
}

/**
 * The users an email was identified with: `identify` events (`track` events of that name)
 * whose `EMAIL_HASH_TRAIT` prop is the email's hash, the most recently identified first, at
 * most `MAX_EMAIL_USERS`. Only the hash is compared; the email never reaches storage. The
 * identify may be older than the timeline's range (a customer who signed in months ago and
 * came back since), so it is looked for over the whole retention up to `to`. The
 * `position` test skips most props without parsing them as JSON.
 *
 * @example await usersByEmail(storage, { project: 'demo', email: 'ada@example.com', to: Date.now() }) // ['cust_8812']
 */
export async function usersByEmail(storage: Storage, o: { project: string; email: string; to: number }): Promise<string[]> {
  const p = createParams();
  const hash = p.add('String', emailHash(o.email));
  const rows = await selectRows<{ user_id: string }>(
    storage,
    `SELECT user_id, max(ts) AS last
     FROM ${storage.database}.events
     WHERE project = ${p.add('String', o.project)} AND kind = 'track' AND name = ${p.add('String', IDENTIFY_EVENT)}
       AND ${p.tsRange(o.to - QUERY_LIMITS.maxRangeDays * DAY, o.to)} AND user_id != ''
       AND position(props, ${hash}) > 0 AND JSONExtractString(props, ${p.add('String', EMAIL_HASH_TRAIT)}) = ${hash}
     GROUP BY user_id
     ORDER BY last DESC, user_id
     LIMIT ${p.add('UInt32', MAX_EMAIL_USERS)}`,
    p,
  );
  return rows.map((r) => r.user_id);
}
