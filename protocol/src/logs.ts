import { z } from 'zod';
import { LIMITS, LOG_LEVELS } from './limits';
import { epochMs, eventId, props, text, traceId } from './primitives';

/**
 * One backend log record, as a store's backend posts it to the collector's `POST /v1/logs`
 * (a JSON array, or JSON lines). The collector turns it into a `log` event.
 * `event_id` is optional: without one the collector derives it from the record's content,
 * so a re-sent record is still stored once.
 */
export const BackendLog = z.object({
  event_id: eventId.optional(),
  /** Epoch milliseconds, or an ISO 8601 date-time string. */
  timestamp: z.union([epochMs, z.iso.datetime({ offset: true })]),
  level: z.enum(LOG_LEVELS),
  message: text(LIMITS.message),
  service: text(LIMITS.label).optional(),
  request_id: text(LIMITS.id).optional(),
  trace_id: traceId.optional(),
  session_id: text(LIMITS.id).optional(),
  user_id: text(LIMITS.id).optional(),
  order_id: text(LIMITS.id).optional(),
  release: text(LIMITS.label).optional(),
  environment: text(LIMITS.label).optional(),
  url: text(LIMITS.url).optional(),
  attributes: props.optional(),
});

export const BackendLogs = z.array(BackendLog).min(1).max(LIMITS.logsPerRequest);

export type BackendLog = z.infer<typeof BackendLog>;

/** The collector's answer to `POST /v1/logs`, sent once every record is durably stored. */
export const LogsAck = z.object({
  stored: z.number().int().nonnegative(),
});

export type LogsAck = z.infer<typeof LogsAck>;
