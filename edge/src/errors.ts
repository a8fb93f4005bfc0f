import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ErrorResponse } from '@lifeline/protocol';
import { log } from './log';

/**
 * An error that is the answer: thrown anywhere in a request, turned into an
 * `ErrorResponse` body with this status by `onError`.
 *
 * @example throw new HttpError(403, 'unknown_key', 'the ingest key is not known')
 */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly issues: ErrorResponse['issues'];
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    code: string,
    reason: string,
    extra: { issues?: ErrorResponse['issues']; headers?: Record<string, string> } = {},
  ) {
    super(reason);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.issues = extra.issues;
    this.headers = extra.headers ?? {};
  }

  /** The wire body; `issues` only when there are any. */
  toBody(): ErrorResponse {
    const body: ErrorResponse = { error: this.code, reason: this.message };
    if (this.issues && this.issues.length > 0) body.issues = this.issues;
    return body;
  }
}

function respond(c: Context, err: HttpError): Response {
  return c.json(err.toBody(), err.status as 400, err.headers);
}

/**
 * The app's error handler: every failure leaves as an `ErrorResponse`. Unexpected
 * exceptions become a 500 whose reason says nothing about internals; the log line
 * keeps the message and stack for whoever runs the edge.
 */
export function onError(err: Error, c: Context): Response {
  if (err instanceof HttpError) {
    // 502/503 were logged where forwarding failed; a 500 here is a broken config.
    if (err.status === 500) log('error', 'request failed', { path: c.req.path, error: err.code, reason: err.message });
    return respond(c, err);
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    return respond(c, new HttpError(status, status >= 500 ? 'internal' : 'bad_request', err.message || 'request refused'));
  }
  log('error', 'unexpected exception', { path: c.req.path, message: err.message, stack: err.stack });
  return respond(c, new HttpError(500, 'internal', 'the edge failed unexpectedly; nothing was accepted, retry later'));
}

/** Unknown routes answer 404 in the `ErrorResponse` shape. */
export function notFound(c: Context): Response {
  return respond(c, new HttpError(404, 'not_found', `no route for ${c.req.method} ${c.req.path}`));
}

/**
 * A handler for known paths called with a method they do not serve: 405 with `Allow`.
 *
 * @example app.on(['GET', 'PUT'], '/v1/events', methodNotAllowed(['POST', 'OPTIONS']))
 */
export function methodNotAllowed(allowed: readonly string[]) {
  return function methodNotAllowed(c: Context): Response {
    return respond(
      c,
      new HttpError(405, 'method_not_allowed', `${c.req.path} accepts ${allowed.join(', ')}`, {
        headers: { Allow: allowed.join(', ') },
      }),
    );
  };
}
