import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AnomaliesResponse, Anomaly } from '@lifeline/protocol';
import { createAlerting } from '../../src/alerts/create-alerting';
import type { AnomalySource } from '../../src/alerts/types';
import type { Storage } from '../../src/storage/open-storage';
import { HOUR, NOW, clearAlerts, openTestStorage } from './support';

let storage: Storage;
let close: () => Promise<void>;
beforeAll(async () => ({ storage, close } = await openTestStorage()));
afterAll(async () => close?.());
beforeEach(async () => clearAlerts(storage));

const anomaly = (extra: Partial<Anomaly>): Anomaly => ({
  metric: 'conversion_rate', direction: 'drop', start: NOW - 2 * HOUR, end: NOW, observed: 0.004, expected: 0.03, change: -0.87,
  score: 9.5, severity: 'high', hours: [],
  causes: [
    { kind: 'endpoint', score: 0.9, summary: 'POST /api/pay failed 96% of the time (baseline 0.1%)', method: 'POST', path: '/api/pay', observed: 48, expected: 0, requests: 50, failure_rate: 0.96, baseline_failure_rate: 0.001, statuses: [503], sample_request_id: 'req-1' },
    { kind: 'flag', score: 0.7, summary: 'checkout went ok → degraded at 14:05', feature: 'checkout', from_state: 'ok', state: 'degraded', at: NOW - HOUR },
    { kind: 'error_group', score: 0.5, summary: 'Payment failed errors rose', key: 'payment-failed', message: 'Error: Payment failed', observed: 40, expected: 0, sessions: 40 },
  ],
  ...extra,
});

/** An anomaly query answering whatever `anomalies` holds, recording what it was asked. */
function source(anomalies: () => Anomaly[]) {
  const asked: Parameters<AnomalySource>[] = [];
  const fn: AnomalySource = async (project, query) => {
    asked.push([project, query]);
    return { project, from: 0, to: 0, weeks: 4, metrics: ['conversion_rate'], hours_without_baseline: 0, anomalies: anomalies() } satisfies AnomaliesResponse;
  };
  return { fn, asked };
}

describe('anomaly rules', () => {
  it('fires on a conversion drop at the given severity, carrying its likely causes, and resolves when it is over', async () => {
    let current: Anomaly[] = [anomaly({}), anomaly({ metric: 'conversion_rate', direction: 'spike' })];
    const q = source(() => current);
    const a = await createAlerting({
      storage, projects: new Set(['demo']), anomalies: q.fn, dashboardUrl: 'http://dash.test/dashboard',
      rules: { project: 'demo', rules: [{ id: 'conversion-drop', kind: 'anomaly', metric: 'conversion_rate', min_severity: 'medium' }] },
    });
    expect((await a.evaluate(NOW)).notifications).toEqual([{ key: 'conversion-drop', kind: 'firing' }]);
    expect(q.asked[0]).toEqual(['demo', { from: String(NOW - 3 * HOUR), to: String(NOW), metrics: 'conversion_rate' }]);
    const [alert] = (await a.history('demo', 1)).firing;
    expect(alert!.severity).toBe('critical');
    expect(alert!.summary).toMatch(/^conversion_rate dropped to 0\.4% against 3\.0% expected \(-87\.0%\) since .* UTC, severity high$/);
    expect(alert!.causes).toEqual([
      { kind: 'endpoint', label: 'POST /api/pay', detail: 'POST /api/pay failed 96% of the time (baseline 0.1%)', link: 'http://dash.test/dashboard/#/timeline?by=request&id=req-1' },
      { kind: 'flag', label: 'flag checkout: ok → degraded', detail: 'checkout went ok → degraded at 14:05', link: 'http://dash.test/dashboard/#/overview' },
      { kind: 'error_group', label: 'Error: Payment failed', detail: 'Payment failed errors rose', link: 'http://dash.test/dashboard/#/errors?key=payment-failed' },
    ]);
    expect(alert!.links.runbook).toBe('docs/runbook.md#conversion-drop');

    current = [anomaly({ end: NOW - 3 * HOUR })];
    expect((await a.evaluate(NOW)).notifications).toEqual([{ key: 'conversion-drop', kind: 'resolved' }]);
  });

  it.each([
    ['a lower severity', anomaly({ severity: 'low' }), false],
    ['another metric', anomaly({ metric: 'visits' }), false],
    ['the other direction', anomaly({ direction: 'spike' }), false],
    ['one that ended before the lookback', anomaly({ end: NOW - 2 * HOUR - 1 }), false],
    ['one that ended within the lookback', anomaly({ end: NOW - 2 * HOUR + 1 }), true],
    ['a medium drop', anomaly({ severity: 'medium' }), true],
  ])('judges %s', async (_why, found, fires) => {
    const a = await createAlerting({
      storage, projects: new Set(['demo']), anomalies: source(() => [found]).fn, dashboardUrl: 'http://d/',
      rules: { project: 'demo', rules: [{ id: 'drop', kind: 'anomaly' }] },
    });
    expect((await a.evaluate(NOW)).notifications.length).toBe(fires ? 1 : 0);
  });
});
