import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay, withRetry, type RetryPolicy } from '../src/retry/retry';
import { RETRY, type RetryOperation } from '../src/retry/policies';
import { createRandom } from '../src/traffic/random';
import { GatewayError } from '../src/payments/gateway';
import { DatabaseUnavailable } from '../src/shop/database-unavailable';

const policy = (o: Partial<RetryPolicy> = {}): RetryPolicy => ({ attempts: 4, baseMs: 100, maxMs: 1000, retryable: () => true, ...o });

/** A `sleep` that only records what it was asked to wait, so no test waits for real. */
const recorder = () => {
  const waited: number[] = [];
  return { waited, sleep: async (ms: number) => void waited.push(ms) };
};

describe('backoff', () => {
  it('its ceiling starts at baseMs and doubles with each attempt until maxMs', () => {
    const p = { baseMs: 100, maxMs: 1000 };
    expect([0, 1, 2, 3, 4, 5, 10].map((a) => backoffCeiling(a, p))).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it('never exceeds the cap, whatever the draw and however many attempts', () => {
    const random = createRandom(1).next;
    const draws = [() => 0, () => 0.999_999_9, random];
    for (const [op, p] of Object.entries(RETRY)) {
      for (let attempt = 0; attempt < 40; attempt++) {
        for (const draw of draws) {
          const d = backoffDelay(attempt, p, draw);
          expect(d, `${op} attempt ${attempt}`).toBeGreaterThanOrEqual(0);
          expect(d, `${op} attempt ${attempt}`).toBeLessThanOrEqual(p.maxMs);
          expect(d).toBeLessThanOrEqual(backoffCeiling(attempt, p));
        }
      }
    }
  });

  it('is jittered: draws for the same attempt differ and spread over [0, ceiling)', () => {
    const random = createRandom(7).next;
    const p = { baseMs: 100, maxMs: 1000 };
    const delays = Array.from({ length: 200 }, () => backoffDelay(3, p, random));
    expect(new Set(delays).size).toBeGreaterThan(190);
    expect(Math.min(...delays)).toBeLessThan(800 * 0.1);
    expect(Math.max(...delays)).toBeGreaterThan(800 * 0.9);
    expect(Math.max(...delays)).toBeLessThan(800);
  });

  it('is the same for the same seed (so a retry schedule can be replayed)', () => {
    const a = createRandom(11).next;
    const b = createRandom(11).next;
    const p = { baseMs: 50, maxMs: 400 };
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, p, a))).toEqual([0, 1, 2, 3].map((n) => backoffDelay(n, p, b)));
  });
});

describe('withRetry', () => {
  it('gives up after policy.attempts and throws the last error', async () => {
    const { waited, sleep } = recorder();
    let calls = 0;
    const retries: number[] = [];
    const err = await withRetry(
      async (attempt) => {
        calls++;
        throw new Error(`attempt ${attempt}`);
      },
      policy({ attempts: 4 }),
      { sleep, onRetry: (_e, attempt) => retries.push(attempt) },
    ).catch((e: unknown) => e);
    expect(calls).toBe(4);
    expect((err as Error).message).toBe('attempt 3');
    expect(retries).toEqual([0, 1, 2]);
    expect(waited).toHaveLength(3);
  });

  it('waits the jittered, growing delays it reports', async () => {
    const { waited, sleep } = recorder();
    const reported: number[] = [];
    const p = policy({ attempts: 5, baseMs: 100, maxMs: 1000 });
    await withRetry(async () => Promise.reject(new Error('no')), p, { sleep, random: () => 0.5, onRetry: (_e, _a, d) => reported.push(d) }).catch(() => {});
    expect(waited).toEqual(reported);
    expect(waited).toEqual([50, 100, 200, 400]);
  });

  it('does not retry an error the policy calls permanent', async () => {
    const { waited, sleep } = recorder();
    let calls = 0;
    const permanent = new Error('card declined');
    const p = policy({ attempts: 5, retryable: (e) => e !== permanent });
    await expect(withRetry(async () => {
      calls++;
      throw permanent;
    }, p, { sleep })).rejects.toBe(permanent);
    expect(calls).toBe(1);
    expect(waited).toEqual([]);
  });

  it('returns the first success after transient failures', async () => {
    const { sleep } = recorder();
    const result = await withRetry(async (attempt) => {
      if (attempt < 2) throw new Error('busy');
      return `ok on ${attempt + 1}`;
    }, policy({ attempts: 3 }), { sleep });
    expect(result).toBe('ok on 3');
  });

  it('a policy of one attempt never retries', async () => {
    let calls = 0;
    await withRetry(async () => {
      calls++;
      throw new Error('x');
    }, policy({ attempts: 1 })).catch(() => {});
    expect(calls).toBe(1);
  });
});

describe('RETRY, the policies by operation', () => {
  const entries = Object.entries(RETRY) as [RetryOperation, RetryPolicy][];
  const payments = entries.filter(([op]) => op.startsWith('payment.'));
  const others = entries.filter(([op]) => !op.startsWith('payment.'));

  it('bounds every policy but log shipping, which keeps its batch until acknowledged', () => {
    expect(entries.filter(([, p]) => !Number.isFinite(p.attempts)).map(([op]) => op)).toEqual(['logs.ship']);
    for (const [op, p] of entries) {
      expect(p.attempts, op).toBeGreaterThanOrEqual(1);
      expect(p.baseMs, op).toBeGreaterThan(0);
      expect(p.baseMs, op).toBeLessThanOrEqual(p.maxMs);
    }
  });

  it('is most conservative for payments: the fewest attempts, and never after a timeout', () => {
    const mostForPayments = Math.max(...payments.map(([, p]) => p.attempts));
    const leastElsewhere = Math.min(...others.map(([, p]) => p.attempts));
    expect(payments.length).toBe(2);
    expect(mostForPayments).toBeLessThan(leastElsewhere);
    const timeout = new GatewayError('g', 'timeout', 'g: timed out');
    for (const [op, p] of payments) expect(p.retryable(timeout), op).toBe(false);
    // The primary is retried only when nothing reached it.
    expect(RETRY['payment.primary'].retryable(new GatewayError('g', 'unavailable', 'refused'))).toBe(true);
    expect(RETRY['payment.primary'].retryable(new GatewayError('g', 'error', '502'))).toBe(false);
  });

  it.each([
    ['database unavailable', new DatabaseUnavailable(), true],
    ['a busy file', Object.assign(new Error('busy'), { code: 'EBUSY' }), true],
    ['a full disk', Object.assign(new Error('full'), { code: 'ENOSPC' }), false],
    ['a bug', new TypeError('x is undefined'), false],
  ])('database writes retry %s: %s', (_what, err, retried) => {
    for (const [op, p] of entries.filter(([op]) => op.startsWith('db.'))) expect(p.retryable(err), op).toBe(retried);
  });

  it.each([
    ['a network error', new TypeError('fetch failed'), true],
    ['503', Object.assign(new Error('503'), { status: 503 }), true],
    ['429', Object.assign(new Error('429'), { status: 429 }), true],
    ['400', Object.assign(new Error('400'), { status: 400 }), false],
    ['401', Object.assign(new Error('401'), { status: 401 }), false],
  ])('calls to the collector retry %s: %s', (_what, err, retried) => {
    expect(RETRY['logs.ship'].retryable(err)).toBe(retried);
    expect(RETRY['history.seed'].retryable(err)).toBe(retried);
  });
});
