import type { Config } from '../config';
import { digestSecrets, matchSecret, type SecretEntry } from '../secrets';

/** Who is calling the ops API: the token's project and label. */
export interface OpsIdentity {
  project: string;
  /** The token's label, recorded as `actor` on every change. */
  actor: string;
}

/** A matched ops token: who it stands for, and until when it is valid. */
export interface OpsGrant extends OpsIdentity {
  /** Epoch ms after which the token is refused; absent for a token that does not expire. */
  until?: number;
}

const digests = new WeakMap<Config, Promise<SecretEntry<OpsGrant>[]>>();

function tokenDigests(config: Config): Promise<SecretEntry<OpsGrant>[]> {
  let found = digests.get(config);
  if (!found) {
    found = digestSecrets(
      config.opsTokens.map((t) => [t.token, { project: t.project, actor: t.label, ...(t.until !== undefined ? { until: t.until } : {}) }] as const),
    );
    digests.set(config, found);
  }
  return found;
}

/**
 * The grant an ops token stands for, or `undefined`. Compared in constant time
 * (`matchSecret`): every configured token is compared, match or not.
 */
export async function grantForToken(config: Config, candidate: string): Promise<OpsGrant | undefined> {
  return matchSecret(candidate, await tokenDigests(config));
}
