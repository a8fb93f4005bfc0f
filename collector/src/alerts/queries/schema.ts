import { onCluster } from '../../storage/events-ddl';
import type { Migration, SchemaContext } from '../../storage/schema';

/**
 * On a cluster every node keeps the whole of each alert table (they are small), as one
 * replicated table without a shard in its path; `{replica}` must then name each node
 * uniquely across the cluster, as the usual hostname macro does.
 */
const engine = (ctx: SchemaContext, table: string) =>
  ctx.cluster ? `ReplicatedReplacingMergeTree('/clickhouse/tables/all/{database}/${table}', '{replica}', version)` : 'ReplacingMergeTree(version)';

/**
 * Alerting's tables (migration versions 20–29 are alerting's). Rows change as an alert
 * fires, repeats and resolves, or as a notification is delivered or replayed: each table is
 * a ReplacingMergeTree keyed by the row's identity with a `version` column, every change
 * inserts the whole row again with a higher version, and reads take the newest (`FINAL`).
 * The tables are small (alerts, not events), so `FINAL` costs nothing noticeable.
 */
export const ALERT_MIGRATIONS: readonly Migration[] = [
  {
    version: 20,
    name: 'create alert_state',
    statements: (ctx) => [
      `CREATE TABLE IF NOT EXISTS ${ctx.database}.alert_state${onCluster(ctx)}
      (
        project      LowCardinality(String),
        key          String,
        rule_id      String,
        status       LowCardinality(String),
        started_at   DateTime64(3, 'UTC'),
        last_sent_at DateTime64(3, 'UTC'),
        resolved_at  Nullable(DateTime64(3, 'UTC')),
        alert        String,
        version      UInt64
      )
      ENGINE = ${engine(ctx, 'alert_state')}
      ORDER BY (project, key)`,
    ],
  },
  {
    version: 21,
    name: 'create alert_history',
    statements: (ctx) => [
      `CREATE TABLE IF NOT EXISTS ${ctx.database}.alert_history${onCluster(ctx)}
      (
        project   LowCardinality(String),
        id        UUID,
        at        DateTime64(3, 'UTC'),
        kind      LowCardinality(String),
        alert_key String,
        alert     String,
        delivery  LowCardinality(String),
        channel   String,
        version   UInt64
      )
      ENGINE = ${engine(ctx, 'alert_history')}
      PARTITION BY toYYYYMM(at)
      ORDER BY (project, at, id)
      TTL toDateTime(at) + INTERVAL ${Math.trunc(ctx.retentionDays)} DAY`,
    ],
  },
  {
    version: 22,
    name: 'create alert_dead_letters',
    statements: (ctx) => [
      `CREATE TABLE IF NOT EXISTS ${ctx.database}.alert_dead_letters${onCluster(ctx)}
      (
        project      LowCardinality(String),
        id           UUID,
        created_at   DateTime64(3, 'UTC'),
        channels     Array(String),
        reason       String,
        attempts     UInt32,
        status       LowCardinality(String),
        replayed_at  Nullable(DateTime64(3, 'UTC')),
        history_ids  Array(String),
        notification String,
        version      UInt64
      )
      ENGINE = ${engine(ctx, 'alert_dead_letters')}
      ORDER BY (project, id)`,
    ],
  },
];
