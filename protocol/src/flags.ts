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

/** `GET /v1/status?key=…`: every known feature's flag for the key's project. */
export const StatusResponse = z.object({
  v: z.literal(PROTOCOL_VERSION),
  project: nonEmpty(LIMITS.label),
  flags: z.record(featureName, Flag),
  updated_at: epochMs,
});

export type Flag = z.infer<typeof Flag>;
export type StatusResponse = z.infer<typeof StatusResponse>;
