import type { Flag } from '@lifeline/protocol';
import { describe, expect, it } from 'vitest';
import { resolveFeature } from '../../src/degrade/resolveFeature.js';
import type { FeatureStatus } from '../../src/degrade/types.js';

const now = 1_700_000_000_000;
const ok: FeatureStatus = { state: 'ok' };

describe('resolveFeature', () => {
  it.each<[string, Flag | undefined, boolean, FeatureStatus]>([
    ['no flag, breaker closed', undefined, false, { state: 'ok', reason: undefined }],
    ['ok flag', { state: 'ok', message: 'fine' }, false, { state: 'ok', reason: undefined }],
    ['degraded flag', { state: 'degraded', message: 'Slow' }, false, { state: 'degraded', message: 'Slow', reason: 'flag' }],
    ['down flag', { state: 'down' }, false, { state: 'down', message: undefined, reason: 'flag' }],
    ['open breaker', undefined, true, { state: 'down', reason: 'breaker' }],
    ['open breaker beats a degraded flag', { state: 'degraded', message: 'Slow' }, true, { state: 'down', reason: 'breaker' }],
    ['a down flag wins a tie with the breaker', { state: 'down', message: 'Back at 3' }, true, { state: 'down', message: 'Back at 3', reason: 'flag' }],
  ])('%s', (_, flag, open, expected) => {
    expect(resolveFeature(flag, open, now, ok)).toEqual(expected);
  });

  it('counts a flag past its until as ok, and one before it as set', () => {
    expect(resolveFeature({ state: 'down', until: now }, false, now, ok).state).toBe('ok');
    expect(resolveFeature({ state: 'down', until: now - 1 }, false, now, ok).state).toBe('ok');
    expect(resolveFeature({ state: 'down', until: now + 1 }, false, now, ok).state).toBe('down');
  });

  it('lets the breaker decide once the flag has expired', () => {
    expect(resolveFeature({ state: 'degraded', until: now - 1 }, true, now, ok)).toEqual({ state: 'down', reason: 'breaker' });
  });

  it('keeps the reason that had degraded the feature once it is ok again', () => {
    expect(resolveFeature(undefined, false, now, { state: 'down', reason: 'breaker' })).toEqual({ state: 'ok', reason: 'breaker' });
    expect(resolveFeature({ state: 'ok' }, false, now, { state: 'degraded', message: 'x', reason: 'flag' })).toEqual({ state: 'ok', reason: 'flag' });
  });

  it.each(['maintenance', 'constructor', '__proto__', 'toString'])('treats an unknown state (%s) as ok', (state) => {
    expect(resolveFeature({ state } as unknown as Flag, false, now, ok).state).toBe('ok');
  });
});
