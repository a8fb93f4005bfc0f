import { readFileSync, readdirSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { afterAll, describe, expect, it } from 'vitest';
import { ReadyResponse } from '@lifeline/protocol';
import { openCollector, type Collector } from '../../src/collector';
import { decodeRecord, splitLines } from '../../src/spool/record';
import type { EventRow } from '../../src/storage/event-row';
import { SECRET, auth, countEvents, countRows, makeBatch, postBatch, tempDir, testConfig } from '../helpers';
import { BATCH_EVENTS, MiB, collectGarbage, envInt, eventIds, mib, mixedEvents, readAll, report, sessionOf, sleep, waitFor, type Tracked } from './support';

/**
 * ClickHouse unavailable for a while under a steady ingest, with a fault injector around
 * the real chDB insert that fails like an unreachable server. While it fails, every batch
 * acknowledged must be in the disk spool; once storage is back the replayer drains the
 * spool and every acknowledged event is stored once. Then the same outage with a small
 * spool and a storm of senders that ignore `Retry-After`: once the spool is full the
 * collector answers 503 `Retry-After: 30` before reading bodies, the spool stays within its
 * limit and memory stays bounded, not growing with the bytes posted.
 *
 * Sizes from the environment for a long opt-in run (`npm run faults`):
 * LIFELINE_FAULT_OUTAGE_MS (default 3000), LIFELINE_FAULT_RATE (events/s, 5000),
 * LIFELINE_FAULT_SENDERS (8), LIFELINE_FAULT_SPOOL_MIB (4), LIFELINE_FAULT_STORM_MIB (bytes
 * posted at the full spool, 128).
 */

const OUTAGE_MS = envInt('LIFELINE_FAULT_OUTAGE_MS', 3_000);
const RATE = envInt('LIFELINE_FAULT_RATE', 5_000);
const SENDERS = envInt('LIFELINE_FAULT_SENDERS', 8);
const SPOOL_MAX = envInt('LIFELINE_FAULT_SPOOL_MIB', 4) * MiB;
const STORM_BYTES = envInt('LIFELINE_FAULT_STORM_MIB', 128) * MiB;
/** Storage works this long before the outage and after the spool drained. */
const STEADY_MS = 1_000;
/** Rows per insert (and so per spool record) in the storm: records far smaller than the spool. */
const STORM_BATCH_ROWS = 2_000;

/**
 * Bound on the growth of live JS memory (heap and buffers, after full collections) from
 * before the storm, at every eighth of it and at its end. What may be held then: up to
 * about 1 MiB per request in flight (its body on both ends of the socket and, for the few
 * accepted before the spool filled, parsed events and rows); and, whatever the storm's
 * length, rows waiting in the insert buffer (a record or two: every write fails at once on
 * the full spool), the spool's bookkeeping (a few numbers per record), code and metric
 * series the storm warmed up, and this test's list of acknowledged sessions: 8 MiB. So
 * 16 MiB with the default 8 senders. A collector that kept refused bodies or rows would
 * pass it before the second checkpoint of the default storm (32 MiB posted).
 */
const LIVE_GROWTH_BOUND = 8 * MiB + SENDERS * MiB;
/**
 * Bound on the resident set's growth at its peak, garbage included: bodies of ~180 KB
 * arrive as fast as the loopback carries them, V8 lets its young generation (up to 48 MiB)
 * and its large objects fill before collecting, buffers are released by a sweeper after
 * that, and malloc keeps the arenas it grew. A guard against gross growth: twice the
 * default storm's posted bytes, an eighth of the long run's.
 */
const RSS_GROWTH_BOUND = 256 * MiB;

const dir = tempDir();
const spools: ReturnType<typeof tempDir>[] = [];
const open: Collector[] = [];
afterAll(async () => {
  for (const c of open) await c.close().catch(() => {});
  for (const s of spools) s.remove();
  dir.remove();
});

/** A storage that refuses inserts like an unreachable server while `failing`. */
function faults() {
  const f = {
    failing: false,
    /** Inserts refused while failing (the replayer's probes and the writes that found storage down). */
    refused: 0,
    /** When the last insert succeeded (epoch ms). */
    lastOk: 0,
    wrap: (insert: (rows: EventRow[]) => Promise<void>) => async (rows: EventRow[]) => {
      if (f.failing) {
        f.refused++;
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' });
      }
      await insert(rows);
      f.lastOk = Date.now();
    },
  };
  return f;
}

async function start(env: Record<string, string>) {
  const spool = tempDir();
  spools.push(spool);
  const f = faults();
  const collector = await openCollector(testConfig(dir.path, { LIFELINE_SPOOL_DIR: spool.path, ...env }), { wrapInsert: f.wrap });
  open.push(collector);
  return { collector, f, spoolDir: spool.path };
}

async function ready(c: Collector) {
  const res = await c.app.request('/ready');
  return { status: res.status, body: ReadyResponse.parse(await res.json()) };
}

/** Event IDs in the spool's segment files: what the spool would replay. */
function spooledIds(spoolDir: string): Set<string> {
  const ids = new Set<string>();
  for (const name of readdirSync(spoolDir).filter((n) => n.startsWith('segment-'))) {
    for (const line of splitLines(readFileSync(join(spoolDir, name))).lines) {
      const r = decodeRecord(line);
      if (r.ok) for (const row of r.rows) ids.add(row.event_id);
    }
  }
  return ids;
}

function segmentBytes(spoolDir: string): number {
  return readdirSync(spoolDir)
    .filter((n) => n.startsWith('segment-'))
    .reduce((n, name) => n + statSync(join(spoolDir, name)).size, 0);
}

type Phase = 'before' | 'outage' | 'after';

describe('reliability: storage unavailable under a steady ingest', () => {
  it('acknowledges from the spool through the outage, then stores every acknowledged event once', { timeout: 180_000 + OUTAGE_MS * 10 }, async () => {
    const { collector, f, spoolDir } = await start({});
    const batches: (Tracked & { startedIn: Phase; ackedIn?: Phase })[] = [];
    let phase: Phase = 'before';
    let stop = false;
    const refused = new Map<string, number>();
    const unexpected: string[] = [];
    let spoolPeak = { bytes: 0, rows: 0 };

    // A steady rate: batch k is due at k × interval, taken by whichever sender is free.
    const interval = (BATCH_EVENTS / RATE) * 1000;
    const began = Date.now();
    const sender = async () => {
      while (!stop) {
        const k = batches.length;
        const session = sessionOf('outage', k);
        const batch = makeBatch(mixedEvents(session, `outage-${k}`));
        const b: (typeof batches)[number] = { session, ids: batch.events.map((e) => e.event_id), body: JSON.stringify(batch), posts: 0, acked: false, startedIn: phase };
        batches.push(b);
        await sleep(Math.max(0, began + k * interval - Date.now()));
        b.startedIn = phase;
        // Every batch is retried until acknowledged, as the edge does.
        while (!b.acked) {
          b.posts++;
          const res = await postBatch(collector.app, b.body!);
          if (res.status === 200) {
            b.acked = true;
            b.ackedIn = phase;
            b.body = undefined;
          } else if (res.status === 503 && res.headers.get('retry-after')) {
            const key = `503:${res.headers.get('retry-after')}`;
            refused.set(key, (refused.get(key) ?? 0) + 1);
            await sleep(250);
          } else {
            unexpected.push(`${res.status} ${await res.text()}`);
            return;
          }
        }
      }
    };
    const sampler = setInterval(() => {
      const s = collector.ingest.spool.stats();
      if (s.bytes > spoolPeak.bytes) spoolPeak = { bytes: s.bytes, rows: s.rows };
    }, 50);
    const running = Promise.all(Array.from({ length: SENDERS }, sender));
    try {
      await sleep(STEADY_MS);
      phase = 'outage';
      f.failing = true;
      const outageAt = Date.now();
      await sleep(OUTAGE_MS);

      // Still down: what was acknowledged during the outage (and posted after it began, so
      // its insert could not have started before) must be in the spool's files.
      const duringOutage = batches.filter((b) => b.startedIn === 'outage' && b.ackedIn === 'outage');
      const spooled = spooledIds(spoolDir);
      const outageIds = duringOutage.flatMap((b) => b.ids);
      const missingFromSpool = outageIds.filter((id) => !spooled.has(id)).length;
      const duringReady = await ready(collector);

      phase = 'after';
      f.failing = false;
      const outageMs = Date.now() - outageAt;
      const backAt = Date.now();
      // The replayer notices at its next retry (its backoff grew through the outage), then
      // catches up with the spool, which the senders keep adding to until it is empty.
      await waitFor(() => f.lastOk >= backAt, 'the first insert after the outage', 60_000 + OUTAGE_MS * 2, 10);
      const noticedMs = f.lastOk - backAt;
      await waitFor(() => collector.ingest.spool.empty, 'the spool to drain', 120_000 + OUTAGE_MS * 4, 10);
      const recoveryMs = Date.now() - backAt;
      await sleep(STEADY_MS);
      stop = true;
      await running;
      await waitFor(() => collector.ingest.spool.empty, 'the spool to drain');
      clearInterval(sampler);

      const readAt = Date.now();
      const read = await readAll((path, init) => collector.app.request(path, init), batches);
      const readMs = Date.now() - readAt;
      const sent = batches.reduce((n, b) => n + b.ids.length, 0);
      const ackedIn = (p: Phase) => batches.filter((b) => b.ackedIn === p).reduce((n, b) => n + b.ids.length, 0);
      const figures = {
        rate_events_per_s: RATE,
        senders: SENDERS,
        sent,
        acknowledged: batches.filter((b) => b.acked).reduce((n, b) => n + b.ids.length, 0),
        stored: read.stored,
        duplicated: read.duplicated,
        acked_before_outage: ackedIn('before'),
        acked_during_outage: ackedIn('outage'),
        acked_during_outage_checked: outageIds.length,
        acked_during_outage_checked_in_spool: outageIds.length - missingFromSpool,
        acked_after_outage: ackedIn('after'),
        outage_ms: outageMs,
        storage_back_noticed_ms: noticedMs,
        recovery_ms: recoveryMs,
        spool_peak_bytes: spoolPeak.bytes,
        spool_peak_rows: spoolPeak.rows,
        spool_at_outage_end: { rows: duringReady.body.spool.rows, bytes: duringReady.body.spool.bytes },
        failed_inserts: f.refused,
        refused,
        retried_batches: batches.filter((b) => b.posts > 1).length,
        physical_rows: await countRows(collector.storage),
        physical_distinct: await countEvents(collector.storage),
        read_back_ms: readMs,
        read_back_queries: read.queries,
        total_ms: Date.now() - began,
      };
      report('storage-outage', figures);

      expect(unexpected).toEqual([]);
      expect(duringOutage.length).toBeGreaterThan(0);
      expect(missingFromSpool).toBe(0);
      expect(duringReady).toMatchObject({ status: 200, body: { accepting: true } });
      expect(duringReady.body.spool.rows).toBeGreaterThanOrEqual(outageIds.length);
      expect(figures.acknowledged).toBe(sent);
      expect(read.stored).toBe(sent);
      expect(read.incomplete).toBe(0);
      expect(read.others).toBe(0);
      expect(read.duplicated).toBe(0);
      expect(figures.physical_distinct).toBe(sent);
      expect(readdirSync(spoolDir).filter((n) => n.startsWith('segment-'))).toEqual([]);
    } finally {
      stop = true;
      clearInterval(sampler);
      f.failing = false;
      await running;
    }
    await collector.close();
  });

  it('with a small spool: 503 Retry-After once it is full, the spool within its limit, memory bounded; then stores every acknowledged event once', { timeout: 180_000 + STORM_BYTES / 1000 }, async () => {
    const { collector, f, spoolDir } = await start({
      LIFELINE_SPOOL_MAX_BYTES: String(SPOOL_MAX),
      LIFELINE_BATCH_MAX_ROWS: String(STORM_BATCH_ROWS),
    });
    f.failing = true;
    // Over a real socket, so refused bodies cross the HTTP server as they would in production.
    const server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: collector.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s as Server)) as Server;
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    // Only each batch's session is kept (its events' IDs derive from it), so this test's
    // own bookkeeping stays out of the memory figures.
    interface Storm {
      session: string;
      body: string;
    }
    const acked: string[] = [];
    const abandoned: string[] = [];
    const answers = new Map<string, number>();
    let posted = 0;
    let firstRefusal: { at_posted_mib: number; spool_bytes: number } | undefined;
    const samples: { t: number; rss: number; heap: number; external: number; spool: number }[] = [];
    /** JS memory still referenced (heap + buffers, after a full collection) as the posted bytes grow. */
    const retained: { posted_mib: number; mib: number; heap: number; external: number }[] = [];
    const parts = { heap: 0, external: 0 };
    const live = async () => {
      // Twice, a turn apart: buffers' memory is released by a sweeper after the first.
      collectGarbage();
      await new Promise((r) => setImmediate(r));
      collectGarbage();
      const m = process.memoryUsage();
      parts.heap = m.heapUsed;
      parts.external = m.external;
      return m.heapUsed + m.external;
    };

    const base = { live: await live(), rss: process.memoryUsage().rss, ...parts };
    const began = Date.now();
    const sample = () => {
      const m = process.memoryUsage();
      samples.push({ t: Date.now() - began, rss: m.rss, heap: m.heapUsed, external: m.external, spool: collector.ingest.spool.stats().bytes });
    };
    const sampler = setInterval(sample, 100);
    let checkpoint = STORM_BYTES / 8;

    // Senders that ignore Retry-After and post again at once: the worst a fleet of edges could do.
    const sender = async (n: number) => {
      let i = 0;
      const fresh = (): Storm => {
        const session = `storm-${n}-${i++}`;
        return { session, body: JSON.stringify(makeBatch(mixedEvents(session, session))) };
      };
      let b = fresh();
      while (posted < STORM_BYTES) {
        posted += b.body.length;
        const res = await fetch(`${url}/v1/batch`, { method: 'POST', headers: { ...auth(SECRET), 'content-type': 'application/json' }, body: b.body });
        const retryAfter = res.headers.get('retry-after');
        const key = retryAfter ? `${res.status}:${retryAfter}` : String(res.status);
        answers.set(key, (answers.get(key) ?? 0) + 1);
        await res.body?.cancel();
        if (res.status === 200) {
          acked.push(b.session);
          b = fresh();
        } else if (res.status === 503 && !firstRefusal) {
          firstRefusal = { at_posted_mib: mib(posted), spool_bytes: collector.ingest.spool.stats().bytes };
        }
        if (posted >= checkpoint) {
          checkpoint += STORM_BYTES / 8;
          retained.push({ posted_mib: mib(posted), mib: mib((await live()) - base.live), heap: mib(parts.heap - base.heap), external: mib(parts.external - base.external) });
        }
      }
      abandoned.push(b.session);
    };
    await Promise.all(Array.from({ length: SENDERS }, (_, n) => sender(n)));
    clearInterval(sampler);
    sample();
    const stormMs = Date.now() - began;
    const endLive = await live();

    const spoolStats = collector.ingest.spool.stats();
    const onDisk = segmentBytes(spoolDir);
    const full = await ready(collector);
    const spooled = spooledIds(spoolDir);
    const batchesOf = (sessions: string[]) => sessions.map((session) => ({ session, ids: eventIds(session) }));
    const ackedBatches = batchesOf(acked);
    const ackedIds = ackedBatches.flatMap((b) => b.ids);

    // Storage returns: the replayer drains the small spool, and batches are taken again.
    f.failing = false;
    const backAt = Date.now();
    await waitFor(() => collector.ingest.spool.empty, 'the spool to drain', 120_000);
    const recoveryMs = Date.now() - backAt;
    const noticedMs = f.lastOk - backAt;
    const afterStatus = (await postBatch(collector.app, makeBatch(mixedEvents('storm-after', 'storm-after')))).status;
    const read = await readAll((path, init) => collector.app.request(path, init), ackedBatches);
    const notAcked = await readAll((path, init) => collector.app.request(path, init), batchesOf(abandoned));
    await new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    });

    const peakRss = Math.max(...samples.map((s) => s.rss));
    const every = Math.max(1, Math.ceil(samples.length / 16));
    const figures = {
      senders: SENDERS,
      spool_max_bytes: SPOOL_MAX,
      posted_mib: mib(posted),
      posts: [...answers.values()].reduce((a, b) => a + b, 0),
      answers: Object.fromEntries(answers),
      acknowledged: ackedIds.length,
      acknowledged_in_spool: ackedIds.filter((id) => spooled.has(id)).length,
      stored: read.stored,
      duplicated: read.duplicated,
      refused_then_stored: notAcked.stored,
      first_503: firstRefusal,
      spool_bytes: spoolStats.bytes,
      spool_rows: spoolStats.rows,
      spool_segment_bytes_on_disk: onDisk,
      spool_peak_bytes: Math.max(...samples.map((s) => s.spool)),
      storm_ms: stormMs,
      storage_back_noticed_ms: noticedMs,
      recovery_ms: recoveryMs,
      memory_mib: {
        base_rss: mib(base.rss),
        peak_rss: mib(peakRss),
        rss_growth_peak: mib(peakRss - base.rss),
        base_live: mib(base.live),
        end_live: mib(endLive),
        live_growth_end: mib(endLive - base.live),
        live_growth_max: Math.max(...retained.map((r) => r.mib)),
        peak_heap_uncollected: mib(Math.max(...samples.map((s) => s.heap))),
      },
      retained_by_posted_mib: retained,
      memory_samples_mib: samples.filter((_, i) => i % every === 0).map((s) => ({ t: s.t, rss: mib(s.rss), heap: mib(s.heap), external: mib(s.external) })),
    };
    report('storage-outage-spool-full', figures);

    // Once full, every further batch is refused up front with the spool's Retry-After.
    expect(answers.get('503:30')).toBeGreaterThan(0);
    expect([...answers.keys()].every((k) => k === '200' || /^503:\d+$/.test(k))).toBe(true);
    expect(firstRefusal!.spool_bytes).toBeGreaterThan(SPOOL_MAX / 2);
    expect(full).toMatchObject({ status: 503, body: { accepting: false } });
    // The spool holds exactly what was acknowledged, and never more than its limit.
    expect(figures.spool_peak_bytes).toBeLessThanOrEqual(SPOOL_MAX);
    expect(onDisk).toBeLessThanOrEqual(SPOOL_MAX);
    expect(spoolStats.rows).toBe(ackedIds.length);
    expect(figures.acknowledged_in_spool).toBe(ackedIds.length);
    // Memory does not grow with the bytes posted.
    expect(retained.length).toBe(8);
    for (const r of retained) expect(r.mib * MiB).toBeLessThan(LIVE_GROWTH_BOUND);
    expect(endLive - base.live).toBeLessThan(LIVE_GROWTH_BOUND);
    expect(peakRss - base.rss).toBeLessThan(RSS_GROWTH_BOUND);
    // Storage back: every acknowledged event stored once, and batches taken again.
    expect(afterStatus).toBe(200);
    expect(read.stored).toBe(ackedIds.length);
    expect(read.incomplete).toBe(0);
    expect(read.duplicated).toBe(0);
    await collector.close();
  });
});
