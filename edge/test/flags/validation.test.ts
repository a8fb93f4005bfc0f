import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorResponse, LIMITS } from '@lifeline/protocol';
import { MAX_FEATURES } from '../../src/flags/limits';
import { collectorStub } from '../helpers';
import { fromNow, newProject, settleAll } from './support';

beforeEach(() => void collectorStub([200]));
afterEach(async () => {
  await settleAll();
  vi.restoreAllMocks();
});

describe('PUT /v1/flags/:feature refuses bad input and changes nothing', () => {
  it.each([
    { label: 'a bad state', feature: 'checkout', body: { state: 'broken' }, error: 'invalid_flag', path: 'state' },
    { label: 'no state', feature: 'checkout', body: { message: 'hi' }, error: 'invalid_flag', path: 'state' },
    { label: 'a message that is not a string', feature: 'checkout', body: { state: 'down', message: 42 }, error: 'invalid_flag', path: 'message' },
    { label: 'a message over the limit', feature: 'checkout', body: { state: 'down', message: 'm'.repeat(LIMITS.message + 1) }, error: 'invalid_flag', path: 'message' },
    { label: 'an until that is not a number', feature: 'checkout', body: { state: 'down', until: '2030-01-01' }, error: 'invalid_flag', path: 'until' },
    { label: 'an until on an ok flag', feature: 'checkout', body: { state: 'ok', until: fromNow(60_000) }, error: 'invalid_flag', path: 'until' },
    { label: 'an until in the past', feature: 'checkout', body: { state: 'down', until: Date.now() - 1000 }, error: 'until_in_past' },
    { label: 'a feature name in capitals', feature: 'Checkout', body: { state: 'down' }, error: 'invalid_feature' },
    { label: 'a feature name with a dot', feature: 'check.out', body: { state: 'down' }, error: 'invalid_feature' },
    { label: 'a feature name over 64 characters', feature: `f${'x'.repeat(64)}`, body: { state: 'down' }, error: 'invalid_feature' },
    { label: 'a body that is not JSON', feature: 'checkout', body: 'state=down', error: 'invalid_json' },
    { label: 'an empty body', feature: 'checkout', body: '', error: 'invalid_json' },
    { label: 'a JSON array', feature: 'checkout', body: '[]', error: 'invalid_flag' },
    { label: 'an oversized body', feature: 'checkout', body: JSON.stringify({ state: 'down', message: 'm'.repeat(64 * 1024) }), error: 'payload_too_large', status: 413 },
  ])('$label → $error', async ({ feature, body, error, path, status }) => {
    const p = newProject();
    const res = await p.put(feature, body);
    expect(res.status).toBe(status ?? 400);
    const answer = ErrorResponse.parse(await res.json());
    expect(answer.error).toBe(error);
    expect(answer.reason.length).toBeGreaterThan(0);
    if (path) expect(answer.issues?.map((i) => i.path)).toContain(path);

    const statusBody = (await (await p.status()).json()) as { version: number };
    expect(statusBody.version).toBe(0);
    expect(((await (await p.history()).json()) as { history: unknown[] }).history).toHaveLength(0);
  });

  it('accepts a message of exactly the limit, in multi-byte characters', async () => {
    const p = newProject();
    const res = await p.put('checkout', { state: 'degraded', message: 'é'.repeat(LIMITS.message) });
    expect(res.status).toBe(200);
  });

  it.each(['history', 'stream'])('never takes the reserved name %s as a feature', async (name) => {
    const p = newProject();
    const res = await p.put(name, { state: 'down' });
    expect(res.status).toBe(405);
  });

  it(`refuses a feature beyond ${MAX_FEATURES} per project`, async () => {
    const p = newProject();
    const configured = 4;
    for (let i = 0; i < MAX_FEATURES - configured; i++) expect((await p.put(`extra-${i}`, { state: 'down' })).status).toBe(200);
    const res = await p.put('one-too-many', { state: 'down' });
    expect(res.status).toBe(400);
    expect(ErrorResponse.parse(await res.json()).error).toBe('too_many_features');
    // Known features can still change.
    expect((await p.put('checkout', { state: 'down' })).status).toBe(200);
  });
});

describe('DELETE /v1/flags/:feature', () => {
  it('refuses a bad feature name', async () => {
    const p = newProject();
    const res = await p.clear('NOPE');
    expect(res.status).toBe(400);
    expect(ErrorResponse.parse(await res.json()).error).toBe('invalid_feature');
  });
});

describe('GET /v1/flags/history?limit=', () => {
  it.each(['0', '-1', '1001', 'ten', '', '2.5'])('refuses limit=%s', async (limit) => {
    const p = newProject();
    const res = await p.history(`?limit=${limit}`);
    expect(res.status).toBe(400);
    expect(ErrorResponse.parse(await res.json()).error).toBe('invalid_query');
  });
});

describe('methods', () => {
  it.each([
    { method: 'POST', path: '/v1/flags', allow: 'GET' },
    { method: 'GET', path: '/v1/flags/checkout', allow: 'PUT, DELETE' },
    { method: 'POST', path: '/v1/flags/checkout', allow: 'PUT, DELETE' },
    { method: 'DELETE', path: '/v1/flags/history', allow: 'GET' },
    { method: 'POST', path: '/v1/status/stream', allow: 'GET, OPTIONS' },
  ])('$method $path → 405, Allow: $allow', async ({ method, path, allow }) => {
    const p = newProject();
    const res = await p.request(path, { method, headers: { Authorization: `Bearer ${p.token}` } });
    expect(res.status).toBe(405);
    expect(res.headers.get('Allow')).toBe(allow);
  });
});
