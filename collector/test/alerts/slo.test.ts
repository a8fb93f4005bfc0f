import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StoredEvent } from '@lifeline/protocol';
import { createAlerting, type Alerting } from '../../src/alerts/create-alerting';
import type { Storage } from '../../src/storage/open-storage';
import { DAY, MIN, NOW, calls, clearAlerts, openTestStorage, store } from './support';

let storage: Storage;
let close: () => Promise<void>;

/** A backend request log, as the demo store writes at the end of each request. */
const response = (ts: number, status: number, path: string, duration_ms?: number): StoredEvent =>
  ({
    kind: 'log', event_id: randomUUID(), ts, received_at: ts + 5, project: 'demo', level: status >= 500 ? 'error' : 'info',
    message: `response ${status} GET ${path}`, service: 'store', request_id: randomUUID(),
    ...(duration_ms === undefined ? {} : { props: { method: 'GET', path, status, duration_ms } }),
  }) as StoredEvent;

beforeAll(async () => {
  ({ storage, close } = await openTestStorage());
  await store(storage, [
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

describe('SLO burn-rate rules (30-day SLO, 99.9%)', () => {
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
});
