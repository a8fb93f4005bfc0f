import type { SchemaContext } from './schema';

/**
 * DDL of the `events` table, for one server (embedded chDB or a ClickHouse server) and for
 * a cluster (`CLICKHOUSE_CLUSTER`). On a cluster the rows live in `events_local`, a
 * ReplicatedReplacingMergeTree on every node, and `events` is a Distributed table over it,
 * so every query and insert keeps naming `events` and runs unchanged on either layout.
 */

/** Columns that timelines and later queries look rows up by, each with a bloom filter index. */
export const LOOKUP_COLUMNS = ['session_id', 'request_id', 'user_id', 'order_id', 'trace_id'] as const;

/** The TTL expression for a retention; also used to detect a changed retention. */
export function ttlExpression(retentionDays: number): string {
  return `toDateTime(ts) + INTERVAL ${Math.trunc(retentionDays)} DAY`;
}

/** ` ON CLUSTER <name>` on a cluster, nothing on one server. */
export function onCluster(ctx: Pick<SchemaContext, 'cluster'>): string {
  return ctx.cluster ? ` ON CLUSTER ${ctx.cluster}` : '';
}

/**
 * The table that holds the rows, for DDL that only storage tables take (TTL, indexes,
 * mutations): `events_local` on a cluster, `events` on one server. Queries and inserts
 * always use `events`.
 */
export function eventsDataTable(ctx: Pick<SchemaContext, 'database' | 'cluster'>): string {
  return `${ctx.database}.${ctx.cluster ? 'events_local' : 'events'}`;
}

/**
 * `ALTER TABLE … <clause>` for every table that carries the events' columns: `events` on
 * one server; `events_local` then the Distributed `events` on a cluster (a Distributed
 * table needs the column too, or its reads and inserts would not see it).
 *
 * @example alterEventColumns(ctx, 'ADD COLUMN IF NOT EXISTS note String')
 */
export function alterEventColumns(ctx: SchemaContext, clause: string): string[] {
  const tables = ctx.cluster ? ['events_local', 'events'] : ['events'];
  return tables.map((t) => `ALTER TABLE ${ctx.database}.${t}${onCluster(ctx)} ${clause}`);
}

/** The column and index list, shared by both layouts. */
const columns = () => `(
  project      LowCardinality(String),
  event_id     UUID,
  kind         LowCardinality(String),
  ts           DateTime64(3, 'UTC'),
  received_at  DateTime64(3, 'UTC'),
  session_id   String,
  anon_id      String,
  user_id      String,
  request_id   String,
  trace_id     String,
  order_id     String,
  url          String,
  release      LowCardinality(String),
  environment  LowCardinality(String),
  country      LowCardinality(String),
  user_agent   String,
  referrer     String,
  title        String,
  name         LowCardinality(String),
  props        String,
  message      String,
  error_type   LowCardinality(String),
  stack        String CODEC(ZSTD(3)),
  frames       String CODEC(ZSTD(3)),
  fingerprint  String,
  handled      Nullable(Bool),
  mechanism    LowCardinality(String),
  value        Float64,
  rating       LowCardinality(String),
  nav_type     LowCardinality(String),
  target       String,
  method       LowCardinality(String),
  status       UInt16,
  duration_ms  Float64,
  feature      LowCardinality(String),
  state        LowCardinality(String),
  from_state   LowCardinality(String),
  reason       LowCardinality(String),
  actor        LowCardinality(String),
  level        LowCardinality(String),
  service      LowCardinality(String),
  ${LOOKUP_COLUMNS.map((c) => `INDEX idx_${c} ${c} TYPE bloom_filter(0.01) GRANULARITY 4`).join(',\n  ')}
)`;

/** Partitioning, sorting key, TTL and settings, shared by both layouts. */
const layout = (retentionDays: number, dedupWindow: string) => `PARTITION BY toYYYYMM(ts)
ORDER BY (project, toDate(ts), kind, ts, event_id)
TTL ${ttlExpression(retentionDays)}
SETTINGS ${dedupWindow} = 1000, ratio_of_defaults_for_sparse_serialization = 1`;

/**
 * One wide `events` table for every kind. Column names are the StoredEvent wire keys.
 *
 * - ReplacingMergeTree collapses copies of an event (same sorting key, which ends in
 *   event_id) in background merges; queries still de-duplicate with `LIMIT 1 BY event_id`
 *   because merges happen whenever ClickHouse likes.
 * - `non_replicated_deduplication_window` drops a retried insert block that is identical
 *   to a recent one (spool replays re-send identical blocks). The block's hash is taken
 *   over the written part, so it must depend on the rows alone: no column may get a
 *   time-of-insert default, and sparse serialization is off
 *   (`ratio_of_defaults_for_sparse_serialization = 1`) because ClickHouse picks it per
 *   part from the statistics of parts already on disk, which gave two copies of one block
 *   different hashes. Empty strings compress to almost nothing without it.
 * - Optional strings are stored as '' and optional maps/lists as '' (absent) or JSON text,
 *   so reading back can omit what was never sent; `handled` is the one optional boolean.
 */
const createEvents = ({ database, retentionDays }: SchemaContext) => `
CREATE TABLE IF NOT EXISTS ${database}.events
${columns()}
ENGINE = ReplacingMergeTree
${layout(retentionDays, 'non_replicated_deduplication_window')}`;

/**
 * The cluster layout. The replication path names the shard and database through the
 * server's macros (`{shard}`, `{replica}` from its config; `{database}` built in), so one
 * statement creates every replica. Rows are sharded by `cityHash64(event_id)`: every copy
 * of an event lands on the same shard, where ReplacingMergeTree can collapse it, and
 * events spread evenly (backend logs have no session, so sharding by session would pile
 * them onto one shard).
 */
const createEventsLocal = ({ database, retentionDays, cluster }: SchemaContext) => `
CREATE TABLE IF NOT EXISTS ${database}.events_local ON CLUSTER ${cluster}
${columns()}
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/events_local', '{replica}')
${layout(retentionDays, 'replicated_deduplication_window')}`;

const createEventsDistributed = ({ database, cluster }: SchemaContext) => `
CREATE TABLE IF NOT EXISTS ${database}.events ON CLUSTER ${cluster} AS ${database}.events_local
ENGINE = Distributed('${cluster}', '${database}', 'events_local', cityHash64(event_id))`;

/** Migration 1's statements for the configured layout. */
export function eventsTableStatements(ctx: SchemaContext): string[] {
  return ctx.cluster ? [createEventsLocal(ctx), createEventsDistributed(ctx)] : [createEvents(ctx)];
}

/**
 * Applies a retention to the table holding the rows. The new TTL is not materialized at
 * once (`materialize_ttl_after_modify = 0`): rewriting every part at start-up would stall
 * ingest on a big table; rows outside the new retention go at the next merges. Inline
 * SETTINGS rather than `clickhouse_settings`: chDB applies the latter as a session-wide SET
 * that would outlive this statement.
 */
export function modifyTtlStatement(ctx: SchemaContext): string {
  return `ALTER TABLE ${eventsDataTable(ctx)}${onCluster(ctx)} MODIFY TTL ${ttlExpression(ctx.retentionDays)}
      SETTINGS materialize_ttl_after_modify = 0`;
}
