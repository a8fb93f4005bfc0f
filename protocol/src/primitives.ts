import { z } from 'zod';
import { FORBIDDEN_KEYS, LIMITS } from './limits';

/** A string of at most `max` characters. */
export const text = (max: number) => z.string().max(max);

/** A non-empty string of at most `max` characters. */
export const nonEmpty = (max: number) => z.string().min(1).max(max);

/** Milliseconds since the Unix epoch, as sent by clocks we do not control. */
export const epochMs = z.number().int().nonnegative().max(8.64e15);

/** A key in a user-supplied map: bounded, and never one that pollutes prototypes. */
const propKey = nonEmpty(LIMITS.propKey).refine((k) => !FORBIDDEN_KEYS.includes(k), {
  message: 'forbidden key',
});

/** Scalar property values; nested objects are refused so every value fits one column. */
export const propValue = z.union([text(LIMITS.propValue), z.number(), z.boolean(), z.null()]);

const hasForbiddenKey = (v: unknown) =>
  typeof v === 'object' && v !== null && Object.keys(v).some((k) => FORBIDDEN_KEYS.includes(k));

/**
 * A flat map of properties (`track` props, error context, log attributes).
 * zod silently drops a `__proto__` key; we refuse it instead, so the sender learns why.
 */
export const props = z
  .unknown()
  .refine((v) => !hasForbiddenKey(v), { message: `keys ${FORBIDDEN_KEYS.join(', ')} are forbidden` })
  .pipe(z.record(propKey, propValue))
  .refine((o) => Object.keys(o).length <= LIMITS.propKeys, { message: `at most ${LIMITS.propKeys} keys` });

/** An event ID made by the client; retries keep it, so storage de-duplicates by it. */
export const eventId = z.uuid();

/** A W3C trace ID: 32 lowercase hex characters. */
export const traceId = z.string().regex(/^[0-9a-f]{32}$/, 'trace_id must be 32 lowercase hex characters');

/** A feature name: `checkout`, `payments`, `search`… */
export const featureName = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,63}$/, 'feature names are lowercase letters, digits, _ and -, at most 64');

export type Props = z.infer<typeof props>;
