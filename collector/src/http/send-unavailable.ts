import type { Context } from 'hono';
import type { Refusal } from '../ingest/ingest';
import { sendError } from './errors';

/**
 * Answers 503 with `Retry-After` for a refusal (buffer or spool full, shutting down): the
 * sender keeps the batch and retries it, which is safe because storage de-duplicates.
 *
 * @example return sendUnavailable(c, ingest.refusal()!)
 */
export function sendUnavailable(c: Context, refusal: Refusal): Response {
  return sendError(c, 503, 'unavailable', `${refusal.reason}; retry the same request`, {
    headers: { 'Retry-After': String(refusal.retryAfter) },
  });
}
