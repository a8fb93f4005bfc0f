/**
 * `npm run bench:insert -w collector [-- --rows N]`
 *
 * What chDB itself costs per row of the `events` table, by the ways rows can reach it,
 * side by side in one process (so load that drifts weighs on all alike): the insert the
 * collector makes (`@clickhouse/client`, JSONEachRow), chDB's raw Buffer passthrough insert
 * (`connection.chdb.rawInsert`, its multithreaded parser), and TabSeparated with every
 * column. Each into a `Null` table (parsing only) and into `events` (parse, sort, indexes,
 * the hourly roll-up, write), 50,000 rows an insert, twice. CPU is the whole process's
 * (chDB's threads included) during the insert calls; encoding is timed apart.
 *
 * It answers whether ingest is bound by our code or by the engine: at N µs of CPU a row,
 * two cores insert at most 2,000,000 / N rows a second before any HTTP, JSON or validation.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { INSERT_COLUMNS, eventToRow, type EventRow } from '../src/storage/event-row';
import { migrate } from '../src/storage/migrate';
import type { Storage } from '../src/storage/open-storage';
import { generateEventBatches } from './data';

const i = process.argv.indexOf('--rows');
const ROWS = i > 0 ? Number(process.argv[i + 1]) : 200_000;
const INSERT_ROWS = 50_000;

const dir = mkdtempSync(join(tmpdir(), 'lifeline-insert-formats-'));
// The connection is kept for its chDB-only `rawInsert`; the client wraps the same one.
const connection = createChdbConnection({ path: dir }) as unknown as {
  chdb: { rawInsert(p: { table: string; values: Buffer; format: string; columns: string[]; settings: Record<string, number> }): Promise<unknown> };
};
const client = createClient({ connection: connection as never });
const storage: Storage = { client, database: 'lifeline', describe: `chDB at ${dir}`, close: () => client.close() };
await migrate(storage, { retentionDays: 400 });
await client.command({ query: 'CREATE TABLE lifeline.bench_null AS lifeline.events ENGINE = Null' });

const rows: EventRow[] = [];
for (const batch of generateEventBatches({ events: ROWS, batchSize: 1000 })) for (const e of batch) rows.push(eventToRow(e));
const columns: [string, ...string[]] = [...INSERT_COLUMNS];

const cpu = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/** TabSeparated with every column: what ClickHouse parses with the least work per field. */
const STRINGS = new Set<string>(INSERT_COLUMNS.filter((c) => !['project', 'event_id', 'kind', 'ts', 'received_at', 'value', 'status', 'duration_ms', 'handled', 'client_ts'].includes(c)));
const escape = (s: string) => s.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);
const tsvLine = (row: EventRow) =>
  columns
    .map((c) => {
      const v = (row as Record<string, unknown>)[c];
      if (c === 'ts' || c === 'received_at') return String((v as number) / 1000);
      if (STRINGS.has(c) || c === 'project' || c === 'event_id' || c === 'kind') return v === undefined ? '' : escape(String(v));
      if (c === 'handled' || c === 'client_ts') return v === undefined ? '\\N' : String(v);
      return v === undefined ? '0' : String(v);
    })
    .join('\t');

type Way = { name: string; encode: (part: EventRow[]) => unknown; insert: (table: string, body: unknown, part: EventRow[]) => Promise<unknown> };
const ways: Way[] = [
  {
    name: 'client, JSONEachRow (the collector today)',
    // The client encodes inside `insert`; its JSON.stringify is timed here, apart, and subtracted.
    encode: (part) => part.map((r) => JSON.stringify(r)).join('\n'),
    insert: (table, _body, part) => client.insert({ table, values: part, columns, format: 'JSONEachRow', clickhouse_settings: { async_insert: 0 } }),
  },
  {
    name: 'chDB raw Buffer passthrough, JSONEachRow',
    encode: (part) => Buffer.from(part.map((r) => JSON.stringify(r)).join('\n')),
    insert: (table, body) => connection.chdb.rawInsert({ table, values: body as Buffer, format: 'JSONEachRow', columns, settings: { async_insert: 0 } }),
  },
  {
    name: 'client, TabSeparated, every column',
    encode: (part) => Buffer.from(part.map(tsvLine).join('\n') + '\n'),
    insert: (table, body) => client.insert({ table, values: Readable.from([body as Buffer], { objectMode: false }), columns, format: 'TabSeparated', clickhouse_settings: { async_insert: 0 } }),
  },
];

async function measure(way: Way, table: string) {
  let encode = 0;
  let engine = 0;
  let wall = 0;
  for (let at = 0; at < rows.length; at += INSERT_ROWS) {
    const part = rows.slice(at, at + INSERT_ROWS);
    const e0 = cpu();
    const body = way.encode(part);
    const encoded = cpu() - e0;
    encode += encoded;
    const c0 = cpu();
    const t0 = performance.now();
    await way.insert(`lifeline.${table}`, body, part);
    wall += performance.now() - t0;
    // The client path encodes again inside `insert`.
    engine += cpu() - c0 - (way === ways[0] ? encoded : 0);
  }
  return { encodeUs: encode / rows.length, engineUs: engine / rows.length, rowsPerS: rows.length / (wall / 1000) };
}

console.log(`${rows.length.toLocaleString('en')} rows of bench/data.ts traffic, ${INSERT_ROWS.toLocaleString('en')} an insert; ${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}`);
console.log('| way | table | encode µs/row | chDB µs/row | rows/s (insert calls) |');
console.log('| --- | --- | ---: | ---: | ---: |');
for (let round = 1; round <= 2; round++) {
  for (const way of ways) {
    for (const table of ['bench_null', 'events']) {
      if (table === 'events') await client.command({ query: 'TRUNCATE TABLE lifeline.events' });
      const r = await measure(way, table);
      console.log(`| ${way.name} (round ${round}) | ${table === 'events' ? '`events`' : '`Null`'} | ${r.encodeUs.toFixed(1)} | ${r.engineUs.toFixed(1)} | ${Math.round(r.rowsPerS).toLocaleString('en')} |`);
    }
  }
}
await client.close();
rmSync(dir, { recursive: true, force: true });
