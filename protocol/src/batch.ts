import { z } from 'zod';
import { LIMITS, PROTOCOL_VERSION } from './limits';
import { epochMs, nonEmpty, text } from './primitives';
import { StoredEvent } from './events';

/**
 * The SDK's batch, as posted to the edge's `POST /v1/events` with a `text/plain` body
 * (so browsers send it without a CORS preflight).
 *
 * The envelope is validated whole; `events` are validated one by one with `BrowserEvent`,
 * so one bad event is rejected with its index while the rest are accepted.
 */
export const SdkBatch = z.object({
  v: z.literal(PROTOCOL_VERSION),
  /** The project's public ingest key (also accepted as `?key=`). */
  key: nonEmpty(LIMITS.label),
  /** When the SDK sent the batch, by its clock. */
  sent_at: epochMs.optional(),
  sdk: z.object({ name: text(LIMITS.label), version: text(LIMITS.label) }).optional(),
  events: z.array(z.unknown()).min(1).max(LIMITS.sdkBatchEvents),
});

/** The edge's answer to an SDK batch: `202` with what it took and what it refused. */
export const IngestResponse = z.object({
  accepted: z.number().int().nonnegative(),
  rejected: z.array(z.object({ index: z.number().int().nonnegative(), reason: z.string() })),
});

/**
 * The edge → collector batch (`POST /v1/batch`, bearer secret). Every event is already
 * validated and enriched; the collector validates the whole batch again and refuses it
 * whole if any event is bad, so a batch is never half-written.
 */
export const CollectorBatch = z.object({
  v: z.literal(PROTOCOL_VERSION),
  /** Made by the sender; retries of a batch keep it. */
  batch_id: z.uuid(),
  events: z.array(StoredEvent).min(1).max(LIMITS.collectorBatchEvents),
});

/** The collector's answer to a batch, sent only once the rows are durably written. */
export const BatchAck = z.object({
  batch_id: z.uuid(),
  stored: z.number().int().nonnegative(),
});

/** Every 4xx/5xx from a Lifeline service: a stable code and a reason a person can read. */
export const ErrorResponse = z.object({
  error: z.string(),
  reason: z.string(),
  /** For validation failures: where in the input, and what was wrong. */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

export type SdkBatch = z.infer<typeof SdkBatch>;
export type IngestResponse = z.infer<typeof IngestResponse>;
export type CollectorBatch = z.infer<typeof CollectorBatch>;
export type BatchAck = z.infer<typeof BatchAck>;
export type ErrorResponse = z.infer<typeof ErrorResponse>;
