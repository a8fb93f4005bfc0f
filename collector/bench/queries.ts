/**
 * Query latency benchmark: `npm run bench:queries -w collector [-- --sizes 1m,10m --runs 20 --dir DIR]`.
 *
 * For each size, loads realistic store history (see `synthetic-history.ts`: 60 days and
 * today, ~12 events per session, a two-hour payments outage 12 days ago) into a fresh
 * embedded chDB, then runs each query `runs` times after two warm-up runs and prints the
 * median and 95th percentile. Lookups take a different session or request each run, so
 * no run answers from a cache the previous one warmed for the same rows. `--dir` keeps
 * the stores (one per size) and reuses them on the next run instead of loading again.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AnomaliesQuery,
  ErrorsQuery,
  FunnelQuery,
  MetricsQuery,
  QueryTimelineQuery,
  RedQuery,
  SearchQuery,
  VitalsQuery,
} from '@lifeline/protocol';
import { createQueryService } from '../src/query/service';
import { selectRows } from '../src/query/sql/run';
import { queryTimeline } from '../src/query/timeline';
import { migrate } from '../src/storage/migrate';
import { openStorage, type Storage } from '../src/storage/open-storage';
import { loadSyntheticHistory } from './synthetic-history';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const EVENTS_PER_SESSION = 11.9;
const DAYS = 60;

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const sizes = option('sizes', '1m,10m')
  .split(',')
  .map((s) => ({ label: s, events: Number(s.replace(/m$/i, '')) * 1_000_000 }));
const runs = Number(option('runs', '20'));
const keepDir = process.argv.includes('--dir') ? option('dir', '') : undefined;

const log = (line: string) => process.stderr.write(`${line}\n`);
const ms = (x: number) => x.toFixed(x < 10 ? 1 : 0);

interface Store {
  storage: Storage;
  now: number;
  outage: number;
  remove: () => void;
}

/** Opens (and fills, unless a kept store already holds this size) the store for one size. */
async function prepare(size: { label: string; events: number }): Promise<Store> {
  const path = keepDir ? join(keepDir, size.label) : mkdtempSync(join(tmpdir(), `lifeline-bench-queries-${size.label}-`));
  mkdirSync(path, { recursive: true });
  const marker = join(path, 'bench.json');
  const storage = await openStorage({ kind: 'chdb', path, database: 'lifeline' });
  await migrate(storage, { retentionDays: 400 });
  const remove = () => (keepDir ? undefined : rmSync(path, { recursive: true, force: true }));
  if (existsSync(marker)) {
    const kept = JSON.parse(readFileSync(marker, 'utf8')) as { now: number; outage: number };
    log(`${size.label}: reusing the store in ${path}`);
    return { storage, ...kept, remove };
  }
  const now = Date.now();
  const outage = Math.floor((now - 12 * DAY) / DAY) * DAY + 14 * HOUR;
  const started = performance.now();
  await loadSyntheticHistory(storage, {
    project: 'demo',
    now,
    days: DAYS,
    sessionsPerDay: Math.round(size.events / EVENTS_PER_SESSION / (DAYS + 0.5)),
    outage: { start: outage, minutes: 120 },
    onProgress: (p) => process.stderr.write(`\r${size.label}: loading day ${p.days} of ${p.of}…`),
  });
  const [stats] = await selectRows<{ n: string | number; u: string | number }>(
    storage,
    `SELECT count() AS n, uniqExact(event_id) AS u FROM lifeline.events`,
  );
  log(`\r${size.label}: loaded ${Number(stats!.n).toLocaleString('en')} events (${Number(stats!.u).toLocaleString('en')} distinct) in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  writeFileSync(marker, JSON.stringify({ now, outage }));
  return { storage, now, outage, remove };
}

/**
 * Runs `fn` (given the run's index) `runs` times after two warm-ups: median and p95 of
 * the wall time, and the median CPU time of this process (chDB runs inside it, so that is
 * the engine's work plus ours), which other load on the machine does not inflate.
 */
async function measure(fn: (i: number) => Promise<unknown>): Promise<{ median: number; p95: number; cpu: number }> {
  for (let i = 0; i < 2; i++) await fn(runs + i);
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    await fn(i);
    const used = process.cpuUsage(c);
    times.push(performance.now() - t);
    cpu.push((used.user + used.system) / 1000);
  }
  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
  const mid = Math.floor((runs - 1) / 2);
  return { median: sorted(times)[mid]!, p95: sorted(times)[Math.min(runs - 1, Math.ceil(runs * 0.95) - 1)]!, cpu: sorted(cpu)[mid]! };
}

async function bench(size: { label: string; events: number }): Promise<void> {
  const store = await prepare(size);
  const { storage, now } = store;
  const q = createQueryService(storage, { now: () => now });
  const sample = async (column: string) =>
    (
      await selectRows<{ id: string }>(
        storage,
        `SELECT ${column} AS id FROM lifeline.events WHERE kind = 'network' AND ts >= now64() - INTERVAL 7 DAY
         ORDER BY cityHash64(${column}) LIMIT ${runs + 2}`,
      )
    ).map((r) => r.id);
  const sessions = await sample('session_id');
  const requests = await sample('request_id');
  const outageDay = Math.floor(store.outage / DAY) * DAY;

  const cases: [string, (i: number) => Promise<unknown>][] = [
    ['funnel, 5 steps, 7 days', () => q.funnel('demo', FunnelQuery.parse({ steps: 'view_product,add_to_cart,begin_checkout,order_created,purchase' }))],
    [
      'funnel, by browser, vs previous 7 days',
      () => q.funnel('demo', FunnelQuery.parse({ steps: 'view_product,add_to_cart,begin_checkout,order_created,purchase', breakdown: 'browser', compare: 'true' })),
    ],
    ['anomalies + causes, 24 h with the outage', () => q.anomalies('demo', AnomaliesQuery.parse({ from: String(outageDay), to: String(outageDay + DAY) }))],
    ['anomalies + causes, 7 days', () => q.anomalies('demo', AnomaliesQuery.parse({ from: String(outageDay - 3 * DAY), to: String(outageDay + 4 * DAY) }))],
    ['metrics per day, 7 days', () => q.metrics('demo', MetricsQuery.parse({ interval: 'day' }))],
    ['timeline lookup by session (/v1/timeline)', (i) => queryTimeline(storage, { project: 'demo', key: 'session_id', id: sessions[i]!, limit: 1000 })],
    ['timeline lookup by request (/v1/timeline)', (i) => queryTimeline(storage, { project: 'demo', key: 'request_id', id: requests[i]!, limit: 1000 })],
    ['related timeline by session', (i) => q.timeline('demo', QueryTimelineQuery.parse({ id: sessions[i]!, by: 'session' }))],
    ['related timeline by request', (i) => q.timeline('demo', QueryTimelineQuery.parse({ id: requests[i]!, by: 'request' }))],
    ['error groups, 7 days', () => q.errors('demo', ErrorsQuery.parse({}))],
    ['vitals, 7 days', () => q.vitals('demo', VitalsQuery.parse({}))],
    ['RED, 7 days', () => q.red('demo', RedQuery.parse({}))],
    ['search substring, 7 days', () => q.search('demo', SearchQuery.parse({ q: 'ResizeObserver' }))],
  ];
  log(`${size.label}: load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const rows: string[][] = [];
  for (const [name, fn] of cases) {
    const r = await measure(fn);
    rows.push([name, ms(r.median), ms(r.p95), ms(r.cpu)]);
    log(`  ${name.padEnd(44)} ${ms(r.median).padStart(6)} ms  p95 ${ms(r.p95).padStart(6)} ms  cpu ${ms(r.cpu).padStart(6)} ms`);
  }
  log(`${size.label}: load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const dedup = await dedupStrategies(storage, now);
  await storage.close();
  store.remove();
  results.push({ size: size.label, rows, dedup });
}

/** The three ways to count each event once, on one metric (orders and revenue, 7 days). */
async function dedupStrategies(storage: Storage, now: number): Promise<string[][]> {
  const where = `project = 'demo' AND kind = 'track' AND name = 'purchase' AND ts >= fromUnixTimestamp64Milli(${now - 7 * DAY}) AND ts < fromUnixTimestamp64Milli(${now})`;
  const revenue = `JSONExtractFloat(props, 'revenue')`;
  const variants: [string, string][] = [
    ['LIMIT 1 BY event_id', `SELECT count(), sum(r) FROM (SELECT ${revenue} AS r FROM lifeline.events WHERE ${where} LIMIT 1 BY event_id)`],
    ['FINAL', `SELECT count(), sum(${revenue}) FROM lifeline.events FINAL WHERE ${where}`],
    ['GROUP BY event_id', `SELECT count(), sum(r) FROM (SELECT any(${revenue}) AS r FROM lifeline.events WHERE ${where} GROUP BY event_id)`],
    ['(no de-duplication)', `SELECT count(), sum(${revenue}) FROM lifeline.events WHERE ${where}`],
  ];
  const out: string[][] = [];
  for (const [name, sql] of variants) {
    const r = await measure(() => selectRows(storage, sql));
    out.push([name, ms(r.median), ms(r.p95), ms(r.cpu)]);
  }
  return out;
}

const results: { size: string; rows: string[][]; dedup: string[][] }[] = [];
for (const size of sizes) await bench(size);

const table = (head: string[], rows: string[][]) =>
  [`| ${head.join(' | ')} |`, `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const names = results[0]?.rows.map((r) => r[0]!) ?? [];
const head = (first: string) => [first, ...results.flatMap((r) => [`${r.size} median ms`, `${r.size} p95 ms`, `${r.size} CPU ms`])];
const cells = (rows: string[][], i: number) => rows[i]!.slice(1);
process.stdout.write(
  `\n${table(head('query'), names.map((n, i) => [n, ...results.flatMap((r) => cells(r.rows, i))]))}\n\n` +
    `De-duplication of one metric (orders and revenue over 7 days):\n\n` +
    `${table(head('strategy'), (results[0]?.dedup ?? []).map((d, i) => [d[0]!, ...results.flatMap((r) => cells(r.dedup, i))]))}\n\n` +
    `runs: ${runs} per query after 2 warm-ups; load average at the end: ${loadavg().map((x) => x.toFixed(1)).join(' ')}\n`,
);
