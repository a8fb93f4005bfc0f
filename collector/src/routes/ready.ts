import type { Handler } from 'hono';
import type { ReadyResponse } from '@lifeline/protocol';
import type { Ingest } from '../ingest/ingest';
import type { ProbeResult } from '../storage/storage-probe';

export interface ReadyRouteOptions {
  ingest: Ingest;
  /** Pings storage (cached briefly). */
  probe: () => Promise<ProbeResult>;
  /** Migrations applied. */
  schemaReady: () => boolean;
}

/**
 * `GET /ready` (no token: it says nothing about the data): 200 when the collector takes
 * batches now, 503 when it would refuse them (shutting down, insert buffer full, storage
 * away and spool full). A collector whose storage is away but whose spool has room is
 * still ready: it acknowledges batches from disk. The body says whether storage answers
 * and how much waits in the spool.
 *
 * @example curl -s http://127.0.0.1:4000/ready
 */
export function readyRoute(options: ReadyRouteOptions): Handler {
  const { ingest } = options;
  return async function getReady(c) {
    const probe = await options.probe();
    const refusal = ingest.refusal();
    const spool = ingest.spool.stats();
    const body: ReadyResponse = {
      accepting: refusal === null,
      ...(refusal ? { reason: refusal.reason } : {}),
      storage: {
        reachable: probe.reachable,
        schema_ready: options.schemaReady(),
        ...(probe.error ? { error: probe.error } : ingest.state.error ? { error: ingest.state.error } : {}),
      },
      spool: {
        bytes: spool.bytes,
        records: spool.records,
        rows: spool.rows,
        max_bytes: ingest.spoolMaxBytes,
        ...(spool.oldestAt !== undefined ? { oldest_at: spool.oldestAt } : {}),
        dead_letters: ingest.deadLetters.count,
      },
      buffer: { rows: ingest.batcher.buffered, max_rows: ingest.bufferMaxRows },
    };
    return c.json(body, refusal === null ? 200 : 503, { 'Cache-Control': 'no-store' });
  };
}
