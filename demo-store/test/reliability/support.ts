import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import type { StoredEvent } from '@lifeline/protocol';
import type { Harness } from '../support/harness';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** What the pages of a test sent to the edge and what it answered, per event. */
export interface Deliveries {
  /** Every `event_id` the pages posted, with how many posts carried it. */
  sent: Map<string, { posts: number; acked: number; name?: string; props?: Record<string, unknown> }>;
  /** Statuses of the posts, with `Retry-After` where one was given (`503:10`). */
  answers: string[];
}

interface PostedEvent {
  event_id: string;
  kind: string;
  name?: string;
  props?: Record<string, unknown>;
}

/**
 * Watches a page's posts to `/v1/events` (fetch, keepalive and beacons alike) and the
 * edge's answers, so a test can count what was sent, acknowledged and sent twice.
 */
export function watchDeliveries(page: Page, into: Deliveries = { sent: new Map(), answers: [] }): Deliveries {
  const events = (body: string | null): PostedEvent[] => {
    try {
      return (JSON.parse(body ?? '') as { events?: PostedEvent[] }).events ?? [];
    } catch {
      return [];
    }
  };
  page.on('request', (request) => {
    if (!request.url().includes('/v1/events')) return;
    for (const e of events(request.postData())) {
      const seen = into.sent.get(e.event_id) ?? { posts: 0, acked: 0, ...(e.name ? { name: e.name } : {}), ...(e.props ? { props: e.props } : {}) };
      seen.posts++;
      into.sent.set(e.event_id, seen);
    }
  });
  page.on('response', (response) => {
    if (!response.url().includes('/v1/events') || response.request().method() !== 'POST') return;
    const retryAfter = response.headers()['retry-after'];
    into.answers.push(retryAfter ? `${response.status()}:${retryAfter}` : String(response.status()));
    if (response.status() !== 202) return;
    for (const e of events(response.request().postData())) into.sent.get(e.event_id)!.acked++;
  });
  return into;
}

/** The events stored for `sessionId`, as the collector's timeline returns them. */
export async function stored(h: Harness, sessionId: string): Promise<StoredEvent[]> {
  return (await h.timeline(`/v1/timeline?session_id=${encodeURIComponent(sessionId)}&limit=10000`)).events;
}

/** The counts a reliability test reports: the same four for every fault. */
export interface Figures {
  recorded: number;
  sent: number;
  acknowledged: number;
  stored: number;
  /** Events the pages posted more than once (retries after a failure or a 503), each stored once all the same. */
  retried: number;
  /** Rows the timeline returned twice for one `event_id`: must be 0. */
  duplicated: number;
  [more: string]: number | string;
}

/** A probe's index, when `props` are those of `track('probe', { run, i })` in run `run`. */
function probeIndex(name: unknown, props: unknown, run: string): number | undefined {
  const p = props as { run?: unknown; i?: unknown } | undefined;
  return name === 'probe' && p?.run === run && typeof p.i === 'number' ? p.i : undefined;
}

/**
 * Counts the `recorded` probes of `run` (`track('probe', { run, i })`, i = 0…recorded-1)
 * through each hop. `sent`/`acknowledged` come from the pages' own posts; a keepalive post
 * or beacon of a page already closed is seen leaving but its answer is not, so
 * `acknowledged` may be lower than `stored`.
 */
export function figures(recorded: number, run: string, deliveries: Deliveries, events: readonly StoredEvent[]): Figures {
  const posted = [...deliveries.sent.values()].filter((e) => probeIndex(e.name, e.props, run) !== undefined);
  const rows = events.filter((e) => e.kind === 'track' && probeIndex(e.name, e.props, run) !== undefined);
  return {
    recorded,
    sent: posted.length,
    acknowledged: posted.filter((e) => e.acked > 0).length,
    stored: new Set(rows.map((e) => probeIndex((e as { name: string }).name, (e as { props?: unknown }).props, run))).size,
    retried: posted.filter((e) => e.posts > 1).length,
    duplicated: rows.length - new Set(rows.map((e) => e.event_id)).size,
  };
}

/** Prints the figures and keeps them in `test-artifacts/reliability/<name>.json` for docs/reliability.md. */
export function report(name: string, result: Record<string, number | string>): void {
  const dir = join(root, 'test-artifacts', 'reliability');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), JSON.stringify({ at: new Date().toISOString(), ...result }, null, 2) + '\n');
  console.log(`${name}: ${JSON.stringify(result)}`);
}

/** Polls `check` until it holds or `ms` pass; answers whether it held. */
export async function eventually(check: () => Promise<boolean> | boolean, ms: number, every = 250): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, every));
  }
}
