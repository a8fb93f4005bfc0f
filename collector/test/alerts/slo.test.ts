import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SloRule, type StoredEvent } from '@lifeline/protocol';
import { createAlerting, type Alerting } from '../../src/alerts/create-alerting';
import { judgeTiers } from '../../src/alerts/evaluate/burn-rate';
import { countWindows } from '../../src/alerts/queries/burn-rate';
import type { Storage } from '../../src/storage/open-storage';
import { DAY, HOUR, MIN, NOW, calls, clearAlerts, openTestStorage, store } from './support';

let storage: Storage;
let close: () => Promise<void>;

/** A backend request log, as the demo store writes at the end of each request. */
const response = (ts: number, status: number, path: string, duration_ms?: number): StoredEvent =>
  ({
    kind: 'log', event_id: randomUUID(), ts, received_at: ts + 5, project: 'demo', level: status >= 500 ? 'error' : 'info',
    message: `response ${status} GET ${path}`, service: 'store', request_id: randomUUID(),
    ...(duration_ms === undefined ? {} : { props: { method: 'GET', path, status, duration_ms } }),
  }) as StoredEvent;

/**
 * `n` calls spread evenly over `[from, to)`, every `every`-th failing, so any window holding
 * a multiple of `every` of them sees the same error ratio, 1 / `every`.
 */
const steady = (n: number, every: number, from: number, to: number, path: string): StoredEvent[] =>
  calls(n, 0, from, to, { path }).map((e, i) => (i % every === every - 1 ? ({ ...e, status: 503 } as StoredEvent) : e));

/** `rate` calls a minute over `[from, to)`, every `every`-th failing (none when 0). */
const perMinute = (rate: number, from: number, to: number, path: string, every = 0): StoredEvent[] => {
  const n = Math.round(((to - from) / MIN) * rate);
  return every ? steady(n, every, from, to, path) : calls(n, 0, from, to, { path });
};

beforeAll(async () => {
  ({ storage, close } = await openTestStorage());
  await store(storage, [
    // /api/c (page-slow), 2 calls a minute for 3 days; from 6 h to 1 h before NOW one call in 10 fails.
    ...perMinute(2, NOW - 3 * DAY, NOW - 6 * HOUR, '/api/c'),
    ...perMinute(2, NOW - 6 * HOUR, NOW - HOUR, '/api/c', 10),
    ...perMinute(2, NOW - HOUR, NOW, '/api/c'),
    // /api/d (ticket-fast): 4 calls a minute until a day before NOW, 2 a minute since; from
    // 22 h to 2 h before NOW one call in 20 fails. The busier days before keep the 3-day
    // window under 1×, so ticket-slow stays quiet and the ticket is ticket-fast's alone.
    ...perMinute(4, NOW - 3 * DAY, NOW - DAY, '/api/d'),
    ...perMinute(2, NOW - DAY, NOW - 22 * HOUR, '/api/d'),
    ...perMinute(2, NOW - 22 * HOUR, NOW - 2 * HOUR, '/api/d', 20),
    ...perMinute(2, NOW - 2 * HOUR, NOW, '/api/d'),
    // /api/a: 2 good calls a minute for 3 days, and in the last 5 minutes 20 more of which 4 fail.
    ...calls(8640, 0, NOW - 3 * DAY, NOW, { path: '/api/a' }),
    ...calls(20, 4, NOW - 5 * MIN, NOW, { path: '/api/a' }),
    // /api/b: 1 good call a minute for 3 days, and a 30-minute burst 150 to 120 minutes ago: 60 calls, 30 failing.
    ...calls(4320, 0, NOW - 3 * DAY, NOW, { path: '/api/b' }),
    ...calls(60, 30, NOW - 150 * MIN, NOW - 120 * MIN, { path: '/api/b' }),
    // /api/slow (backend logs): in the last 5 minutes 50 responses, 20 of them 1 s or slower, and 5 without a duration.
    ...Array.from({ length: 50 }, (_, i) => response(NOW - 5 * MIN + i * 5000, 200, '/api/slow', i < 20 ? 1500 : 300)),
    ...Array.from({ length: 5 }, (_, i) => response(NOW - 4 * MIN + i * 1000, 200, '/api/slow')),
  ]);
});
afterAll(async () => close?.());
beforeEach(async () => clearAlerts(storage));

const slo = (id: string, extra: Record<string, unknown>) => ({ id, kind: 'slo', source: 'network', sli: 'availability', objective: 0.999, ...extra });
const alertingWith = (rules: unknown[]): Promise<Alerting> =>
  createAlerting({ storage, projects: new Set(['demo']), rules: { project: 'demo', rules }, dashboardUrl: 'http://dash.test/dashboard/' });

type Burns = Record<string, [long: number, short: number, matched: boolean]>;

/** Every default tier's long and short burn rate at `now` (to 2 decimals), and whether it matched. */
async function burns(rule: Record<string, unknown>, now: number): Promise<Burns> {
  const r = SloRule.parse(rule);
  const counts = await countWindows(storage, r, 'demo', r.tiers.flatMap((t) => [t.long, t.short]), now);
  const round = (x: number) => Math.round(x * 100) / 100;
  return Object.fromEntries(judgeTiers(r.tiers, counts, r.objective, r.min_count).map((t) => [t.tier.name, [round(t.longBurn), round(t.shortBurn), t.matched]]));
}

describe('SLO burn-rate rules (30-day SLO, the default tiers)', () => {
  it('pages on a fast burn over 1h and 5m while the slower tiers stay quiet', async () => {
    // 1h: 4 of 140 calls fail = 28.6× the budget, 5m: 4 of 30 = 133× (both > 14.4×: page-fast);
    // 6h: 4 of 740 = 5.4× (< 6×: no page-slow); 1d: 1.4× (< 3×: no ticket-fast);
    // 3d: 0.46× (< 1×, though its 6h short window burns 5.4×: no ticket-slow).
    const a = await alertingWith([slo('a-availability', { filter: { path: '/api/a' } })]);
    const r = await a.evaluate(NOW);
    expect(r.errors).toEqual([]);
    expect(r.notifications).toEqual([{ key: 'a-availability:critical', kind: 'firing' }]);
    const [page] = (await a.history('demo', 10)).firing;
    expect(page!.severity).toBe('critical');
    expect(page!.summary).toMatch(/^Error budget burning: availability of \/api\/a calls \(browser\), objective 99\.9% over 30d; page-fast 28\.6× over 1h and 133\.3× over 5m \(needs > 14\.4× in both\)$/);
    expect(page!.links.runbook).toBe('docs/runbook.md#slo-burn');
  });

  it('fires every tier during a burst, then resolves the page once the short windows are clean while the 3-day ticket goes on', async () => {
    const a = await alertingWith([slo('b-availability', { filter: { path: '/api/b' } })]);
    // Five minutes before the burst ends, every window burns: the page and the ticket fire.
    const during = await a.evaluate(NOW - 125 * MIN);
    expect(during.notifications).toEqual([
      { key: 'b-availability:critical', kind: 'firing' },
      { key: 'b-availability:warning', kind: 'firing' },
    ]);
    // Now, two hours after it: the long windows of page-slow (6h) and ticket-fast (1d) still
    // burn, but their short windows (30m, 2h) are clean, so neither matches; ticket-slow
    // burns over both 3d (6.8×) and 6h (71×) and keeps the ticket open.
    const after = await a.evaluate(NOW);
    expect(after.notifications).toEqual([{ key: 'b-availability:critical', kind: 'resolved' }]);
    const { firing, history } = await a.history('demo', 10);
    expect(firing.map((f) => f.key)).toEqual(['b-availability:warning']);
    expect(firing[0]!.summary).toMatch(/ticket-slow 6\.8× over 3d and 71\.4× over 6h/);
    expect(firing[0]!.summary).not.toMatch(/ticket-fast/);
    expect(history.map((h) => [h.alert.key, h.kind])).toEqual([
      ['b-availability:critical', 'resolved'],
      ['b-availability:critical', 'firing'],
      ['b-availability:warning', 'firing'],
    ]);
  });

  it('judges a latency SLO over backend logs, leaving out responses of unknown duration', async () => {
    const a = await alertingWith([slo('slow-latency', { source: 'backend', sli: 'latency', latency_threshold_ms: 1000, objective: 0.99, filter: { path: '/api/slow' } })]);
    expect((await a.evaluate(NOW)).notifications).toEqual([
      { key: 'slow-latency:critical', kind: 'firing' },
      { key: 'slow-latency:warning', kind: 'firing' },
    ]);
    // 20 slow of 50 timed responses is 40% against a 1% budget: 40× in every window.
    const [page] = (await a.history('demo', 10)).firing.filter((f) => f.severity === 'critical');
    expect(page!.summary).toMatch(/latency under 1,000 ms of \/api\/slow calls \(backend\), objective 99\.0% over 30d; page-fast 40\.0× over 1h and 40\.0× over 5m/);
  });

  it('pages on page-slow (6× over 6h and 30m) alone, not when only one of its windows burns', async () => {
    // Objective 99% (a 1% budget): one failing call in 10 burns 10×.
    const rule = slo('c-availability', { objective: 0.99, filter: { path: '/api/c' } });
    const a = await alertingWith([rule]);

    // Half an hour into the burn: 30m burns 10×, 6h only 0.83×; no tier matches.
    expect(await burns(rule, NOW - 330 * MIN)).toEqual({
      'page-fast': [5, 10, false], 'page-slow': [0.83, 10, false], 'ticket-fast': [0.21, 2.5, false], 'ticket-slow': [0.08, 0.83, false],
    });
    expect((await a.evaluate(NOW - 330 * MIN)).notifications).toEqual([]);

    // As the burn ends: 6h burns 8.33× and 30m 10×, between page-slow's 6× and page-fast's
    // 14.4×; ticket-fast's 1d (2.08×) and ticket-slow's 3d (0.7×) stay under their factors.
    expect(await burns(rule, NOW - HOUR)).toEqual({
      'page-fast': [10, 10, false], 'page-slow': [8.33, 10, true], 'ticket-fast': [2.08, 10, false], 'ticket-slow': [0.7, 8.33, false],
    });
    const peak = await a.evaluate(NOW - HOUR);
    expect(peak.errors).toEqual([]);
    expect(peak.notifications).toEqual([{ key: 'c-availability:critical', kind: 'firing' }]);
    const [page] = (await a.history('demo', 10)).firing;
    expect(page!.summary).toMatch(/^Error budget burning: availability of \/api\/c calls \(browser\), objective 99\.0% over 30d; page-slow 8\.3× over 6h and 10\.0× over 30m \(needs > 6\.0× in both\)$/);

    // An hour after it: 6h still burns 8.33×, but 30m is clean, so page-slow no longer matches.
    expect(await burns(rule, NOW)).toEqual({
      'page-fast': [0, 0, false], 'page-slow': [8.33, 0, false], 'ticket-fast': [2.08, 5, false], 'ticket-slow': [0.69, 8.33, false],
    });
    expect((await a.evaluate(NOW)).notifications).toEqual([{ key: 'c-availability:critical', kind: 'resolved' }]);
  });

  it('tickets on ticket-fast (3× over 1d and 2h) alone, not when only one of its windows burns', async () => {
    // Objective 99%: one failing call in 20 burns 5×.
    const rule = slo('d-availability', { objective: 0.99, filter: { path: '/api/d' } });
    const a = await alertingWith([rule]);

    // Two hours into the burn: 2h burns 5×, 1d only 0.23×; no tier matches.
    expect(await burns(rule, NOW - 20 * HOUR)).toEqual({
      'page-fast': [5, 10, false], 'page-slow': [1.25, 5, false], 'ticket-fast': [0.23, 5, false], 'ticket-slow': [0.1, 1.25, false],
    });
    expect((await a.evaluate(NOW - 20 * HOUR)).notifications).toEqual([]);

    // As the burn ends: 1d burns 3.85× and 2h 5×, over ticket-fast's 3×, while page-slow's
    // 6h and 30m (5×) stay under its 6× and the 3-day window (0.85×) under ticket-slow's 1×.
    expect(await burns(rule, NOW - 2 * HOUR)).toEqual({
      'page-fast': [5, 10, false], 'page-slow': [5, 5, false], 'ticket-fast': [3.85, 5, true], 'ticket-slow': [0.85, 5, false],
    });
    const peak = await a.evaluate(NOW - 2 * HOUR);
    expect(peak.errors).toEqual([]);
    expect(peak.notifications).toEqual([{ key: 'd-availability:warning', kind: 'firing' }]);
    const { firing } = await a.history('demo', 10);
    expect(firing.map((f) => f.key)).toEqual(['d-availability:warning']);
    expect(firing[0]!.summary).toMatch(/^Error budget burning: availability of \/api\/d calls \(browser\), objective 99\.0% over 30d; ticket-fast 3\.8× over 1d and 5\.0× over 2h \(needs > 3\.0× in both\)$/);

    // Two hours after it: 1d still burns 4.17×, but 2h is clean, so ticket-fast no longer matches.
    expect(await burns(rule, NOW)).toEqual({
      'page-fast': [0, 0, false], 'page-slow': [3.33, 0, false], 'ticket-fast': [4.17, 0, false], 'ticket-slow': [0.83, 3.33, false],
    });
    expect((await a.evaluate(NOW)).notifications).toEqual([{ key: 'd-availability:warning', kind: 'resolved' }]);
  });
});
