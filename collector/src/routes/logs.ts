import type { Handler } from 'hono';
import { BackendLogs, describeIssues, type LogsAck } from '@lifeline/protocol';
import { backendLogToEvent } from '../ingest/backend-log-event';
import { refusalFor, type Ingest } from '../ingest/ingest';
import { collectorMetrics } from '../metrics/collector-metrics';
import { errorMessage, type Logger } from '../log';
import type { IngestAuthEnv } from '../http/require-ingest-token';
import { sendError } from '../http/errors';
import { decodeUtf8 } from '../http/read-body';
import { readBodyBytes } from '../http/read-body-bytes';
import { sendUnavailable } from '../http/send-unavailable';

export interface LogsRouteOptions {
  ingest: Ingest;
  /** Largest body, after gzip is undone. */
  maxBytes: number;
  log: Logger;
}

/**
 * Parses a body that is a JSON array, or JSON lines (one record per line, blank lines
 * ignored, `application/x-ndjson`). A line that is not JSON is named by its number.
 */
function parseRecords(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    try {
      return { ok: true, value: JSON.parse(trimmed) };
    } catch (err) {
      return { ok: false, reason: `body is not JSON: ${errorMessage(err)}` };
    }
  }
  const records: unknown[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line));
    } catch (err) {
      return { ok: false, reason: `line ${i + 1} is not JSON: ${errorMessage(err)}` };
    }
  }
  return { ok: true, value: records };
}

/**
 * `POST /v1/logs` (ingest token): a backend's log records, as a JSON array of `BackendLog`
 * or as JSON lines, stored as `log` events of the token's project. Every record is
 * validated first and one bad record refuses the whole request (400 with each problem's
 * path, e.g. `3.timestamp`), so nothing is half-written. `200 { stored }` comes once the
 * rows are durable, 503 with Retry-After when the collector cannot take them now.
 */
export function logsRoute(options: LogsRouteOptions): Handler<IngestAuthEnv> {
  const { ingest, maxBytes, log } = options;
  return async function postLogs(c) {
    // A body that cannot be read counts as one refused request, as on `/v1/batch`.
    const unreadable = (status: Parameters<typeof sendError>[1], error: Parameters<typeof sendError>[2], reason: string) => {
      collectorMetrics.ingestRejected.inc(1, { reason: error });
      return sendError(c, status, error, reason);
    };
    const early = ingest.refusal();
    if (early) return sendUnavailable(c, early);

    const body = await readBodyBytes(c.req.raw, maxBytes);
    if (!body.ok) return unreadable(body.status, body.error, body.reason);
    const text = decodeUtf8(body.bytes);
    if (typeof text !== 'string') return unreadable(text.status, text.error, text.reason);
    const records = parseRecords(text);
    if (!records.ok) return unreadable(400, 'invalid_json', records.reason);

    const parsed = BackendLogs.safeParse(records.value);
    if (!parsed.success) {
      const { reason, issues } = describeIssues(parsed.error);
      collectorMetrics.ingestRejected.inc(Array.isArray(records.value) ? records.value.length : 1, { reason: 'invalid_logs' });
      return sendError(c, 400, 'invalid_logs', `logs refused: ${reason}`, { issues });
    }

    const project = c.get('project');
    const receivedAt = Date.now();
    const rows = parsed.data.map((r) => ingest.toRow(backendLogToEvent(r, project, receivedAt)));
    try {
      await ingest.add(rows);
    } catch (err) {
      const refusal = refusalFor(err);
      collectorMetrics.ingestRejected.inc(rows.length, { reason: refusal.code });
      log.warn('logs not stored', { project, records: rows.length, reason: errorMessage(err) });
      return sendUnavailable(c, refusal);
    }
    collectorMetrics.ingestEvents.inc(rows.length, { route: 'logs' });
    const ack: LogsAck = { stored: rows.length };
    return c.json(ack, 200);
  };
}
