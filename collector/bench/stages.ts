import { CollectorBatch } from '@lifeline/protocol';
import { parseBatchFast } from '../src/ingest/fast-batch';
import { clockGuard } from '../src/storage/clock-guard';
import { INSERT_COLUMNS, eventToRow, type EventRow } from '../src/storage/event-row';
import { insertEvents } from '../src/storage/insert-events';
import type { Storage } from '../src/storage/open-storage';

/**
 * Where the CPU of one ingested event goes, stage by stage, measured in this process on
 * the same batch bodies: what bounds ingest on a given machine. CPU time (user + system,
 * all threads, so chDB's own included) rather than wall time, so a busy machine skews the
 * figures less.
 */

export interface Stage {
  name: string;
  /** CPU microseconds per event. */
  us: number;
}

const cpu = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

async function measure(events: number, run: () => unknown): Promise<number> {
  const before = cpu();
  await run();
  return (cpu() - before) / events;
}

/**
 * Measures each stage over `bodies` (edge batch JSON): parse, zod validation (for
 * comparison), the compiled validation that builds rows, JSONEachRow encoding, and chDB's
 * insert into a Null table (parsing only) and into a copy of `events` (parsing, sorting,
 * indexes, the materialized views on it, writing parts).
 *
 * @param storage a migrated database whose `events` table the copies are made from
 */
export async function measureStages(storage: Storage, bodies: string[], insertRows: number): Promise<Stage[]> {
  const events = bodies.reduce((n, b) => n + (JSON.parse(b) as CollectorBatch).events.length, 0);
  const guard = clockGuard(400);
  let parsed: unknown[] = [];
  let rows: EventRow[] = [];
  const stages: Stage[] = [];

  stages.push({ name: 'JSON.parse of the request bodies', us: await measure(events, () => (parsed = bodies.map((b) => JSON.parse(b)))) });
  stages.push({ name: 'zod CollectorBatch + rows (the fallback path)', us: await measure(events, () => parsed.forEach((p) => CollectorBatch.parse(p).events.map(eventToRow))) });
  stages.push({ name: 'compiled validation + rows (the fast path)', us: await measure(events, () => (rows = parsed.flatMap((p) => parseBatchFast(p, guard)!.rows))) });
  stages.push({ name: 'JSONEachRow encoding (client)', us: await measure(events, () => rows.map((r) => JSON.stringify(r)).join('\n')) });

  const { client, database } = storage;
  const copy = async (name: string, engine: string) => {
    await client.command({ query: `DROP TABLE IF EXISTS ${database}.${name}` });
    await client.command({ query: `CREATE TABLE ${database}.${name} AS ${database}.events ENGINE = ${engine}` });
  };
  const insertAll = async (table: string) => {
    for (let i = 0; i < rows.length; i += insertRows) {
      await client.insert({ table: `${database}.${table}`, values: rows.slice(i, i + insertRows), columns: [...INSERT_COLUMNS], format: 'JSONEachRow', clickhouse_settings: { async_insert: 0 } });
    }
  };
  // The client encodes rows inside `insert`; the engine's share is what remains.
  const encoding = stages.at(-1)!.us;
  await copy('bench_null', 'Null');
  const nullInsert = await measure(events, () => insertAll('bench_null'));
  stages.push({ name: 'chDB: parse JSONEachRow (insert into a Null table)', us: nullInsert - encoding });
  const realInsert = await measure(events, async () => {
    for (let i = 0; i < rows.length; i += insertRows) await insertEvents(storage, rows.slice(i, i + insertRows));
  });
  stages.push({ name: 'chDB: all of an insert into events (parse, sort, indexes, views, write)', us: realInsert - encoding });
  await client.command({ query: `DROP TABLE IF EXISTS ${database}.bench_null` });
  return stages;
}
