import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TimelineResponse } from '@lifeline/protocol';
import { openCollector, type Collector } from '../src/collector';
import { clockGuard, clockIsOff } from '../src/storage/clock-guard';
import { TOKENS, auth, makeBatch, makeEvent, postBatch, tempDir, testConfig } from './helpers';

const DAY = 86_400_000;
const dir = tempDir();
let collector: Collector;

beforeAll(async () => {
  collector = await openCollector(testConfig(dir.path, { LIFELINE_RETENTION_DAYS: '30' }));
});
afterAll(async () => {
  await collector?.close();
  dir.remove();
});

describe('clock guard', () => {
  it('trusts ts up to a day ahead of received_at and up to the retention behind it', () => {
    const g = clockGuard(30);
    const now = Date.UTC(2026, 0, 15);
    expect(clockIsOff(now + DAY, now, g)).toBe(false);
    expect(clockIsOff(now + DAY + 1, now, g)).toBe(true);
    expect(clockIsOff(now - 30 * DAY, now, g)).toBe(false);
    expect(clockIsOff(now - 30 * DAY - 1, now, g)).toBe(true);
    expect(clockIsOff(0, now, g)).toBe(true);
  });

  it('stores skewed events at received_at with the client’s ts in client_ts, in this month’s partition', async () => {
    const session = `s-${randomUUID()}`;
    const received = Date.now() - 1000;
    const at = (ts: number) => makeEvent('track', { session_id: session, ts, received_at: received });
    const events = [
      at(12_345), // a browser stuck in 1970
      at(Date.UTC(2101, 5, 1)), // a clock set decades ahead
      at(received - 31 * DAY), // older than the retention: the TTL would drop it at once
      at(received + DAY - 1000), // a little ahead: kept
      at(received - 29 * DAY), // within the retention: kept
    ];
    expect((await postBatch(collector.app, makeBatch(events))).status).toBe(200);

    const { client, database } = collector.storage;
    const rs = await client.query({
      query: `SELECT toString(event_id) AS id, toUnixTimestamp64Milli(ts) AS ts, client_ts, _partition_id AS part
        FROM ${database}.events WHERE session_id = {s:String}`,
      query_params: { s: session },
      format: 'JSONEachRow',
    });
    const rows = new Map((await rs.json<{ id: string; ts: number | string; client_ts: number | string | null; part: string }>()).map((r) => [r.id, r]));
    const row = (i: number) => rows.get(events[i]!.event_id)!;
    for (const i of [0, 1, 2]) {
      expect(Number(row(i).ts)).toBe(received);
      expect(Number(row(i).client_ts)).toBe(events[i]!.ts);
    }
    for (const i of [3, 4]) {
      expect(Number(row(i).ts)).toBe(events[i]!.ts);
      expect(row(i).client_ts).toBeNull();
    }
    const month = new Date(received).toISOString().slice(0, 7).replace('-', '');
    expect(new Set([0, 1, 2].map((i) => row(i).part))).toEqual(new Set([month]));

    // The timeline shows them at the time they arrived.
    const res = await collector.app.request(`/v1/timeline?session_id=${session}`, { headers: auth(TOKENS.demo) });
    const shown = TimelineResponse.parse(await res.json()).events;
    expect(shown.find((e) => e.event_id === events[0]!.event_id)!.ts).toBe(received);
  });
});
