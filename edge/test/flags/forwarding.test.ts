import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FlagEvent, StoredEvent } from '@lifeline/protocol';
import { DEFAULT_RETRY_POLICY } from '../../src/forward/retry';
import { collectorStub } from '../helpers';
import { flagEvents, newProject, settleAll, type TestProject } from './support';

afterEach(async () => {
  await settleAll();
  vi.restoreAllMocks();
});

const alarmOf = (p: TestProject) => runInDurableObject(p.stub, (_flags, state) => state.storage.getAlarm());

/** Makes the pending events due now, as if their backoff had passed, and runs the alarm. */
async function retryNow(p: TestProject): Promise<void> {
  await runInDurableObject(p.stub, (_flags, state) => state.storage.sql.exec('UPDATE outbox SET next_at = 0'));
  await runDurableObjectAlarm(p.stub);
}

/** Puts a new collector in place of the old one (a recovered collector, say). */
function swapCollector(script: Parameters<typeof collectorStub>[0]) {
  vi.restoreAllMocks();
  return collectorStub(script);
}

describe('flag changes reach the collector as flag events', () => {
  it('forwards each change as an enriched flag event with the edge secret', async () => {
    const { calls } = collectorStub([200]);
    const p = newProject();
    const before = Date.now();
    await p.put('checkout', { state: 'degraded', message: 'Payments are slow' });
    await p.clear('checkout');
    expect(await p.stub.settle()).toBe(0);

    const events = flagEvents(calls, p.project);
    expect(events).toHaveLength(2);
    const [set, cleared] = events.map((e) => StoredEvent.parse(e) as FlagEvent & { project: string; received_at: number });
    expect(FlagEvent.safeParse(set).success).toBe(true);
    expect(set).toMatchObject({ kind: 'flag', feature: 'checkout', state: 'degraded', from_state: 'ok', message: 'Payments are slow', actor: p.actor, project: p.project });
    expect(cleared).toMatchObject({ kind: 'flag', feature: 'checkout', state: 'ok', from_state: 'degraded', actor: p.actor });
    expect(cleared).not.toHaveProperty('message');
    expect(set!.ts).toBeGreaterThanOrEqual(before);
    expect(set!.received_at).toBe(set!.ts);
    expect(set!.event_id).not.toBe(cleared!.event_id);
    // Each flip gets a request ID of its own, so the timeline can find it.
    expect(set!.request_id).toEqual(expect.any(String));
    expect(set!.request_id).not.toBe(cleared!.request_id);
    const call = calls.find((c) => c.body.events.some((e) => e.project === p.project))!;
    expect(call.url).toBe('http://127.0.0.1:4000/v1/batch');
    expect(call.authorization).toBe('Bearer dev-collector-secret');
  });

  it("puts the caller's X-Request-Id on the flag event and answers it", async () => {
    const { calls } = collectorStub([200]);
    const p = newProject();
    const res = await p.request('/v1/flags/search', {
      method: 'PUT',
      headers: { Authorization: `Bearer ${p.token}`, 'X-Request-Id': 'incident-4711-flip' },
      body: JSON.stringify({ state: 'down' }),
    });
    expect(res.headers.get('X-Request-Id')).toBe('incident-4711-flip');
    expect(((await res.json()) as { request_id: string }).request_id).toBe('incident-4711-flip');
    await p.stub.settle();
    expect(flagEvents(calls, p.project)[0]!.request_id).toBe('incident-4711-flip');
  });

  it('makes a request ID when the caller sent an unusable one', async () => {
    collectorStub([200]);
    const p = newProject();
    const res = await p.request('/v1/flags/search', {
      method: 'PUT',
      headers: { Authorization: `Bearer ${p.token}`, 'X-Request-Id': 'x'.repeat(500) },
      body: JSON.stringify({ state: 'down' }),
    });
    expect(res.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reports events waiting for the collector in GET /v1/flags', async () => {
    collectorStub(['network-error']);
    const p = newProject();
    await p.put('checkout', { state: 'down' });
    await p.stub.settle();
    expect(((await (await p.list()).json()) as { pending_events: number }).pending_events).toBe(1);
    swapCollector([200]);
    await retryNow(p);
    expect(await p.stub.settle()).toBe(0);
    expect(((await (await p.list()).json()) as { pending_events: number }).pending_events).toBe(0);
  });

  it('answers the flip at once while the collector is down, then retries with the same event_id until acknowledged', async () => {
    const down = collectorStub([500]);
    const p = newProject();
    const started = Date.now();
    const res = await p.put('payments', { state: 'down', message: 'Gateway outage' });
    expect(res.status).toBe(200);
    // The flip was answered before the forwarder had used up its tries (they take ≥ 700 ms of backoff).
    expect(flagEvents(down.calls, p.project).length).toBeLessThan(DEFAULT_RETRY_POLICY.attempts);
    expect((await (await p.status()).json()) as { version: number }).toMatchObject({ version: 1 });

    expect(await p.stub.settle()).toBe(1);
    const tried = flagEvents(down.calls, p.project);
    expect(tried).toHaveLength(DEFAULT_RETRY_POLICY.attempts);
    expect(new Set(tried.map((e) => e.event_id)).size).toBe(1);
    const retryAt = await alarmOf(p);
    expect(retryAt).toBeGreaterThan(Date.now());

    // An alarm before the backoff has passed sends nothing.
    await runDurableObjectAlarm(p.stub);
    expect(await p.stub.settle()).toBe(1);
    expect(flagEvents(down.calls, p.project)).toHaveLength(DEFAULT_RETRY_POLICY.attempts);

    // Still down when it is due: kept, and the next try is further away.
    await retryNow(p);
    expect(await p.stub.settle()).toBe(1);
    expect(flagEvents(down.calls, p.project)).toHaveLength(2 * DEFAULT_RETRY_POLICY.attempts);
    expect((await alarmOf(p))! - Date.now()).toBeGreaterThan(retryAt! - started);

    const up = swapCollector([200]);
    await retryNow(p);
    expect(await p.stub.settle()).toBe(0);
    const delivered = flagEvents(up.calls, p.project);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.event_id).toBe(tried[0]!.event_id);
    expect(await alarmOf(p)).toBeNull();
  });

  it('keeps every change made while the collector is unreachable, in order', async () => {
    collectorStub(['network-error']);
    const p = newProject();
    for (const state of ['degraded', 'down', 'ok'] as const) expect((await p.put('search', { state })).status).toBe(200);
    expect(await p.stub.settle()).toBe(3);

    const up = swapCollector([200]);
    await retryNow(p);
    expect(await p.stub.settle()).toBe(0);
    expect(flagEvents(up.calls, p.project).map((e) => e.state)).toEqual(['degraded', 'down', 'ok']);
  });

  it('retries pending events on the next request too, not only on the alarm', async () => {
    collectorStub(['network-error']);
    const p = newProject();
    await p.put('search', { state: 'down' });
    expect(await p.stub.settle()).toBe(1);

    const up = swapCollector([200]);
    // Make the pending event due now, as if its backoff had passed.
    await runInDurableObject(p.stub, (_flags, state) => state.storage.sql.exec('UPDATE outbox SET next_at = 0'));
    await p.status();
    expect(await p.stub.settle()).toBe(0);
    expect(flagEvents(up.calls, p.project)).toHaveLength(1);
  });

  it('drops, and logs, events the collector refuses for good (a 4xx)', async () => {
    const { calls } = collectorStub([400]);
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const p = newProject();
    await p.put('checkout', { state: 'down' });
    expect(await p.stub.settle()).toBe(0);
    expect(flagEvents(calls, p.project)).toHaveLength(1);
    expect(error.mock.calls.some(([line]) => String(line).includes('collector refused flag events'))).toBe(true);
  });
});
