import { modifyHourlyTtlStatement, hourlyDataTable } from '../query/schema/hourly-rollup';
import { modifyTtlStatement } from './events-ddl';
import { createDatabaseStatement, createMigrationsTableStatement } from './migrations-table';
import type { Storage } from './open-storage';
import { MIGRATIONS, type Migration, type SchemaContext } from './schema';

export interface MigrateOptions {
  /** Days an event is kept after its `ts`; a change is applied to the existing table. */
  retentionDays: number;
  /** @default MIGRATIONS */
  migrations?: readonly Migration[];
}

export interface MigrateResult {
  /** Versions applied by this run, in order (empty when already up to date). */
  applied: number[];
  /** Highest version recorded after the run. */
  version: number;
  /** True when the TTL of the events (or of their hourly roll-up) was changed to match `retentionDays`. */
  retentionChanged: boolean;
}

/**
 * Brings the database up to the newest schema. Safe to run on every start and from several
 * collectors at once: every statement is idempotent and `schema_migrations` is a
 * ReplacingMergeTree keyed by version, so a version recorded twice is still one version.
 *
 * @example await migrate(storage, { retentionDays: 400 })
 */
export async function migrate(storage: Storage, options: MigrateOptions): Promise<MigrateResult> {
  const { client, database } = storage;
  const migrations = [...(options.migrations ?? MIGRATIONS)].sort((a, b) => a.version - b.version);
  const ctx: SchemaContext = {
    database,
    retentionDays: options.retentionDays,
    ...(storage.cluster ? { cluster: storage.cluster } : {}),
  };

  // Create the database only when missing: on a shared server the user may lack the
  // CREATE DATABASE grant for a database an administrator already made.
  const exists = await client.query({
    query: 'SELECT count() AS n FROM system.databases WHERE name = {database:String}',
    query_params: { database },
    format: 'JSONEachRow',
  });
  const [{ n } = { n: 0 }] = await exists.json<{ n: number | string }>();
  if (Number(n) === 0) await client.command({ query: createDatabaseStatement(ctx) });

  await client.command({ query: createMigrationsTableStatement(ctx) });
  const done = await appliedVersions(storage);

  const applied: number[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    for (const query of m.statements(ctx)) await client.command({ query });
    await client.insert({
      table: `${database}.schema_migrations`,
      values: [{ version: m.version, name: m.name, applied_at: Date.now() }],
      format: 'JSONEachRow',
    });
    applied.push(m.version);
    done.add(m.version);
  }

  const retentionChanged = await syncRetention(storage, ctx);
  return { applied, version: Math.max(0, ...done), retentionChanged };
}

/** Versions recorded in `schema_migrations`. */
export async function appliedVersions(storage: Storage): Promise<Set<number>> {
  const rs = await storage.client.query({
    query: `SELECT DISTINCT version FROM ${storage.database}.schema_migrations ORDER BY version`,
    format: 'JSONEachRow',
  });
  return new Set((await rs.json<{ version: number | string }>()).map((r) => Number(r.version)));
}

/**
 * Retention is configuration, not schema history, so it is compared on every start
 * rather than recorded as a migration (see `modifyTtlStatement` for how it is applied).
 * The hourly roll-up follows the events' retention.
 */
async function syncRetention(storage: Storage, ctx: SchemaContext): Promise<boolean> {
  const eventsChanged = await syncTtl(storage, ctx, ctx.cluster ? 'events_local' : 'events', modifyTtlStatement(ctx));
  const hourlyChanged = await syncTtl(storage, ctx, hourlyDataTable(ctx), modifyHourlyTtlStatement(ctx));
  return eventsChanged || hourlyChanged;
}

/** Runs `statement` when `table` exists and its TTL is not `retentionDays` days; true if it ran. */
async function syncTtl(storage: Storage, ctx: SchemaContext, table: string, statement: string): Promise<boolean> {
  const rs = await storage.client.query({
    query: 'SELECT engine_full FROM system.tables WHERE database = {database:String} AND name = {table:String}',
    query_params: { database: ctx.database, table },
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ engine_full: string }>();
  if (!row) return false;
  const current = /toIntervalDay\((\d+)\)/.exec(row.engine_full)?.[1];
  if (current !== undefined && Number(current) === ctx.retentionDays) return false;
  await storage.client.command({ query: statement });
  return true;
}
