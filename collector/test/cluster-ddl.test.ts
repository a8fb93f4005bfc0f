import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsTableStatements, modifyTtlStatement } from '../src/storage/events-ddl';
import { clientTsStatements } from '../src/storage/client-ts';
import { createDatabaseStatement, createMigrationsTableStatement } from '../src/storage/migrations-table';
import { openStorage, type Storage } from '../src/storage/open-storage';
import type { SchemaContext } from '../src/storage/schema';
import { tempDir } from './helpers';

/**
 * The cluster layout (`CLICKHOUSE_CLUSTER`) cannot run on embedded chDB, which has no
 * cluster or Keeper, so its DDL is checked as text here, and each statement is parsed by
 * the real engine with `formatQuery` (which parses without executing). The single-server
 * layout runs on chDB in migrations.test.ts.
 */

const cluster: SchemaContext = { database: 'lifeline', retentionDays: 90, cluster: 'lifeline_cluster' };
const single: SchemaContext = { database: 'lifeline', retentionDays: 90 };

const dir = tempDir();
let storage: Storage;
beforeAll(async () => {
  storage = await openStorage({ kind: 'chdb', path: dir.path, database: 'lifeline' });
});
afterAll(async () => {
  await storage?.close();
  dir.remove();
});

/** The statement as ClickHouse formats it: proof that it parses. */
async function parsed(sql: string): Promise<string> {
  const rs = await storage.client.query({ query: 'SELECT formatQuery({sql:String}) AS f', query_params: { sql }, format: 'JSONEachRow' });
  const [row] = await rs.json<{ f: string }>();
  return row!.f;
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('cluster DDL', () => {
  it('creates the database and schema_migrations on every node, replicated without a shard', async () => {
    expect(createDatabaseStatement(cluster)).toBe('CREATE DATABASE IF NOT EXISTS lifeline ON CLUSTER lifeline_cluster');
    const migrations = squash(createMigrationsTableStatement(cluster));
    expect(migrations).toBe(
      "CREATE TABLE IF NOT EXISTS lifeline.schema_migrations ON CLUSTER lifeline_cluster (version UInt32, name String, applied_at DateTime64(3, 'UTC')) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{database}/schema_migrations', '{replica}') ORDER BY version",
    );
    await parsed(createDatabaseStatement(cluster));
    expect(await parsed(migrations)).toContain('ON CLUSTER lifeline_cluster');
  });

  it('creates events_local as ReplicatedReplacingMergeTree and events as Distributed over it', async () => {
    const [local, distributed, ...rest] = eventsTableStatements(cluster);
    expect(rest).toEqual([]);
    const l = squash(local!);
    expect(l).toMatch(/^CREATE TABLE IF NOT EXISTS lifeline\.events_local ON CLUSTER lifeline_cluster \( project LowCardinality\(String\), event_id UUID,/);
    expect(l).toContain("ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/events_local', '{replica}')");
    expect(l).toContain('PARTITION BY toYYYYMM(ts) ORDER BY (project, toDate(ts), kind, ts, event_id) TTL toDateTime(ts) + INTERVAL 90 DAY');
    expect(l).toContain('SETTINGS replicated_deduplication_window = 1000, ratio_of_defaults_for_sparse_serialization = 1');
    expect(l).toContain('INDEX idx_request_id request_id TYPE bloom_filter(0.01) GRANULARITY 4');
    expect(squash(distributed!)).toBe(
      "CREATE TABLE IF NOT EXISTS lifeline.events ON CLUSTER lifeline_cluster AS lifeline.events_local ENGINE = Distributed('lifeline_cluster', 'lifeline', 'events_local', cityHash64(event_id))",
    );
    expect(await parsed(local!)).toContain('ReplicatedReplacingMergeTree');
    expect(await parsed(distributed!)).toContain("Distributed('lifeline_cluster', 'lifeline', 'events_local', cityHash64(event_id))");
  });

  it('has the same columns and indexes on a cluster as on one server', () => {
    const body = (sql: string) => sql.slice(sql.indexOf('('), sql.indexOf('ENGINE'));
    expect(body(eventsTableStatements(cluster)[0]!)).toBe(body(eventsTableStatements(single)[0]!));
  });

  it('adds client_ts to events_local and then to the Distributed events', async () => {
    const statements = clientTsStatements(cluster).map(squash);
    expect(statements).toHaveLength(2);
    expect(statements[0]).toMatch(/^ALTER TABLE lifeline\.events_local ON CLUSTER lifeline_cluster ADD COLUMN IF NOT EXISTS client_ts Nullable\(Int64\) COMMENT /);
    expect(statements[1]).toMatch(/^ALTER TABLE lifeline\.events ON CLUSTER lifeline_cluster ADD COLUMN IF NOT EXISTS client_ts Nullable\(Int64\) COMMENT /);
    for (const s of statements) await parsed(s);
  });

  it('changes the retention on events_local, where the rows are', async () => {
    const ttl = squash(modifyTtlStatement(cluster));
    expect(ttl).toBe('ALTER TABLE lifeline.events_local ON CLUSTER lifeline_cluster MODIFY TTL toDateTime(ts) + INTERVAL 90 DAY SETTINGS materialize_ttl_after_modify = 0');
    await parsed(ttl);
  });

  it('uses no ON CLUSTER and no events_local on one server', () => {
    const all = [createDatabaseStatement(single), createMigrationsTableStatement(single), ...eventsTableStatements(single), ...clientTsStatements(single), modifyTtlStatement(single)];
    for (const s of all) expect(s).not.toMatch(/ON CLUSTER|events_local|Replicated|Distributed/);
  });
});

describe('every query and insert reads events', () => {
  it('names events_local only in DDL modules, never in a query or an insert', () => {
    const src = fileURLToPath(new URL('../src', import.meta.url));
    const files = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? files(join(d, n)) : [join(d, n)]));
    // DDL lives in storage/ and query/schema/; everything else reads and writes `events`.
    const ddl = /^(storage|query\/schema)\//;
    const code = (f: string) => readFileSync(f, 'utf8').split('\n').filter((l) => !/^\s*(\/\/|\*|\/\*\*)/.test(l)).join('\n');
    const naming = files(src)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.slice(src.length + 1))
      .filter((f) => !ddl.test(f) && code(join(src, f)).includes('events_local'));
    expect(naming).toEqual([]);
    // The insert names `events`.
    expect(readFileSync(join(src, 'storage/insert-events.ts'), 'utf8')).toContain('table: `${storage.database}.events`');
  });
});
