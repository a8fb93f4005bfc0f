import { DEV } from '../dev-config';
import { simulate } from '../traffic/simulate';
import { parseArgs, parseDuration } from './args';

const USAGE = `usage: npm run simulate -w demo-store -- [--rate 20] [--duration 5m] [--concurrency 3] [--store URL]
  --rate         new shoppers per minute (default 20)
  --duration     how long to send shoppers (default 5m)
  --concurrency  most shoppers at once, each a browser context (default 3)
  --store        the store's URL (default STORE_URL or http://127.0.0.1:${DEV.ports.store})`;

const { opts } = parseArgs(process.argv.slice(2));
if (opts.help) {
  console.log(USAGE);
  process.exit(0);
}
try {
  const storeUrl = opts.store ?? process.env.STORE_URL ?? `http://127.0.0.1:${DEV.ports.store}`;
  const perMinute = Number(opts.rate ?? 20);
  const concurrency = Number(opts.concurrency ?? 3);
  if (!(perMinute > 0 && perMinute <= 600)) throw new Error('--rate must be between 1 and 600 shoppers per minute');
  if (!(concurrency >= 1 && concurrency <= 16)) throw new Error('--concurrency must be between 1 and 16');
  const durationMs = parseDuration(opts.duration ?? '5m');
  const stop = new AbortController();
  process.on('SIGINT', () => stop.abort());
  console.log(`sending ${perMinute} shoppers a minute to ${storeUrl} for ${opts.duration ?? '5m'} (Ctrl-C stops early)`);
  const summary = await simulate({
    storeUrl,
    perMinute,
    concurrency,
    durationMs,
    signal: stop.signal,
    onShopper: (outcome, detail) => console.log(`${new Date().toISOString().slice(11, 19)} shopper ${outcome}${detail ? `: ${detail}` : ''}`),
  });
  console.log(JSON.stringify(summary));
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  console.error(USAGE);
  process.exit(1);
}
