import { runInDurableObject } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FlagChangeResponse, FlagHistoryResponse, FlagsResponse } from '@lifeline/protocol';
import type { FlagsObject } from '../../src/flags/object';
import { HISTORY_KEPT } from '../../src/flags/limits';
import { collectorStub } from '../helpers';
import { fromNow, newProject, settleAll } from './support';

beforeEach(() => void collectorStub([200]));
afterEach(async () => {
  await settleAll();
  vi.restoreAllMocks();
});

describe('changes through the ops API', () => {
  it('answers the new flag and version, and records who, when and from → to', async () => {
    const p = newProject();
    const until = fromNow(30 * 60_000);
    const before = Date.now();
    const set = FlagChangeResponse.parse(await (await p.put('checkout', { state: 'degraded', message: 'Payments are slow', until })).json());
    expect(set).toEqual({
      project: p.project,
      feature: 'checkout',
      flag: { state: 'degraded', message: 'Payments are slow', until },
      previous: { state: 'ok' },
      version: 1,
      changed: true,
      request_id: expect.any(String),
    });
    const down = FlagChangeResponse.parse(await (await p.put('checkout', { state: 'down' })).json());
    expect(down).toMatchObject({ flag: { state: 'down' }, previous: { state: 'degraded', message: 'Payments are slow', until }, version: 2 });
    const cleared = FlagChangeResponse.parse(await (await p.clear('checkout')).json());
    expect(cleared).toMatchObject({ flag: { state: 'ok' }, previous: { state: 'down' }, version: 3, changed: true });

    const { project, history } = FlagHistoryResponse.parse(await (await p.history()).json());
    expect(project).toBe(p.project);
    expect(history.map((h) => `${h.from.state}→${h.to.state}`)).toEqual(['down→ok', 'degraded→down', 'ok→degraded']);
    for (const entry of history) {
      expect(entry).toMatchObject({ feature: 'checkout', actor: p.actor, cause: 'ops' });
      expect(entry.at).toBeGreaterThanOrEqual(before);
      expect(entry.at).toBeLessThanOrEqual(Date.now());
    }
    expect(history[2]!.to).toEqual({ state: 'degraded', message: 'Payments are slow', until });
  });

  it('lists every known feature with the current flags and open streams', async () => {
    const p = newProject();
    await p.put('search', { state: 'down', message: 'Search is off' });
    await p.put('gift-cards', { state: 'degraded' });
    const list = FlagsResponse.parse(await (await p.list()).json());
    expect(Object.keys(list.flags)).toEqual(['checkout', 'payments', 'search', 'recommendations', 'gift-cards']);
    expect(list).toMatchObject({ project: p.project, version: 2, listeners: 0, pending_events: 0 });
    expect(list.flags.search).toEqual({ state: 'down', message: 'Search is off' });
  });

  it('keeps a feature ever set even after it is cleared', async () => {
    const p = newProject();
    await p.put('gift-cards', { state: 'down' });
    await p.clear('gift-cards');
    const list = FlagsResponse.parse(await (await p.list()).json());
    expect(list.flags['gift-cards']).toEqual({ state: 'ok' });
  });

  it('changes nothing, and records nothing, when asked for what is in place', async () => {
    const p = newProject();
    await p.put('checkout', { state: 'down', message: 'x' });
    const again = FlagChangeResponse.parse(await (await p.put('checkout', { state: 'down', message: 'x' })).json());
    expect(again).toMatchObject({ changed: false, version: 1 });
    expect(again.request_id).toBeUndefined();
    const clearOk = FlagChangeResponse.parse(await (await p.clear('payments')).json());
    expect(clearOk).toMatchObject({ changed: false, version: 1, flag: { state: 'ok' } });
    expect(FlagHistoryResponse.parse(await (await p.history()).json()).history).toHaveLength(1);
  });

  it('answers history newest first, honouring ?limit=', async () => {
    const p = newProject();
    for (const state of ['degraded', 'down', 'ok', 'down'] as const) await p.put('search', { state });
    const { history } = FlagHistoryResponse.parse(await (await p.history('?limit=2')).json());
    expect(history.map((h) => h.to.state)).toEqual(['down', 'ok']);
  });

  it(`keeps the last ${HISTORY_KEPT} entries`, async () => {
    const p = newProject();
    await p.put('checkout', { state: 'down' });
    const extra = 25;
    await runInDurableObject(p.stub, async (flags: FlagsObject) => {
      for (let i = 0; i < HISTORY_KEPT + extra; i++) {
        await flags.change(p.project, { feature: 'search', flag: { state: i % 2 ? 'ok' : 'down', message: `m${i}` }, actor: 'loop' });
      }
    });
    const { history } = FlagHistoryResponse.parse(await (await p.history('?limit=1000')).json());
    expect(history).toHaveLength(HISTORY_KEPT);
    expect(history[0]!.to.message).toBe(`m${HISTORY_KEPT + extra - 1}`);
    expect(history.some((h) => h.feature === 'checkout')).toBe(false);
  });
});
