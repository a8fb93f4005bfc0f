import { createBackoff } from '../ingest/backoff';
import { errorMessage, type Logger } from '../log';
import { migrate, type MigrateResult } from './migrate';
import type { Storage } from './open-storage';

/** Whether the schema is in place, and a way to hear when it becomes so. */
export interface SchemaGate {
  readonly ready: boolean;
  /** The migration run, once it succeeded. */
  readonly result: MigrateResult | undefined;
  /** Calls `fn` once the schema is ready (at once if it already is). */
  onReady(fn: () => void): void;
  /** Stops retrying (on shutdown). */
  stop(): void;
}

export interface PrepareSchemaOptions {
  retentionDays: number;
  log: Logger;
  /**
   * When storage cannot be reached at all, keep retrying in the background instead of
   * failing: the collector serves and spools meanwhile. For a server; embedded chDB that
   * cannot migrate is a fatal error.
   */
  retryWhenUnreachable: boolean;
}

/** ClickHouse answered (bad credentials, a failing statement): retrying will not help. */
function answeredByClickHouse(err: unknown): boolean {
  const e = err as { code?: unknown; type?: unknown } | null;
  return typeof e?.code === 'string' && /^\d+$/.test(e.code) && typeof e.type === 'string';
}

/**
 * Runs the migrations. If a server cannot be reached at start, the collector still comes
 * up (batches go to the disk spool), and the migrations are retried with backoff until
 * the server answers; then the spool is replayed.
 *
 * @throws the migration's error when storage answered with one, or when not retrying
 * @example const schema = await prepareSchema(storage, { retentionDays: 400, log, retryWhenUnreachable: true })
 */
export async function prepareSchema(storage: Storage, o: PrepareSchemaOptions): Promise<SchemaGate> {
  let result: MigrateResult | undefined;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const listeners: (() => void)[] = [];

  const gate: SchemaGate = {
    get ready() {
      return result !== undefined;
    },
    get result() {
      return result;
    },
    onReady(fn) {
      if (result) fn();
      else listeners.push(fn);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };

  try {
    result = await migrate(storage, { retentionDays: o.retentionDays });
    return gate;
  } catch (err) {
    if (!o.retryWhenUnreachable || answeredByClickHouse(err)) throw err;
    o.log.warn('storage unreachable at start; spooling batches to disk until it answers', { storage: storage.describe, reason: errorMessage(err) });
  }

  const backoff = createBackoff({ baseMs: 500 });
  const retry = () => {
    if (stopped) return;
    timer = setTimeout(async () => {
      try {
        result = await migrate(storage, { retentionDays: o.retentionDays });
        o.log.info('storage reachable; schema ready', { storage: storage.describe, schema_version: result.version });
        for (const fn of listeners.splice(0)) fn();
      } catch (err) {
        if (answeredByClickHouse(err)) o.log.error('migration failed; retrying', { reason: errorMessage(err) });
        retry();
      }
    }, backoff.next());
  };
  retry();
  return gate;
}
