import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startCollectorStandIn } from '../tools/collectorStandIn';
import { startWrangler, type RunningWrangler } from '../tools/startWrangler';
import { measureFlipLatency } from './flipLatency';
import { measureFlipToVisible } from './flipToVisible';
import { ms } from './stats';
import { combine, measureLoad, type LoadResult, type LoadSample } from './statusLoad';

// `npm run bench -w edge [-- --pages 10 --streams 20 --flips 20 --seconds 10 --concurrency 32]`
// Starts two `wrangler dev`s on free loopback ports (the edge, and a bare Hono worker as
// the ceiling), measures, prints, and stops them. Nothing leaves 127.0.0.1. The pages
// load the built SDK (`npm run build -w sdk`) in headless Chromium.
const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '10' },
    streams: { type: 'string', default: '20' },
    flips: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '32' },
  },
});
const pages = Number(values.pages);
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
    vars: {
      LIFELINE_OPS_TOKENS: `demo:bench:${TOKEN}`,
      LIFELINE_COLLECTOR_URL: collector.url,
      // The load comes from one address and User-Agent, which the per-client limit (20/s by
      // default) would refuse as one client; a limit never reached keeps its cost measured.
      LIFELINE_RATE_CLIENT: '1000000:1000000',
    },
  });
  running.push(edge);
  const bare = await startWrangler({ cwd: fileURLToPath(new URL('./bare', import.meta.url)) });
  running.push(bare);

  const row = (label: string, s: { p50: number; p95: number; max: number }) => console.log(`| ${label} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.max)} |`);
  console.log(`\nflag flip → visible on open pages: ${pages} Chromium pages with the SDK, ${flips} flips (down / ok in turn)`);
  const visible = await measureFlipToVisible({ edgeUrl: edge.url, key: KEY, token: TOKEN, pages, flips, feature: 'checkout' });
  console.log('| measure | median ms | p95 ms | max ms |');
  console.log('| --- | --- | --- | --- |');
  row(`flip sent → \`data-lifeline-state\` changed on each page (${visible.marked.count} changes, ${visible.missed} missed)`, visible.marked);
  row(`ops API answer to the flip (${visible.answered.count})`, visible.answered);
  const { offset, error } = visible.clock;
  console.log(`largest offset between a page's clock and the bench's: ${ms(offset)} ms (± ${ms(error)} ms measuring error)`);

  console.log(`\nflag flip → status streams read by Node (no browser): ${streams} streams, ${flips} flips`);
  const flip = await measureFlipLatency({ edgeUrl: edge.url, key: KEY, token: TOKEN, streams, flips, feature: 'checkout' });
  console.log('| measure | median ms | p95 ms | max ms |');
  console.log('| --- | --- | --- | --- |');
  row(`flip sent → new status read on each open stream (${flip.received.count} deliveries, ${flip.missed} missed)`, flip.received);
  row(`ops API answer to the flip (${flip.answered.count})`, flip.answered);
  await new Promise((resolve) => setTimeout(resolve, 500));
  // Two unmeasured warm-up flips come before the pages' flips.
  const flagEvents = collector.events.filter((e) => e.kind === 'flag').length;
  console.log(`flag events acknowledged by the collector stand-in: ${flagEvents} of ${flips * 2 + 2}`);

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
