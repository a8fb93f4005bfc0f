import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StoredEvent } from '@lifeline/protocol';
import { ALERT_MIGRATIONS } from '../../src/alerts/queries/schema';
import { eventToRow } from '../../src/storage/event-row';
import { insertEvents } from '../../src/storage/insert-events';
import { migrate } from '../../src/storage/migrate';
import { openStorage, type Storage } from '../../src/storage/open-storage';
import { MIGRATIONS } from '../../src/storage/schema';
import { tempDir } from '../helpers';

/** A whole minute a little in the past, so crafted windows never reach into the future. */
export const NOW = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
export const MIN = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** Embedded chDB in a temp directory with the events and alerting tables. */
export async function openTestStorage(): Promise<{ storage: Storage; close: () => Promise<void> }> {
  const dir = tempDir();
  const storage = await openStorage({ kind: 'chdb', path: dir.path, database: 'lifeline' });
  // Alerting's migrations are listed again here so the test does not depend on how the
  // collector's schema list includes them; a version already applied is skipped.
  await migrate(storage, { retentionDays: 400, migrations: [...MIGRATIONS, ...ALERT_MIGRATIONS] });
  return {
    storage,
    close: async () => {
      await storage.close();
      dir.remove();
    },
  };
}

/** Forgets every alert, notification and dead letter, so a test starts from a clean state. */
export async function clearAlerts(storage: Storage): Promise<void> {
  for (const t of ['alert_state', 'alert_history', 'alert_dead_letters']) await storage.client.command({ query: `TRUNCATE TABLE ${storage.database}.${t}` });
}

export async function store(storage: Storage, events: StoredEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += 50_000) await insertEvents(storage, events.slice(i, i + 50_000).map(eventToRow));
}

/** A browser network call. */
export function call(ts: number, status: number, extra: { path?: string; method?: string; duration_ms?: number; project?: string } = {}): StoredEvent {
  return {
    kind: 'network',
    event_id: randomUUID(),
    ts: Math.round(ts),
    received_at: Math.round(ts) + 50,
    project: extra.project ?? 'demo',
    method: extra.method ?? 'POST',
    url: `https://shop.test${extra.path ?? '/api/pay'}?attempt=1`,
    status,
    duration_ms: extra.duration_ms ?? 120,
    request_id: randomUUID(),
    session_id: 's-alerts',
  } as StoredEvent;
}

/** `n` calls spread evenly over `[from, to)`, the first `bad` of them failing with 503. */
export function calls(n: number, bad: number, from: number, to: number, extra: Parameters<typeof call>[2] = {}): StoredEvent[] {
  return Array.from({ length: n }, (_, i) => call(from + ((to - from) * (i + 0.5)) / n, i < bad ? 503 : 200, extra));
}

/** A tracked event. */
export function tracked(ts: number, name: string): StoredEvent {
  return { kind: 'track', event_id: randomUUID(), ts, received_at: ts + 10, project: 'demo', name, session_id: `s-${randomUUID()}` } as StoredEvent;
}

export interface ReceivedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
}

/**
 * A real HTTP webhook receiver on a free port. `respond` picks each answer's status (and
 * may delay it); every request is recorded, whatever the answer.
 */
export async function startReceiver(respond: (req: ReceivedRequest, index: number) => number | Promise<number> = () => 200) {
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    let data = '';
    req.on('data', (d) => (data += d));
    req.on('end', async () => {
      const r: ReceivedRequest = { path: req.url ?? '', headers: req.headers, body: data ? JSON.parse(data) : undefined };
      received.push(r);
      const status = await respond(r, received.length - 1);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

/** A URL nobody listens on: a port that was free a moment ago. */
export async function deadUrl(): Promise<string> {
  const r = await startReceiver();
  await r.close();
  return r.url;
}
