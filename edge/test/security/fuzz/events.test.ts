import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CollectorBatch, IngestResponse } from '@lifeline/protocol';
import { app } from '../../../src/index';
import { collectorStub, type CollectorCall } from '../../helpers';
import { SCRUBBED } from '../corpus';
import { anyString, deepText, expectCleanAnswer, expectPrototypesUntouched, headerValue, hostileBytes, hostileString, jsonText, mostly, objectText, POLLUTING_KEYS, runs, segment, timeoutFor } from './arbitraries';

let calls: CollectorCall[];
let errors: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  calls = collectorStub([200]).calls;
  errors = vi.spyOn(console, 'error');
});
afterEach(() => {
  // onError logs every exception that was not an answer; hostile input must cause none.
  expect(errors.mock.calls.flat().join('\n')).not.toContain('unexpected exception');
  vi.restoreAllMocks();
});
afterAll(expectPrototypesUntouched);

const text = (s: fc.Arbitrary<string>) => s.map((v) => JSON.stringify(v));
/** Free text that is sometimes personal data the edge must scrub. */
const prose = fc.oneof(anyString, fc.constantFrom(...SCRUBBED.map((c) => c.text)));
const uuid = text(fc.uuid());
const ts = fc.integer({ min: 0, max: 4_000_000_000_000 }).map(String);
const props = fc
  .array(fc.tuple(fc.oneof(hostileString, fc.constantFrom('password', 'note', 'api_key', ...POLLUTING_KEYS)), fc.oneof(text(prose), fc.integer().map(String), fc.constant('true'), fc.constant('null'), jsonText)), { maxLength: 8 })
  .map(objectText);
const field = (name: string, valid: fc.Arbitrary<string>) => fc.tuple(fc.constant(name), mostly(valid));

/** Fields of each browser event kind, each mostly valid, sometimes anything. */
const KINDS: Record<string, Array<fc.Arbitrary<readonly [string, string]>>> = {
  pageview: [field('url', text(prose)), field('referrer', text(prose)), field('title', text(prose))],
  track: [field('name', text(prose)), field('props', props)],
  error: [field('message', text(prose)), field('stack', text(prose)), field('props', props), field('frames', fc.array(fc.record({ fn: prose, file: prose, line: fc.nat() }), { maxLength: 3 }).map((f) => JSON.stringify(f)))],
  vital: [field('name', text(fc.constantFrom('LCP', 'INP', 'CLS', 'FCP', 'TTFB'))), field('value', fc.double({ min: 0, max: 1e6, noNaN: true }).map(String))],
  network: [field('method', text(fc.constantFrom('GET', 'POST'))), field('url', text(prose)), field('status', fc.integer({ min: 0, max: 599 }).map(String)), field('duration_ms', ts)],
  degrade: [field('feature', text(fc.stringMatching(/^[a-z][a-z0-9_-]{0,20}$/))), field('state', text(fc.constantFrom('ok', 'degraded', 'down'))), field('reason', text(fc.constantFrom('flag', 'breaker')))],
};

const eventText = fc.constantFrom(...Object.keys(KINDS)).chain((kind) =>
  fc
    .tuple(field('kind', fc.constant(JSON.stringify(kind))), field('event_id', uuid), field('ts', ts), field('session_id', text(fc.string({ maxLength: 20 }))), ...KINDS[kind]!, fc.array(fc.tuple(fc.oneof(hostileString, fc.constantFrom(...POLLUTING_KEYS)), jsonText), { maxLength: 2 }))
    .map((parts) => {
      const extra = parts.pop() as Array<[string, string]>;
      return objectText([...(parts as Array<[string, string]>), ...extra]);
    }),
);

/** An SDK batch whose every field is mostly valid and sometimes anything, hostile keys at every level. */
const batchText = fc
  .tuple(
    field('v', fc.constant('1')),
    field('key', fc.constant('"pk_demo"')),
    field('sent_at', ts),
    field('sdk', fc.constant('{"name":"lifeline","version":"0.1.0"}')),
    field('events', fc.array(eventText, { minLength: 1, maxLength: 8 }).map((es) => `[${es.join(',')}]`)),
    fc.array(fc.tuple(fc.constantFrom(...POLLUTING_KEYS), jsonText), { maxLength: 2 }),
  )
  .map(([v, key, sentAt, sdk, events, extra]) => objectText([v, key, sentAt, sdk, events, ...extra]));

// `app.fetch` rather than `exports.default.fetch`: the pool's loopback path slows down with
// every request it has carried (hundreds of requests in, each takes tens of milliseconds).
const post = (body: BodyInit, headers: Record<string, string> = { 'Content-Type': 'text/plain' }, query = '') =>
  app.fetch(new Request(`http://edge.test/v1/events${query}`, { method: 'POST', headers, body }), env);

/**
 * The promise of `POST /v1/events` under any input: a refusal is a 4xx with a reason and
 * nothing forwarded; an acceptance forwards exactly the accepted events, in a batch the
 * collector will take, scrubbed of every corpus secret.
 */
async function checkIngest(res: Response, sent: string | undefined): Promise<void> {
  const status = await expectCleanAnswer(res.clone());
  if (status !== 202) {
    expect(calls.length).toBe(0);
    return;
  }
  const answer = IngestResponse.parse(await res.json());
  expect(calls.length).toBe(1);
  const forwarded = CollectorBatch.parse(calls[0]!.body);
  expect(forwarded.events).toHaveLength(answer.accepted);
  const events = (JSON.parse(sent!) as { events: unknown[] }).events;
  expect(answer.accepted + answer.rejected.length).toBe(events.length);
  const json = JSON.stringify(forwarded.events.map(({ session_id: _s, ...e }) => e));
  for (const { secret } of SCRUBBED) expect(json).not.toContain(secret);
  calls.length = 0;
}

describe('POST /v1/events under hostile input', () => {
  it('any bytes, valid UTF-8 or not', async () => {
    await fc.assert(
      fc.asyncProperty(hostileBytes, async (bytes) => {
        await checkIngest(await post(bytes), undefined);
      }),
      { numRuns: runs() },
    );
  }, timeoutFor(runs()));

  it('any JSON, nested, with __proto__, constructor and prototype keys at every level', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 8, arbitrary: jsonText }, { weight: 1, arbitrary: deepText }), async (body) => {
        await checkIngest(await post(body), body);
      }),
      { numRuns: runs() },
    );
  }, timeoutFor(runs()));

  it('batches with wrong types, huge and strange values, and personal data in every field', async () => {
    await fc.assert(
      fc.asyncProperty(batchText, async (body) => {
        await checkIngest(await post(body), body);
      }),
      { numRuns: runs() },
    );
  }, timeoutFor(runs()));

  it('enormous and strange headers and query strings', async () => {
    const headers = fc.record(
      {
        'Content-Type': fc.oneof(fc.constant('text/plain'), headerValue),
        'User-Agent': headerValue,
        'CF-Connecting-IP': headerValue,
        Origin: headerValue,
        'X-Request-Id': headerValue,
        Authorization: headerValue,
      },
      { requiredKeys: [] },
    );
    const query = fc.oneof(fc.constant(''), hostileString.map((s) => `?key=${segment(s)}`));
    await fc.assert(
      fc.asyncProperty(batchText, headers, query, async (body, h, q) => {
        await checkIngest(await post(body, h as Record<string, string>, q), body);
      }),
      { numRuns: runs() },
    );
  }, timeoutFor(runs()));
});
