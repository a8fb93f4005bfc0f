import type { Handler } from 'hono';
import { LIMITS, PROTOCOL_VERSION, type CollectorBatch, type IngestResponse } from '@lifeline/protocol';
import type { Config } from '../config';
import type { AppEnv, Bindings } from '../env';
import { HttpError } from '../errors';
import { forwardFailure, forwarderFor, type Forwarder } from '../forward';
import { enrichmentFor } from '../ingest/enrich';
import { readEnvelope } from '../ingest/envelope';
import { rejectOversize, splitEvents } from '../ingest/split';
import { limitKey } from '../rate/limits';

export interface EventsOptions {
  /** Chooses where batches go. @default forwarderFor (queue when bound, else HTTP) */
  forwarder?: (env: Bindings, config: Config) => Forwarder;
}

/**
 * `POST /v1/events`: takes an SDK batch, spends its events from the key's rate limit,
 * validates each event alone, scrubs and enriches the good ones and forwards them as one
 * `CollectorBatch`. Answers 202 only once the queue or
 * the collector has the batch, so a 202 is a promise that nothing in it is lost.
 *
 * @example app.post('/v1/events', ingest())
 */
export function ingest(options: EventsOptions = {}): Handler<AppEnv> {
  const chooseForwarder = options.forwarder ?? forwarderFor;

  return async function ingest(c) {
    const config = c.var.config;
    const { batch, project } = await readEnvelope(c.req.raw, config);
    limitKey(config, batch.key, batch.events.length);
    const forwarder = chooseForwarder(c.env, config);

    // One limit per event whichever way it is forwarded, so a store sees the same answer
    // with or without a queue.
    const { accepted, rejected } = rejectOversize(splitEvents(batch.events, enrichmentFor(c.req.raw, project)), LIMITS.eventBytes);

    if (accepted.length === 0) {
      throw new HttpError(400, 'no_valid_events', `all ${rejected.length} events were rejected`, {
        issues: rejected.map((r) => ({ path: `events.${r.index}`, message: r.reason })),
      });
    }

    const outgoing: CollectorBatch = {
      v: PROTOCOL_VERSION,
      batch_id: crypto.randomUUID(),
      events: accepted.map((a) => a.event),
    };
    const result = await forwarder.send(outgoing);
    if (!result.ok) throw forwardFailure(result);

    const body: IngestResponse = { accepted: accepted.length, rejected };
    return c.json(body, 202);
  };
}
