import { eventsDataTable, onCluster } from '../../storage/events-ddl';
import type { SchemaContext } from '../../storage/schema';

/**
 * The rows of `events` an hourly roll-up row is made of, grouped by project, hour, kind and
 * (for `track`) event name. Every state is a set, so an event counted twice (a retried
 * batch, the backfill overlapping the view) changes nothing: `events` holds the event IDs
 * of tracks and errors (counted), `sessions` the session IDs of pageviews and tracks
 * (visits, converted sessions), and `revenue` (event ID, revenue) pairs of track events
 * with a numeric `revenue` prop. Sets nobody reads (pageview IDs, sessions of errors) are
 * left empty: merging them would be most of a query's work.
 */
export interface HourlyStatesSelect {
  /** The table read. */
  source: string;
  /** Slot expression. @default toStartOfHour(ts) */
  slot?: string;
  /** SQL (a literal or a parameter) naming the revenue prop. @default 'revenue' */
  revenueProp?: string;
  /** Extra condition. */
  where?: string;
}

export const hourlyStatesSelect = (o: HourlyStatesSelect) => {
  const rev = o.revenueProp ?? `'revenue'`;
  return `
SELECT
  project,
  ${o.slot ?? 'toStartOfHour(ts)'} AS hour,
  kind,
  if(kind = 'track', name, '') AS name,
  uniqExactStateIf(event_id, kind != 'pageview') AS events,
  uniqExactStateIf(session_id, session_id != '' AND kind != 'error') AS sessions,
  groupUniqArrayStateIf((event_id, JSONExtractFloat(props, ${rev})),
    kind = 'track' AND JSONType(props, ${rev}) IN ('Int64', 'UInt64', 'Double')) AS revenue
FROM ${o.source}
WHERE kind IN ('pageview', 'track', 'error')${o.where ? ` AND ${o.where}` : ''}
GROUP BY project, hour, kind, name`;
};

const columns = `(
    project  LowCardinality(String),
    hour     DateTime('UTC'),
    kind     LowCardinality(String),
    name     LowCardinality(String),
    events   AggregateFunction(uniqExact, UUID),
    sessions AggregateFunction(uniqExact, String),
    revenue  AggregateFunction(groupUniqArray, Tuple(UUID, Float64))
  )`;

/**
 * Sorted by kind and name before hour, in small granules: a query reads the rows of the
 * few names it counts (pageviews, purchases…) and skips the sets of every other event,
 * which would otherwise be most of what it deserializes. 128 rows a granule, since a row
 * can hold thousands of IDs.
 */
const layout = (retentionDays: number) => `PARTITION BY toYYYYMM(hour)
  ORDER BY (project, kind, name, hour)
  TTL ${hourlyTtlExpression(retentionDays)}
  SETTINGS index_granularity = 128`;

/** The roll-up's TTL for a retention: its hours are kept as long as the events they count. */
const hourlyTtlExpression = (retentionDays: number) => `hour + INTERVAL ${Math.trunc(retentionDays)} DAY`;

/** The table holding the roll-up's rows (`events_hourly_local` on a cluster). */
export const hourlyDataTable = (ctx: Pick<SchemaContext, 'cluster'>): string => (ctx.cluster ? 'events_hourly_local' : 'events_hourly');

/**
 * Applies a changed retention to the roll-up, as `modifyTtlStatement` does to the events:
 * without it, hours of a shortened retention would outlive their events (and charts would
 * show counts the events no longer hold), and a lengthened one would lose hours early.
 */
export const modifyHourlyTtlStatement = (ctx: SchemaContext): string =>
  `ALTER TABLE ${ctx.database}.${hourlyDataTable(ctx)}${onCluster(ctx)} MODIFY TTL ${hourlyTtlExpression(ctx.retentionDays)}
      SETTINGS materialize_ttl_after_modify = 0`;

/**
 * Migration 11: `events_hourly`, an AggregatingMergeTree kept by a materialized view on
 * every insert into the events' storage table, and filled once from what is already
 * stored. Metrics and anomalies read a few thousand rows of sets from it instead of
 * millions of events; their answers stay exact because the sets are de-duplicated by
 * construction. Its TTL follows the retention, changed with the events' (`migrate`).
 *
 * On a cluster, like `events`: the view fills `events_hourly_local` on each node from
 * `events_local`, and `events_hourly` is Distributed over them; states from several
 * shards merge into the same exact sets.
 */
export const hourlyRollupStatements = (ctx: SchemaContext): string[] => {
  const { database: db, cluster } = ctx;
  const on = onCluster(ctx);
  const storage = `${db}.${hourlyDataTable(ctx)}`;
  return [
    cluster
      ? `CREATE TABLE IF NOT EXISTS ${storage}${on} ${columns}
  ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{database}/events_hourly_local', '{replica}')
  ${layout(ctx.retentionDays)}`
      : `CREATE TABLE IF NOT EXISTS ${storage} ${columns}
  ENGINE = AggregatingMergeTree
  ${layout(ctx.retentionDays)}`,
    ...(cluster
      ? [`CREATE TABLE IF NOT EXISTS ${db}.events_hourly${on} AS ${storage}
  ENGINE = Distributed('${cluster}', '${db}', 'events_hourly_local', cityHash64(project, hour))`]
      : []),
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.events_hourly_mv${on} TO ${storage} AS
  ${hourlyStatesSelect({ source: eventsDataTable(ctx) })}`,
    // Rows written between the view's creation and this backfill are counted by both; the
    // sets make that harmless, and so is repeating this statement after an interrupted run.
    `INSERT INTO ${db}.events_hourly ${hourlyStatesSelect({ source: `${db}.events` })}`,
  ];
};
