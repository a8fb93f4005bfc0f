import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { TimelineResponse, type EventKind, type StoredEvent } from '@lifeline/protocol';
import { deriveEventId } from '../../src/ingest/derive-event-id';
import { TOKENS, auth, makeEvent } from '../helpers';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Events per posted batch, as the edge forwards them. */
export const BATCH_EVENTS = 500;

/** A positive integer from the environment (a larger opt-in run), or `fallback`. */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}

const KINDS: EventKind[] = ['pageview', 'track', 'track', 'network', 'vital', 'error', 'log', 'degrade', 'flag'];

/**
 * The event IDs of batch `key`: derived from it, so a test can name a batch's events
 * again later without keeping them (which would weigh on its memory figures).
 */
export function eventIds(key: string, n = BATCH_EVENTS): string[] {
  return Array.from({ length: n }, (_, i) => deriveEventId('reliability', `${key}/${i}`));
}

/**
 * The events of batch `key`, all of one session (so the timeline of that session reads
 * the batch back), in a mix of every kind, weighted towards what a store sends most.
 */
export function mixedEvents(session: string, key: string, n = BATCH_EVENTS): StoredEvent[] {
  return eventIds(key, n).map((event_id, i) => makeEvent(KINDS[i % KINDS.length]!, { session_id: session, event_id }));
}

/** One batch as the senders track it through the hops. */
export interface Tracked {
  session: string;
  ids: string[];
  /** The JSON posted (kept until acknowledged, then dropped to keep long runs small). */
  body: string | undefined;
  posts: number;
  acked: boolean;
}

/**
 * How the collector's own read path returns one batch's session: rows, distinct event IDs,
 * and how many of the batch's IDs are among them.
 */
export interface ReadBack {
  rows: number;
  distinct: number;
  found: number;
}

type Fetch = (path: string, init: RequestInit) => Response | Promise<Response>;

/** Reads `b`'s session through `GET /v1/timeline` (which keeps one row per `event_id`). */
export async function readBack(fetchPath: Fetch, b: Pick<Tracked, 'session' | 'ids'>): Promise<ReadBack> {
  const res = await fetchPath(`/v1/timeline?session_id=${encodeURIComponent(b.session)}&limit=10000`, { headers: auth(TOKENS.demo) });
  if (res.status !== 200) throw new Error(`timeline of ${b.session} answered ${res.status}: ${await res.text()}`);
  const ids = TimelineResponse.parse(await res.json()).events.map((e) => e.event_id);
  const distinct = new Set(ids);
  return { rows: ids.length, distinct: distinct.size, found: b.ids.filter((id) => distinct.has(id)).length };
}

/** Batches per session: a session's timeline (at most 10,000 rows) then reads 20 batches at once. */
export const BATCHES_PER_SESSION = 20;

/** The session of the `k`-th batch of a run. */
export const sessionOf = (run: string, k: number) => `${run}-${Math.floor(k / BATCHES_PER_SESSION)}`;

/**
 * Reads the sessions of `batches` back through the timeline, a few at a time, and sums
 * what the read path returned: `stored` = the batches' events found, `duplicated` = rows
 * beyond one per `event_id`, `others` = rows of the same sessions not among `batches`
 * (other batches of a session), `incomplete` = sessions missing some of their events.
 */
export async function readAll(fetchPath: Fetch, batches: readonly Pick<Tracked, 'session' | 'ids'>[], concurrency = 4) {
  const bySession = new Map<string, string[]>();
  for (const b of batches) bySession.set(b.session, [...(bySession.get(b.session) ?? []), ...b.ids]);
  const sessions = [...bySession].map(([session, ids]) => ({ session, ids }));
  const sum = { stored: 0, duplicated: 0, others: 0, incomplete: 0, queries: sessions.length };
  let next = 0;
  const worker = async () => {
    while (next < sessions.length) {
      const b = sessions[next++]!;
      const r = await readBack(fetchPath, b);
      sum.stored += r.found;
      sum.duplicated += r.rows - r.distinct;
      sum.others += r.distinct - r.found;
      if (r.found < b.ids.length) sum.incomplete++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return sum;
}

/** Milliseconds, as a promise. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` until it holds, or throws naming `what` after `ms`. */
export async function waitFor(check: () => Promise<boolean> | boolean, what: string, ms = 60_000, every = 50): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(every);
  }
}

/**
 * A full garbage collection, so a heap sample counts what is still referenced rather
 * than garbage not yet collected. (`--expose-gc` set at run time; the function lives in a
 * fresh context.)
 */
export const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

export const MiB = 1024 * 1024;
export const mib = (bytes: number) => Math.round((bytes / MiB) * 10) / 10;

/**
 * Prints the figures as one line and keeps them in
 * `test-artifacts/reliability/collector-<name>.json` (git-ignored) beside the other
 * fault tests' figures.
 */
export function report(name: string, figures: Record<string, unknown>): void {
  const dir = join(root, 'test-artifacts', 'reliability');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `collector-${name}.json`), JSON.stringify({ at: new Date().toISOString(), ...figures }, null, 2) + '\n');
  console.log(`collector-${name}: ${JSON.stringify(figures)}`);
}
