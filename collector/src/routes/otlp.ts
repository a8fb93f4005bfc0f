import type { Handler } from 'hono';
import { LIMITS } from '@lifeline/protocol';
import { refusalFor, type Ingest, type Refusal } from '../ingest/ingest';
import { collectorMetrics } from '../metrics/collector-metrics';
import { errorMessage, type Logger } from '../log';
import type { IngestAuthEnv } from '../http/require-ingest-token';
import { decodeUtf8 } from '../http/read-body';
import { readBodyBytes } from '../http/read-body-bytes';
import { mapOtlpLogs } from '../otlp/logs';
import type { MapContext, MappedRequest } from '../otlp/mapped';
import { sendOtlpError } from '../otlp/status';
import { mapOtlpTraces } from '../otlp/traces';

export interface OtlpRouteOptions {
  ingest: Ingest;
  /** Largest body, after gzip is undone. */
  maxBytes: number;
  log: Logger;
}

/** Per signal: how a request maps, and how the partial-success answer names what was refused. */
const SIGNALS = {
  logs: { map: mapOtlpLogs, rejectedField: 'rejectedLogRecords', what: 'log records' },
  traces: { map: mapOtlpTraces, rejectedField: 'rejectedSpans', what: 'spans' },
} as const satisfies Record<string, { map: (body: unknown, ctx: MapContext) => MappedRequest | null; rejectedField: string; what: string }>;

const unavailable = (refusal: Refusal) => ({ 'Retry-After': String(refusal.retryAfter) });

/**
 * `POST /otlp/v1/logs` and `POST /otlp/v1/traces` (ingest token): OTLP/HTTP with JSON
 * bodies (`Content-Type: application/json`, optionally gzip), so a backend's OpenTelemetry
 * exporter pointed at `http://collector:4000/otlp` lands on the same timeline as the
 * browser (see `otlp/logs.ts` and `otlp/traces.ts` for the mapping). Binary protobuf is
 * answered 415 with the setting to change.
 *
 * Answers follow OTLP/HTTP: `200 {}` when everything was taken, `200 { partialSuccess:
 * { rejectedLogRecords | rejectedSpans, errorMessage } }` when some items were refused
 * and the rest stored, 400 for a body that is not an export request, 503 with Retry-After
 * when the collector cannot take it now (exporters retry those).
 */
export function otlpRoute(signal: keyof typeof SIGNALS, options: OtlpRouteOptions): Handler<IngestAuthEnv> {
  const { ingest, maxBytes, log } = options;
  const { map, rejectedField, what } = SIGNALS[signal];
  return async function postOtlp(c) {
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type === 'application/x-protobuf') {
      return sendOtlpError(c, 415, 'unsupported_media_type', 'OTLP protobuf is not supported; send JSON (OTEL_EXPORTER_OTLP_PROTOCOL=http/json)');
    }
    if (type !== 'application/json') {
      return sendOtlpError(c, 415, 'unsupported_media_type', `Content-Type must be application/json (got ${type || 'none'})`);
    }
    const early = ingest.refusal();
    if (early) return sendOtlpError(c, 503, 'unavailable', `${early.reason}; retry later`, unavailable(early));

    // A body that cannot be read counts as one refused request, as on `/v1/batch`.
    const unreadable = (status: Parameters<typeof sendOtlpError>[1], error: Parameters<typeof sendOtlpError>[2], reason: string) => {
      collectorMetrics.ingestRejected.inc(1, { reason: error });
      return sendOtlpError(c, status, error, reason);
    };
    const body = await readBodyBytes(c.req.raw, maxBytes);
    if (!body.ok) return unreadable(body.status, body.error, body.reason);
    const text = decodeUtf8(body.bytes);
    if (typeof text !== 'string') return unreadable(text.status, text.error, text.reason);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      return unreadable(400, 'invalid_json', `body is not JSON: ${errorMessage(err)}`);
    }

    const project = c.get('project');
    const mapped = map(json, { project, receivedAt: Date.now() });
    if (!mapped) return sendOtlpError(c, 400, 'invalid_logs', `body is not an OTLP export request for ${what}`);
    if (mapped.events.length > LIMITS.logsPerRequest) {
      return sendOtlpError(c, 413, 'payload_too_large', `at most ${LIMITS.logsPerRequest} records per request; send smaller batches`);
    }

    const rows = mapped.events.map(ingest.toRow);
    try {
      await ingest.add(rows);
    } catch (err) {
      const refusal = refusalFor(err);
      collectorMetrics.ingestRejected.inc(rows.length, { reason: refusal.code });
      log.warn('OTLP request not stored', { project, signal, records: rows.length, reason: errorMessage(err) });
      return sendOtlpError(c, 503, 'unavailable', `${refusal.reason}; retry later`, unavailable(refusal));
    }
    collectorMetrics.ingestEvents.inc(rows.length, { route: 'otlp' });
    if (mapped.rejected === 0) return c.json({}, 200);
    collectorMetrics.ingestRejected.inc(mapped.rejected, { reason: 'invalid_otlp' });
    return c.json({ partialSuccess: { [rejectedField]: mapped.rejected, errorMessage: mapped.errors.join('; ') } }, 200);
  };
}
