/** A configured secret, kept only as its SHA-256 digest, and what it stands for. */
export interface SecretEntry<T> {
  digest: ArrayBuffer;
  value: T;
}

const encoder = new TextEncoder();

function sha256(text: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest('SHA-256', encoder.encode(text));
}

/**
 * Digests configured secrets once, for `matchSecret`.
 *
 * @example const known = await digestSecrets([['pk_demo', 'demo']])
 */
export function digestSecrets<T>(entries: Iterable<readonly [secret: string, value: T]>): Promise<SecretEntry<T>[]> {
  return Promise.all([...entries].map(async ([secret, value]) => ({ digest: await sha256(secret), value })));
}

/**
 * What `candidate` stands for among `known`, or `undefined`. The one place the edge
 * compares a credential (ingest keys, ops tokens).
 *
 * Constant time: the candidate is hashed so both sides have equal length
 * (`timingSafeEqual` requires it, and the candidate's length stays hidden), and every
 * entry is compared, match or not, so the answer's timing says nothing about how close a
 * guess was or which entry it matched.
 *
 * @example await matchSecret('pk_demo', known) // 'demo'
 */
export async function matchSecret<T>(candidate: string, known: readonly SecretEntry<T>[]): Promise<T | undefined> {
  const digest = await sha256(candidate);
  let found: T | undefined;
  for (const entry of known) {
    if (crypto.subtle.timingSafeEqual(digest, entry.digest)) found = entry.value;
  }
  return found;
}
