import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorResponse } from '@lifeline/protocol';
import { openHarness, type Harness } from '../support/harness';
import { eventually, figures, report, stored, watchDeliveries } from './support';

/**
 * The collector stops while a shopper's page keeps recording: the edge answers 503 with
 * `Retry-After` once its bounded retries are spent, the SDK keeps the events and tries again,
 * and once the collector is back on the same port and data directory every event the page
 * recorded is stored exactly once.
 */
describe('reliability: the collector goes down while pages keep sending', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness('reliability-collector-down');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('every recorded event is stored once after the collector is back', async () => {
    const { page, pageErrors } = await h.page();
    const deliveries = watchDeliveries(page);
    await page.goto(`${h.stack.urls.store}/product/tee-midnight`);
    await page.waitForFunction(() => typeof (window as any).lifeline?.sessionId?.() === 'string');
    const sessionId = (await page.evaluate(() => (window as any).lifeline.sessionId())) as string;
    const run = `collector-down-${Date.now()}`;
    // Five events a second, from the page itself, for the whole outage.
    await page.evaluate((r) => {
      let i = 0;
      const w = window as any;
      w.__probes = setInterval(() => w.lifeline.track('probe', { run: r, i: i++ }), 200);
      w.__stopProbes = () => (clearInterval(w.__probes), i);
    }, run);
    await new Promise((r) => setTimeout(r, 4_000));

    await h.stack.stopService('collector');
    const down = Date.now();

    // The edge's own answer while the collector is away: bounded retries, then 503.
    const asked = Date.now();
    const direct = await fetch(`${h.stack.urls.edge}/v1/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: JSON.stringify({ v: 1, key: h.stack.tokens.publicKey, events: [{ kind: 'track', event_id: crypto.randomUUID(), ts: Date.now(), name: 'direct' }] }),
    });
    const answeredInMs = Date.now() - asked;
    expect(direct.status).toBe(503);
    expect(Number(direct.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(ErrorResponse.parse(await direct.json()).error).toBe('collector_unavailable');
    expect(answeredInMs).toBeLessThan(10_000);

    // The page hears it too, and keeps recording.
    expect(await eventually(() => deliveries.answers.some((a) => a.startsWith('503:')), 30_000)).toBe(true);
    await new Promise((r) => setTimeout(r, Math.max(0, 15_000 - (Date.now() - down))));

    await h.stack.startService('collector');
    const downForMs = Date.now() - down;
    await new Promise((r) => setTimeout(r, 2_000));
    const recorded = (await page.evaluate(() => (window as any).__stopProbes())) as number;

    // flush() sends whatever waits, backoff or not; the SDK would do it by itself within its Retry-After.
    expect(await eventually(() => page.evaluate(() => (window as any).lifeline.flush()) as Promise<boolean>, 60_000, 1_000)).toBe(true);
    let events = await stored(h, sessionId);
    await eventually(async () => figures(recorded, run, deliveries, (events = await stored(h, sessionId))).stored === recorded, 30_000);

    const result = {
      ...figures(recorded, run, deliveries, events),
      collector_down_ms: downForMs,
      edge_503_answer_ms: answeredInMs,
      page_503s: deliveries.answers.filter((a) => a.startsWith('503')).length,
      answers: [...new Set(deliveries.answers)].join(' '),
    };
    report('collector-down', result);
    expect(result.stored).toBe(recorded);
    expect(result.acknowledged).toBe(recorded);
    expect(result.duplicated).toBe(0);
    // Every answer was an acceptance or a 503 with Retry-After; nothing else reached the page.
    expect(deliveries.answers.every((a) => a === '202' || /^503:\d+$/.test(a))).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
