import { featureName, LIMITS } from '@lifeline/protocol';
import type { Vars } from './env';
import { HttpError } from './errors';

/** The edge's settings, parsed from the string vars in `Vars`. */
export interface Config {
  /** Public ingest key → project. */
  keys: ReadonlyMap<string, string>;
  collectorUrl: string;
  collectorSecret: string;
  /** `'*'` or the exact origins allowed. */
  allowedOrigins: '*' | readonly string[];
  features: readonly string[];
  /** Ops API tokens; empty when `LIFELINE_OPS_TOKENS` is unset (the ops API is then closed). */
  opsTokens: readonly OpsToken[];
}

/** One `project:label:token` triple of `LIFELINE_OPS_TOKENS`. */
export interface OpsToken {
  project: string;
  /** Who holds the token; recorded as the actor of every change made with it. */
  label: string;
  token: string;
}

/** Splits a comma-separated var, trimming blanks away. */
function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * `project:label:token` triples. The token is everything after the second colon, so it
 * may contain colons itself. The same token twice would make its project ambiguous.
 */
function parseOpsTokens(value: string | undefined): OpsToken[] {
  const tokens: OpsToken[] = [];
  for (const [i, triple] of list(value).entries()) {
    const first = triple.indexOf(':');
    const second = first < 0 ? -1 : triple.indexOf(':', first + 1);
    const project = triple.slice(0, Math.max(first, 0)).trim();
    const label = triple.slice(first + 1, Math.max(second, 0)).trim();
    const token = triple.slice(second + 1).trim();
    if (first < 0 || second < 0 || !project || !label || !token) {
      throw new Error(`LIFELINE_OPS_TOKENS entry ${i + 1} is not a project:label:token triple`);
    }
    if (project.length > LIMITS.label || label.length > LIMITS.label) {
      throw new Error(`LIFELINE_OPS_TOKENS entry ${i + 1} has a project or label over ${LIMITS.label} characters`);
    }
    const twin = tokens.findIndex((t) => t.token === token);
    if (twin >= 0) throw new Error(`LIFELINE_OPS_TOKENS entries ${twin + 1} and ${i + 1} share a token`);
    tokens.push({ project, label, token });
  }
  return tokens;
}

/**
 * Parses the vars into a `Config`, or throws with the name of the var at fault.
 * Error messages name vars and positions but never echo values: keys and secrets
 * must not reach logs or responses.
 */
export function parseConfig(env: Vars): Config {
  const keys = new Map<string, string>();
  for (const [i, pair] of list(env.LIFELINE_KEYS).entries()) {
    const at = pair.indexOf(':');
    const key = pair.slice(0, at).trim();
    const project = pair.slice(at + 1).trim();
    if (at < 0 || !key || !project) {
      throw new Error(`LIFELINE_KEYS entry ${i + 1} is not a publicKey:project pair`);
    }
    keys.set(key, project);
  }
  if (keys.size === 0) throw new Error('LIFELINE_KEYS has no publicKey:project pairs');

  let collectorUrl: URL;
  try {
    collectorUrl = new URL(env.LIFELINE_COLLECTOR_URL);
  } catch {
    throw new Error('LIFELINE_COLLECTOR_URL is not an absolute URL');
  }
  if (!env.LIFELINE_COLLECTOR_SECRET) throw new Error('LIFELINE_COLLECTOR_SECRET is empty');

  const origins = list(env.LIFELINE_ALLOWED_ORIGINS);
  const features = list(env.LIFELINE_FEATURES);
  for (const f of features) {
    if (!featureName.safeParse(f).success) throw new Error(`LIFELINE_FEATURES has an invalid name "${f}"`);
  }

  return {
    keys,
    collectorUrl: collectorUrl.href.replace(/\/+$/, ''),
    collectorSecret: env.LIFELINE_COLLECTOR_SECRET,
    allowedOrigins: origins.length === 0 || origins.includes('*') ? '*' : origins,
    features,
    opsTokens: parseOpsTokens(env.LIFELINE_OPS_TOKENS),
  };
}

// The env object lives as long as the isolate, so parsing once per env object means once
// per isolate in production while each test's env still gets its own config.
const cache = new WeakMap<object, Config>();

/**
 * The parsed config for `env`, cached. A bad config is an operator error: it becomes a
 * 500 `misconfigured` answer naming the var, and is parsed again on the next request.
 */
export function loadConfig(env: Vars): Config {
  const hit = cache.get(env);
  if (hit) return hit;
  try {
    const config = parseConfig(env);
    cache.set(env, config);
    return config;
  } catch (err) {
    throw new HttpError(500, 'misconfigured', `edge configuration error: ${(err as Error).message}`);
  }
}
