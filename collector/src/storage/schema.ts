/**
 * The collector's schema, as an ordered list of migrations. Each migration is a list of
 * idempotent DDL statements (`IF NOT EXISTS`), so a run interrupted between a statement
 * and its record in `schema_migrations` is simply repeated. Never edit a released
 * migration; append a new one.
 */

import { ALERT_MIGRATIONS } from '../alerts/queries/schema';
import { clientTsStatements } from './client-ts';
import { eventsTableStatements } from './events-ddl';
import { hourlyRollupStatements } from '../query/schema/hourly-rollup';
import { lookupIndexStatements } from '../query/schema/lookup-indexes';

/** What DDL may depend on: the database name, the configured retention and the cluster. */
export interface SchemaContext {
  database: string;
  retentionDays: number;
  /**
   * `CLICKHOUSE_CLUSTER`: DDL runs `ON CLUSTER`, rows live in replicated `events_local`
   * tables and `events` is Distributed over them (see `events-ddl.ts`; use its
   * `eventsDataTable`, `onCluster` and `alterEventColumns` for DDL on events).
   */
  cluster?: string;
}

export { LOOKUP_COLUMNS, ttlExpression } from './events-ddl';

export interface Migration {
  version: number;
  name: string;
  statements(ctx: SchemaContext): string[];
}

export const MIGRATIONS: readonly Migration[] = [
  // The single-server statement is unchanged since release; the cluster layout is new.
  { version: 1, name: 'create events', statements: eventsTableStatements },
  { version: 2, name: 'client_ts for clock-skewed events', statements: clientTsStatements },
  { version: 10, name: 'lookup bloom filters per granule', statements: lookupIndexStatements },
  { version: 11, name: 'hourly roll-up for metrics and anomalies', statements: hourlyRollupStatements },
  // 20–29: alerting's state, history and dead letters.
  ...ALERT_MIGRATIONS,
];
