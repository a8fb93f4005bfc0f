import type { Config } from '../config';

/** Who is calling the ops API: the token's project and label. */
export interface OpsIdentity {
  project: string;
  /** The token's label, recorded as `actor` on every change. */
  actor: string;
}

interface TokenDigest {
  digest: ArrayBuffer;
  identity: OpsIdentity;
}

const encoder = new TextEncoder();
const digests = new WeakMap<Config, Promise<TokenDigest[]>>();

function sha256(text: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest('SHA-256', encoder.encode(text));
}

function tokenDigests(config: Config): Promise<TokenDigest[]> {
  let found = digests.get(config);
  if (!found) {
    found = Promise.all(
      config.opsTokens.map(async (t) => ({ digest: await sha256(t.token), identity: { project: t.project, actor: t.label } })),
    );
    digests.set(config, found);
  }
  return found;
}

/**
 * The identity an ops token stands for, or `undefined`.
 *
 * Compared in constant time, as ingest keys are (see `projectForKey`): both sides are
 * hashed to equal length and every configured token is compared, match or not, so the
 * answer's timing says nothing about how close a guess was.
 */
export async function identityForToken(config: Config, candidate: string): Promise<OpsIdentity | undefined> {
  const [digest, known] = await Promise.all([sha256(candidate), tokenDigests(config)]);
  let identity: OpsIdentity | undefined;
  for (const entry of known) {
    if (crypto.subtle.timingSafeEqual(digest, entry.digest)) identity = entry.identity;
  }
  return identity;
}
