import fc from 'fast-check';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FlagChangeResponse } from '@lifeline/protocol';
import { collectorStub } from '../../helpers';
import { newProject, settleAll, type TestProject } from '../../flags/support';
import { anyString, expectCleanAnswer, expectPrototypesUntouched, headerValue, hostileBytes, hostileString, jsonText, mostly, objectText, POLLUTING_KEYS, runs, segment, timeoutFor } from './arbitraries';

let errors: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  collectorStub([200]);
  errors = vi.spyOn(console, 'error');
});
afterEach(async () => {
  await settleAll();
  expect(errors.mock.calls.flat().join('\n')).not.toContain('unexpected exception');
  vi.restoreAllMocks();
});
afterAll(expectPrototypesUntouched);

/** What a refused request must leave exactly as it was: the version and the audit history. */
async function snapshot(p: TestProject): Promise<string> {
  const [flags, history] = await Promise.all([p.stub.list(p.project), p.stub.history(p.project, 1000)]);
  return JSON.stringify({ version: flags.version, flags: flags.flags, history: history.history.length });
}

const feature = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('checkout', 'payments', 'search', 'x', `f${'a'.repeat(63)}`) },
  { weight: 2, arbitrary: fc.stringMatching(/^[a-z][a-z0-9_-]{0,70}$/) },
  { weight: 3, arbitrary: hostileString.map(segment) },
  { weight: 1, arbitrary: fc.constantFrom('history', 'stream', '%2e%2e', '..', '%2F', 'CHECKOUT', '%E0%A4%A', '__proto__', 'constructor') },
);

// Future ones at least an hour ahead: a flag that expired between two snapshots would
// change the version without any request (as it should).
const until = fc.oneof(
  fc.integer({ min: 3_600_000, max: 30 * 86_400_000 }).map((ms) => `{"fromNow":${ms}}`),
  fc.constantFrom('0', '-1', '1.5', '1e999', '8640000000000001', '"tomorrow"', 'null', 'true', '[]', '{}'),
);

/** A FlagChange body: mostly well-formed, with wrong types, huge messages and polluting keys mixed in. */
const change = fc
  .tuple(
    fc.tuple(fc.constant('state'), mostly(fc.constantFrom('"ok"', '"degraded"', '"down"'))),
    fc.option(fc.tuple(fc.constant('message'), mostly(anyString.map((s) => JSON.stringify(s))))),
    fc.option(fc.tuple(fc.constant('until'), until)),
    fc.array(fc.tuple(fc.constantFrom(...POLLUTING_KEYS, 'extra'), jsonText), { maxLength: 2 }),
  )
  .map(([state, message, u, extra]) => {
    const entries = [state, ...(message ? [message] : []), ...(u ? [u] : []), ...extra] as Array<[string, string]>;
    // `until` relative to now is written as epoch ms when sent, so some are in the future.
    return objectText(entries).replace(/\{"fromNow":(\d+)\}/, (_m, ms: string) => String(Date.now() + Number(ms)));
  });

const body = fc.oneof({ weight: 6, arbitrary: change }, { weight: 2, arbitrary: jsonText }, { weight: 1, arbitrary: hostileBytes });

describe('/v1/flags under hostile input', () => {
  it(
    'PUT with any feature and body: a clean answer; a refusal changes nothing and records nothing',
    async () => {
      const p = newProject();
      await fc.assert(
        fc.asyncProperty(feature, body, fc.option(headerValue), async (f, b, contentType) => {
          const before = await snapshot(p);
          const res = await p.request(`/v1/flags/${f}`, {
            method: 'PUT',
            headers: { Authorization: `Bearer ${p.token}`, ...(contentType === null ? {} : { 'Content-Type': contentType }) },
            body: b,
          });
          if (res.status === 200) {
            FlagChangeResponse.parse(await res.json());
            return;
          }
          await expectCleanAnswer(res, 'PUT');
          expect(await snapshot(p)).toBe(before);
        }),
        { numRuns: runs() },
      );
    },
    timeoutFor(runs()),
  );

  it(
    'any method on any path below /v1/flags, any query: a clean answer; only a 200 PUT or DELETE changes anything',
    async () => {
      const p = newProject();
      const path = fc.array(feature, { minLength: 0, maxLength: 3 }).map((parts) => `/v1/flags${parts.map((x) => `/${x}`).join('')}`);
      const q = fc.oneof(fc.constant(''), hostileString.map((s) => `?limit=${segment(s)}`), fc.integer({ min: -5, max: 2000 }).map((n) => `?limit=${n}`), fc.constant(`?project=${encodeURIComponent('other')}`));
      await fc.assert(
        fc.asyncProperty(fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'), path, q, body, async (method, route, query, b) => {
          const before = await snapshot(p);
          const withBody = method !== 'GET' && method !== 'HEAD';
          const res = await p.request(`${route}${query}`, { method, headers: { Authorization: `Bearer ${p.token}` }, ...(withBody ? { body: b } : {}) });
          const status = await expectCleanAnswer(res, method);
          if (!(status === 200 && (method === 'PUT' || method === 'DELETE'))) expect(await snapshot(p)).toBe(before);
        }),
        { numRuns: runs() },
      );
    },
    timeoutFor(runs()),
  );

  it(
    'any Authorization header: never let in unless it is the token, and nothing changes',
    async () => {
      const p = newProject();
      const authorization = fc.oneof(headerValue, hostileString.map((s) => `Bearer ${s.replace(/[^\x20-\x7e]/g, '')}`), fc.constant(`Bearer ${p.token} `), fc.constant(`bearer   ${p.token}`));
      await fc.assert(
        fc.asyncProperty(authorization, change, async (header, b) => {
          const before = await snapshot(p);
          const res = await p.request('/v1/flags/checkout', { method: 'PUT', headers: { Authorization: header }, body: b });
          const right = /^bearer +(\S+) *$/i.exec(header)?.[1] === p.token;
          if (!right) {
            expect([401, 403]).toContain(res.status);
            await expectCleanAnswer(res, 'PUT');
            expect(await snapshot(p)).toBe(before);
          } else {
            await res.body?.cancel();
          }
        }),
        { numRuns: runs() },
      );
    },
    timeoutFor(runs()),
  );
});
