import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '@lifeline/protocol';
import { openCollector, type Collector } from '../../src/collector';
import type { EventRow } from '../../src/storage/event-row';
import { auth, countEvents, INGEST_TOKENS, makeBatch, makeEvent, postBatch, tempDir, testConfig } from '../helpers';
import { sleep, waitFor } from '../reliability/support';

/**
 * The ingest metrics as `GET /metrics` serves them, recorded by a collector on real chDB
 * while it stores, spools, replays and refuses. A fault injector around the real insert
 * fails like an unreachable server while `storage.away` is set.
 */

/** How long storage stays away in the outage case. */
const OUTAGE_MS = 1500;
/** The smallest spool the configuration allows, so a few large batches fill it. */
const SPOOL_MAX_BYTES = 1024 * 1024;

const dir = tempDir();
const storage = {
  away: false,
  wrap: (insert: (rows: EventRow[]) => Promise<void>) => async (rows: EventRow[]) => {
    if (storage.away) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' });
    await insert(rows);
  },
};
let collector: Collector;

beforeAll(async () => {
  const config = testConfig(join(dir.path, 'chdb'), { LIFELINE_SPOOL_DIR: dir.spool, LIFELINE_SPOOL_MAX_BYTES: String(SPOOL_MAX_BYTES) });
  collector = await openCollector(config, { wrapInsert: storage.wrap, env: {} });
});
afterAll(async () => {
  await collector?.close();
  dir.remove();
});

async function scrape(): Promise<string> {
  const res = await collector.app.request('/metrics');
  expect(res.status).toBe(200);
  return res.text();
}

/** The value of one series in a scrape, written as the text format writes it (`name{a="1"}`); 0 when absent. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

/** How much each of `series` grew between two scrapes. */
const growth = (before: string, after: string, series: string[]) =>
  Object.fromEntries(series.map((s) => [s, Math.round((sample(after, s) - sample(before, s)) * 1e6) / 1e6]));

const LAG_COUNT = 'lifeline_ingest_lag_seconds_count';
const LAG_SUM = 'lifeline_ingest_lag_seconds_sum';

describe('ingest lag (lifeline_ingest_lag_seconds)', () => {
  it('observes a normal insert once, from the oldest row’s received_at to the insert completing', async () => {
    const before = await scrape();
    const now = Date.now();
    // The first row arrived 1 s ago, a later one 3 s ago: the insert's lag is the oldest row's.
    const oldest = now - 3000;
    const events = [makeEvent('track', { received_at: now - 1000 }), makeEvent('pageview', { received_at: oldest }), makeEvent('track', { received_at: now - 2000 })];
    const posted = Date.now();
    expect((await postBatch(collector.app, makeBatch(events))).status).toBe(200);
    const acknowledged = Date.now();

    const after = await scrape();
    const g = growth(before, after, [LAG_COUNT, LAG_SUM, 'lifeline_insert_rows_total']);
    expect(g[LAG_COUNT]).toBe(1);
    expect(g['lifeline_insert_rows_total']).toBe(3);
    // The insert completed after the request was posted and before it was acknowledged.
    expect(g[LAG_SUM]).toBeGreaterThanOrEqual((posted - oldest) / 1000 - 1e-3);
    expect(g[LAG_SUM]).toBeLessThanOrEqual((acknowledged - oldest) / 1000 + 1e-3);
  });

  it('observes rows spooled through an outage when the replay stores them, their lag covering the outage; the spool depth shows meanwhile', async () => {
    const before = await scrape();
    storage.away = true;
    const session = `s-${randomUUID()}`;
    const receivedAt = Date.now();
    const events = Array.from({ length: 20 }, () => makeEvent('track', { session_id: session, received_at: receivedAt }));
    expect((await postBatch(collector.app, makeBatch(events))).status).toBe(200);

    // Acknowledged from the spool: nothing stored, so no lag yet; the spool holds the batch.
    const during = await scrape();
    expect(sample(during, LAG_COUNT)).toBe(sample(before, LAG_COUNT));
    expect(sample(during, 'lifeline_spool_batches')).toBe(1);
    expect(sample(during, 'lifeline_spool_bytes')).toBeGreaterThan(0);
    expect(sample(during, 'lifeline_ingest_events_total{route="batch"}') - sample(before, 'lifeline_ingest_events_total{route="batch"}')).toBe(20);

    await sleep(OUTAGE_MS);
    const back = Date.now();
    storage.away = false;
    await waitFor(async () => sample(await scrape(), 'lifeline_spool_batches') === 0, 'the spool to drain', 30_000);
    const drained = Date.now();

    const after = await scrape();
    expect(sample(after, 'lifeline_spool_bytes')).toBe(0);
    expect(await countEvents(collector.storage, { session_id: session })).toBe(20);
    const g = growth(before, after, [LAG_COUNT, LAG_SUM, 'lifeline_ingest_lag_seconds_bucket{le="1"}', 'lifeline_ingest_lag_seconds_bucket{le="+Inf"}']);
    // One insert, the replay's, whose lag spans the whole time storage was away.
    expect(g[LAG_COUNT]).toBe(1);
    expect(g[LAG_SUM]).toBeGreaterThanOrEqual((back - receivedAt) / 1000 - 1e-3);
    expect(g[LAG_SUM]).toBeGreaterThanOrEqual(OUTAGE_MS / 1000);
    expect(g[LAG_SUM]).toBeLessThanOrEqual((drained - receivedAt) / 1000 + 1e-3);
    expect(g['lifeline_ingest_lag_seconds_bucket{le="1"}']).toBe(0);
    expect(g['lifeline_ingest_lag_seconds_bucket{le="+Inf"}']).toBe(1);
  });
});

describe('refused events (lifeline_ingest_rejected_events_total)', () => {
  it('counts a refused batch’s events, and an unreadable body once, by reason', async () => {
    const before = await scrape();
    const { name: _name, ...unnamed } = makeEvent('track') as Record<string, unknown>;
    const invalid = makeBatch([makeEvent('track'), makeEvent('pageview'), unnamed as never]);
    expect((await postBatch(collector.app, invalid)).status).toBe(400);
    expect((await postBatch(collector.app, '{"v":1,"events":[')).status).toBe(400);
    expect((await postBatch(collector.app, 'x'.repeat(LIMITS.collectorBatchBytes + 1))).status).toBe(413);

    const reasons = ['invalid_batch', 'invalid_json', 'payload_too_large'].map((r) => `lifeline_ingest_rejected_events_total{reason="${r}"}`);
    expect(growth(before, await scrape(), reasons)).toEqual(Object.fromEntries(reasons.map((r, i) => [r, [3, 1, 1][i]])));
  });

  it('counts an unreadable backend-log or OTLP body once, by reason, and times OTLP requests', async () => {
    const before = await scrape();
    const post = (path: string, body: string) =>
      collector.app.request(path, { method: 'POST', headers: { ...auth(INGEST_TOKENS.demo), 'content-type': 'application/json' }, body });
    expect((await post('/v1/logs', '[{"timestamp":')).status).toBe(400);
    expect((await post('/otlp/v1/logs', '{"resourceLogs":')).status).toBe(400);
    expect((await post('/otlp/v1/traces', 'x'.repeat(LIMITS.logsRequestBytes + 1))).status).toBe(413);

    const after = await scrape();
    const reasons = ['invalid_json', 'payload_too_large'].map((r) => `lifeline_ingest_rejected_events_total{reason="${r}"}`);
    expect(growth(before, after, reasons)).toEqual(Object.fromEntries(reasons.map((r, i) => [r, [2, 1][i]])));
    const otlpTimed = 'lifeline_http_request_duration_seconds_count{method="POST",route="/otlp/v1/logs",status="400"}';
    expect(growth(before, after, [otlpTimed])).toEqual({ [otlpTimed]: 1 });
  });

  it('counts the events of a batch the full spool could not take as spool_full, and shows the spool at its limit', async () => {
    const before = await scrape();
    const spoolFull = 'lifeline_ingest_rejected_events_total{reason="spool_full"}';
    storage.away = true;
    const session = `s-${randomUUID()}`;
    // About 0.8 MiB each: the first fills most of the 1 MiB spool, the second does not fit.
    const big = () => makeBatch(Array.from({ length: 500 }, () => makeEvent('error', { session_id: session, message: 'x'.repeat(1500) })));
    expect((await postBatch(collector.app, big())).status).toBe(200);
    expect((await postBatch(collector.app, big())).status).toBe(503);

    const full = await scrape();
    expect(sample(full, spoolFull) - sample(before, spoolFull)).toBe(500);
    expect(sample(full, 'lifeline_spool_batches')).toBe(1);
    expect(sample(full, 'lifeline_spool_bytes')).toBeGreaterThan(SPOOL_MAX_BYTES / 2);
    expect(sample(full, 'lifeline_spool_bytes')).toBeLessThanOrEqual(SPOOL_MAX_BYTES);

    // Now refused before its body is read: no events to count, so the counter stays.
    expect((await postBatch(collector.app, big())).status).toBe(503);
    expect(sample(await scrape(), spoolFull)).toBe(sample(full, spoolFull));

    storage.away = false;
    await waitFor(async () => sample(await scrape(), 'lifeline_spool_batches') === 0, 'the spool to drain', 30_000);
    expect(sample(await scrape(), 'lifeline_spool_bytes')).toBe(0);
    expect(await countEvents(collector.storage, { session_id: session })).toBe(500);
  });
});
