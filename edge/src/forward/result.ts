import { HttpError } from '../errors';

/** The outcome of forwarding one batch, as the ingest route needs it. */
export type ForwardResult =
  | { ok: true; attempts: number }
  /** Worth retrying later: the collector or queue is away, or the edge's credentials were refused. */
  | { ok: false; kind: 'unavailable'; reason: string; retryAfterSeconds: number }
  /** The collector refused this batch for good (a 4xx other than 401/403/408/429). */
  | { ok: false; kind: 'rejected'; status: number; reason: string };

/** What the browser is told when forwarding failed. */
export function forwardFailure(result: Exclude<ForwardResult, { ok: true }>): HttpError {
  if (result.kind === 'unavailable') {
    return new HttpError(503, 'collector_unavailable', `${result.reason}; nothing was accepted, retry later`, {
      headers: { 'Retry-After': String(result.retryAfterSeconds) },
    });
  }
  // Retrying identical bytes would get the same refusal, so no Retry-After: the batch is
  // dropped by the SDK and the mismatch between edge and collector shows in the edge's logs.
  return new HttpError(502, 'collector_rejected', `${result.reason}; the batch was not stored and should not be retried`);
}
