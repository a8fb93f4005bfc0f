import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTokenPairs } from './config/token-pairs';

/** Where the data lives: an embedded chDB directory, or a ClickHouse server (optionally a cluster). */
export type StorageConfig =
  | { kind: 'chdb'; path: string; database: string }
  | { kind: 'server'; url: string; username?: string; password?: string; database: string; cluster?: string };

/** Everything the collector needs to run, read once from the environment at start. */
export interface CollectorConfig {
  host: string;
  port: number;
  /** Shared secret the edge sends as `Authorization: Bearer <secret>` on `POST /v1/batch`. */
  collectorSecret: string;
  /** Read token → the one project it may read. */
  readTokens: ReadonlyMap<string, string>;
  /** Ingest token → the project its backend logs and spans are stored under. */
  ingestTokens: ReadonlyMap<string, string>;
  storage: StorageConfig;
  /** Days an event is kept after its `ts`. */
  retentionDays: number;
  /** Insert buffer: flush once this many rows wait. */
  batchMaxRows: number;
  /** Insert buffer: flush once the oldest waiting row is this old (ms). */
  batchMaxWaitMs: number;
  /** Insert buffer: refuse requests (503) beyond this many rows waiting or being written. */
  bufferMaxRows: number;
  /** An insert taking longer than this is treated as failed and its rows are spooled (ms). */
  insertTimeoutMs: number;
  /** The disk spool: where acknowledged rows wait while ClickHouse is away. */
  spoolDir: string;
  /** Refuse requests (503) while the spool holds this many bytes or more. */
  spoolMaxBytes: number;
}

/** A configuration problem; `main` prints the message and exits non-zero. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** `<repo root>/.data/chdb`, resolved from this file so it does not depend on the working directory. */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../.data/chdb', import.meta.url));

/** `<repo root>/.data/spool`: the spool when storage is a server. */
export const DEFAULT_SPOOL_DIR = fileURLToPath(new URL('../../.data/spool', import.meta.url));

/**
 * The spool goes beside the chDB directory, never inside it (chDB owns its directory):
 * `spool` next to a directory named `chdb` (the default `.data/chdb` + `.data/spool`),
 * otherwise `<data dir>-spool`, so two collectors with their own data directories never
 * share a spool by default.
 *
 * @example defaultSpoolDir('/srv/lifeline/chdb') // '/srv/lifeline/spool'
 */
export function defaultSpoolDir(dataDir: string): string {
  return basename(dataDir) === 'chdb' ? join(dirname(dataDir), 'spool') : `${dataDir}-spool`;
}

/** An identifier written into DDL (identifiers cannot be query parameters). */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * Reads the collector's configuration from environment variables.
 *
 * Required: `LIFELINE_COLLECTOR_SECRET`, `LIFELINE_READ_TOKENS` (`project:token,project:token`).
 * Optional: `LIFELINE_INGEST_TOKENS` (`project:token` pairs for backend logs and OTLP),
 * `LIFELINE_COLLECTOR_HOST` (default `127.0.0.1`), `LIFELINE_COLLECTOR_PORT` (default
 * `4000`; `0` picks a free port), `LIFELINE_DATA_DIR` (default `<repo root>/.data/chdb`),
 * `CLICKHOUSE_URL` (use a server instead of embedded chDB), `CLICKHOUSE_USER`,
 * `CLICKHOUSE_PASSWORD`, `CLICKHOUSE_DATABASE` (default `lifeline`), `CLICKHOUSE_CLUSTER`
 * (replicated, distributed tables on that cluster), `LIFELINE_RETENTION_DAYS` (default 400),
 * `LIFELINE_BATCH_MAX_ROWS` (default 50000), `LIFELINE_BATCH_MAX_WAIT_MS` (default 200),
 * `LIFELINE_BUFFER_MAX_ROWS` (default 200000), `LIFELINE_INSERT_TIMEOUT_MS` (default 10000),
 * `LIFELINE_SPOOL_DIR` (default beside the data directory), `LIFELINE_SPOOL_MAX_BYTES`
 * (default 1 GiB).
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

  const readRaw = get('LIFELINE_READ_TOKENS');
  if (!readRaw) problems.push('LIFELINE_READ_TOKENS is required (comma-separated project:token pairs)');
  const readTokens = parseTokenPairs('LIFELINE_READ_TOKENS', readRaw, problems);
  if (readTokens.has(collectorSecret)) {
    problems.push('LIFELINE_READ_TOKENS must not reuse LIFELINE_COLLECTOR_SECRET as a read token');
  }
  const ingestTokens = parseTokenPairs('LIFELINE_INGEST_TOKENS', get('LIFELINE_INGEST_TOKENS'), problems);
  // One token, one power: a leaked log shipper's token must not read data or pose as the edge.
  if (ingestTokens.has(collectorSecret) || [...ingestTokens.keys()].some((t) => readTokens.has(t))) {
    problems.push('LIFELINE_INGEST_TOKENS must not reuse the collector secret or a read token');
  }

  const database = get('CLICKHOUSE_DATABASE') ?? 'lifeline';
  if (!IDENTIFIER.test(database)) {
    problems.push('CLICKHOUSE_DATABASE must be letters, digits and _, starting with a letter or _');
  }
  const url = get('CLICKHOUSE_URL');
  const cluster = get('CLICKHOUSE_CLUSTER');
  if (cluster !== undefined && !IDENTIFIER.test(cluster)) {
    problems.push('CLICKHOUSE_CLUSTER must be letters, digits and _, starting with a letter or _');
  }
  let storage: StorageConfig;
  let spoolDir = get('LIFELINE_SPOOL_DIR');
  if (url) {
    if (!/^https?:\/\//.test(url)) problems.push('CLICKHOUSE_URL must start with http:// or https://');
    storage = { kind: 'server', url, database };
    const username = get('CLICKHOUSE_USER');
    const password = env.CLICKHOUSE_PASSWORD;
    if (username) storage.username = username;
    if (password) storage.password = password;
    if (cluster) storage.cluster = cluster;
    spoolDir ??= DEFAULT_SPOOL_DIR;
  } else {
    if (cluster) problems.push('CLICKHOUSE_CLUSTER needs CLICKHOUSE_URL (embedded chDB is one node)');
    const path = get('LIFELINE_DATA_DIR') ?? DEFAULT_DATA_DIR;
    storage = { kind: 'chdb', path, database };
    spoolDir ??= defaultSpoolDir(path);
    // chDB owns its directory (and may be wiped or restored on its own): keep the spool out.
    const inside = relative(resolve(path), resolve(spoolDir));
    if (inside === '' || (!inside.startsWith('..') && !isAbsolute(inside))) {
      problems.push('LIFELINE_SPOOL_DIR must not be the chDB data directory or inside it');
    }
  }

  const batchMaxRows = int('LIFELINE_BATCH_MAX_ROWS', 50_000, 1, 1_000_000);
  const bufferMaxRows = int('LIFELINE_BUFFER_MAX_ROWS', 200_000, 1, 100_000_000);
  if (bufferMaxRows < batchMaxRows) problems.push('LIFELINE_BUFFER_MAX_ROWS must be at least LIFELINE_BATCH_MAX_ROWS');

  const config: CollectorConfig = {
    host: get('LIFELINE_COLLECTOR_HOST') ?? '127.0.0.1',
    port: int('LIFELINE_COLLECTOR_PORT', 4000, 0, 65535),
    collectorSecret,
    readTokens,
    ingestTokens,
    storage,
    retentionDays: int('LIFELINE_RETENTION_DAYS', 400, 1, 100_000),
    batchMaxRows,
    batchMaxWaitMs: int('LIFELINE_BATCH_MAX_WAIT_MS', 200, 0, 60_000),
    bufferMaxRows,
    insertTimeoutMs: int('LIFELINE_INSERT_TIMEOUT_MS', 10_000, 100, 600_000),
    spoolDir,
    spoolMaxBytes: int('LIFELINE_SPOOL_MAX_BYTES', 1024 ** 3, 1024 * 1024, Number.MAX_SAFE_INTEGER),
  };
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  return config;
}
