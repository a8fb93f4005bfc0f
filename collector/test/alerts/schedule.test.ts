import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertNotification } from '@lifeline/protocol';
import { createAlerting } from '../../src/alerts/create-alerting';
import { defineCollectorMetrics } from '../../src/metrics/collector-metrics';
import { createRegistry } from '../../src/metrics/registry';
import type { Storage } from '../../src/storage/open-storage';
import { sleep, waitFor } from '../reliability/support';
import { MIN, openTestStorage, startReceiver, store, tracked } from './support';

/** The rules file's `interval`: short, so the schedule runs many rounds within a test. */
const INTERVAL_MS = 50;

let storage: Storage;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ storage, close } = await openTestStorage());
  // A `boom` a minute before the real clock: the schedule evaluates at the clock, not at a
  // time a test passes, and a rule counting them over 5 minutes holds for minutes.
  await store(storage, [tracked(Date.now() - MIN, 'boom')]);
});
afterAll(async () => close?.());

describe('evaluation on a schedule', () => {
  it('runs rounds every interval once started, fires a matching rule without a manual round, and stops with stop()', async () => {
    const hook = await startReceiver();
    const metrics = defineCollectorMetrics(createRegistry());
    const rounds = () => metrics.alertEvaluationDuration.count();
    const a = await createAlerting({
      storage,
      projects: new Set(['demo']),
      rules: {
        project: 'demo',
        interval: `${INTERVAL_MS}ms`,
        channels: { hook: { type: 'webhook', url: `${hook.url}/hook` } },
        rules: [{ id: 'boom', kind: 'threshold', source: 'events', metric: 'count', op: 'above', value: 0, severity: 'critical', channels: ['hook'], filter: { event: 'boom' } }],
      },
      dashboardUrl: 'http://dash.test/dashboard/',
      metrics,
    });
    try {
      // Nothing runs before start().
      await sleep(4 * INTERVAL_MS);
      expect(rounds()).toBe(0);
      expect(hook.received).toEqual([]);

      a.start();
      await waitFor(() => hook.received.length > 0, 'the scheduled round to deliver the alert', 20_000);
      const sent = AlertNotification.parse(hook.received[0]!.body);
      expect(sent.alerts.map((m) => [m.key, m.status, m.repeat])).toEqual([['boom', 'firing', false]]);
      expect((await a.history('demo', 10)).firing.map((f) => f.key)).toEqual(['boom']);

      // The rounds go on, one every interval, and the alert still firing is not sent again.
      const seen = rounds();
      await waitFor(() => rounds() >= seen + 3, 'three more scheduled rounds', 20_000);
      expect(hook.received).toHaveLength(1);
      expect(metrics.alertEvaluations.get({ rule: 'boom', outcome: 'ok' })).toBeGreaterThanOrEqual(4);
    } finally {
      await a.stop();
    }

    // After stop(), no round runs any more.
    const stoppedAt = rounds();
    await sleep(10 * INTERVAL_MS);
    expect(rounds()).toBe(stoppedAt);
    expect(hook.received).toHaveLength(1);
    await hook.close();
  });
});
