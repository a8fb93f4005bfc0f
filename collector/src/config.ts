import { fileURLToPath } from 'node:url';

/** Where the data lives: an embedded chDB directory, or a ClickHouse server. */
export type StorageConfig =
  | { kind: 'chdb'; path: string; database: string }
  | { kind: 'server'; url: string; username?: string; password?: string; database: string };

/** Everything the collector needs to run, read once from the environment at start. */
export interface CollectorConfig {
  host: string;
  port: number;
  /** Shared secret the edge sends as `Authorization: Bearer <secret>` on `POST /v1/batch`. */
  collectorSecret: string;
  /** Read token → the one project it may read. */
  readTokens: ReadonlyMap<string, string>;
  storage: StorageConfig;
  /** Days an event is kept after its `ts`. */
  retentionDays: number;
  /** Insert buffer: flush once this many rows wait. */
  batchMaxRows: number;
  /** Insert buffer: flush once the oldest waiting row is this old (ms). */
  batchMaxWaitMs: number;
}

/** A configuration problem; `main` prints the message and exits non-zero. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** `<repo root>/.data/chdb`, resolved from this file so it does not depend on the working directory. */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../.data/chdb', import.meta.url));

/**
 * Reads the collector's configuration from environment variables.
 *
 * Required: `LIFELINE_COLLECTOR_SECRET`, `LIFELINE_READ_TOKENS` (`project:token,project:token`).
 * Optional: `LIFELINE_COLLECTOR_HOST` (default `127.0.0.1`), `LIFELINE_COLLECTOR_PORT` (default
 * `4000`; `0` picks a free port), `LIFELINE_DATA_DIR` (default `<repo root>/.data/chdb`),
 * `CLICKHOUSE_URL` (use a server instead of embedded chDB), `CLICKHOUSE_USER`,
 * `CLICKHOUSE_PASSWORD`, `CLICKHOUSE_DATABASE` (default `lifeline`), `LIFELINE_RETENTION_DAYS`
 * (default 400), `LIFELINE_BATCH_MAX_ROWS` (default 10000), `LIFELINE_BATCH_MAX_WAIT_MS` (default 200).
 *
 * @example loadConfig({ LIFELINE_COLLECTOR_SECRET: 's3cret', LIFELINE_READ_TOKENS: 'demo:rt_demo' })
 * @throws ConfigError naming every variable that is missing or malformed.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): CollectorConfig {
  const problems: string[] = [];
  const get = (name: string) => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const int = (name: string, fallback: number, min: number, max: number) => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}`);
      return fallback;
    }
    return n;
  };

  const collectorSecret = get('LIFELINE_COLLECTOR_SECRET') ?? '';
  if (!collectorSecret) problems.push('LIFELINE_COLLECTOR_SECRET is required (the edge → collector shared secret)');

  const readTokens = parseReadTokens(get('LIFELINE_READ_TOKENS'), problems);
  if (readTokens.has(collectorSecret)) {
    problems.push('LIFELINE_READ_TOKENS must not reuse LIFELINE_COLLECTOR_SECRET as a read token');
  }

  const database = get('CLICKHOUSE_DATABASE') ?? 'lifeline';
  // The database name is written into DDL as an identifier (identifiers cannot be query parameters).
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(database)) {
    problems.push('CLICKHOUSE_DATABASE must be letters, digits and _, starting with a letter or _');
  }
  const url = get('CLICKHOUSE_URL');
  let storage: StorageConfig;
  if (url) {
    if (!/^https?:\/\//.test(url)) problems.push('CLICKHOUSE_URL must start with http:// or https://');
    storage = { kind: 'server', url, database };
    const username = get('CLICKHOUSE_USER');
    const password = env.CLICKHOUSE_PASSWORD;
    if (username) storage.username = username;
    if (password) storage.password = password;
  } else {
    storage = { kind: 'chdb', path: get('LIFELINE_DATA_DIR') ?? DEFAULT_DATA_DIR, database };
  }

  const config: CollectorConfig = {
    host: get('LIFELINE_COLLECTOR_HOST') ?? '127.0.0.1',
    port: int('LIFELINE_COLLECTOR_PORT', 4000, 0, 65535),
    collectorSecret,
    readTokens,
    storage,
    retentionDays: int('LIFELINE_RETENTION_DAYS', 400, 1, 100_000),
    batchMaxRows: int('LIFELINE_BATCH_MAX_ROWS', 10_000, 1, 1_000_000),
    batchMaxWaitMs: int('LIFELINE_BATCH_MAX_WAIT_MS', 200, 0, 60_000),
  };
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  return config;
}

function parseReadTokens(raw: string | undefined, problems: string[]): Map<string, string> {
  const tokens = new Map<string, string>();
  if (!raw) {
    problems.push('LIFELINE_READ_TOKENS is required (comma-separated project:token pairs)');
    return tokens;
  }
  for (const [i, pair] of raw.split(',').entries()) {
    const at = pair.indexOf(':');
    const project = pair.slice(0, at).trim();
    const token = pair.slice(at + 1).trim();
    // Never echo the pair itself: it holds a token.
    if (at <= 0 || !project || !token) problems.push(`LIFELINE_READ_TOKENS entry ${i + 1} is not project:token`);
    else if (tokens.has(token)) problems.push(`LIFELINE_READ_TOKENS entry ${i + 1} repeats a token`);
    else tokens.set(token, project);
  }
  return tokens;
}
