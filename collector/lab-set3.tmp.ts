import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateEventBatches } from './bench/data';
import { openStorage } from './src/storage/open-storage';
import { migrate } from './src/storage/migrate';
import { eventToRow } from './src/storage/event-row';
import { insertEvents } from './src/storage/insert-events';
const storage = await openStorage({ kind: 'chdb', path: mkdtempSync(join(tmpdir(), 'lab-')), database: 'lifeline' });
await migrate(storage, { retentionDays: 400 });
const count = async () => Number((await (await storage.client.query({ query: 'SELECT count() n FROM lifeline.events', format: 'JSONEachRow' })).json<any>())[0].n);
async function dedupCheck(name: string, n: number) {
  const rows = [...generateEventBatches({ events: n, batchSize: n, seed: Math.floor(Math.random() * 1e9) })][0]!.map(eventToRow);
  const before = await count();
  await insertEvents(storage, rows); await insertEvents(storage, rows);
  console.log(name, n, 'rows inserted twice ->', (await count()) - before);
}
await dedupCheck('default', 10); await dedupCheck('default', 30_000);
const chunks: any[][] = [];
for (const b of generateEventBatches({ events: 300_000, batchSize: 50_000, seed: 7 })) chunks.push(b.map(eventToRow));
const small: any[][] = []; for (const b of generateEventBatches({ events: 100_000, batchSize: 5_000, seed: 8 })) small.push(b.map(eventToRow));
async function run(name: string, set: any[][]) {
  const c = process.cpuUsage(); const t = performance.now(); let n = 0;
  for (const ch of set) { await insertEvents(storage, ch); n += ch.length; }
  const u = process.cpuUsage(c); const s = (performance.now() - t) / 1000;
  console.log(name.padEnd(36), String(set[0]!.length).padStart(6), Math.round(n / s), 'rows/s', ((u.user + u.system) / n).toFixed(1), 'us cpu/row');
}
await run('default', chunks); await run('default', small);
await storage.client.command({ query: 'SET async_insert = 0' });
await dedupCheck('async_insert=0', 10); await dedupCheck('async_insert=0', 30_000);
await run('async_insert=0', chunks); await run('async_insert=0', small);
await storage.client.command({ query: 'SET input_format_parallel_parsing = 0' });
await run('async 0, parallel parsing 0', chunks); await run('async 0, parallel parsing 0', small);
await run('async 0, parallel parsing 0', chunks);
await storage.client.command({ query: 'SET async_insert = 1' });
await run('async 1, parallel parsing 0', chunks); await run('async 1, parallel parsing 0', small);
await storage.close();
