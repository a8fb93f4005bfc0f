import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AlertNotification } from '@lifeline/protocol';
import { createAlerting, type Alerting } from '../../src/alerts/create-alerting';
import { createRegistry } from '../../src/metrics/registry';
import { defineCollectorMetrics } from '../../src/metrics/collector-metrics';
import type { Storage } from '../../src/storage/open-storage';
import { HOUR, MIN, NOW, clearAlerts, deadUrl, openTestStorage, startReceiver, store, tracked } from './support';

let storage: Storage;
let close: () => Promise<void>;
const receivers: { close: () => Promise<void> }[] = [];

beforeAll(async () => {
  ({ storage, close } = await openTestStorage());
  // One `boom` event 2 minutes before NOW: a rule counting them over 5 minutes fires from
  // NOW − 2m until NOW + 3m.
  await store(storage, [tracked(NOW - 2 * MIN, 'boom'), tracked(NOW - 2 * MIN, 'bang')]);
});
afterAll(async () => close?.());
beforeEach(async () => clearAlerts(storage));
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function receiver(respond?: Parameters<typeof startReceiver>[0]) {
  const r = await startReceiver(respond);
  receivers.push(r);
  return r;
}

const boom = (extra: Record<string, unknown> = {}) => ({ id: 'boom', name: 'Boom events', kind: 'threshold', source: 'events', metric: 'count', op: 'above', value: 0, severity: 'critical', filter: { event: 'boom' }, ...extra });
const bang = (extra: Record<string, unknown> = {}) => ({ ...boom(), id: 'bang', name: 'Bang events', filter: { event: 'bang' }, ...extra });
const channel = (url: string, extra: Record<string, unknown> = {}) => ({ type: 'webhook', url, retries: 2, backoff: '10ms', timeout: '2s', ...extra });

const sleeps: number[] = [];
function alertingWith(config: Record<string, unknown>, metrics = defineCollectorMetrics(createRegistry())): Promise<Alerting> {
  return createAlerting({
    storage,
    projects: new Set(['demo']),
    rules: { project: 'demo', runbook_url: 'https://docs.test/runbook.md', ...config },
    dashboardUrl: 'http://dash.test/dashboard/',
    metrics,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
  });
}

async function run(a: Alerting, now: number) {
  const r = await a.evaluate(now);
  await a.flush();
  return r;
}

describe('alert notifications', () => {
  it('posts Slack-compatible and generic JSON to real receivers, once, then a resolve', async () => {
    const slack = await receiver();
    const hook = await receiver();
    const a = await alertingWith({
      channels: { slack: { ...channel(`${slack.url}/slack`), type: 'slack' }, hook: channel(`${hook.url}/hook`, { headers: { Authorization: 'Bearer hook-secret' } }) },
      rules: [boom({ channels: ['slack'] }), bang({ channels: ['hook'], runbook: 'bang-storm' })],
    });
    await run(a, NOW);
    expect(slack.received).toHaveLength(1);
    expect(hook.received).toHaveLength(1);

    const s = slack.received[0]!.body;
    expect(s.text).toBe('[FIRING] critical: Boom events — Count of boom events is 1 over the last 5m (above 0)');
    expect(s.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '[FIRING] critical: Boom events' } });
    expect(JSON.stringify(s.blocks)).toContain('<http://dash.test/dashboard/#/overview|Open in dashboard> · <https://docs.test/runbook.md#traffic|Runbook>');

    const g = AlertNotification.parse(hook.received[0]!.body);
    expect(hook.received[0]!.headers.authorization).toBe('Bearer hook-secret');
    expect(g.alerts).toHaveLength(1);
    expect(g.alerts[0]).toMatchObject({
      key: 'bang', rule_id: 'bang', name: 'Bang events', project: 'demo', severity: 'critical', status: 'firing', repeat: false,
      value: 1, threshold: 0, started_at: NOW,
      links: { dashboard: 'http://dash.test/dashboard/#/overview', runbook: 'https://docs.test/runbook.md#bang-storm' },
    });

    // Still firing a minute later: nothing is sent within the repeat interval (4h by default).
    await run(a, NOW + MIN);
    expect(slack.received.length + hook.received.length).toBe(2);

    // The event leaves the 5-minute window: one resolve each.
    await run(a, NOW + 4 * MIN);
    expect(slack.received).toHaveLength(2);
    expect(slack.received[1]!.body.text).toMatch(/^\[RESOLVED\] critical: Boom events/);
    const resolved = AlertNotification.parse(hook.received[1]!.body).alerts[0]!;
    expect(resolved).toMatchObject({ status: 'resolved', started_at: NOW, resolved_at: NOW + 4 * MIN });

    const { history } = await a.history('demo', 10);
    expect(history.map((h) => [h.alert.key, h.kind, h.delivery, h.channel])).toEqual(
      expect.arrayContaining([['boom', 'firing', 'delivered', 'slack'], ['boom', 'resolved', 'delivered', 'slack'], ['bang', 'firing', 'delivered', 'hook'], ['bang', 'resolved', 'delivered', 'hook']]),
    );
  });

  it('repeats at the repeat interval while it lasts', async () => {
    const hook = await receiver();
    const a = await alertingWith({ channels: { hook: channel(hook.url) }, rules: [boom({ channels: ['hook'], repeat: '2m' })] });
    await run(a, NOW - MIN); // fires
    await run(a, NOW); // 1 minute after: quiet
    await run(a, NOW + MIN); // 2 minutes after: a reminder
    await run(a, NOW + 2 * MIN); // 1 minute after that: quiet
    await run(a, NOW + 4 * MIN); // the event has left the window: resolved
    const kinds = hook.received.map((r) => [r.body.alerts[0].status, r.body.alerts[0].repeat]);
    expect(kinds).toEqual([['firing', false], ['firing', true], ['resolved', false]]);
  });

  it('retries a failing receiver with backoff, keeping the notification ID', async () => {
    const hook = await receiver((_r, i) => (i < 2 ? 503 : 200));
    sleeps.length = 0;
    const a = await alertingWith({ channels: { hook: channel(hook.url) }, rules: [boom({ channels: ['hook'] })] });
    await run(a, NOW);
    expect(hook.received).toHaveLength(3);
    expect(new Set(hook.received.map((r) => r.body.id)).size).toBe(1);
    // Full jitter at 0.5 of a ceiling that doubles: 10 ms × 2^0, × 2^1.
    expect(sleeps).toEqual([5, 10]);
    expect((await a.history('demo', 1)).history[0]).toMatchObject({ delivery: 'delivered', channel: 'hook' });
  });

  it('falls back to the next channel when one is down, and skips it once its circuit opens', async () => {
    const refusing = await receiver(() => 500);
    const backup = await receiver();
    const metrics = defineCollectorMetrics(createRegistry());
    const a = await alertingWith(
      {
        defaults: { circuit_failures: 2, circuit_cooldown: '1h' },
        channels: { primary: channel(refusing.url, { retries: 1 }), backup: channel(backup.url) },
        rules: [boom({ channels: ['primary', 'backup'], repeat: '1m' })],
      },
      metrics,
    );
    await run(a, NOW - MIN); // firing: primary fails twice (1 retry), backup takes it
    await run(a, NOW); // repeat: primary fails twice more, its circuit opens
    await run(a, NOW + MIN); // repeat: primary skipped without a request
    expect(refusing.received).toHaveLength(4);
    expect(backup.received).toHaveLength(3);
    expect((await a.history('demo', 10)).history.every((h) => h.channel === 'backup')).toBe(true);
    expect(metrics.alertNotifications.get({ channel: 'primary', outcome: 'failed' })).toBe(2);
    expect(metrics.alertNotifications.get({ channel: 'primary', outcome: 'skipped_open_circuit' })).toBe(1);
    expect(metrics.alertNotifications.get({ channel: 'backup', outcome: 'delivered' })).toBe(3);
  });

  it('keeps what no channel takes in the dead-letter list, and a replay delivers it', async () => {
    const down = await deadUrl();
    const refusing = await receiver(() => 400);
    let up = false;
    const later = await receiver(() => (up ? 200 : 503));
    const a = await alertingWith({
      channels: { a: channel(down, { retries: 1 }), b: channel(refusing.url), c: channel(later.url, { retries: 0 }) },
      rules: [boom({ channels: ['a', 'b', 'c'] })],
    });
    await run(a, NOW);
    // A 400 is not retried: the receiver refused this body and would again.
    expect(refusing.received).toHaveLength(1);
    expect(later.received).toHaveLength(1);
    const [letter, ...more] = await a.deadLetters('demo', 'pending');
    expect(more).toEqual([]);
    expect(letter!.channels).toEqual(['a', 'b', 'c']);
    expect(letter!.attempts).toBe(4);
    expect(letter!.reason).toMatch(/^a: request failed.*; b: HTTP 400; c: HTTP 503$/);
    expect(letter!.notification.alerts[0]!.key).toBe('boom');
    expect((await a.history('demo', 1)).history[0]!.delivery).toBe('dead_letter');

    up = true;
    const replay = await a.replay();
    expect(replay).toEqual({ delivered: [letter!.id], failed: [] });
    expect(later.received.at(-1)!.body.id).toBe(letter!.id);
    expect(await a.deadLetters('demo', 'pending')).toEqual([]);
    expect((await a.deadLetters('demo', 'replayed'))[0]).toMatchObject({ id: letter!.id, status: 'replayed' });
    expect((await a.history('demo', 1)).history[0]).toMatchObject({ delivery: 'delivered', channel: 'c' });
    expect(await a.replay([letter!.id])).toEqual({ delivered: [], failed: [{ id: letter!.id, reason: 'not a pending dead letter' }] });
  });

  it('does not fire again after a restart, and the new process sends the resolve', async () => {
    const hook = await receiver();
    const config = { channels: { hook: channel(hook.url) }, rules: [boom({ channels: ['hook'] })] };
    const first = await alertingWith(config);
    await run(first, NOW);
    await first.stop();
    const second = await alertingWith(config);
    expect((await run(second, NOW + MIN)).notifications).toEqual([]);
    expect((await second.history('demo', 10)).firing.map((f) => f.key)).toEqual(['boom']);
    await run(second, NOW + 4 * MIN);
    expect(hook.received.map((r) => r.body.alerts[0].status)).toEqual(['firing', 'resolved']);
  });

  it('sends critical alerts at once and groups the others within the grouping window', async () => {
    const hook = await receiver();
    const a = await alertingWith({
      defaults: { group_window: '1h', channels: ['hook'] },
      channels: { hook: channel(hook.url) },
      rules: [boom({ severity: 'warning' }), bang({ severity: 'info' }), boom({ id: 'boom-page', severity: 'critical' })],
    });
    await a.evaluate(NOW);
    // The critical one goes out without waiting for the window.
    await expect.poll(() => hook.received.length).toBe(1);
    expect(hook.received[0]!.body.alerts.map((x: { key: string }) => x.key)).toEqual(['boom-page']);
    // Flushing (as a stop does) sends the group as one notification.
    await a.flush();
    expect(hook.received).toHaveLength(2);
    expect(hook.received[1]!.body.alerts.map((x: { key: string }) => x.key)).toEqual(['boom', 'bang']);
  });

  it('records a notification of a rule without channels in the history only', async () => {
    const a = await alertingWith({ rules: [boom()] });
    await run(a, NOW);
    expect((await a.history('demo', 1)).history[0]).toMatchObject({ kind: 'firing', delivery: 'no_channel' });
  });

  it('resolves, without a notification, an alert whose rule was removed', async () => {
    const hook = await receiver();
    await run(await alertingWith({ channels: { hook: channel(hook.url) }, rules: [boom({ channels: ['hook'] })] }), NOW);
    const without = await alertingWith({ channels: { hook: channel(hook.url) }, rules: [] });
    expect((await run(without, NOW + MIN)).notifications).toEqual([{ key: 'boom', kind: 'resolved' }]);
    expect(hook.received).toHaveLength(1);
    expect((await without.history('demo', 1)).history[0]).toMatchObject({ kind: 'resolved', delivery: 'no_channel' });
  });

  it('keeps an alert as it was when its query fails', async () => {
    const hook = await receiver();
    const a = await alertingWith({ channels: { hook: channel(hook.url) }, rules: [boom({ channels: ['hook'] }), { id: 'conv', kind: 'anomaly' }] });
    const r = await run(a, NOW + HOUR);
    expect(r.errors).toEqual([{ rule_id: 'conv', reason: 'the anomaly query is not available to alerting' }]);
    expect(r.evaluated).toBe(1);
  });
});
