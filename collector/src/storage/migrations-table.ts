import { onCluster } from './events-ddl';
import type { SchemaContext } from './schema';

/** `CREATE DATABASE`, on every node of a cluster. */
export function createDatabaseStatement(ctx: Pick<SchemaContext, 'database' | 'cluster'>): string {
  return `CREATE DATABASE IF NOT EXISTS ${ctx.database}${onCluster(ctx)}`;
}

/**
 * `schema_migrations`: one row per applied version, keyed by version so a version recorded
 * twice (two collectors migrating at once) is still one. On a cluster it is replicated to
 * every node under one path without `{shard}`, so whichever node a collector talks to
 * knows what has been applied.
 */
export function createMigrationsTableStatement(ctx: Pick<SchemaContext, 'database' | 'cluster'>): string {
  const engine = ctx.cluster
    ? "ReplicatedReplacingMergeTree('/clickhouse/tables/{database}/schema_migrations', '{replica}')"
    : 'ReplacingMergeTree';
  return `CREATE TABLE IF NOT EXISTS ${ctx.database}.schema_migrations${onCluster(ctx)}
      (version UInt32, name String, applied_at DateTime64(3, 'UTC'))
      ENGINE = ${engine} ORDER BY version`;
}
