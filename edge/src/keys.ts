import type { Config } from './config';
import { HttpError } from './errors';
import { digestSecrets, matchSecret, type SecretEntry } from './secrets';

const digests = new WeakMap<Config, Promise<SecretEntry<string>[]>>();

function keyDigests(config: Config): Promise<SecretEntry<string>[]> {
  let found = digests.get(config);
  if (!found) {
    found = digestSecrets(config.keys);
    digests.set(config, found);
  }
  return found;
}

/**
 * The project a public ingest key belongs to, or `undefined`. Compared in constant time
 * (`matchSecret`), though the key is public: the same code path serves every credential.
 */
export async function projectForKey(config: Config, candidate: string): Promise<string | undefined> {
  return matchSecret(candidate, await keyDigests(config));
}

/**
 * The project for `key`, or an `HttpError`: 401 `missing_key` when no key was given,
 * 403 `unknown_key` when it matches none. The key itself never appears in the answer.
 */
export async function requireProject(config: Config, key: string | undefined): Promise<string> {
  if (!key) {
    throw new HttpError(401, 'missing_key', 'an ingest key is required: `?key=` in the URL, or `key` in an SDK batch');
  }
  const project = await projectForKey(config, key);
  if (!project) throw new HttpError(403, 'unknown_key', 'the ingest key is not known to this edge');
  return project;
}
