import { env, exports } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flagsFor } from '../../src/flags/stub';
import { collectorStub } from '../helpers';

afterEach(() => vi.restoreAllMocks());

describe('with LIFELINE_QUEUE bound', () => {
  it('sends flag events through the queue to the collector', async () => {
    const { calls } = collectorStub([200]);
    const res = await exports.default.fetch('http://edge.test/v1/flags/recommendations', {
      method: 'PUT',
      headers: { Authorization: 'Bearer dev-ops-token' },
      body: JSON.stringify({ state: 'down', message: 'Recommendations are off' }),
    });
    expect(res.status).toBe(200);
    // Acknowledged once the queue holds it; the consumer then posts it to the collector.
    expect(await flagsFor(env, 'demo').settle()).toBe(0);
    await vi.waitFor(() => expect(calls.flatMap((c) => c.body.events).some((e) => e.kind === 'flag')).toBe(true), { timeout: 10_000, interval: 50 });
    const event = calls.flatMap((c) => c.body.events).find((e) => e.kind === 'flag')!;
    expect(event).toMatchObject({ kind: 'flag', feature: 'recommendations', state: 'down', from_state: 'ok', actor: 'dev-ops', project: 'demo' });
  });
});
