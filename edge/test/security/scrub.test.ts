import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CollectorBatch, IngestResponse, LIMITS, type StoredEvent } from '@lifeline/protocol';
import { FILTERED, scrubEvent, scrubText } from '@lifeline/protocol/scrub';
import { app } from '../../src/index';
import { collectorStub, event, sdkBatch } from '../helpers';
import { KEPT, SCRUBBED, SENSITIVE_PROPS } from './corpus';

afterEach(() => vi.restoreAllMocks());

describe('scrubText, the shared rules', () => {
  it.each(SCRUBBED)('$label → $as', ({ text, secret, as }) => {
    const out = scrubText(text);
    expect(out).not.toContain(secret);
    expect(out).toContain(as);
  });

  it.each(KEPT)('keeps $label', ({ text }) => {
    expect(scrubText(text)).toBe(text);
  });

  it.each(SCRUBBED)('is idempotent: $label', ({ text }) => {
    const once = scrubText(text);
    expect(scrubText(once)).toBe(once);
  });

  // A quadratic pattern takes about a second on each of these (eight make a hostile batch);
  // linear ones take milliseconds. workerd's clocks stand still while code runs, so the
  // test's own time limit is the measure.
  it.each([
    { label: 'a run of word characters', text: 'a'.repeat(LIMITS.stack) },
    { label: 'a run of dots and letters', text: 'a.'.repeat(LIMITS.stack / 2) },
    { label: 'a run of semicolons', text: ';'.repeat(LIMITS.stack) },
    { label: 'a run of sensitive names without a value', text: `?${'token'.repeat(LIMITS.stack / 5)}` },
    { label: 'digit groups', text: '12 '.repeat(LIMITS.stack / 3) },
    { label: 'names without values', text: 'a= '.repeat(LIMITS.stack / 3) },
  ])('scrubs 32 KiB of $label in linear time', ({ text }) => {
    for (let i = 0; i < 8; i++) expect(scrubText(text + String(i))).toHaveLength(text.length + 1);
  }, 3_000);

  it('filters every value under a sensitive name and keeps identifiers', () => {
    const out = scrubEvent({ props: { ...SENSITIVE_PROPS, order_id: '4111111111111111', note: 'bob@example.com' }, fingerprint: '4111111111111111' });
    for (const key of Object.keys(SENSITIVE_PROPS)) expect(out.props[key as keyof typeof out.props]).toBe(FILTERED);
    expect(out).toMatchObject({ props: { order_id: '4111111111111111', note: '[email]' }, fingerprint: '4111111111111111' });
  });

  it('keeps a __proto__ key as data instead of a prototype', () => {
    const input = JSON.parse('{"props":{"__proto__":{"polluted":"bob@example.com"}}}') as { props: object };
    const out = scrubEvent(input);
    expect(Object.getPrototypeOf(out.props)).toBe(Object.prototype);
    expect(Object.keys(out.props)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

/** Where free text reaches the edge: each field of each kind that carries it. */
const FIELDS: Array<{ field: string; make: (text: string) => Record<string, unknown>; read: (e: StoredEvent) => unknown }> = [
  { field: 'error message', make: (t) => event('error', { message: t }), read: (e) => (e.kind === 'error' ? e.message : undefined) },
  { field: 'error stack', make: (t) => event('error', { stack: `Error: x\n    at f (${t})` }), read: (e) => (e.kind === 'error' ? e.stack : undefined) },
  { field: 'pageview url', make: (t) => event('pageview', { url: t }), read: (e) => e.url },
  { field: 'pageview referrer', make: (t) => event('pageview', { referrer: t }), read: (e) => (e.kind === 'pageview' ? e.referrer : undefined) },
  { field: 'pageview title', make: (t) => event('pageview', { title: t }), read: (e) => (e.kind === 'pageview' ? e.title : undefined) },
  { field: 'network url', make: (t) => ({ ...event('track'), kind: 'network', method: 'GET', url: t, status: 500, duration_ms: 12, name: undefined, props: undefined }), read: (e) => e.url },
  { field: 'track prop value', make: (t) => event('track', { props: { note: t } }), read: (e) => (e.kind === 'track' ? e.props?.note : undefined) },
  { field: 'error prop value', make: (t) => event('error', { props: { context: t } }), read: (e) => (e.kind === 'error' ? e.props?.context : undefined) },
];

// In-isolate, not through `exports.default.fetch`, which slows with every request it carried.
const postEvents = (body: unknown) => app.request('/v1/events', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify(body) }, env);

/** Posts one event per corpus entry and answers what the collector received, in order. */
async function throughTheEdge(events: Array<Record<string, unknown>>): Promise<StoredEvent[]> {
  const { calls } = collectorStub([200]);
  const res = await postEvents(sdkBatch(events));
  expect(res.status).toBe(202);
  expect(IngestResponse.parse(await res.json()).rejected).toEqual([]);
  expect(calls).toHaveLength(1);
  return CollectorBatch.parse(calls[0]!.body).events;
}

describe.each(FIELDS)('the edge scrubs the $field before forwarding', ({ make, read }) => {
  it.each(SCRUBBED)('$label', async ({ text, secret, as }) => {
    const [forwarded] = await throughTheEdge([make(text)]);
    const value = String(read(forwarded!));
    expect(value).not.toContain(secret);
    expect(value).toContain(as);
  });

  it('and keeps look-alikes as they are', async () => {
    const forwarded = await throughTheEdge(KEPT.map((k) => make(k.text)));
    expect(forwarded.map((e) => String(read(e)))).toEqual(KEPT.map((k) => String(read({ ...make(k.text), project: 'demo', received_at: 0 } as StoredEvent))));
  });
});

describe('the edge filters sensitive keys and keeps identifiers', () => {
  it('replaces the values of props with sensitive names, whatever their type', async () => {
    const [track, error] = await throughTheEdge([event('track', { props: SENSITIVE_PROPS }), event('error', { props: SENSITIVE_PROPS })]);
    for (const e of [track!, error!]) {
      const props = (e as { props?: Record<string, unknown> }).props!;
      expect(Object.keys(props)).toEqual(Object.keys(SENSITIVE_PROPS));
      expect(new Set(Object.values(props))).toEqual(new Set([FILTERED]));
    }
  });

  it('never rewrites *_id fields or the fingerprint', async () => {
    const ids = { session_id: 'a@b.co', user_id: 'bob@example.com', order_id: '4111111111111111', request_id: 'token=1', fingerprint: '4111 1111 1111 1111' };
    const [forwarded] = await throughTheEdge([event('error', ids)]);
    expect(forwarded).toMatchObject(ids);
  });
});

describe('scrubbing never makes an event the collector would refuse', () => {
  it('cuts a field that scrubbing lengthened past its limit back to the limit', async () => {
    // `a@b.io ` is 7 characters and becomes `[email] ` (8): the message outgrows 8192.
    const message = 'a@b.io '.repeat(Math.floor(LIMITS.message / 7));
    const url = `https://shop.example/?t=1${'&token=x'.repeat(Math.floor((LIMITS.url - 25) / 8))}`;
    const [forwarded] = await throughTheEdge([event('error', { message, url, props: { note: 'a@b.io '.repeat(146) } })]);
    const e = forwarded as StoredEvent & { kind: 'error' };
    expect(e.message.length).toBeLessThanOrEqual(LIMITS.message);
    expect(e.message).not.toContain('a@b.io');
    expect(e.url!.length).toBeLessThanOrEqual(LIMITS.url);
    expect(String(e.props!.note).length).toBeLessThanOrEqual(LIMITS.propValue);
  });

  it('refuses alone an event whose identifier-like field holds personal data, forwarding the rest', async () => {
    const { calls } = collectorStub([200]);
    const good = event('track');
    const degrade = { ...event('track'), kind: 'degrade', feature: 'x-4111-1111-1111-1111', state: 'down', reason: 'flag', name: undefined, props: undefined };
    const res = await postEvents(sdkBatch([degrade, good]));
    expect(res.status).toBe(202);
    const answer = IngestResponse.parse(await res.json());
    expect(answer.rejected).toEqual([{ index: 0, reason: expect.stringContaining('feature') }]);
    expect(answer.rejected[0]!.reason).not.toContain('4111');
    expect(calls[0]!.body.events.map((e) => e.event_id)).toEqual([good.event_id]);
  });
});
