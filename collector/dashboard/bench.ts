/**
 * Dashboard load benchmark: `npm run bench:dashboard -w collector`.
 *
 * Seeds a collector (embedded chDB in a temp directory) with the demo's history — 30 days
 * at 1500 sessions a weekday, about 420 000 events, with its three incidents — through
 * `POST /v1/batch`, serves it, and opens each dashboard view in headless Chromium at
 * 1366×768, three times each, reporting the time from navigation to the view's charts
 * drawn and to all of its data in (parts filled in after the charts: the Overview's
 * anomaly shading, the Anomalies view's causes); the page marks both moments. The first
 * load of a view is the cold one.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { generateHistory } from '../../demo-store/src/traffic/history';
import { demoIncidents } from '../../demo-store/src/traffic/seed';
import { launchBrowser } from '../../sdk/test/support/browser';
import { openCollector } from '../src/collector';
import { loadConfig } from '../src/config';

const DAYS = Number(process.env.BENCH_DAYS ?? 30);
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 1500);
const VIEWS = ['overview', 'overview?interval=hour', 'funnel', 'anomalies', 'errors', 'vitals', 'red', 'alerts'];
const RUNS = 3;

const dir = mkdtempSync(join(tmpdir(), 'lifeline-dashboard-bench-'));
const config = loadConfig({ LIFELINE_COLLECTOR_SECRET: 'bench-secret', LIFELINE_READ_TOKENS: 'demo:rt_bench', LIFELINE_DATA_DIR: dir });
const collector = await openCollector(config, { env: {} });
try {
  const now = Date.now();
  const started = performance.now();
  let events = 0;
  for (const batch of generateHistory({ project: 'demo', now, days: DAYS, sessionsPerDay: SESSIONS, incidents: demoIncidents(now) }, 20_000)) {
    const res = await collector.app.request('/v1/batch', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer bench-secret' },
      body: JSON.stringify({ v: 1, batch_id: randomUUID(), events: batch }),
    });
    if (!res.ok) throw new Error(`seeding failed: ${res.status} ${await res.text()}`);
    events += batch.length;
  }
  console.log(`seeded ${events} events (${DAYS} days, ${SESSIONS} sessions a weekday) in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  let server!: Server;
  const port = await new Promise<number>((r) => (server = serve({ fetch: collector.app.fetch, hostname: '127.0.0.1', port: 0 }, (i) => r(i.port)) as Server));
  const base = `http://127.0.0.1:${port}/dashboard/`;
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto(base);
    await page.fill('#token', 'rt_bench');
    await page.click('button[type=submit]');
    await page.waitForFunction(() => document.documentElement.dataset.drawnAt !== undefined, null, { timeout: 60_000 });
    console.log('\nview                     ' + Array.from({ length: RUNS }, (_, i) => `run ${i + 1}`.padStart(12)).join('') + '  (ms from navigation: charts drawn / all data in)');
    for (const view of VIEWS) {
      const times: string[] = [];
      for (let i = 0; i < RUNS; i++) {
        await page.goto('about:blank');
        await page.goto(`${base}#/${view}`);
        await page.waitForFunction(() => document.documentElement.dataset.settledAt !== undefined && document.documentElement.dataset.drawnAt !== undefined, null, { timeout: 60_000 });
        const { drawnAt, settledAt } = await page.evaluate(() => ({ ...document.documentElement.dataset }));
        times.push(`${drawnAt} / ${settledAt}`);
      }
      console.log(view.padEnd(25) + times.map((t) => t.padStart(12)).join(''));
    }
  } finally {
    await browser.close();
    server.close();
  }
} finally {
  await collector.close();
  rmSync(dir, { recursive: true, force: true });
}
