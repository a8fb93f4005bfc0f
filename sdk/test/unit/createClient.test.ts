import { BrowserEvent } from '@lifeline/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../../src/core/createClient.js';
import type { Integration } from '../../src/core/types.js';
import { resolveOptions, type InitOptions, type ResolvedOptions } from '../../src/options.js';
import type { Send, SendRequest } from '../../src/transport/createTransport.js';

let listeners: Record<string, (() => void)[]>;
let requests: SendRequest[];
let storage: Map<string, string>;
const send = vi.fn<Send>(async (request) => {
  requests.push(request);
  return { status: 202 };
});
const sent = () => requests.flatMap((r) => (JSON.parse(r.body) as { events: unknown[] }).events.map((e) => BrowserEvent.parse(e)));
const names = () => sent().map((e) => (e.kind === 'track' ? e.name : e.kind));

function options(extra: Partial<InitOptions> = {}): ResolvedOptions {
  return resolveOptions({ key: 'pk_test', endpoint: 'https://edge.test', release: 'r1', environment: 'test', ...extra }) as ResolvedOptions;
}
const make = (extra?: Partial<InitOptions>, integrations: Integration[] = []) => createClient({ options: options(extra), integrations, send });

beforeEach(() => {
  listeners = {};
  requests = [];
  storage = new Map();
  const on = (type: string, fn: () => void) => void (listeners[type] ??= []).push(fn);
  vi.stubGlobal('addEventListener', on);
  vi.stubGlobal('document', { addEventListener: on, visibilityState: 'visible' });
  vi.stubGlobal('location', { href: 'https://shop.test/cart' });
  vi.stubGlobal('localStorage', {
    getItem: (k: string) => storage.get(k) ?? null,
    setItem: (k: string, v: string) => void storage.set(k, v),
    removeItem: (k: string) => void storage.delete(k),
  });
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('createClient', () => {
  it('completes events with the fields every event carries', async () => {
    const client = make();
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

  it('runs processors in order, then beforeSend, then the scrubber; null drops, and so does a throw', async () => {
    const seen: string[] = [];
    const client = make({
      beforeSend(event) {
        seen.push(String(event.name));
        if (event.name === 'vetoed') return null;
        if (event.name === 'explodes') throw new Error('hook bug');
        return { ...event, props: { ...(event.props as object), contact: 'bob@example.com' } };
      },
    });
    client.addProcessor((e) => (e.kind === 'track' && e.name === 'drop' ? null : e));
    client.addProcessor((e) => ({ ...e, url: 'https://shop.test/pay?token=abc123' }));
    client.addProcessor((e) => {
      if (e.kind === 'track' && e.name === 'throw') throw new Error('processor bug');
      return e;
    });
    for (const name of ['drop', 'throw', 'vetoed', 'explodes', 'keep']) client.capture({ kind: 'track', name });
    await client.transport.flush();
    expect(seen).toEqual(['vetoed', 'explodes', 'keep']);
    expect(sent()).toMatchObject([{ name: 'keep', url: 'https://shop.test/pay?token=[Filtered]', props: { contact: '[email]' } }]);
  });

  it('drops what a processor or beforeSend returns when it is not an event (an async beforeSend’s Promise)', async () => {
    const client = make({
      beforeSend: ((event: { name?: unknown }) => (event.name === 'async' ? Promise.resolve(event) : event)) as never,
    });
    client.addProcessor((e) => (e.kind === 'track' && e.name === 'odd' ? ({ name: 'odd' } as never) : e));
    for (const name of ['async', 'odd', 'keep']) client.capture({ kind: 'track', name });
    await client.transport.flush();
    expect(sent()).toMatchObject([{ kind: 'track', name: 'keep' }]);
    expect(sent()).toHaveLength(1);
  });

  it('sets up every integration even when one throws', () => {
    const setup = vi.fn();
    const broken: Integration = {
      name: 'broken',
      setup() {
        throw new Error('cannot start');
      },
    };
    expect(() => make({}, [broken, { name: 'ok', setup }])).not.toThrow();
    expect(setup).toHaveBeenCalledTimes(1);
  });

  it.each(['pagehide', 'visibilitychange', 'online'])('flushes on %s', async (type) => {
    const client = make();
    client.capture({ kind: 'track', name: 'leaving' });
    vi.stubGlobal('document', { ...document, visibilityState: 'hidden' });
    for (const fn of listeners[type] ?? []) fn();
    await vi.waitFor(() => expect(requests).toHaveLength(1));
  });

  it('samples each kind by its rate; network is left to the network capture', async () => {
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.3);
    const client = make({ sampleRate: { track: 0.25, vital: 0.5, network: 0 } });
    client.capture({ kind: 'track', name: 'sampled_out' });
    client.capture({ kind: 'vital', name: 'LCP', value: 1 });
    client.capture({ kind: 'network', method: 'GET', url: 'https://shop.test/api', status: 200, duration_ms: 5 });
    client.capture({ kind: 'pageview', url: 'https://shop.test/' });
    random.mockRestore();
    await client.transport.flush();
    expect(names()).toEqual(['vital', 'network', 'pageview']);
  });

  it('copies an order_id prop to the top-level field', async () => {
    const client = make();
    client.capture({ kind: 'track', name: 'order_placed', props: { order_id: 8812 } });
    client.capture({ kind: 'error', message: 'x', props: { order_id: 'A-1' } });
    client.capture({ kind: 'track', name: 'no_order', props: { order_id: '' } });
    await client.transport.flush();
    expect(sent().map((e) => e.order_id)).toEqual(['8812', 'A-1', undefined]);
  });

  it('sends the last 20 breadcrumbs with an error, oldest first, as JSON text', async () => {
    const client = make();
    client.capture({ kind: 'pageview', url: 'https://shop.test/cart' });
    for (let i = 0; i < 25; i++) client.crumb('click', `button#b${i}`);
    client.capture({ kind: 'track', name: 'checkout_started' });
    client.capture({ kind: 'error', message: 'boom', props: { step: 'pay' } });
    await client.transport.flush();
    const error = sent().find((e) => e.kind === 'error')!;
    expect(error.kind === 'error' && error.props?.step).toBe('pay');
    const crumbs = JSON.parse(String(error.kind === 'error' && error.props?.breadcrumbs)) as [number, string, string][];
    expect(crumbs).toHaveLength(20);
    expect(crumbs.at(-1)).toEqual([expect.any(Number), 'track', 'checkout_started']);
    expect(crumbs[0]).toEqual([expect.any(Number), 'click', 'button#b6']);
    for (const [age] of crumbs) expect(age).toBeLessThanOrEqual(0);
  });

  it('keeps breadcrumbs within one prop value, dropping the oldest', async () => {
    const client = make();
    for (let i = 0; i < 20; i++) client.crumb('fetch', `GET https://shop.test/api/${'x'.repeat(90)}${i}`);
    client.capture({ kind: 'error', message: 'boom' });
    await client.transport.flush();
    const error = sent()[0]!;
    const json = String(error.kind === 'error' && error.props?.breadcrumbs);
    expect(json.length).toBeLessThanOrEqual(1024);
    expect((JSON.parse(json) as unknown[]).length).toBeLessThan(20);
  });

  it('puts user_id on every event after identify, across clients, until reset', async () => {
    const first = make();
    expect(first.identify('cust_1')).toBe(true);
    expect(first.identify('cust_1')).toBe(false);
    const anon = storage.get('lifeline:anon');
    first.capture({ kind: 'track', name: 'a' });
    const second = make();
    second.capture({ kind: 'track', name: 'b' });
    second.reset();
    second.capture({ kind: 'track', name: 'c' });
    await first.transport.flush();
    await second.transport.flush();
    const events = sent();
    expect(events.map((e) => e.user_id)).toEqual(['cust_1', 'cust_1', undefined]);
    expect(events[2]!.anon_id).not.toBe(anon);
    expect(events[2]!.session_id).not.toBe(events[1]!.session_id);
  });

  it('while consent is pending, stores nothing and holds events; consent(true) sends them', async () => {
    const client = make({ consent: 'pending' });
    client.capture({ kind: 'pageview', url: 'https://shop.test/' });
    client.identify('cust_2');
    expect(client.sessionId()).toBeUndefined();
    await client.transport.flush();
    expect(requests).toEqual([]);
    expect([...storage.keys()]).toEqual([]);
    client.consent(true);
    await client.transport.flush();
    expect(sent()).toMatchObject([{ kind: 'pageview', user_id: 'cust_2' }]);
    expect(client.sessionId()).toBe(sent()[0]!.session_id);
  });

  it('consent(false) discards everything, deletes stored data, and is remembered', async () => {
    const client = make();
    client.capture({ kind: 'track', name: 'before' });
    client.identify('cust_3');
    storage.set('lifeline:queue', '[]');
    client.consent(false);
    expect(client.capture({ kind: 'track', name: 'after' })).toBeUndefined();
    await client.transport.flush();
    expect(requests).toEqual([]);
    expect([...storage.entries()]).toEqual([['lifeline:optout', '1']]);
    const next = make();
    expect(next.capture({ kind: 'track', name: 'next page' })).toBeUndefined();
    next.consent(true);
    next.capture({ kind: 'track', name: 'granted' });
    await next.transport.flush();
    expect(names()).toEqual(['granted']);
    expect(storage.has('lifeline:optout')).toBe(false);
  });

  it('reports dropped events as lifeline_dropped after the next accepted batch', async () => {
    const client = make();
    client.transport.drop(3, 'queue_full');
    client.transport.drop(1, 'error_burst');
    client.capture({ kind: 'track', name: 'ok' });
    await client.transport.flush();
    await client.transport.flush();
    expect(sent()).toMatchObject([
      { name: 'ok' },
      { kind: 'track', name: 'lifeline_dropped', props: { queue_full: 3, error_burst: 1 } },
    ]);
  });
});
