import { z } from 'zod';
import { FEATURE_STATES, LIMITS, PROTOCOL_VERSION } from './limits';
import { epochMs, featureName, nonEmpty, text } from './primitives';

/** A feature's flag: its state, a message for customers, and an optional expiry back to `ok`. */
export const Flag = z.object({
  state: z.enum(FEATURE_STATES),
  message: text(LIMITS.message).optional(),
  /** Epoch ms after which the flag reverts to `ok` by itself. */
  until: epochMs.optional(),
});

/**
 * `GET /v1/status?key=…` (public, CORS-open, ETag) and each message of the stream
 * `GET /v1/status/stream?key=…` (Server-Sent Events, event name `STATUS_EVENT`): every known
 * feature's flag for the key's project. `version` grows with every change, so a client that
 * hears from both the poll and the stream keeps whichever is newer.
 */
export const StatusResponse = z.object({
  v: z.literal(PROTOCOL_VERSION),
  project: nonEmpty(LIMITS.label),
  version: z.number().int().nonnegative(),
  flags: z.record(featureName, Flag),
  updated_at: epochMs,
});

/** The SSE event name that carries a `StatusResponse`. */
export const STATUS_EVENT = 'status';

/** `PUT /v1/flags/:feature` (ops token): the new flag. `until` in the past is refused. */
export const FlagChange = Flag;

/** One audited change: who (the ops token's label), when, from → to. */
export const FlagHistoryEntry = z.object({
  feature: featureName,
  at: epochMs,
  actor: text(LIMITS.label),
  from: Flag,
  to: Flag,
  /** `ops` for a change made through the API, `expiry` when `until` passed. */
  cause: z.enum(['ops', 'expiry']),
});

/** `GET /v1/flags/history?limit=…` (ops token), newest first. */
export const FlagHistoryResponse = z.object({
  project: z.string(),
  history: z.array(FlagHistoryEntry),
});

export type Flag = z.infer<typeof Flag>;
export type StatusResponse = z.infer<typeof StatusResponse>;
export type FlagChange = z.infer<typeof FlagChange>;
export type FlagHistoryEntry = z.infer<typeof FlagHistoryEntry>;
export type FlagHistoryResponse = z.infer<typeof FlagHistoryResponse>;
