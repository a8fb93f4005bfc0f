import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClickHouseLogLevel, createClient, type ClickHouseClient, type ClickHouseClientConfigOptions } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import type { StorageConfig } from '../config';
import { errorMessage } from '../log';

/**
 * The one handle the rest of the collector uses to reach ClickHouse. Everything goes
 * through `@clickhouse/client`, so the same SQL runs embedded (chDB) and on a server.
 */
export interface Storage {
  client: ClickHouseClient;
  /** Database holding Lifeline's tables; table names in SQL are qualified with it. */
  database: string;
  /** `CLICKHOUSE_CLUSTER`, when the tables are replicated and distributed over a cluster. */
  cluster?: string;
  /** Where the data lives, for logs (never includes credentials). */
  describe: string;
  close(): Promise<void>;
}

/** Storage could not be opened (data directory locked, server unreachable, bad credentials). */
export class StorageError extends Error {
  override name = 'StorageError';
}

type Connection = NonNullable<ClickHouseClientConfigOptions['connection']>;

export interface OpenStorageOptions {
  /**
   * Check the connection with a ping and throw `StorageError` when it fails. A server may
   * be skipped here: the collector then starts, spools, and migrates once it answers.
   * @default true
   */
  ping?: boolean;
}

/**
 * Opens ClickHouse: a server when `config.kind` is `server`, otherwise embedded chDB on disk.
 * Checks the connection with a ping so a bad URL or a locked directory fails at start,
 * not on the first request.
 *
 * @example const storage = await openStorage({ kind: 'chdb', path: '.data/chdb', database: 'lifeline' })
 */
export async function openStorage(config: StorageConfig, options: OpenStorageOptions = {}): Promise<Storage> {
  let client: ClickHouseClient;
  let describe: string;
  if (config.kind === 'server') {
    client = createClient({
      url: config.url,
      ...(config.username ? { username: config.username } : {}),
      ...(config.password ? { password: config.password } : {}),
      // Failures are reported by the collector's own log, once per outage rather than per request.
      log: { level: ClickHouseLogLevel.OFF },
    });
    describe = `ClickHouse at ${redactUrl(config.url)}${config.cluster ? ` (cluster ${config.cluster})` : ''}`;
  } else {
    mkdirSync(config.path, { recursive: true });
    let connection: Connection;
    try {
      // chdb ships its own copy of @clickhouse/client-common's types, so TypeScript sees
      // two distinct `Connection` types that are structurally the same contract.
      connection = createChdbConnection({ path: config.path }) as unknown as Connection;
    } catch (err) {
      const owner = lockOwner(config.path);
      if (owner !== undefined) {
        throw new StorageError(
          `data directory ${config.path} is in use by another process (PID ${owner}); ` +
            'chDB allows one process per data directory',
        );
      }
      throw new StorageError(`cannot open chDB at ${config.path}: ${errorMessage(err)}`);
    }
    client = createClient({ connection });
    describe = `chDB at ${config.path}`;
  }

  if (options.ping ?? true) {
    const ping = await client.ping();
    if (!ping.success) {
      await client.close().catch(() => {});
      throw new StorageError(`cannot reach ${describe}: ${errorMessage(ping.error)}`);
    }
  }
  const cluster = config.kind === 'server' ? config.cluster : undefined;
  return { client, database: config.database, ...(cluster ? { cluster } : {}), describe, close: () => client.close() };
}

function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/**
 * The PID of a live process holding a chDB data directory, if any. The engine's own
 * "Cannot lock file …/status" goes to stderr, while the error thrown only says the
 * connection failed; the `status` file it leaves (removed on a clean close) names the
 * owner. A stale file from a killed process names a dead PID and is ignored.
 */
function lockOwner(path: string): number | undefined {
  let status: string;
  try {
    status = readFileSync(join(path, 'status'), 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(/^PID:\s*(\d+)/m.exec(status)?.[1]);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else; still a live owner.
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}
