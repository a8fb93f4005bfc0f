import { afterEach, describe, expect, it, vi } from 'vitest';
import { uuid } from '../../src/lib/uuid.js';

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

afterEach(() => vi.unstubAllGlobals());

describe('uuid', () => {
  it('uses crypto.randomUUID where it exists', () => {
    expect(uuid()).toMatch(V4);
  });

  it('falls back to getRandomValues outside secure contexts (no randomUUID)', () => {
    const real = globalThis.crypto;
    const getRandomValues = vi.fn((b: Uint8Array<ArrayBuffer>) => real.getRandomValues(b));
    vi.stubGlobal('crypto', { getRandomValues });
    const ids = new Set(Array.from({ length: 1000 }, () => uuid()));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(V4);
    expect(getRandomValues).toHaveBeenCalledTimes(1000);
  });

});
