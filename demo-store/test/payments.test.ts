import { describe, expect, it } from 'vitest';
import { createBreaker } from '../src/payments/breaker';
import { createSimulatedGateway, type ChargeRequest } from '../src/payments/gateway';
import { createPayments, PaymentUnavailable } from '../src/payments/payments';
import { createFaultSwitch } from '../src/shop/faults';
import { createLogger } from '../src/logging/logger';
import { createRandom } from '../src/traffic/random';
import type { BackendLog } from '@lifeline/protocol';

function setup() {
  const faults = createFaultSwitch();
  const records: BackendLog[] = [];
  const log = createLogger({ service: 'test', sink: (r) => records.push(r), echo: 'none' }).with({ request_id: 'req-123456' });
  const payments = createPayments({
    primary: createSimulatedGateway({ name: 'primary', latency: [1, 2], fault: () => faults.get().primary }),
    fallback: createSimulatedGateway({ name: 'fallback', latency: [1, 2], fault: () => faults.get().fallback }),
    breaker: createBreaker({ failures: 2, windowMs: 60_000, cooldownMs: 60_000 }),
    timeoutMs: { primary: 100, fallback: 200 },
  });
  let n = 0;
  const req = (): ChargeRequest => ({ amount_cents: 2400, currency: 'EUR', card_last4: '4242', idempotency_key: `k${++n}` });
  return { faults, records, log, payments, req };
}

describe('payments with failover', () => {
  it('charges the primary when it is healthy', async () => {
    const { payments, log, req } = setup();
    const r = await payments.pay(req(), log);
    expect(r).toMatchObject({ failover: false, charge: { gateway: 'primary', status: 'approved' } });
  });

  it('fails over to the fallback when the primary is down, and logs it with the request ID', async () => {
    const { payments, log, req, faults, records } = setup();
    faults.set({ primary: { mode: 'down' } });
    const r = await payments.pay(req(), log);
    expect(r).toMatchObject({ failover: true, charge: { gateway: 'fallback' } });
    const messages = records.map((x) => x.message);
    expect(messages).toContain('gateway primary failed: primary: connection refused');
    expect(messages).toContain('failover to fallback');
    expect(records.every((x) => x.request_id === 'req-123456')).toBe(true);
    // A refused connection is retried once on the primary before failing over.
    expect(messages.filter((m) => m === 'gateway call primary')).toHaveLength(2);
  });

  it('treats a slow primary as a timeout and fails over without retrying it', async () => {
    const { payments, log, req, faults, records } = setup();
    faults.set({ primary: { mode: 'slow', delay_ms: 1000 } });
    const r = await payments.pay(req(), log);
    expect(r.failover).toBe(true);
    expect(records.some((x) => x.message.includes('timed out after 100 ms'))).toBe(true);
    expect(records.filter((x) => x.message === 'gateway call primary')).toHaveLength(1);
  });

  it('opens the breaker after repeated primary failures and skips the primary', async () => {
    const { payments, log, req, faults, records } = setup();
    faults.set({ primary: { mode: 'down' } });
    await payments.pay(req(), log);
    await payments.pay(req(), log);
    records.length = 0;
    faults.set({ primary: { mode: 'ok' } });
    const r = await payments.pay(req(), log);
    expect(r.failover).toBe(true);
    expect(records.some((x) => x.message === 'circuit open for primary, skipping it')).toBe(true);
    expect(records.some((x) => x.message === 'gateway call primary')).toBe(false);
  });

  it('throws PaymentUnavailable with both causes when both gateways are down', async () => {
    const { payments, log, req, faults } = setup();
    faults.set({ primary: { mode: 'down' }, fallback: { mode: 'down' } });
    const err = await payments.pay(req(), log).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PaymentUnavailable);
    expect((err as PaymentUnavailable).causes).toEqual(['primary: connection refused', 'fallback: connection refused']);
  });

  it('a gateway returns the same charge for a repeated idempotency key', async () => {
    const gw = createSimulatedGateway({ name: 'g', latency: [0, 1], fault: () => ({ mode: 'ok', delay_ms: 0, percent: 0 }) });
    const r = { amount_cents: 100, currency: 'EUR', card_last4: '4242', idempotency_key: 'same' };
    const a = await gw.charge(r);
    const b = await gw.charge(r);
    expect(b.id).toBe(a.id);
    expect((await gw.charge({ ...r, idempotency_key: 'other' })).id).not.toBe(a.id);
  });

  it('declines the 0002 test card', async () => {
    const { payments, log } = setup();
    const r = await payments.pay({ amount_cents: 1, currency: 'EUR', card_last4: '0002', idempotency_key: 'd' }, log);
    expect(r.charge.status).toBe('declined');
  });

  it('primary failing 50%: over many payments some fail over and some do not, and none is lost', async () => {
    const faults = createFaultSwitch();
    const records: BackendLog[] = [];
    const log = createLogger({ service: 'test', sink: (r) => records.push(r), echo: 'none' });
    const payments = createPayments({
      primary: createSimulatedGateway({ name: 'primary', latency: [0, 1], fault: () => faults.get().primary, random: createRandom(2026).next }),
      fallback: createSimulatedGateway({ name: 'fallback', latency: [0, 1], fault: () => faults.get().fallback }),
      // A breaker that never opens here, so every payment meets the primary's own failure rate.
      breaker: createBreaker({ failures: 1_000 }),
      timeoutMs: { primary: 100, fallback: 100 },
    });
    faults.set({ primary: { mode: 'failing', percent: 50 } });
    const N = 200;
    const results = [];
    for (let i = 0; i < N; i++) results.push(await payments.pay({ amount_cents: 2400, currency: 'EUR', card_last4: '4242', idempotency_key: `p${i}` }, log.with({ request_id: `req-fail-${i}` })));

    const failovers = results.filter((r) => r.failover).length;
    expect(results.every((r) => r.charge.status === 'approved')).toBe(true);
    expect(failovers).toBeGreaterThan(N * 0.35);
    expect(failovers).toBeLessThan(N * 0.65);
    // Each failover follows a 502 from the primary, which is not retried (conservative) but failed over at once.
    const upstream = records.filter((r) => r.message === 'gateway primary failed: primary: 502 upstream error');
    expect(upstream).toHaveLength(failovers);
    expect(records.filter((r) => r.message === 'failover to fallback')).toHaveLength(failovers);
    expect(records.filter((r) => r.message === 'retrying primary')).toHaveLength(0);
    for (const r of upstream) expect(records.some((x) => x.request_id === r.request_id && x.message === 'gateway fallback answered approved')).toBe(true);
  });
});
