import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CollectorBatch, EventKind, StoredEvent } from '@lifeline/protocol';
import { loadConfig, type CollectorConfig } from '../src/config';
import type { Storage } from '../src/storage/open-storage';

export const SECRET = 'test-collector-secret';
export const TOKENS = { demo: 'rt_demo_token', other: 'rt_other_token' } as const;
/** Ingest tokens for backend logs and OTLP. */
export const INGEST_TOKENS = { demo: 'it_demo_token', other: 'it_other_token' } as const;

/**
 * A fresh temp directory and a function that removes it, with the spool a collector on it
 * uses by default (`<dir>-spool`, beside it).
 */
export function tempDir(): { path: string; spool: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'lifeline-collector-test-'));
  const spool = `${path}-spool`;
  return {
    path,
    spool,
    remove: () => {
      removeTree(path);
      removeTree(spool);
    },
  };
}

/**
 * Removes a temporary tree after a test. chDB's background threads (merges, the part log)
 * may still be finishing a file in it just after the storage is closed, which makes a
 * single `rm -r` fail with ENOTEMPTY now and then; removal is retried, and a tree that
 * still cannot go is reported rather than failing tests that have passed.
 */
export function removeTree(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  } catch (err) {
    console.warn(`could not remove ${path}: ${(err as Error).message}`);
  }
}

/** Environment for a collector on an embedded chDB in `dataDir`. */
export function testEnv(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    LIFELINE_COLLECTOR_SECRET: SECRET,
    LIFELINE_READ_TOKENS: `demo:${TOKENS.demo},other:${TOKENS.other}`,
    LIFELINE_INGEST_TOKENS: `demo:${INGEST_TOKENS.demo},other:${INGEST_TOKENS.other}`,
    LIFELINE_DATA_DIR: dataDir,
    LIFELINE_BATCH_MAX_WAIT_MS: '20',
    ...extra,
  };
}

export function testConfig(dataDir: string, extra: Record<string, string> = {}): CollectorConfig {
  return loadConfig(testEnv(dataDir, extra));
}

/**
 * Event times near now: the table's TTL drops rows older than the retention, so fixed
 * dates from years ago would vanish.
 */
export const T0 = Date.now() - 60_000;

const required: Record<EventKind, Record<string, unknown>> = {
  pageview: { url: 'https://shop.test/' },
  track: { name: 'add_to_cart' },
  error: { message: 'boom' },
  vital: { name: 'LCP', value: 1234.5 },
  network: { method: 'POST', url: '/api/pay', status: 0, duration_ms: 12.5 },
  log: { level: 'info', message: 'payment accepted' },
  degrade: { feature: 'checkout', state: 'down', reason: 'flag' },
  flag: { feature: 'checkout', state: 'down', from_state: 'ok' },
};

/** A valid stored event of `kind` with only its required fields, plus `extra`. */
export function makeEvent(kind: EventKind, extra: Record<string, unknown> = {}): StoredEvent {
  return {
    event_id: randomUUID(),
    ts: T0,
    kind,
    project: 'demo',
    received_at: T0 + 100,
    ...required[kind],
    ...extra,
  } as StoredEvent;
}

export function makeBatch(events: StoredEvent[]): CollectorBatch {
  return { v: 1, batch_id: randomUUID(), events };
}

export const auth = (token: string) => ({ authorization: `Bearer ${token}` });

export function postBatch(app: { request: (path: string, init: RequestInit) => Response | Promise<Response> }, body: unknown, headers: Record<string, string> = auth(SECRET)) {
  return app.request('/v1/batch', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const FILTER_COLUMNS = ['project', 'kind', 'session_id', 'request_id', 'trace_id'] as const;

/**
 * Distinct events in `events` (optionally only those matching `filter`): what every query
 * counts, however many copies are on disk.
 */
export async function countEvents(storage: Storage, filter: Partial<Record<(typeof FILTER_COLUMNS)[number], string>> = {}): Promise<number> {
  const where = FILTER_COLUMNS.filter((c) => filter[c] !== undefined).map((c) => `${c} = {${c}:String}`);
  const rs = await storage.client.query({
    query: `SELECT count() AS n FROM (SELECT event_id FROM ${storage.database}.events
      WHERE ${where.length ? where.join(' AND ') : '1'} LIMIT 1 BY event_id)`,
    query_params: filter,
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ n: number | string }>();
  return Number(row?.n ?? 0);
}

/** Rows physically in `events` (duplicates included). */
export async function countRows(storage: Storage): Promise<number> {
  const rs = await storage.client.query({ query: `SELECT count() AS n FROM ${storage.database}.events`, format: 'JSONEachRow' });
  const [row] = await rs.json<{ n: number | string }>();
  return Number(row?.n ?? 0);
}
