import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FlagHistoryResponse, StatusResponse } from '@lifeline/protocol';
import { EXPIRY_ACTOR } from '../../src/flags/limits';
import { collectorStub } from '../helpers';
import { flagEvents, fromNow, newProject, settleAll, type TestProject } from './support';

afterEach(async () => {
  await settleAll();
  vi.restoreAllMocks();
});

const alarmOf = (p: TestProject) => runInDurableObject(p.stub, (_flags, state) => state.storage.getAlarm());
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a flag with until', () => {
  it('reverts to ok when the alarm fires: version bumped, history and flag event with cause expiry', async () => {
    const { calls } = collectorStub([200]);
    const p = newProject();
    const until = fromNow(1500);
    await p.put('checkout', { state: 'down', message: 'Maintenance', until });
    await p.stub.settle();
    expect(await alarmOf(p)).toBe(until);

    await sleep(until - Date.now() + 50);
    // The runtime may already have fired it; either way the object must have expired the flag.
    await runDurableObjectAlarm(p.stub);
    await p.stub.settle();

    const status = StatusResponse.parse(await (await p.status()).json());
    expect(status.flags.checkout).toEqual({ state: 'ok' });
    expect(status.version).toBe(2);
    const { history } = FlagHistoryResponse.parse(await (await p.history()).json());
    expect(history[0]).toMatchObject({ feature: 'checkout', cause: 'expiry', actor: EXPIRY_ACTOR, from: { state: 'down', until }, to: { state: 'ok' } });
    expect(history[0]!.at).toBeGreaterThanOrEqual(until);

    const events = flagEvents(calls, p.project);
    expect(events.map((e) => [e.from_state, e.state, e.actor])).toEqual([
      ['ok', 'down', p.actor],
      ['down', 'ok', EXPIRY_ACTOR],
    ]);
    expect(await alarmOf(p)).toBeNull();
  });

  it('is reported as ok as soon as until has passed, even before the alarm ran', async () => {
    collectorStub([200]);
    const p = newProject();
    // Far enough ahead that the flip itself is never late for it, even on a busy machine.
    const until = fromNow(1000);
    expect((await p.put('search', { state: 'degraded', until })).status).toBe(200);
    await p.stub.settle();
    // Take the alarm away, so only the read can have reverted the flag.
    await runInDurableObject(p.stub, (_flags, state) => state.storage.deleteAlarm());
    await sleep(until - Date.now() + 20);
    const status = StatusResponse.parse(await (await p.status()).json());
    expect(status.flags.search).toEqual({ state: 'ok' });
    expect(status.version).toBe(2);
  });

  it('sets the alarm at the earliest until and moves it as flags change', async () => {
    collectorStub([200]);
    const p = newProject();
    const later = fromNow(20 * 60_000);
    const sooner = fromNow(10 * 60_000);
    await p.put('checkout', { state: 'down', until: later });
    await p.put('search', { state: 'degraded', until: sooner });
    await p.stub.settle();
    expect(await alarmOf(p)).toBe(sooner);

    await p.clear('search');
    await p.stub.settle();
    expect(await alarmOf(p)).toBe(later);

    await p.clear('checkout');
    await p.stub.settle();
    expect(await alarmOf(p)).toBeNull();
  });

  it('an alarm that fires early changes nothing and is set again', async () => {
    collectorStub([200]);
    const p = newProject();
    const until = fromNow(10 * 60_000);
    await p.put('checkout', { state: 'down', until });
    await p.stub.settle();
    expect(await runDurableObjectAlarm(p.stub)).toBe(true);
    const status = StatusResponse.parse(await (await p.status()).json());
    expect(status.flags.checkout).toEqual({ state: 'down', until });
    expect(await alarmOf(p)).toBe(until);
    await p.clear('checkout');
  });
});
