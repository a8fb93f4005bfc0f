import type { Config } from './config';
import { HttpError } from './errors';

interface KeyDigest {
  digest: ArrayBuffer;
  project: string;
}

const encoder = new TextEncoder();
const digests = new WeakMap<Config, Promise<KeyDigest[]>>();

function sha256(text: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest('SHA-256', encoder.encode(text));
}

function keyDigests(config: Config): Promise<KeyDigest[]> {
  let found = digests.get(config);
  if (!found) {
    found = Promise.all([...config.keys].map(async ([key, project]) => ({ digest: await sha256(key), project })));
    digests.set(config, found);
  }
  return found;
}

/**
 * The project a public ingest key belongs to, or `undefined`.
 *
 * Compared in constant time: both sides are hashed first so they have equal length
 * (`timingSafeEqual` requires it, and the key's length stays hidden), and every
 * configured key is compared without stopping at the first match.
 */
export async function projectForKey(config: Config, candidate: string): Promise<string | undefined> {
  const [digest, known] = await Promise.all([sha256(candidate), keyDigests(config)]);
  let project: string | undefined;
  for (const entry of known) {
    if (crypto.subtle.timingSafeEqual(digest, entry.digest)) project = entry.project;
  }
  return project;
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
