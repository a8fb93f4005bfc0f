/**
 * The collector's schema, as an ordered list of migrations. Each migration is a list of
 * idempotent DDL statements (`IF NOT EXISTS`), so a run interrupted between a statement
 * and its record in `schema_migrations` is simply repeated. Never edit a released
 * migration; append a new one.
 */

/** What DDL may depend on: the database name and the configured retention. */
export interface SchemaContext {
  database: string;
  retentionDays: number;
}

export interface Migration {
  version: number;
  name: string;
  statements(ctx: SchemaContext): string[];
}

/** Columns that timelines and later queries look rows up by, each with a bloom filter index. */
export const LOOKUP_COLUMNS = ['session_id', 'request_id', 'user_id', 'order_id', 'trace_id'] as const;

/** The TTL expression for a retention; also used to detect a changed retention. */
export function ttlExpression(retentionDays: number): string {
  return `toDateTime(ts) + INTERVAL ${Math.trunc(retentionDays)} DAY`;
}

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
(
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
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (project, toDate(ts), kind, ts, event_id)
TTL ${ttlExpression(retentionDays)}
SETTINGS non_replicated_deduplication_window = 1000, ratio_of_defaults_for_sparse_serialization = 1`;

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'create events', statements: (ctx) => [createEvents(ctx)] },
];
