import type { Hono } from 'hono';
import type { Alerting } from './alerts/create-alerting';
import { createObservability, type Observability } from './alerts/observability';
import type { CollectorConfig } from './config';
import { createApp } from './app';
import type { Batcher } from './ingest/batcher';
import { openIngest, type Ingest, type IngestOptions } from './ingest/ingest';
import { errorMessage, silentLogger, type Logger } from './log';
import { queryTimeline } from './query/timeline';
import { createQueryService } from './query/service';
import type { EventRow } from './storage/event-row';
import type { MigrateResult } from './storage/migrate';
import { openStorage, type Storage } from './storage/open-storage';
import { prepareSchema } from './storage/prepare-schema';
import { storageProbe } from './storage/storage-probe';

/** A running collector without its HTTP server: storage, ingest pipeline and app. */
export interface Collector {
  app: Hono;
  /** Alert rules: `main.ts` starts their schedule; `close` stops it. */
  alerting: Alerting;
  storage: Storage;
  ingest: Ingest;
  /** The insert buffer (`ingest.batcher`). */
  batcher: Batcher<EventRow>;
  /** The migration run; undefined while a server that was unreachable at start still is. */
  readonly migration: MigrateResult | undefined;
  schemaReady(): boolean;
  /** Refuses new rows, flushes (to ClickHouse or the spool), stops the replayer, closes storage. Idempotent. */
  close(): Promise<void>;
}

export interface OpenCollectorOptions {
  /** @default silentLogger */
  log?: Logger;
  /** Wraps every insert into ClickHouse (tests inject storage faults). */
  wrapInsert?: IngestOptions['wrapInsert'];
  /** Alerting, dashboard and metrics settings (`LIFELINE_ALERTS_FILE`…). @default process.env */
  env?: Record<string, string | undefined>;
}

/**
 * Opens storage, runs migrations and wires the ingest pipeline and the HTTP app. A
 * ClickHouse server that cannot be reached at start does not stop the collector: it
 * spools batches to disk and migrates once the server answers. Embedded chDB must open.
 *
 * @example
 * const collector = await openCollector(loadConfig())
 * const res = await collector.app.request('/health')
 * await collector.close()
 */
export async function openCollector(config: CollectorConfig, options: OpenCollectorOptions = {}): Promise<Collector> {
  const log = options.log ?? silentLogger;
  const server = config.storage.kind === 'server';
  const storage = await openStorage(config.storage, { ping: !server });
  const schema = await prepareSchema(storage, { retentionDays: config.retentionDays, log, retryWhenUnreachable: server }).catch(
    async (err: unknown) => {
      await storage.close().catch(() => {});
      throw err;
    },
  );
  const queries = createQueryService(storage);
  let observability: Observability;
  try {
    observability = await createObservability({ config, storage, queries, env: options.env ?? process.env, log, ready: () => schema.ready });
  } catch (err) {
    schema.stop();
    await storage.close().catch(() => {});
    throw err;
  }
  let ingest: Ingest;
  try {
    ingest = await openIngest({
      storage,
      spoolDir: config.spoolDir,
      spoolMaxBytes: config.spoolMaxBytes,
      retentionDays: config.retentionDays,
      batchMaxRows: config.batchMaxRows,
      batchMaxWaitMs: config.batchMaxWaitMs,
      bufferMaxRows: config.bufferMaxRows,
      insertTimeoutMs: config.insertTimeoutMs,
      schemaReady: () => schema.ready,
      log,
      ...(options.wrapInsert ? { wrapInsert: options.wrapInsert } : {}),
    });
  } catch (err) {
    schema.stop();
    await storage.close().catch(() => {});
    throw err;
  }
  schema.onReady(() => {
    ingest.state.markUp();
    ingest.replayer.wake();
  });

  const app = createApp({
    collectorSecret: config.collectorSecret,
    readTokens: config.readTokens,
    ingestTokens: config.ingestTokens,
    ingest,
    timeline: (lookup) => queryTimeline(storage, lookup),
    queries,
    observability,
    probe: storageProbe(storage),
    schemaReady: () => schema.ready,
    log,
  });

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      try {
        await observability.alerting.stop().catch((err) => log.error('alerting did not stop cleanly', { reason: errorMessage(err) }));
        await ingest.close();
      } finally {
        schema.stop();
        await storage.close();
      }
    })());

  return {
    app,
    alerting: observability.alerting,
    storage,
    ingest,
    batcher: ingest.batcher,
    get migration() {
      return schema.result;
    },
    schemaReady: () => schema.ready,
    close,
  };
}
