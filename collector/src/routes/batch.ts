import type { Handler } from 'hono';
import { CollectorBatch, describeIssues, type BatchAck } from '@lifeline/protocol';
import { parseBatchFast } from '../ingest/fast-batch';
import { refusalFor, type Ingest } from '../ingest/ingest';
import { collectorMetrics } from '../metrics/collector-metrics';
import { errorMessage, type Logger } from '../log';
import { guardReceivedAt } from '../storage/event-row';
import { sendError } from '../http/errors';
import { readJsonBody } from '../http/read-body';
import { sendUnavailable } from '../http/send-unavailable';

export interface BatchRouteOptions {
  ingest: Ingest;
  maxBytes: number;
  log: Logger;
}

/**
 * `POST /v1/batch`: validates the whole batch (refusing it whole if any event is bad, so it
 * is never half-written), hands its rows to the insert buffer and acknowledges only once
 * they are durable: in ClickHouse, or fsynced to the disk spool while ClickHouse is away.
 * When the buffer or spool is full it answers 503 with Retry-After before reading the
 * body; retries are safe because storage and queries de-duplicate by event_id.
 *
 * Validation takes the compiled fast path (`ingest/fast-batch`) and falls back to zod for
 * any batch the fast path cannot vouch for, which also gives the error's reasons.
 */
export function batchRoute(options: BatchRouteOptions): Handler {
  const { ingest, maxBytes, log } = options;
  return async function postBatch(c) {
    const early = ingest.refusal();
    if (early) return sendUnavailable(c, early);

    const body = await readJsonBody(c.req.raw, maxBytes);
    if (!body.ok) {
      collectorMetrics.ingestRejected.inc(1, { reason: body.error });
      return sendError(c, body.status, body.error, body.reason);
    }

    let batch = parseBatchFast(body.value, ingest.guard);
    if (!batch) {
      const parsed = CollectorBatch.safeParse(body.value);
      if (!parsed.success) {
        const { reason, issues } = describeIssues(parsed.error);
        const events = (body.value as { events?: unknown })?.events;
        collectorMetrics.ingestRejected.inc(Array.isArray(events) ? events.length : 1, { reason: 'invalid_batch' });
        return sendError(c, 400, 'invalid_batch', `batch refused: ${reason}`, { issues });
      }
      batch = { batch_id: parsed.data.batch_id, rows: parsed.data.events.map(ingest.toRow) };
    }

    const { batch_id, rows } = batch;
    // The sender's clock may be off too: such rows are stored at the collector's clock.
    const now = Date.now();
    for (const row of rows) guardReceivedAt(row, now, ingest.guard);
    try {
      await ingest.add(rows);
    } catch (err) {
      const refusal = refusalFor(err);
      collectorMetrics.ingestRejected.inc(rows.length, { reason: refusal.code });
      log.warn('batch not stored', { batch_id, events: rows.length, reason: errorMessage(err) });
      return sendUnavailable(c, refusal);
    }
    collectorMetrics.ingestEvents.inc(rows.length, { route: 'batch' });
    const ack: BatchAck = { batch_id, stored: rows.length };
    return c.json(ack, 200);
  };
}
