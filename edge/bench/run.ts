import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startCollectorStandIn } from '../tools/collectorStandIn';
import { startWrangler, type RunningWrangler } from '../tools/startWrangler';
import { measureFlipLatency } from './flipLatency';
import { ms } from './stats';
import { combine, measureLoad, type LoadResult, type LoadSample } from './statusLoad';

// `npm run bench -w edge [-- --streams 20 --flips 30 --seconds 10 --concurrency 32]`
// Starts two `wrangler dev`s on free loopback ports (the edge, and a bare Hono worker as
// the ceiling), measures, prints, and stops them. Nothing leaves 127.0.0.1.
const { values } = parseArgs({
  options: {
    streams: { type: 'string', default: '20' },
    flips: { type: 'string', default: '30' },
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '32' },
  },
});
const streams = Number(values.streams);
const flips = Number(values.flips);
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);

const edgeDir = fileURLToPath(new URL('..', import.meta.url));
const TOKEN = 'bench-ops-token';
const KEY = 'pk_demo';

function loadRow(label: string, r: LoadResult): string {
  const l = r.latency;
  return `| ${label} | ${Math.round(r.requestsPerSecond)} | ${ms(l.p50)} | ${ms(l.p95)} | ${ms(l.p99)} | ${r.errors} |`;
}

interface Target {
  label: string;
  url: string;
  headers?: Record<string, string>;
  expect?: number;
}

/**
 * Loads the targets in turns of 2 s (A, B, C, A, B, C…) until each had `seconds`, so a
 * machine whose load drifts during the run weighs on every target alike.
 */
async function loadInTurns(targets: Target[]): Promise<void> {
  const slice = 2;
  for (const t of targets) await measureLoad({ ...t, seconds: 1, concurrency });
  const samples = targets.map(() => [] as LoadSample[]);
  for (let done = 0; done < seconds; done += slice) {
    for (const [i, t] of targets.entries()) samples[i]!.push(await measureLoad({ ...t, seconds: Math.min(slice, seconds - done), concurrency }));
  }
  for (const [i, t] of targets.entries()) console.log(loadRow(t.label, combine(samples[i]!)));
}

const running: RunningWrangler[] = [];
const collector = await startCollectorStandIn();
try {
  console.log(`edge benchmark · ${cpus().length} CPUs · Node ${process.versions.node}`);
  const edge = await startWrangler({
    cwd: edgeDir,
    vars: { LIFELINE_OPS_TOKENS: `demo:bench:${TOKEN}`, LIFELINE_COLLECTOR_URL: collector.url },
  });
  running.push(edge);
  const bare = await startWrangler({ cwd: fileURLToPath(new URL('./bare', import.meta.url)) });
  running.push(bare);

  console.log(`\nflag flip → open pages: ${streams} streams, ${flips} flips`);
  const flip = await measureFlipLatency({ edgeUrl: edge.url, key: KEY, token: TOKEN, streams, flips, feature: 'checkout' });
  const r = flip.received;
  console.log('| measure | median ms | p95 ms | max ms |');
  console.log('| --- | --- | --- | --- |');
  console.log(`| flip sent → new status read on each open stream (${r.count} deliveries, ${flip.missed} missed) | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.max)} |`);
  console.log(`| ops API answer to the flip (${flip.answered.count}) | ${ms(flip.answered.p50)} | ${ms(flip.answered.p95)} | ${ms(flip.answered.max)} |`);
  await new Promise((resolve) => setTimeout(resolve, 500));
  console.log(`flag events acknowledged by the collector stand-in: ${collector.events.filter((e) => e.kind === 'flag').length} of ${flips}`);

  console.log(`\nGET /v1/status: ${seconds} s each in 2 s turns, ${concurrency} concurrent, after a 1 s warm-up each`);
  console.log('| target | requests/s | p50 ms | p95 ms | p99 ms | errors |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  const etag = (await fetch(`${edge.url}/v1/status?key=${KEY}`)).headers.get('ETag') ?? '';
  await loadInTurns([
    { label: 'edge `/v1/status` (200; 1 s location cache, then the Durable Object)', url: `${edge.url}/v1/status?key=${KEY}` },
    { label: 'edge `/v1/status` revalidation (`If-None-Match` → 304)', url: `${edge.url}/v1/status?key=${KEY}`, headers: { 'If-None-Match': etag }, expect: 304 },
    { label: 'bare Hono worker, fixed JSON (ceiling)', url: `${bare.url}/v1/status` },
  ]);
} finally {
  await Promise.all(running.map((w) => w.stop()));
  await collector.close();
}
