/**
 * `npm run bench -w collector [-- --events N --senders N --batch N]`
 *
 * Ingest throughput of the collector on embedded chDB, with the ceiling beside it, from
 * one run:
 *
 * 1. generates N events of store traffic (bench/data.ts) into a file of batch bodies;
 * 2. starts `src/main.ts` as a child process on a fresh data directory and posts the
 *    batches to `POST /v1/batch` from a few concurrent senders (as edge locations would,
 *    retrying on 503) until every one is acknowledged: events/s, the collector's peak RSS
 *    and its CPU time per event;
 * 3. stops it (SIGTERM), checks every event is stored once, then inserts the same rows
 *    with a plain `@clickhouse/client` JSONEachRow insert into a second database with the
 *    same schema in the same chDB directory, in inserts of the collector's batch size:
 *    the ceiling, rows/s.
 *
 * Defaults: 2,000,000 events, 4 senders, 1000 events per batch.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CollectorBatch } from '@lifeline/protocol';
import { eventToRow, type EventRow } from '../src/storage/event-row';
import { insertEvents } from '../src/storage/insert-events';
import { migrate } from '../src/storage/migrate';
import { openStorage } from '../src/storage/open-storage';
import { readBatchFile, writeBatchFile } from './data';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  const n = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer`);
  return n;
};
const EVENTS = arg('--events', 2_000_000);
const SENDERS = arg('--senders', 4);
const BATCH = arg('--batch', 1000);
/** The collector's default insert size, used for the raw inserts too. */
const INSERT_ROWS = 50_000;
const SECRET = 'bench-collector-secret';

const work = mkdtempSync(join(tmpdir(), 'lifeline-bench-ingest-'));
const batchFile = join(work, 'batches.ndjson');
const dataDir = join(work, 'chdb');
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

/** Posts every batch of the file from `SENDERS` concurrent senders; resolves when all are acknowledged. */
async function send(url: string): Promise<{ events: number; retries: number }> {
  const lines = readBatchFile(batchFile);
  let events = 0;
  let retries = 0;
  const next = async () => {
    const r = await lines.next();
    return r.done ? null : r.value;
  };
  let queue = Promise.resolve<string | null>(null);
  const take = () => (queue = queue.then(next));
  const sender = async () => {
    for (let body = await take(); body !== null; body = await take()) {
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
  await Promise.all(Array.from({ length: SENDERS }, sender));
  return { events, retries };
}

async function rawInsert(): Promise<{ rows: number; seconds: number; cpu: number }> {
  const storage = await openStorage({ kind: 'chdb', path: dataDir, database: 'lifeline' });
  try {
    const stored = await storage.client.query({
      query: 'SELECT count() AS n FROM (SELECT event_id FROM lifeline.events LIMIT 1 BY event_id)',
      format: 'JSONEachRow',
    });
    const [{ n }] = (await stored.json<{ n: number | string }>()) as [{ n: number | string }];
    if (Number(n) !== EVENTS) throw new Error(`expected ${EVENTS} events stored through HTTP, found ${n}`);

    const raw = { ...storage, database: 'bench_raw' };
    await migrate(raw, { retentionDays: 400 });
    let rows: EventRow[] = [];
    let total = 0;
    let seconds = 0;
    let cpu = 0;
    const insert = async () => {
      const c = process.cpuUsage();
      const t = performance.now();
      await insertEvents(raw, rows);
      seconds += (performance.now() - t) / 1000;
      const u = process.cpuUsage(c);
      cpu += (u.user + u.system) / 1e6;
      total += rows.length;
      rows = [];
    };
    for await (const line of readBatchFile(batchFile)) {
      for (const e of (JSON.parse(line) as CollectorBatch).events) rows.push(eventToRow(e));
      if (rows.length >= INSERT_ROWS) await insert();
    }
    if (rows.length > 0) await insert();
    return { rows: total, seconds, cpu };
  } finally {
    await storage.close();
  }
}

async function main() {
  log(`generating ${fmt(EVENTS)} events in batches of ${BATCH}…`);
  const file = await writeBatchFile(batchFile, { events: EVENTS, batchSize: BATCH });
  log(`  ${fmt(file.batches)} batches, ${(file.bytes / 1024 ** 2).toFixed(0)} MiB of JSON (${Math.round(file.bytes / file.events)} bytes an event)`);

  const collector = await startCollector();
  const pid = collector.child.pid!;
  log(`collector pid ${pid} at ${collector.url}; sending from ${SENDERS} senders…`);
  let peakSampled = 0;
  const sampler = setInterval(() => (peakSampled = Math.max(peakSampled, processStats(pid).rssKb)), 100);
  const before = processStats(pid);
  const benchCpu = process.cpuUsage();
  const started = performance.now();
  const sent = await send(collector.url);
  const httpSeconds = (performance.now() - started) / 1000;
  const after = processStats(pid);
  const benchCpuSeconds = (process.cpuUsage(benchCpu).user + process.cpuUsage(benchCpu).system) / 1e6;
  clearInterval(sampler);
  if (sent.events !== EVENTS) throw new Error(`acknowledged ${sent.events} of ${EVENTS} events`);
  collector.child.kill('SIGTERM');
  await new Promise((r) => collector.child.once('exit', r));

  log('inserting the same rows with a plain client insert…');
  const raw = await rawInsert();

  const httpRate = EVENTS / httpSeconds;
  const rawRate = raw.rows / raw.seconds;
  const report = [
    '',
    `Collector ingest, ${fmt(EVENTS)} events (${BATCH} per batch, ${SENDERS} senders, ${Math.round(file.bytes / file.events)} bytes an event), embedded chDB`,
    `  POST /v1/batch      ${fmt(httpRate).padStart(9)} events/s   (${httpSeconds.toFixed(1)} s; ${sent.retries} batches retried after 503)`,
    `  raw client insert   ${fmt(rawRate).padStart(9)} rows/s     (JSONEachRow, ${fmt(INSERT_ROWS)} rows an insert, ${raw.seconds.toFixed(1)} s)`,
    `  ratio               ${(httpRate / rawRate).toFixed(2)} of the raw insert`,
    `  collector peak RSS  ${(Math.max(after.peakKb, peakSampled) / 1024).toFixed(0)} MiB`,
    `  CPU per event       collector ${((after.cpu - before.cpu) * 1e6 / EVENTS).toFixed(1)} µs (JSON, validation, insert, chDB), raw insert ${((raw.cpu * 1e6) / raw.rows).toFixed(1)} µs, senders ${((benchCpuSeconds * 1e6) / EVENTS).toFixed(1)} µs`,
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
