import { describe, expect, it } from 'vitest';
import { BACKOFF_MAX_MS, backoffDelay } from '../../src/transport/backoffDelay.js';
import { RETRY_AFTER_MAX_MS, retryAfterMs } from '../../src/transport/retryAfterMs.js';

describe('backoffDelay', () => {
  it.each([
    [1, 500, 1000],
    [2, 1000, 2000],
    [3, 2000, 4000],
    [9, 128_000, 256_000],
    [10, BACKOFF_MAX_MS / 2, BACKOFF_MAX_MS],
    [40, BACKOFF_MAX_MS / 2, BACKOFF_MAX_MS],
  ])('after %i failure(s) waits between %i and %i ms', (failures, low, high) => {
    expect(backoffDelay(failures, () => 0)).toBe(low);
    expect(backoffDelay(failures, () => 1)).toBe(high);
    const random = backoffDelay(failures);
    expect(random).toBeGreaterThanOrEqual(low);
    expect(random).toBeLessThanOrEqual(high);
  });
});

describe('retryAfterMs', () => {
  const now = Date.UTC(2025, 0, 1, 12, 0, 0);
  it.each([
    ['absent', null, undefined],
    ['empty', '', undefined],
    ['seconds', '120', 120_000],
    ['zero', '0', 0],
    ['fractional seconds', '1.5', 1500],
    ['an HTTP date ahead', new Date(now + 30_000).toUTCString(), 30_000],
    ['an HTTP date passed', new Date(now - 30_000).toUTCString(), 0],
    ['a very long wait', '86400', RETRY_AFTER_MAX_MS],
    ['garbage', 'soon', undefined],
  ])('reads %s', (_label, value, expected) => {
    expect(retryAfterMs(value, now)).toBe(expected);
  });
});
