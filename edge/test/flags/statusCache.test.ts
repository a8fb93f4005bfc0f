import { runInDurableObject } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StatusResponse } from '@lifeline/protocol';
import type { FlagsObject } from '../../src/flags/object';
import { EDGE_CACHE_SECONDS, statusCache } from '../../src/flags/statusCache';
import { collectorStub } from '../helpers';
import { newProject, settleAll } from './support';

beforeEach(() => void collectorStub([200]));
afterEach(async () => {
  await settleAll();
  vi.restoreAllMocks();
});

const versionOf = async (res: Response) => StatusResponse.parse(await res.json()).version;

describe('the short cache in front of the Durable Object', () => {
  it('answers repeated reads from the location for a second, then asks the object again', async () => {
    const p = newProject();
    expect(await versionOf(await p.status())).toBe(0);
    // A change that does not pass through this location's ops route (as if made elsewhere).
    await runInDurableObject(p.stub, (flags: FlagsObject) => flags.change(p.project, { feature: 'search', flag: { state: 'down' }, actor: 'elsewhere' }));
    expect(await versionOf(await p.status())).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, EDGE_CACHE_SECONDS * 1000 + 200));
    expect(await versionOf(await p.status())).toBe(1);
  });

  it('is forgotten here at once when a change is made here', async () => {
    const p = newProject();
    expect(await versionOf(await p.status())).toBe(0);
    await p.put('search', { state: 'down' });
    expect(await versionOf(await p.status())).toBe(1);
  });

  it('never serves a copy past the until of one of its flags', async () => {
    let now = 1_000;
    const cache = statusCache(await caches.open(`test-${crypto.randomUUID()}`), () => now);
    await cache.put('demo', { etag: '"demo-1"', body: '{"x":1}', expiresAt: 2_000 });
    expect(await cache.get('demo')).toEqual({ etag: '"demo-1"', body: '{"x":1}', expiresAt: 2_000 });
    now = 2_000;
    expect(await cache.get('demo')).toBeUndefined();
  });

  it('treats a missing cache as always empty', async () => {
    const cache = statusCache(undefined);
    await cache.put('demo', { etag: '"demo-1"', body: '{}' });
    expect(await cache.get('demo')).toBeUndefined();
  });
});
