import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ReadyResponse } from '@lifeline/protocol';
import { openStorage } from '../../src/storage/open-storage';
import { SECRET, auth, makeBatch, tempDir, testEnv } from '../helpers';
import { BATCH_EVENTS, envInt, mixedEvents, readAll, report, sessionOf, sleep, waitFor, type Tracked } from './support';

/**
 * The real collector process (`src/main.ts` on embedded chDB) killed with SIGKILL in the
 * middle of a large concurrent ingest, then started again on the same data directory and
 * spool while the senders retry every batch that was not acknowledged, as the edge does.
 * Counted at each hop: every acknowledged event is stored before any retry, every sent
 * event is stored after the retries, and the timeline returns each one once.
 *
 * LIFELINE_FAULT_EVENTS (default 30,000) and LIFELINE_FAULT_SENDERS (16) size the run;
 * `npm run faults` makes it long.
 */

const EVENTS = envInt('LIFELINE_FAULT_EVENTS', 30_000);
const SENDERS = envInt('LIFELINE_FAULT_SENDERS', 16);
/** Kill once this share of the batches (in percent) is acknowledged. */
const KILL_AT_PERCENT = envInt('LIFELINE_FAULT_KILL_AT_PERCENT', 40);
const BATCHES = Math.ceil(EVENTS / BATCH_EVENTS);

const collectorDir = fileURLToPath(new URL('../..', import.meta.url));
const dir = tempDir();
const children: ChildProcess[] = [];
afterAll(async () => {
  // A failed assertion can leave a collector running; stop it before removing its directory.
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
  dir.remove();
});

/** Starts `src/main.ts` on `dir` (data directory and the spool beside it) and waits for its ready line. */
async function start(): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  const env = { ...process.env, CLICKHOUSE_URL: '', LIFELINE_COLLECTOR_PORT: '0', ...testEnv(dir.path, { LIFELINE_SPOOL_DIR: dir.spool }) };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: collectorDir, env, stdio: 'pipe' });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line; stderr: ${err}`)), 30_000);
    child.stdout!.on('data', () => {
      const m = /^collector listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before ready; stderr: ${err}`)));
  });
  return { child, url, stderr: () => err };
}

async function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const [code] = await once(child, 'exit');
  return code as number | null;
}

/**
 * Senders posting every batch until it is acknowledged (200), as edge locations would:
 * a 503 is retried after its `Retry-After`, a connection that fails waits until the
 * collector is back (`resume`) and retries. New batches are made as senders take them.
 */
function senders(count: number) {
  const batches: Tracked[] = [];
  let base = '';
  let back: Promise<void> = Promise.resolve();
  let resume = () => {};
  const s = { inFlight: 0, acked: 0, posts: 0, failedPosts: 0, refused: new Map<string, number>(), unexpected: [] as string[] };

  const take = (): Tracked | undefined => {
    if (batches.length >= BATCHES) return undefined;
    const session = sessionOf('kill', batches.length);
    const batch = makeBatch(mixedEvents(session, `kill-${batches.length}`, Math.min(BATCH_EVENTS, EVENTS - batches.length * BATCH_EVENTS)));
    const b: Tracked = { session, ids: batch.events.map((e) => e.event_id), body: JSON.stringify(batch), posts: 0, acked: false };
    batches.push(b);
    return b;
  };

  const deliver = async (b: Tracked) => {
    while (!b.acked) {
      await back;
      b.posts++;
      s.posts++;
      s.inFlight++;
      let status: number;
      let retryAfter: string | null = null;
      try {
        const res = await fetch(`${base}/v1/batch`, {
          method: 'POST',
          headers: { ...auth(SECRET), 'content-type': 'application/json' },
          body: b.body,
        });
        status = res.status;
        retryAfter = res.headers.get('retry-after');
        await res.body?.cancel();
      } catch {
        // Connection refused or reset: the collector is gone. Wait for it, then retry.
        s.failedPosts++;
        continue;
      } finally {
        s.inFlight--;
      }
      if (status === 200) {
        b.acked = true;
        b.body = undefined;
        s.acked++;
      } else if (status === 503 && retryAfter) {
        s.refused.set(`503:${retryAfter}`, (s.refused.get(`503:${retryAfter}`) ?? 0) + 1);
        await sleep(Math.min(Number(retryAfter), 2) * 1000);
      } else {
        s.unexpected.push(String(status));
        return;
      }
    }
  };

  let done: Promise<unknown> | undefined;
  return {
    batches,
    stats: s,
    /** Starts (or points the senders at) the collector at `url`. */
    go(url: string) {
      base = url;
      resume();
      done ??= Promise.all(
        Array.from({ length: count }, async () => {
          for (let b = take(); b; b = take()) await deliver(b);
        }),
      );
    },
    /** From now on, a sender whose post fails waits for the next `go` before retrying. */
    hold() {
      back = new Promise((r) => (resume = r));
    },
    finished: () => done!,
  };
}

async function ready(url: string) {
  return ReadyResponse.parse(await (await fetch(`${url}/ready`)).json());
}

describe('reliability: the collector killed with SIGKILL under a large concurrent ingest', () => {
  it('stores every acknowledged event before any retry, every sent event after the retries, each once', { timeout: 120_000 + EVENTS * 2 }, async () => {
    const began = Date.now();
    const first = await start();
    const load = senders(SENDERS);
    const started = Date.now();
    load.go(first.url);

    // Kill once enough is acknowledged, at a random moment of the next quarter second (so
    // not always just after a write was acknowledged), with requests still in flight.
    await waitFor(() => load.stats.acked >= Math.ceil((BATCHES * KILL_AT_PERCENT) / 100), 'acknowledgements', 60_000 + EVENTS, 2);
    const jitterMs = Math.floor(Math.random() * 250);
    await sleep(jitterMs);
    await waitFor(() => load.stats.inFlight > 0, 'a request in flight', 10_000, 1);
    load.hold();
    first.child.kill('SIGKILL');
    const kill = {
      jitter_ms: jitterMs,
      after_ms: Date.now() - started,
      acked_events: load.batches.filter((b) => b.acked).reduce((n, b) => n + b.ids.length, 0),
      in_flight_requests: load.stats.inFlight,
      batches_made: load.batches.length,
    };
    expect(await exitCode(first.child)).toBe(null);
    // Every request in flight at the kill has now failed, or was answered before the
    // process died (a signal takes a moment to land): those count as acknowledged.
    await waitFor(() => load.stats.inFlight === 0, 'the in-flight requests to fail');
    const ackedAtKill = load.batches.filter((b) => b.acked);
    const ackedAtKillEvents = ackedAtKill.reduce((n, b) => n + b.ids.length, 0);
    const unackedAtKill = load.batches.filter((b) => !b.acked);

    // Same data directory and spool, as a supervisor would restart it; retries wait for now.
    const restartAt = Date.now();
    const second = await start();
    const restartMs = Date.now() - restartAt;
    const spoolAtRestart = (await ready(second.url)).spool;
    await waitFor(async () => (await ready(second.url)).spool.rows === 0, 'the spool to drain after the restart');
    const timeline = (path: string, init: RequestInit) => fetch(`${second.url}${path}`, init);
    const beforeRetry = await readAll(timeline, ackedAtKill);
    // Batches whose answer the kill cut off may be stored all the same (their retry is then a duplicate).
    const unackedStored = await readAll(timeline, unackedAtKill);

    // The senders retry what was not acknowledged and send the rest.
    load.go(second.url);
    await load.finished();
    const after = await readAll(timeline, load.batches);
    second.child.kill('SIGTERM');
    expect(await exitCode(second.child)).toBe(0);

    // Physical rows against distinct events, for information: retried batches that had
    // been stored before the kill are on disk twice until ClickHouse merges them.
    const storage = await openStorage({ kind: 'chdb', path: dir.path, database: 'lifeline' });
    let physical: { rows: number; distinct: number };
    try {
      const rs = await storage.client.query({ query: 'SELECT count() AS rows, uniqExact(event_id) AS distinct FROM lifeline.events', format: 'JSONEachRow' });
      const [row] = await rs.json<{ rows: string | number; distinct: string | number }>();
      physical = { rows: Number(row!.rows), distinct: Number(row!.distinct) };
    } finally {
      await storage.close();
    }

    const sent = load.batches.reduce((n, b) => n + b.ids.length, 0);
    const retried = load.batches.filter((b) => b.posts > 1);
    const figures = {
      events: EVENTS,
      batch_events: BATCH_EVENTS,
      senders: SENDERS,
      sent,
      acknowledged: load.batches.filter((b) => b.acked).reduce((n, b) => n + b.ids.length, 0),
      stored: after.stored,
      duplicated: after.duplicated,
      acked_when_signalled: kill.acked_events,
      acked_at_kill: ackedAtKillEvents,
      acked_at_kill_stored_before_retry: beforeRetry.stored,
      acked_at_kill_duplicated_before_retry: beforeRetry.duplicated,
      kill_after_ms: kill.after_ms,
      kill_jitter_ms: kill.jitter_ms,
      kill_in_flight_requests: kill.in_flight_requests,
      kill_unacked_batches: unackedAtKill.length,
      kill_unacked_events_already_stored: unackedStored.stored,
      retried_batches: retried.length,
      retried_events: retried.reduce((n, b) => n + b.ids.length, 0),
      failed_posts: load.stats.failedPosts,
      refused: Object.fromEntries(load.stats.refused),
      restart_ms: restartMs,
      spool_at_restart_rows: spoolAtRestart.rows,
      physical_rows: physical.rows,
      physical_distinct: physical.distinct,
      physical_duplicates: physical.rows - physical.distinct,
      total_ms: Date.now() - began,
    };
    report('sigkill', figures);

    expect(load.stats.unexpected).toEqual([]);
    expect(kill.in_flight_requests).toBeGreaterThan(0);
    expect(ackedAtKillEvents).toBeGreaterThan(0);
    expect(unackedAtKill.length).toBeGreaterThan(0);
    // No acknowledged event missing, even before the edge's retries.
    expect(beforeRetry.stored).toBe(ackedAtKillEvents);
    expect(beforeRetry.duplicated).toBe(0);
    // Every event sent is stored once the retries are done, and read back once.
    expect(sent).toBe(EVENTS);
    expect(figures.acknowledged).toBe(EVENTS);
    expect(after.stored).toBe(EVENTS);
    expect(after.incomplete).toBe(0);
    expect(after.others).toBe(0);
    expect(after.duplicated).toBe(0);
    expect(physical.distinct).toBe(EVENTS);
  });
});
