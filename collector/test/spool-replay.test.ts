import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchAck, ErrorResponse, ReadyResponse, type StoredEvent } from '@lifeline/protocol';
import { openCollector, type Collector } from '../src/collector';
import { insertIsolating } from '../src/ingest/insert-isolating';
import { eventToRow, type EventRow } from '../src/storage/event-row';
import { insertEvents } from '../src/storage/insert-events';
import { countEvents, countRows, makeBatch, makeEvent, postBatch, tempDir, testConfig } from './helpers';

/**
 * The ingest pipeline against real chDB, with a fault injector around the real insert:
 * while it fails, batches are acknowledged from the disk spool; once it works again the
 * replayer writes them into chDB, each event once. Several collectors share one chDB data
 * directory here (chDB binds one per process); each has its own spool.
 */

const dir = tempDir();
const spools: ReturnType<typeof tempDir>[] = [];
const open: Collector[] = [];

/** A storage that refuses inserts like an unreachable server while `failing`, or holds them at `gate`. */
function faults() {
  const f = {
    failing: false,
    gate: null as Promise<void> | null,
    inserts: [] as EventRow[][],
    wrap: (insert: (rows: EventRow[]) => Promise<void>) => async (rows: EventRow[]) => {
      if (f.gate) await f.gate;
      if (f.failing) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' });
      await insert(rows);
      f.inserts.push(rows);
    },
  };
  return f;
}

async function start(env: Record<string, string> = {}, f = faults()) {
  const spool = tempDir();
  spools.push(spool);
  const collector = await openCollector(testConfig(dir.path, { LIFELINE_SPOOL_DIR: spool.path, ...env }), { wrapInsert: f.wrap });
  open.push(collector);
  return { collector, f, spool: spool.path };
}

beforeAll(async () => {
  // Migrate once, so the collectors below start on a ready schema.
  await (await start()).collector.close();
});
afterAll(async () => {
  for (const c of open) await c.close().catch(() => {});
  for (const s of spools) s.remove();
  dir.remove();
});

async function waitFor(check: () => Promise<boolean> | boolean, what: string, ms = 20_000) {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sessionEvents = (session: string, n: number): StoredEvent[] =>
  Array.from({ length: n }, (_, i) => makeEvent(i % 3 ? 'track' : 'pageview', { session_id: session }));

async function ready(c: Collector) {
  const res = await c.app.request('/ready');
  return { status: res.status, body: ReadyResponse.parse(await res.json()) };
}

describe('spool and replay across a storage outage', () => {
  it('acknowledges from disk while storage fails, then stores every event exactly once when it is back', async () => {
    const { collector, f, spool } = await start();
    f.failing = true;
    const session = `s-${randomUUID()}`;
    const batches = Array.from({ length: 5 }, () => makeBatch(sessionEvents(session, 20)));
    for (const b of batches) {
      const res = await postBatch(collector.app, b);
      expect(res.status).toBe(200);
      expect(BatchAck.parse(await res.json())).toEqual({ batch_id: b.batch_id, stored: 20 });
    }
    // One batch delivered twice, as an edge retry after a lost acknowledgement would.
    expect((await postBatch(collector.app, batches[2])).status).toBe(200);

    expect(await countEvents(collector.storage, { session_id: session })).toBe(0);
    const during = await ready(collector);
    expect(during.status).toBe(200);
    expect(during.body).toMatchObject({ accepting: true, spool: { rows: 120 } });
    expect(during.body.storage.error).toMatch(/ECONNREFUSED/);
    expect(readdirSync(spool).some((n) => n.startsWith('segment-'))).toBe(true);

    f.failing = false;
    await waitFor(async () => (await ready(collector)).body.spool.rows === 0, 'the spool to drain');
    expect(await countEvents(collector.storage, { session_id: session })).toBe(100);
    // Replayed in order: the first batch's rows were inserted first.
    const firstReplayed = f.inserts.flat().find((r) => r.session_id === session)!;
    expect(firstReplayed.event_id).toBe(batches[0]!.events[0]!.event_id);
    // A drained spool keeps no segment files.
    expect(readdirSync(spool).filter((n) => n.startsWith('segment-'))).toEqual([]);

    // The edge's retry of an acknowledged batch, after recovery: still counted once.
    expect((await postBatch(collector.app, batches[4])).status).toBe(200);
    expect(await countEvents(collector.storage, { session_id: session })).toBe(100);
    await collector.close();
  });

  it('keeps spooled rows across a restart and replays them when storage answers again', async () => {
    const first = await start();
    first.f.failing = true;
    const session = `s-${randomUUID()}`;
    const batch = makeBatch(sessionEvents(session, 30));
    expect((await postBatch(first.collector.app, batch)).status).toBe(200);
    await first.collector.close();

    // A new collector on the same spool directory, with storage working.
    const spoolEnv = { LIFELINE_SPOOL_DIR: first.spool };
    const again = await openCollector(testConfig(dir.path, spoolEnv));
    open.push(again);
    await waitFor(async () => (await ready(again)).body.spool.rows === 0, 'the restarted spool to drain');
    expect(await countEvents(again.storage, { session_id: session })).toBe(30);
    await again.close();
  });

  it('flushes waiting rows to the spool on close when storage is down', async () => {
    const { collector, f, spool } = await start({ LIFELINE_BATCH_MAX_WAIT_MS: '60000' });
    f.failing = true;
    const session = `s-${randomUUID()}`;
    const pending = postBatch(collector.app, makeBatch(sessionEvents(session, 7)));
    await waitFor(() => collector.batcher.buffered === 7, 'the batch to wait in the buffer');
    await collector.close();
    expect((await pending).status).toBe(200);

    const again = await openCollector(testConfig(dir.path, { LIFELINE_SPOOL_DIR: spool }));
    open.push(again);
    await waitFor(async () => (await ready(again)).body.spool.rows === 0, 'the spool to drain');
    expect(await countEvents(again.storage, { session_id: session })).toBe(7);
    await again.close();
  });
});

describe('rows storage refuses', () => {
  it('isolates a row ClickHouse cannot parse and stores the rest (insertIsolating on real chDB)', async () => {
    const { collector } = await start();
    const session = `s-${randomUUID()}`;
    const rows = sessionEvents(session, 64).map(eventToRow);
    // A row that got past validation but not past the engine: an event ID it cannot parse.
    rows[37] = { ...rows[37]!, event_id: 'not-a-uuid' };
    let inserts = 0;
    const r = await insertIsolating(rows, (part) => {
      inserts++;
      return insertEvents(collector.storage, part);
    });
    expect(r.unwritten).toEqual([]);
    expect(r.refused.map((x) => x.row.event_id)).toEqual(['not-a-uuid']);
    expect(r.refused[0]!.reason).toMatch(/UUID/i);
    expect(inserts).toBeLessThanOrEqual(2 * Math.log2(64) + 1);
    expect(await countEvents(collector.storage, { session_id: session })).toBe(63);
    await collector.close();
  });

  it('dead-letters a poison row of a batch with its reason and acknowledges the rest, stored', async () => {
    const { collector, spool } = await start();
    const { client, database } = collector.storage;
    // An operator's constraint stands in for any row valid to the protocol but refused by the engine.
    await client.command({ query: `ALTER TABLE ${database}.events ADD CONSTRAINT no_poison CHECK message != 'poison'` });
    try {
      const session = `s-${randomUUID()}`;
      const events = sessionEvents(session, 40);
      events[13] = makeEvent('error', { session_id: session, message: 'poison' });
      const res = await postBatch(collector.app, makeBatch(events));
      expect(res.status).toBe(200);
      expect(await countEvents(collector.storage, { session_id: session })).toBe(39);

      const lines = readFileSync(`${spool}/dead-letter.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ reason: expect.stringMatching(/VIOLATED_CONSTRAINT|no_poison/), row: { event_id: events[13]!.event_id, message: 'poison' } });
      expect(Date.parse(lines[0].at)).toBeGreaterThan(Date.now() - 60_000);
      expect((await ready(collector)).body.spool.dead_letters).toBe(1);

      // The same during a replay: the spool moves on past the poison row.
      const outage = await start();
      outage.f.failing = true;
      const later = sessionEvents(`${session}-replay`, 10);
      later[4] = makeEvent('log', { session_id: `${session}-replay`, level: 'error', message: 'poison' });
      expect((await postBatch(outage.collector.app, makeBatch(later))).status).toBe(200);
      outage.f.failing = false;
      await waitFor(async () => (await ready(outage.collector)).body.spool.rows === 0, 'the spool to drain past the poison row');
      expect(await countEvents(collector.storage, { session_id: `${session}-replay` })).toBe(9);
      expect(existsSync(`${outage.spool}/dead-letter.jsonl`)).toBe(true);
      await outage.collector.close();
    } finally {
      await client.command({ query: `ALTER TABLE ${database}.events DROP CONSTRAINT no_poison` });
    }
    await collector.close();
  });

  it('stores text with a lone surrogate (a message cut inside an emoji) instead of failing the insert', async () => {
    const { collector } = await start();
    const session = `s-${randomUUID()}`;
    const e = makeEvent('error', { session_id: session, message: 'Payment failed 😀'.slice(0, -1) });
    expect((await postBatch(collector.app, makeBatch([e]))).status).toBe(200);
    const rs = await collector.storage.client.query({
      query: `SELECT message FROM ${collector.storage.database}.events WHERE session_id = {s:String}`,
      query_params: { s: session },
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([{ message: 'Payment failed \ufffd' }]);
    await collector.close();
  });
});

describe('backpressure', () => {
  it('answers 503 with Retry-After once the insert buffer is full, before reading the body', async () => {
    const f = faults();
    let release!: () => void;
    f.gate = new Promise((r) => (release = r));
    const { collector } = await start({ LIFELINE_BATCH_MAX_ROWS: '10', LIFELINE_BUFFER_MAX_ROWS: '10', LIFELINE_BATCH_MAX_WAIT_MS: '0' }, f);
    const session = `s-${randomUUID()}`;
    const held = postBatch(collector.app, makeBatch(sessionEvents(session, 10)));
    await waitFor(() => collector.batcher.buffered === 10, 'the buffer to fill');

    const res = await postBatch(collector.app, makeBatch(sessionEvents(session, 1)));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(ErrorResponse.parse(await res.json())).toMatchObject({ error: 'unavailable', reason: expect.stringMatching(/buffer full.*retry/) });
    const r = await ready(collector);
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({ accepting: false, buffer: { rows: 10, max_rows: 10 } });

    release();
    expect((await held).status).toBe(200);
    expect((await postBatch(collector.app, makeBatch(sessionEvents(session, 1)))).status).toBe(200);
    await collector.close();
  });

  it('answers 503 with Retry-After once storage is away and the spool is full', async () => {
    const s = await start({ LIFELINE_SPOOL_MAX_BYTES: String(1024 * 1024) });
    s.f.failing = true;
    const big = () => makeBatch(Array.from({ length: 500 }, () => makeEvent('error', { session_id: 's-full', message: 'x'.repeat(1500) })));
    let status = 200;
    for (let i = 0; i < 10 && status === 200; i++) status = (await postBatch(s.collector.app, big())).status;
    expect(status).toBe(503);
    const res = await postBatch(s.collector.app, big());
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('30');
    expect(ErrorResponse.parse(await res.json()).reason).toMatch(/spool is full/);
    expect((await ready(s.collector)).body).toMatchObject({ accepting: false, storage: { reachable: true } });
    await s.collector.close();
  });
});

describe('duplicates', () => {
  it('counts retried, duplicated and overlapping batches once, concurrently or not', async () => {
    const { collector } = await start();
    const session = `s-${randomUUID()}`;
    const events = sessionEvents(session, 50);
    const a = makeBatch(events.slice(0, 30));
    const b = makeBatch(events.slice(20)); // overlaps a by 10 events
    const results = await Promise.all([a, a, b, a, b].map((batch) => postBatch(collector.app, batch)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    // A retry through the edge is re-enriched: new received_at and batch_id, same event IDs.
    expect((await postBatch(collector.app, makeBatch(events.map((e) => ({ ...e, received_at: e.received_at + 7 }))))).status).toBe(200);
    expect(await countEvents(collector.storage, { session_id: session })).toBe(50);
    expect(await countRows(collector.storage)).toBeGreaterThanOrEqual(50);
    await collector.close();
  });
});
