import type { Hono } from 'hono';
import type { CollectorConfig } from './config';
import { createApp } from './app';
import { createBatcher, type Batcher } from './ingest/batcher';
import { silentLogger, type Logger } from './log';
import { queryTimeline } from './query/timeline';
import { eventToRow, type EventRow } from './storage/event-row';
import { insertEvents } from './storage/insert-events';
import { migrate, type MigrateResult } from './storage/migrate';
import { openStorage, type Storage } from './storage/open-storage';

/** A running collector without its HTTP server: storage, insert buffer and app. */
export interface Collector {
  app: Hono;
  storage: Storage;
  batcher: Batcher<EventRow>;
  migration: MigrateResult;
  /** Refuses new rows, flushes the insert buffer, then closes storage. Idempotent. */
  close(): Promise<void>;
}

/**
 * Opens storage, runs migrations and wires the insert buffer and the HTTP app.
 *
 * @example
 * const collector = await openCollector(loadConfig())
 * const res = await collector.app.request('/health')
 * await collector.close()
 */
export async function openCollector(config: CollectorConfig, options: { log?: Logger } = {}): Promise<Collector> {
  const log = options.log ?? silentLogger;
  const storage = await openStorage(config.storage);
  let migration: MigrateResult;
  try {
    migration = await migrate(storage, { retentionDays: config.retentionDays });
  } catch (err) {
    await storage.close().catch(() => {});
    throw err;
  }

  const batcher = createBatcher<EventRow>({
    write: (rows) => insertEvents(storage, rows),
    maxRows: config.batchMaxRows,
    maxWaitMs: config.batchMaxWaitMs,
  });
  const app = createApp({
    collectorSecret: config.collectorSecret,
    readTokens: config.readTokens,
    ingest: (events) => batcher.add(events.map(eventToRow)),
    timeline: (lookup) => queryTimeline(storage, lookup),
    log,
  });

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      try {
        await batcher.close();
      } finally {
        await storage.close();
      }
    })());

  return { app, storage, batcher, migration, close };
}
