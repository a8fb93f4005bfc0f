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
const chunks: any[][] = [];
for (const b of generateEventBatches({ events: 400_000, batchSize: 50_000 })) chunks.push(b.map(eventToRow));
for (const conc of [1, 2, 3, 1, 2, 3]) {
  const c = process.cpuUsage(); const t = performance.now();
  let i = 0;
  await Promise.all(Array.from({ length: conc }, async () => { while (i < chunks.length) { const ch = chunks[i++]!; await insertEvents(storage, ch); } }));
  const u = process.cpuUsage(c); const s = (performance.now() - t) / 1000;
  console.log('concurrency', conc, Math.round(400_000 / s), 'rows/s', ((u.user + u.system) / 400_000).toFixed(1), 'us cpu/row');
}
await storage.close();
