import { summarize, type Summary } from '../../../edge/bench/stats';

export interface LoadOptions {
  /** The edge's base URL; only loopback addresses are accepted. */
  edgeUrl: string;
  key: string;
  /** Requests (SDK batches) per second, sent on a fixed schedule whatever the answers. */
  rate: number;
  durationMs: number;
  /** Events in each batch. @default 10 */
  eventsPerRequest?: number;
  /** Simulated browsers, each its own User-Agent and sessions (the edge limits per client). @default 50 */
  clients?: number;
  /** Requests allowed in flight; a slot that finds them all busy is skipped and counted. @default 256 */
  maxInFlight?: number;
  /** Events per session before a client starts a new one (the timeline is read per session). @default 2000 */
  sessionEvents?: number;
  /** A label in every event, to tell runs apart. */
  run: string;
}

export interface LoadResult {
  requests: number;
  /** Slots skipped because `maxInFlight` requests were still waiting: the generator never piles up. */
  skipped: number;
  /** Answers by status, with `+ra` when a `Retry-After` came with it (`503+ra`); `0` is no answer. */
  statuses: Record<string, number>;
  /** Events the edge acknowledged (202, not in `rejected`), and their sessions. */
  acked: Set<string>;
  sessions: Set<string>;
  eventsSent: number;
  latency: Summary;
  durationMs: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function batchOf(options: LoadOptions, session: string, count: number): { body: string; ids: string[] } {
  const now = Date.now();
  const ids: string[] = [];
  const events = Array.from({ length: count }, (_, i) => {
    const event_id = crypto.randomUUID();
    ids.push(event_id);
    const base = { event_id, ts: now, session_id: session, url: 'http://127.0.0.1/load' };
    switch (i % 5) {
      case 0:
        return { ...base, kind: 'pageview', title: 'Load' };
      case 1:
        return { ...base, kind: 'vital', name: 'LCP', value: 800 + i, rating: 'good' };
      default:
        return { ...base, kind: 'track', name: 'load', props: { run: options.run, i, note: 'x'.repeat(64) } };
    }
  });
  return { body: JSON.stringify({ v: 1, key: options.key, sent_at: now, events }), ids };
}

/**
 * A bounded load on the edge's `POST /v1/events`: `rate` SDK batches a second for
 * `durationMs` from `clients` simulated browsers, then stops by itself. Open loop (a slow
 * answer does not slow the schedule, as real traffic would not wait either), bounded by
 * `maxInFlight`, and refusing any address but loopback.
 *
 * @example await generateLoad({ edgeUrl: 'http://127.0.0.1:8787', key: 'pk_demo', rate: 20, durationMs: 15_000, run: 'r1' })
 */
export async function generateLoad(options: LoadOptions): Promise<LoadResult> {
  const url = new URL('/v1/events', options.edgeUrl);
  if (!LOOPBACK.has(url.hostname)) throw new Error(`the load generator only targets loopback, not ${url.hostname}`);
  if (!(options.rate > 0 && options.rate <= 2000)) throw new Error('rate must be between 1 and 2000 requests a second');
  const perRequest = options.eventsPerRequest ?? 10;
  const clients = options.clients ?? 50;
  const maxInFlight = options.maxInFlight ?? 256;
  const sessionEvents = options.sessionEvents ?? 2000;

  const result: LoadResult = { requests: 0, skipped: 0, statuses: {}, acked: new Set(), sessions: new Set(), eventsSent: 0, latency: summarize([]), durationMs: 0 };
  const latencies: number[] = [];
  const sessions = Array.from({ length: clients }, () => ({ id: '', used: sessionEvents }));
  const inFlight = new Set<Promise<void>>();

  const send = async (client: number) => {
    const s = sessions[client]!;
    if (s.used + perRequest > sessionEvents) Object.assign(s, { id: `${options.run}-c${client}-${crypto.randomUUID().slice(0, 8)}`, used: 0 });
    s.used += perRequest;
    result.sessions.add(s.id);
    const { body, ids } = batchOf(options, s.id, perRequest);
    result.eventsSent += ids.length;
    const started = performance.now();
    let status = '0';
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain', 'User-Agent': `lifeline-load/1.0 (client ${client})` },
        body,
        signal: AbortSignal.timeout(30_000),
      });
      status = `${res.status}${res.headers.has('retry-after') ? '+ra' : ''}`;
      const answer = (await res.json().catch(() => ({}))) as { rejected?: Array<{ index: number }> };
      if (res.status === 202) {
        const rejected = new Set((answer.rejected ?? []).map((r) => r.index));
        ids.forEach((id, i) => rejected.has(i) || result.acked.add(id));
      }
    } catch {
      // No answer at all (refused, reset or timed out): counted as status 0.
    }
    latencies.push(performance.now() - started);
    result.statuses[status] = (result.statuses[status] ?? 0) + 1;
  };

  const began = Date.now();
  const interval = 1000 / options.rate;
  for (let n = 0; ; n++) {
    const due = began + n * interval;
    if (due - began >= options.durationMs) break;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (inFlight.size >= maxInFlight) {
      result.skipped++;
      continue;
    }
    result.requests++;
    const p = send(n % clients).finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  result.durationMs = Date.now() - began;
  result.latency = summarize(latencies);
  return result;
}
