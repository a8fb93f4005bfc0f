import { BrowserEvent } from '@lifeline/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../../src/core/createClient.js';
import type { Integration } from '../../src/core/types.js';
import type { Send, SendRequest } from '../../src/transport/createTransport.js';

const options = { key: 'pk_test', url: 'https://edge.test/v1/events', release: 'r1', environment: 'test', debug: false };
let listeners: Record<string, (() => void)[]>;
let requests: SendRequest[];
const send = vi.fn<Send>(async (request) => {
  requests.push(request);
  return { status: 202 };
});
const sent = () => requests.flatMap((r) => (JSON.parse(r.body) as { events: unknown[] }).events.map((e) => BrowserEvent.parse(e)));

beforeEach(() => {
  listeners = {};
  requests = [];
  const on = (type: string, fn: () => void) => void (listeners[type] ??= []).push(fn);
  vi.stubGlobal('addEventListener', on);
  vi.stubGlobal('document', { addEventListener: on, visibilityState: 'visible' });
  vi.stubGlobal('location', { href: 'https://shop.test/cart' });
});
afterEach(() => vi.unstubAllGlobals());

describe('createClient', () => {
  it('completes events with the fields every event carries', async () => {
    const client = createClient({ options, integrations: [], send });
    const id = client.capture({ kind: 'track', name: 'viewed' });
    await client.transport.flush();
    expect(sent()).toEqual([
      {
        kind: 'track',
        name: 'viewed',
        event_id: id,
        ts: expect.any(Number),
        session_id: client.sessionId(),
        anon_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        url: 'https://shop.test/cart',
        release: 'r1',
        environment: 'test',
      },
    ]);
  });

  it('runs processors in order; null drops the event, and so does a processor that throws', async () => {
    const client = createClient({ options, integrations: [], send });
    client.addProcessor((e) => (e.kind === 'track' && e.name === 'drop' ? null : e));
    client.addProcessor((e) => ({ ...e, url: 'https://shop.test/[scrubbed]' }));
    client.addProcessor((e) => {
      if (e.kind === 'track' && e.name === 'throw') throw new Error('processor bug');
      return e;
    });
    expect(client.capture({ kind: 'track', name: 'drop' })).toBeUndefined();
    expect(client.capture({ kind: 'track', name: 'throw' })).toBeUndefined();
    client.capture({ kind: 'track', name: 'keep' });
    await client.transport.flush();
    expect(sent().map((e) => [e.kind === 'track' && e.name, e.url])).toEqual([['keep', 'https://shop.test/[scrubbed]']]);
  });

  it('sets up every integration even when one throws', () => {
    const setup = vi.fn();
    const broken: Integration = {
      name: 'broken',
      setup() {
        throw new Error('cannot start');
      },
    };
    expect(() => createClient({ options, integrations: [broken, { name: 'ok', setup }], send })).not.toThrow();
    expect(setup).toHaveBeenCalledTimes(1);
  });

  it.each(['pagehide', 'visibilitychange'])('flushes on %s', async (type) => {
    const client = createClient({ options, integrations: [], send });
    client.capture({ kind: 'track', name: 'leaving' });
    vi.stubGlobal('document', { ...document, visibilityState: 'hidden' });
    for (const fn of listeners[type] ?? []) fn();
    await vi.waitFor(() => expect(requests).toHaveLength(1));
  });
});
