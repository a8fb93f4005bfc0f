import { registry as defaultRegistry, type Registry } from './registry';

/** Lag from `received_at` to stored: seconds normally, minutes to hours for rows spooled through an outage. */
const LAG_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14400];

/**
 * The collector's own metrics, declared once with their names and help so every module
 * records into the same series. Ingest, spool and storage code record the `ingest*`,
 * `insert*` and `spool*` ones; the HTTP layer records query latency; alerting records the
 * `alert*` ones.
 *
 * @example collectorMetrics.ingestRejected.inc(events.length, { reason: 'invalid_batch' })
 */
export function defineCollectorMetrics(r: Registry = defaultRegistry) {
  return {
    ingestEvents: r.counter({ name: 'lifeline_ingest_events_total', help: 'Events acknowledged (stored or spooled), by route (batch, logs, otlp).' }),
    ingestRejected: r.counter({ name: 'lifeline_ingest_rejected_events_total', help: 'Events refused, by reason: events that failed validation (invalid_batch, invalid_logs, invalid_otlp), bodies that could not be read on /v1/batch, /v1/logs or /otlp/* (invalid_json, payload_too_large, unsupported_media_type: one per request), rows the collector could not take (buffer_full, spool_full, unavailable, shutting_down). Requests refused before their body is read (credentials, an early 503) are not counted here; they show in lifeline_http_request_duration_seconds by status.' }),
    ingestLag: r.histogram({ name: 'lifeline_ingest_lag_seconds', help: "Seconds from received_at (set by the edge; by the collector for backend logs) to the completion of the insert that stored the row, written at once or replayed from the spool; one observation per insert, for its oldest row.", buckets: LAG_BUCKETS }),
    insertBufferRows: r.gauge({ name: 'lifeline_insert_buffer_rows', help: 'Rows waiting in the insert buffer or being written.' }),
    spoolBytes: r.gauge({ name: 'lifeline_spool_bytes', help: 'Bytes waiting in the disk spool for ClickHouse to come back.' }),
    spoolBatches: r.gauge({ name: 'lifeline_spool_batches', help: 'Batches waiting in the disk spool.' }),
    insertDuration: r.histogram({ name: 'lifeline_insert_duration_seconds', help: 'Duration of one insert into ClickHouse, by outcome (ok, error).' }),
    insertRows: r.counter({ name: 'lifeline_insert_rows_total', help: 'Rows written to ClickHouse.' }),
    httpDuration: r.histogram({ name: 'lifeline_http_request_duration_seconds', help: 'Duration of API requests (/v1/*: queries, ingest, alerts; /otlp/*), by route pattern, method and status.' }),
    alertEvaluations: r.counter({ name: 'lifeline_alert_evaluations_total', help: 'Rule evaluations, by rule and outcome (ok, error).' }),
    alertEvaluationDuration: r.histogram({ name: 'lifeline_alert_evaluation_duration_seconds', help: 'Duration of one evaluation round over every rule.' }),
    alertsFiring: r.gauge({ name: 'lifeline_alerts_firing', help: 'Alerts firing now, by severity.' }),
    alertRules: r.gauge({ name: 'lifeline_alert_rules', help: 'Alert rules loaded.' }),
    alertNotifications: r.counter({ name: 'lifeline_alert_notifications_total', help: 'Notification deliveries, by channel and outcome (delivered, failed, skipped_open_circuit).' }),
    alertDeadLetters: r.gauge({ name: 'lifeline_alert_dead_letters', help: 'Notifications in the dead-letter list waiting for a replay.' }),
  };
}

export type CollectorMetrics = ReturnType<typeof defineCollectorMetrics>;

/** The instruments on the process-wide registry that `GET /metrics` serves. */
export const collectorMetrics: CollectorMetrics = defineCollectorMetrics();
