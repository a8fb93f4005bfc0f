import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorCode } from '../http/errors';

/** gRPC status codes OTLP/HTTP failure bodies carry (google.rpc.Status `code`). */
const GRPC_CODE: Partial<Record<ErrorCode, number>> = {
  invalid_json: 3,
  invalid_logs: 3,
  payload_too_large: 8,
  unsupported_media_type: 3,
  unauthorized: 16,
  forbidden: 7,
  unavailable: 14,
  internal: 13,
};

/**
 * An OTLP/HTTP failure: the spec wants a `google.rpc.Status` (`code`, `message`) in the
 * request's encoding; the body also carries the collector's own `error` and `reason`, so
 * it is an `ErrorResponse` too.
 *
 * @example return sendOtlpError(c, 415, 'unsupported_media_type', 'protobuf is not supported')
 */
export function sendOtlpError(
  c: Context,
  status: ContentfulStatusCode,
  error: ErrorCode,
  reason: string,
  headers: Record<string, string> = {},
): Response {
  return c.json({ code: GRPC_CODE[error] ?? 2, message: reason, error, reason }, status, headers);
}
