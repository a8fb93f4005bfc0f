import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { CollectorBatch } from '@lifeline/protocol';
import { parseBatchFast, FAST_KINDS } from './src/ingest/fast-batch';
import { eventToRow } from './src/storage/event-row';
import { DEFAULT_CLOCK_GUARD } from './src/storage/clock-guard';
const events = JSON.parse(readFileSync('/tmp/lab/events.json', 'utf8'));
console.log('fast kinds', FAST_KINDS);
const bodies: string[] = [];
for (let i = 0; i < events.length; i += 1000) bodies.push(JSON.stringify({ v: 1, batch_id: crypto.randomUUID(), events: events.slice(i, i + 1000) }));
let mism = 0;
for (const b of bodies.slice(0, 20)) { const v = JSON.parse(b); const f = parseBatchFast(v, DEFAULT_CLOCK_GUARD); const z = CollectorBatch.parse(v).events.map(eventToRow); if (!f || !isDeepStrictEqual(f.rows, z)) mism++; }
console.log('mismatches', mism);
for (let r = 0; r < 4; r++) {
  const parsed = bodies.map((b) => JSON.parse(b));
  let c = process.cpuUsage(); let t = performance.now();
  for (const p of parsed) parseBatchFast(p, DEFAULT_CLOCK_GUARD);
  let u = process.cpuUsage(c); console.log('fast', ((u.user + u.system) / events.length).toFixed(2), 'us/event cpu', ((performance.now() - t) * 1000 / events.length).toFixed(2), 'wall');
  c = process.cpuUsage(); t = performance.now();
  for (const p of parsed) CollectorBatch.parse(p).events.map(eventToRow);
  u = process.cpuUsage(c); console.log('zod+row', ((u.user + u.system) / events.length).toFixed(2), 'us/event cpu', ((performance.now() - t) * 1000 / events.length).toFixed(2), 'wall');
  c = process.cpuUsage(); t = performance.now();
  for (const b of bodies) JSON.parse(b);
  u = process.cpuUsage(c); console.log('JSON.parse', ((u.user + u.system) / events.length).toFixed(2), 'us/event cpu');
}
