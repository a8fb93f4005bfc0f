import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Every API error: a code, a reason a person can read, and the request ID to quote. */
export const apiError = (c: Context, status: ContentfulStatusCode, error: string, reason: string) =>
  c.json({ error, reason, request_id: c.get('requestId') as string | undefined }, status);
