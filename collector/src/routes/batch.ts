import type { Handler } from 'hono';
import { CollectorBatch, describeIssues, type BatchAck, type StoredEvent } from '@lifeline/protocol';
import { BatcherClosedError, BatcherFullError } from '../ingest/batcher';
import { errorMessage, type Logger } from '../log';
import { sendError } from '../http/errors';
import { readJsonBody } from '../http/read-body';

export interface BatchRouteOptions {
  /** Resolves once the events are durably stored. */
  ingest: (events: StoredEvent[]) => Promise<void>;
  maxBytes: number;
  log: Logger;
}

/**
 * `POST /v1/batch`: validates the whole batch (refusing it whole if any event is bad, so it
 * is never half-written), hands the events to the insert buffer and acknowledges only once
 * they are stored. A storage failure answers 503 with Retry-After so the edge retries;
 * retries are safe because storage and queries de-duplicate by event_id.
 */
export function batchRoute(options: BatchRouteOptions): Handler {
  const { ingest, maxBytes, log } = options;
  return async function postBatch(c) {
    const body = await readJsonBody(c.req.raw, maxBytes);
    if (!body.ok) return sendError(c, body.status, body.error, body.reason);

    const parsed = CollectorBatch.safeParse(body.value);
    if (!parsed.success) {
      const { reason, issues } = describeIssues(parsed.error);
      return sendError(c, 400, 'invalid_batch', `batch refused: ${reason}`, { issues });
    }

    const { batch_id, events } = parsed.data;
    try {
      await ingest(events);
    } catch (err) {
      const [retryAfter, reason] =
        err instanceof BatcherFullError
          ? ['1', 'collector is busy: insert buffer full']
          : err instanceof BatcherClosedError
            ? ['2', 'collector is shutting down']
            : ['5', 'storage unavailable: insert failed'];
      log.warn('batch not stored', { batch_id, events: events.length, reason: errorMessage(err) });
      return sendError(c, 503, 'unavailable', `${reason}; retry the same batch`, { headers: { 'Retry-After': retryAfter } });
    }
    const ack: BatchAck = { batch_id, stored: events.length };
    return c.json(ack, 200);
  };
}
