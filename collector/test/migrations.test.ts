import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appliedVersions, migrate } from '../src/storage/migrate';
import { openStorage, type Storage } from '../src/storage/open-storage';
import { MIGRATIONS } from '../src/storage/schema';
import { eventToRow } from '../src/storage/event-row';
import { insertEvents } from '../src/storage/insert-events';
import { countRows, makeEvent, tempDir } from './helpers';

const dir = tempDir();
let storage: Storage;

beforeAll(async () => {
  storage = await openStorage({ kind: 'chdb', path: dir.path, database: 'lifeline_test' });
});
afterAll(async () => {
  await storage?.close();
  dir.remove();
});

async function rows<T>(query: string, query_params: Record<string, unknown> = {}): Promise<T[]> {
  const rs = await storage.client.query({ query, query_params, format: 'JSONEachRow' });
  return rs.json<T>();
}

const latest = Math.max(...MIGRATIONS.map((m) => m.version));

describe('migrations', () => {
  it('apply every version once and record it', async () => {
    const first = await migrate(storage, { retentionDays: 400 });
    expect(first.applied).toEqual(MIGRATIONS.map((m) => m.version));
    expect(first.version).toBe(latest);
    expect([...(await appliedVersions(storage))]).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('are a no-op the second time', async () => {
    const before = await rows<{ n: string }>('SELECT count() AS n FROM lifeline_test.schema_migrations');
    const second = await migrate(storage, { retentionDays: 400 });
    expect(second).toEqual({ applied: [], version: latest, retentionChanged: false });
    expect(await rows('SELECT count() AS n FROM lifeline_test.schema_migrations')).toEqual(before);
  });

  it('create the events table for de-duplication and lookups', async () => {
    const [table] = await rows<{ engine: string; sorting_key: string; partition_key: string; engine_full: string }>(
      `SELECT engine, sorting_key, partition_key, engine_full FROM system.tables
       WHERE database = {db:String} AND name = 'events'`,
      { db: 'lifeline_test' },
    );
    expect(table?.engine).toBe('ReplacingMergeTree');
    expect(table?.sorting_key).toBe('project, toDate(ts), kind, ts, event_id');
    expect(table?.partition_key).toBe('toYYYYMM(ts)');
    expect(table?.engine_full).toContain('toIntervalDay(400)');
    expect(table?.engine_full).toContain('non_replicated_deduplication_window = 1000');
    expect(table?.engine_full).toContain('ratio_of_defaults_for_sparse_serialization = 1');
    const indexes = await rows<{ expr: string; type: string }>(
      `SELECT expr, type FROM system.data_skipping_indices WHERE database = {db:String} AND table = 'events' ORDER BY expr`,
      { db: 'lifeline_test' },
    );
    expect(indexes).toEqual(
      ['order_id', 'request_id', 'session_id', 'trace_id', 'user_id'].map((expr) => ({ expr, type: 'bloom_filter' })),
    );
  });

  it('apply a changed retention once', async () => {
    expect((await migrate(storage, { retentionDays: 30 })).retentionChanged).toBe(true);
    expect((await migrate(storage, { retentionDays: 30 })).retentionChanged).toBe(false);
    const [t] = await rows<{ engine_full: string }>(
      "SELECT engine_full FROM system.tables WHERE database = 'lifeline_test' AND name = 'events'",
    );
    expect(t?.engine_full).toContain('toIntervalDay(30)');
    // The hourly roll-up follows, so its hours never outlive the events they count.
    const [h] = await rows<{ engine_full: string }>(
      "SELECT engine_full FROM system.tables WHERE database = 'lifeline_test' AND name = 'events_hourly'",
    );
    expect(h?.engine_full).toContain('toIntervalDay(30)');
  });

  it('drop a retried identical insert block', async () => {
    for (const events of [[makeEvent('track')], [makeEvent('track'), makeEvent('pageview', { session_id: 's1' })]]) {
      const before = await countRows(storage);
      const rows = events.map(eventToRow);
      await insertEvents(storage, rows);
      await insertEvents(storage, rows);
      expect(await countRows(storage)).toBe(before + rows.length);
    }
  });

  it('apply a later migration without repeating earlier ones', async () => {
    const next = { version: latest + 1, name: 'add a probe table', statements: () => ['CREATE TABLE IF NOT EXISTS lifeline_test.probe (x UInt8) ENGINE = Memory'] };
    const result = await migrate(storage, { retentionDays: 30, migrations: [...MIGRATIONS, next] });
    expect(result.applied).toEqual([latest + 1]);
    expect(result.version).toBe(latest + 1);
    expect(await rows("SELECT name FROM system.tables WHERE database = 'lifeline_test' AND name = 'probe'")).toHaveLength(1);
  });
});
