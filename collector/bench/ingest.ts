/**
 * `npm run bench -w collector [-- --events N --senders N --in-flight N --batch N --turns N]`
 *
 * Ingest throughput of the collector on embedded chDB, with the ceiling beside it, from
 * one run:
 *
 * 1. generates N events of store traffic (bench/data.ts) into a file of batch bodies;
 * 2. starts `src/main.ts` as a child process on a fresh data directory, and opens a second
 *    chDB directory in this process, migrated to the same schema, for the ceiling;
 * 3. in turns (HTTP, raw, HTTP, raw…, so load that drifts weighs on both alike):
 *    - posts a share of the batches to `POST /v1/batch` from a few senders, each keeping
 *      several requests in flight as the edge's queue consumer does (it delivers a queue
 *      batch's messages concurrently), retrying on 503, until every one is acknowledged;
 *    - inserts the same rows with a plain `@clickhouse/client` JSONEachRow insert, in
 *      inserts of the collector's batch size, timing only the inserts: the ceiling;
 * 4. measures the CPU of each stage of ingest on a sample (bench/stages.ts), stops the
 *    collector (SIGTERM) and checks every event is stored exactly once.
 *
 * It prints events/s and rows/s, the collector's peak RSS and CPU per event.
 * Defaults: 2,000,000 events; 4 senders with 16 requests in flight each; 500 events per
 * batch (the SDK's largest batch, which the edge forwards as one request); 8 turns.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CollectorBatch } from '@lifeline/protocol';
import { eventToRow, type EventRow } from '../src/storage/event-row';
import { insertEvents } from '../src/storage/insert-events';
import { migrate } from '../src/storage/migrate';
import { openStorage, type Storage } from '../src/storage/open-storage';
import { readBatchFile, writeBatchFile } from './data';
import { measureStages } from './stages';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  const n = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer`);
  return n;
};
const EVENTS = arg('--events', 2_000_000);
const SENDERS = arg('--senders', 4);
const IN_FLIGHT = arg('--in-flight', 16);
const BATCH = arg('--batch', 500);
const TURNS = arg('--turns', 8);
/** The collector's default insert size, used for the raw inserts too. */
const INSERT_ROWS = 50_000;
/** Events whose stages are measured one by one at the end. */
const STAGE_EVENTS = 100_000;
const SECRET = 'bench-collector-secret';

const work = mkdtempSync(join(tmpdir(), 'lifeline-bench-ingest-'));
const batchFile = join(work, 'batches.ndjson');
const dataDir = join(work, 'chdb');
/** The raw insert's own chDB directory: one directory per process, and the collector child holds the other. */
const rawDir = join(work, 'chdb-raw');
const collectorDir = fileURLToPath(new URL('..', import.meta.url));
const log = (msg: string) => process.stderr.write(`${msg}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** Resident memory now and at peak (kB), and CPU seconds so far, of a process, from /proc. */
function processStats(pid: number) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const cpu = (Number(stat[11]) + Number(stat[12])) / 100; // utime + stime, in clock ticks of 1/100 s
  return { rssKb: kb('VmRSS'), peakKb: kb('VmHWM'), cpu };
}

async function startCollector() {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: collectorDir,
    env: {
      ...process.env,
      CLICKHOUSE_URL: '',
      LIFELINE_COLLECTOR_PORT: '0',
      LIFELINE_COLLECTOR_SECRET: SECRET,
      LIFELINE_READ_TOKENS: 'bench:bench-read-token',
      LIFELINE_DATA_DIR: dataDir,
      LIFELINE_SPOOL_DIR: join(work, 'spool'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /collector listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`collector exited ${code}: ${stderr}`)));
  });
  return { child, url, stderr: () => stderr };
}

type Lines = AsyncGenerator<string>;

/** The next `n` batch bodies of a file reader (fewer at its end). */
async function take(lines: Lines, n: number): Promise<string[]> {
  const out: string[] = [];
  while (out.length < n) {
    const r = await lines.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

/**
 * Posts batches, `IN_FLIGHT` requests at a time from each of `SENDERS` senders, retrying
 * on 503 as the edge does; resolves when every batch is acknowledged.
 */
async function send(url: string, bodies: string[]): Promise<{ events: number; retries: number }> {
  let events = 0;
  let retries = 0;
  let next = 0;
  const sender = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      for (;;) {
        const res = await fetch(`${url}/v1/batch`, {
          method: 'POST',
          headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
          body,
        });
        const answer = (await res.json()) as { stored?: number };
        if (res.status === 200) {
          events += answer.stored ?? 0;
          break;
        }
        if (res.status !== 503) throw new Error(`collector answered ${res.status}: ${JSON.stringify(answer)}`);
        retries++;
        await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000));
      }
    }
  };
  await Promise.all(Array.from({ length: SENDERS * IN_FLIGHT }, sender));
  return { events, retries };
}

/**
 * The ceiling: the same rows, built untimed, inserted with the plain client in inserts of
 * the collector's batch size; only the inserts are timed.
 */
async function rawInsert(storage: Storage, bodies: string[]): Promise<{ rows: number; seconds: number; cpu: number }> {
  let rows: EventRow[] = [];
  const out = { rows: 0, seconds: 0, cpu: 0 };
  const insert = async () => {
    const c = process.cpuUsage();
    const t = performance.now();
    await insertEvents(storage, rows);
    out.seconds += (performance.now() - t) / 1000;
    const u = process.cpuUsage(c);
    out.cpu += (u.user + u.system) / 1e6;
    out.rows += rows.length;
    rows = [];
  };
  for (const body of bodies) {
    for (const e of (JSON.parse(body) as CollectorBatch).events) rows.push(eventToRow(e));
    if (rows.length >= INSERT_ROWS) await insert();
  }
  if (rows.length > 0) await insert();
  return out;
}

/** Distinct events stored in a chDB directory (this process must have no other open). */
async function storedEvents(path: string): Promise<number> {
  const storage = await openStorage({ kind: 'chdb', path, database: 'lifeline' });
  try {
    const rs = await storage.client.query({ query: 'SELECT count() AS n FROM (SELECT event_id FROM lifeline.events LIMIT 1 BY event_id)', format: 'JSONEachRow' });
    const [row] = await rs.json<{ n: number | string }>();
    return Number(row?.n ?? 0);
  } finally {
    await storage.close();
  }
}

async function main() {
  log(`generating ${fmt(EVENTS)} events in batches of ${BATCH}…`);
  const file = await writeBatchFile(batchFile, { events: EVENTS, batchSize: BATCH });
  log(`  ${fmt(file.batches)} batches, ${(file.bytes / 1024 ** 2).toFixed(0)} MiB of JSON (${Math.round(file.bytes / file.events)} bytes an event)`);

  const loadBefore = loadavg()[0]!;
  const collector = await startCollector();
  const pid = collector.child.pid!;
  const raw = await openStorage({ kind: 'chdb', path: rawDir, database: 'lifeline' });
  await migrate(raw, { retentionDays: 400 });
  log(`collector pid ${pid} at ${collector.url}; ${TURNS} turns of HTTP (${SENDERS} senders × ${IN_FLIGHT} in flight) then raw inserts…`);

  let peakSampled = 0;
  const sampler = setInterval(() => (peakSampled = Math.max(peakSampled, processStats(pid).rssKb)), 100);
  const http = { events: 0, retries: 0, seconds: 0, cpu: 0, senderCpu: 0 };
  const rawTotal = { rows: 0, seconds: 0, cpu: 0 };
  const httpLines = readBatchFile(batchFile);
  const rawLines = readBatchFile(batchFile);
  const perTurn = Math.ceil(file.batches / TURNS);
  // Turns (HTTP, raw, HTTP, raw…) so load that drifts during the run weighs on both alike,
  // and both tables grow (and merge) alongside each other.
  for (let turn = 0; turn < TURNS; turn++) {
    const bodies = await take(httpLines, perTurn);
    const before = processStats(pid);
    const senderCpu = process.cpuUsage();
    const t = performance.now();
    const sent = await send(collector.url, bodies);
    http.seconds += (performance.now() - t) / 1000;
    const u = process.cpuUsage(senderCpu);
    http.senderCpu += (u.user + u.system) / 1e6;
    http.cpu += processStats(pid).cpu - before.cpu;
    http.events += sent.events;
    http.retries += sent.retries;

    const r = await rawInsert(raw, await take(rawLines, perTurn));
    rawTotal.rows += r.rows;
    rawTotal.seconds += r.seconds;
    rawTotal.cpu += r.cpu;
    log(`  turn ${turn + 1}/${TURNS}: ${fmt(http.events)} events through HTTP, ${fmt(rawTotal.rows)} rows raw`);
  }
  clearInterval(sampler);
  const peakKb = Math.max(processStats(pid).peakKb, peakSampled);
  const loadAfter = loadavg()[0]!;
  if (http.events !== EVENTS) throw new Error(`acknowledged ${http.events} of ${EVENTS} events`);

  const sample = await take(readBatchFile(batchFile), Math.ceil(Math.min(STAGE_EVENTS, EVENTS) / BATCH));
  const stages = await measureStages(raw, sample, INSERT_ROWS);
  await raw.close();
  collector.child.kill('SIGTERM');
  await new Promise((r) => collector.child.once('exit', r));
  const stored = await storedEvents(dataDir);
  if (stored !== EVENTS) throw new Error(`expected ${EVENTS} events stored through HTTP, found ${stored}`);

  const httpRate = EVENTS / http.seconds;
  const rawRate = rawTotal.rows / rawTotal.seconds;
  const per = (seconds: number, n: number) => ((seconds * 1e6) / n).toFixed(1);
  const report = [
    '',
    `Collector ingest, ${fmt(EVENTS)} events (${BATCH} per batch, ${SENDERS} senders × ${IN_FLIGHT} in flight, ${Math.round(file.bytes / file.events)} bytes an event), embedded chDB, ${TURNS} turns`,
    `  POST /v1/batch      ${fmt(httpRate).padStart(9)} events/s   (${http.seconds.toFixed(1)} s; ${http.retries} batches retried after 503; ${fmt(stored)} stored)`,
    `  raw client insert   ${fmt(rawRate).padStart(9)} rows/s     (JSONEachRow, ${fmt(INSERT_ROWS)} rows an insert, ${rawTotal.seconds.toFixed(1)} s)`,
    `  ratio               ${(httpRate / rawRate).toFixed(2)} of the raw insert`,
    `  collector peak RSS  ${(peakKb / 1024).toFixed(0)} MiB`,
    `  machine             ${cpus().length} cores, load average ${loadBefore.toFixed(1)} at start, ${loadAfter.toFixed(1)} at end`,
    `  CPU per event       collector ${per(http.cpu, EVENTS)} µs (HTTP, JSON, validation, insert, chDB and its merges), raw insert ${per(rawTotal.cpu, rawTotal.rows)} µs, senders ${per(http.senderCpu, EVENTS)} µs`,
    `  CPU per event by stage (${fmt(Math.min(STAGE_EVENTS, EVENTS))} events, this process):`,
    ...stages.map((st) => `    ${st.us.toFixed(1).padStart(6)} µs  ${st.name}`),
    '',
  ];
  process.stdout.write(report.join('\n'));
}

main()
  .catch((err) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  })
  .finally(() => rmSync(work, { recursive: true, force: true }));
