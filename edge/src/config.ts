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
  /** Events per second per public ingest key (`LIFELINE_RATE_KEY`); `undefined` when off. */
  rateKey: RateLimit | undefined;
  /** Requests per second per client (`LIFELINE_RATE_CLIENT`); `undefined` when off. */
  rateClient: RateLimit | undefined;
}

/** A token bucket: refilled at `perSecond`, holding at most `burst`. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/** Per public key: events. Sized for a busy store per isolate; a flood beyond it gets 429. */
export const DEFAULT_RATE_KEY: RateLimit = { perSecond: 1000, burst: 10_000 };
/** Per client (IP and User-Agent): requests. A page sends a batch every second or so at most. */
export const DEFAULT_RATE_CLIENT: RateLimit = { perSecond: 20, burst: 200 };

/** One `project:label:token` triple of `LIFELINE_OPS_TOKENS`. */
export interface OpsToken {
  project: string;
  /** Who holds the token; recorded as the actor of every change made with it. */
  label: string;
  token: string;
  /** Epoch ms from which the token is refused (`project:label:token:until`). */
  until?: number;
}

/** Splits a comma-separated var, trimming blanks away. */
function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** A trailing `:<epoch ms>` (13 digits, years 2001–2286) is an expiry, not part of the token. */
const UNTIL = /^(.+):(\d{13})$/;

/**
 * `project:label:token` triples, optionally `project:label:token:until` with `until` in
 * epoch milliseconds. The token is everything after the second colon (but a trailing
 * expiry), so it may contain colons itself. The same token twice would make its project
 * ambiguous.
 */
function parseOpsTokens(value: string | undefined): OpsToken[] {
  const tokens: OpsToken[] = [];
  for (const [i, triple] of list(value).entries()) {
    const first = triple.indexOf(':');
    const second = first < 0 ? -1 : triple.indexOf(':', first + 1);
    const project = triple.slice(0, Math.max(first, 0)).trim();
    const label = triple.slice(first + 1, Math.max(second, 0)).trim();
    const rest = triple.slice(second + 1).trim();
    const expiring = UNTIL.exec(rest);
    const token = expiring ? expiring[1]! : rest;
    if (first < 0 || second < 0 || !project || !label || !token) {
      throw new Error(`LIFELINE_OPS_TOKENS entry ${i + 1} is not a project:label:token triple`);
    }
    if (project.length > LIMITS.label || label.length > LIMITS.label) {
      throw new Error(`LIFELINE_OPS_TOKENS entry ${i + 1} has a project or label over ${LIMITS.label} characters`);
    }
    const twin = tokens.findIndex((t) => t.token === token);
    if (twin >= 0) throw new Error(`LIFELINE_OPS_TOKENS entries ${twin + 1} and ${i + 1} share a token`);
    tokens.push(expiring ? { project, label, token, until: Number(expiring[2]) } : { project, label, token });
  }
  return tokens;
}

/**
 * `<per second>:<burst>`, `off`, or unset for `fallback`. `minBurst` keeps a bucket able to
 * pass the largest single cost (a full SDK batch for the per-key limit).
 */
function parseRate(name: string, value: string | undefined, fallback: RateLimit, minBurst: number): RateLimit | undefined {
  const text = value?.trim() ?? '';
  if (text === '') return fallback;
  if (text.toLowerCase() === 'off') return undefined;
  const match = /^(\d+(?:\.\d+)?):(\d+)$/.exec(text);
  const perSecond = Number(match?.[1]);
  const burst = Number(match?.[2]);
  if (!match || !(perSecond > 0) || !Number.isSafeInteger(burst) || burst < minBurst) {
    throw new Error(`${name} is not "<per second>:<burst>" with a rate above 0 and a burst of at least ${minBurst}, or "off"`);
  }
  return { perSecond, burst };
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
    rateKey: parseRate('LIFELINE_RATE_KEY', env.LIFELINE_RATE_KEY, DEFAULT_RATE_KEY, LIMITS.sdkBatchEvents),
    rateClient: parseRate('LIFELINE_RATE_CLIENT', env.LIFELINE_RATE_CLIENT, DEFAULT_RATE_CLIENT, 1),
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
