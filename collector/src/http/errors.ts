import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorResponse } from '@lifeline/protocol';

/** Stable `error` codes of the collector's 4xx/5xx answers. */
export type ErrorCode =
  | 'unauthorized'
  | 'forbidden'
  | 'payload_too_large'
  | 'invalid_json'
  | 'invalid_batch'
  | 'invalid_query'
  | 'invalid_logs'
  | 'unsupported_media_type'
  | 'unavailable'
  | 'not_found'
  | 'internal';

/**
 * Answers with an `ErrorResponse` body, the one error shape of every Lifeline service.
 *
 * @example return sendError(c, 400, 'invalid_json', 'body is not JSON')
 */
export function sendError(
  c: Context,
  status: ContentfulStatusCode,
  error: ErrorCode,
  reason: string,
  extra: { issues?: ErrorResponse['issues']; headers?: Record<string, string> } = {},
): Response {
  const body: ErrorResponse = { error, reason, ...(extra.issues ? { issues: extra.issues } : {}) };
  return c.json(body, status, extra.headers);
}
