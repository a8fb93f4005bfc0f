import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCollection } from '../src/shop/collection';
import { createIdempotencyStore, isIdempotencyKey, type IdempotencyRecord } from '../src/shop/idempotency';
import { createLogger } from '../src/logging/logger';

const log = createLogger({ service: 'test', sink: () => {}, echo: 'none' });

const dirs: string[] = [];
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), 'ft-idem-'));
  dirs.push(d);
  return join(d, 'idem.json');
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const KEY = '5b0c7f6e-2a7b-4a53-9d0e-2a4c1f3b9e10';

describe('idempotency keys', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['not-a-uuid', false],
    ['5b0c7f6e2a7b4a539d0e2a4c1f3b9e10', false],
    [KEY, true],
    [KEY.toUpperCase(), true],
  ])('isIdempotencyKey(%s) is %s', (key, ok) => {
    expect(isIdempotencyKey(key)).toBe(ok);
  });

  it('keeps an answer the database refused in memory, replays it, and saves it with the next answer it can', async () => {
    const path = fresh();
    let down = true;
    const store = createIdempotencyStore(openCollection<IdempotencyRecord>(path), {
      write: async (_log, _what, fn) => {
        if (down) throw new Error('database unavailable');
        return fn();
      },
    });
    expect(store.begin('orders', KEY, '{"a":1}')).toEqual({ kind: 'run' });
    // The order exists by now: finishing must not fail the request, nor forget its answer.
    await expect(store.finish('orders', KEY, { body: '{"a":1}', status: 201, response: { order: 'FT-1' } }, log)).resolves.toBeUndefined();
    expect(store.begin('orders', KEY, '{"a":1}')).toEqual({ kind: 'replay', status: 201, body: { order: 'FT-1' } });
    expect(openCollection<IdempotencyRecord>(path).all()).toEqual([]);

    down = false;
    const other = KEY.replace(/^5/, '6');
    expect(store.begin('orders', other, '{"a":2}')).toEqual({ kind: 'run' });
    await store.finish('orders', other, { body: '{"a":2}', status: 201, response: { order: 'FT-2' } }, log);
    expect(openCollection<IdempotencyRecord>(path).all().map((r) => r.body)).toEqual(expect.arrayContaining([{ order: 'FT-1' }, { order: 'FT-2' }]));
  });

  it('replays the first answer, refuses another body (422) and a concurrent repeat (409)', async () => {
    const store = createIdempotencyStore(openCollection<IdempotencyRecord>(fresh()));
    expect(store.begin('pay', KEY, '{"a":1}')).toEqual({ kind: 'run' });
    expect(store.begin('pay', KEY, '{"a":1}')).toMatchObject({ kind: 'conflict', status: 409 });
    expect(store.begin('pay', KEY, '{"a":2}')).toMatchObject({ kind: 'conflict', status: 422 });
    await store.finish('pay', KEY, { body: '{"a":1}', status: 200, response: { ok: true } }, log);
    expect(store.begin('pay', KEY, '{"a":1}')).toEqual({ kind: 'replay', status: 200, body: { ok: true } });
    expect(store.begin('pay', KEY, '{"a":2}')).toMatchObject({ kind: 'conflict', status: 422 });
    // Another operation may use the same key.
    expect(store.begin('orders', KEY, '{"a":1}')).toEqual({ kind: 'run' });
  });

  it('remembers answers across a restart and forgets them after 24 hours', async () => {
    const file = fresh();
    let t = 1_000_000;
    const first = createIdempotencyStore(openCollection<IdempotencyRecord>(file), { now: () => t });
    first.begin('orders', KEY, 'body');
    await first.finish('orders', KEY, { body: 'body', status: 201, response: { order: 'FT-1' } }, log);
    const reopened = createIdempotencyStore(openCollection<IdempotencyRecord>(file), { now: () => t });
    expect(reopened.begin('orders', KEY, 'body')).toEqual({ kind: 'replay', status: 201, body: { order: 'FT-1' } });
    t += 24 * 60 * 60 * 1000;
    expect(reopened.begin('orders', KEY, 'body')).toEqual({ kind: 'run' });
  });

  it('a released key (retryable failure) runs again', () => {
    const store = createIdempotencyStore(openCollection<IdempotencyRecord>(fresh()));
    store.begin('pay', KEY, 'x');
    store.release('pay', KEY);
    expect(store.begin('pay', KEY, 'x')).toEqual({ kind: 'run' });
  });
});
