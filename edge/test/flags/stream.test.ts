import { runInDurableObject } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorResponse, FlagsResponse, STATUS_EVENT, StatusResponse } from '@lifeline/protocol';
import type { FlagsObject } from '../../src/flags/object';
import type { Listeners } from '../../src/flags/listeners';
import { MAX_STREAM_BACKLOG } from '../../src/flags/limits';
import { flagsFor } from '../../src/flags/stub';
import { collectorStub, ORIGIN } from '../helpers';
import { newProject, settleAll, type TestProject } from './support';
import { sseReader } from './sseReader';

beforeEach(() => void collectorStub([200]));
afterEach(async () => {
  await settleAll();
  vi.restoreAllMocks();
});

const OPS = { Authorization: 'Bearer dev-ops-token' };
const edge = (path: string, init?: RequestInit) => exports.default.fetch(`http://edge.test${path}`, init);

function statusOf(message: { event?: string; data?: string }): StatusResponse {
  expect(message.event).toBe(STATUS_EVENT);
  return StatusResponse.parse(JSON.parse(message.data!));
}

/** Runs the object's heartbeat now instead of waiting 15 s for it. */
function ping(stub: DurableObjectStub<FlagsObject>): Promise<void> {
  return runInDurableObject(stub, (flags) => (flags as unknown as { listeners: Listeners }).listeners.ping());
}

async function listeners(p: TestProject): Promise<number> {
  return FlagsResponse.parse(await (await p.list()).json()).listeners;
}

describe('GET /v1/status/stream', () => {
  it('sends the current status on connect and every change at once (through the worker, SELF)', async () => {
    const res = await edge('/v1/status/stream?key=pk_demo', { headers: { Origin: ORIGIN } });
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('Cache-Control')).toBe('no-cache, no-transform');
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*');
    const stream = sseReader(res.body!);

    const first = statusOf(await stream.next());
    expect(first.project).toBe('demo');

    const flip = await edge('/v1/flags/checkout', { method: 'PUT', headers: OPS, body: JSON.stringify({ state: 'degraded', message: 'Payments are slow' }) });
    expect(flip.status).toBe(200);
    const changed = statusOf(await stream.next());
    expect(changed.version).toBe(first.version + 1);
    expect(changed.flags.checkout).toEqual({ state: 'degraded', message: 'Payments are slow' });

    await edge('/v1/flags/checkout', { method: 'DELETE', headers: OPS });
    const cleared = statusOf(await stream.next());
    expect(cleared.version).toBe(first.version + 2);
    expect(cleared.flags.checkout).toEqual({ state: 'ok' });
    await stream.cancel();
    await flagsFor(env, 'demo').settle();
  });

  it('delivers a change to every open stream, with the same version as /v1/status', async () => {
    const p = newProject();
    const streams = await Promise.all(
      Array.from({ length: 5 }, async () => sseReader((await p.request(`/v1/status/stream?key=${p.key}`)).body!)),
    );
    for (const s of streams) expect(statusOf(await s.next()).version).toBe(0);
    expect(await listeners(p)).toBe(5);

    await p.put('search', { state: 'down' });
    for (const s of streams) expect(statusOf(await s.next()).flags.search).toEqual({ state: 'down' });
    const polled = StatusResponse.parse(await (await p.status()).json());
    expect(polled.version).toBe(1);
    await Promise.all(streams.map((s) => s.cancel()));
  });

  it('sends a ping comment as heartbeat', async () => {
    const p = newProject();
    const stream = sseReader((await p.request(`/v1/status/stream?key=${p.key}`)).body!);
    await stream.next();
    await ping(p.stub);
    expect(await stream.next()).toEqual({ comment: 'ping' });
    await stream.cancel();
  });

  it('drops a stream whose page went away, and keeps the others', async () => {
    const p = newProject();
    const gone = sseReader((await p.request(`/v1/status/stream?key=${p.key}`)).body!);
    const open = sseReader((await p.request(`/v1/status/stream?key=${p.key}`)).body!);
    await gone.next();
    await open.next();
    await gone.cancel();
    // The cancel travels back through the hops; the next writes find the stream gone.
    await vi.waitFor(
      async () => {
        await ping(p.stub);
        expect(await listeners(p)).toBe(1);
      },
      { timeout: 3000, interval: 50 },
    );
    await p.put('checkout', { state: 'down' });
    let message = await open.next();
    while (message.comment) message = await open.next();
    expect(statusOf(message).version).toBe(1);
    await open.cancel();
  });

  it('drops a stream that stops reading, once too much waits unread', async () => {
    const p = newProject();
    const stalled = sseReader((await p.request(`/v1/status/stream?key=${p.key}`)).body!);
    await stalled.next();
    expect(await listeners(p)).toBe(1);
    // Never read again: every ping queues up until the backlog limit drops the stream.
    for (let i = 0; i <= MAX_STREAM_BACKLOG + 2; i++) await ping(p.stub);
    await vi.waitFor(async () => expect(await listeners(p)).toBe(0), { timeout: 3000, interval: 50 });
    await stalled.cancel();
  });

  it.each([
    { label: 'no key', query: '', status: 401, error: 'missing_key' },
    { label: 'an unknown key', query: '?key=pk_nope', status: 403, error: 'unknown_key' },
  ])('$label → $status $error', async ({ query, status, error }) => {
    const res = await edge(`/v1/status/stream${query}`);
    expect(res.status).toBe(status);
    expect(ErrorResponse.parse(await res.json()).error).toBe(error);
  });

  it('answers a CORS preflight', async () => {
    const res = await edge('/v1/status/stream?key=pk_demo', { method: 'OPTIONS', headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'GET' } });
    expect(res.status).toBe(204);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*');
  });
});

describe('GET /v1/flags/stream (ops token)', () => {
  it('streams the same messages to ops', async () => {
    const p = newProject();
    const res = await p.request('/v1/flags/stream', { headers: { Authorization: `Bearer ${p.token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull();
    const stream = sseReader(res.body!);
    expect(statusOf(await stream.next()).project).toBe(p.project);
    await p.put('payments', { state: 'degraded' });
    expect(statusOf(await stream.next()).flags.payments).toEqual({ state: 'degraded' });
    await stream.cancel();
  });

  it('refuses a public key', async () => {
    const p = newProject();
    const res = await p.request(`/v1/flags/stream?key=${p.key}`);
    expect(res.status).toBe(401);
  });
});
