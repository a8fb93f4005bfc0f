import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StatusResponse } from '@lifeline/protocol';
import { app } from '../../../src/index';
import { collectorStub } from '../../helpers';
import { expectCleanAnswer, expectPrototypesUntouched, headerValue, hostileBytes, hostileString, jsonText, runs, segment, timeoutFor } from './arbitraries';

let errors: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  collectorStub([200]);
  errors = vi.spyOn(console, 'error');
});
afterEach(() => {
  expect(errors.mock.calls.flat().join('\n')).not.toContain('unexpected exception');
  vi.restoreAllMocks();
});
afterAll(expectPrototypesUntouched);

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** A query string: the right key, a hostile one, none, or several, with other parameters around. */
const query = fc
  .array(
    fc.oneof(
      fc.constant('key=pk_demo'),
      hostileString.map((s) => `key=${segment(s)}`),
      fc.tuple(hostileString, hostileString).map(([k, v]) => `${segment(k)}=${segment(v)}`),
      fc.constantFrom('key', 'key=', '=', '&&', '%', '%zz', 'key=%E0%A4%A', 'key=pk_demo%00'),
    ),
    { maxLength: 4 },
  )
  .map((parts) => (parts.length ? `?${parts.join('&')}` : ''));

const body = fc.oneof(fc.constant(undefined), jsonText, hostileBytes);

const request = (path: string, method: string, q: string, headers: Record<string, string>, b: string | Uint8Array | undefined) =>
  new Request(`http://edge.test${path}${q}`, { method, headers, ...(b !== undefined && method !== 'GET' && method !== 'HEAD' ? { body: b } : {}) });

describe.each(['/v1/status', '/v1/status/stream'])('%s under hostile input', (path) => {
  it(
    'any method, query, If-None-Match and body: a clean answer, and a 200 is the project’s status',
    async () => {
      const headers = fc.record({ 'If-None-Match': headerValue, Origin: headerValue, 'User-Agent': headerValue, 'Content-Type': headerValue }, { requiredKeys: [] });
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...METHODS), query, headers, body, async (method, q, h, b) => {
          const res = await app.fetch(request(path, method, q, h as Record<string, string>, b), env);
          if (res.status === 200 && method === 'GET' && path === '/v1/status') {
            expect(StatusResponse.parse(await res.json()).project).toBe('demo');
            return;
          }
          if (res.status === 200 && method === 'GET') {
            // A stream answers at once with the current status; it is not read to the end.
            const reader = res.body!.getReader();
            expect(new TextDecoder().decode((await reader.read()).value)).toContain('"project":"demo"');
            await reader.cancel();
            return;
          }
          await expectCleanAnswer(res, method);
        }),
        { numRuns: runs() },
      );
    },
    timeoutFor(runs()),
  );
});
