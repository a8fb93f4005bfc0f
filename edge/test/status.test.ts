import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ErrorResponse, StatusResponse } from '@lifeline/protocol';

const get = (query: string) => exports.default.fetch(`http://edge.test/v1/status${query}`);

describe('GET /v1/status', () => {
  it('serves every configured feature as ok for a known key, briefly cacheable', async () => {
    const res = await get('?key=pk_demo');
    expect(res.status).toBe(200);
    expect(res.headers.get('Cache-Control')).toBe('public, max-age=2');
    const body = StatusResponse.parse(await res.json());
    expect(body).toMatchObject({
      v: 1,
      project: 'demo',
      flags: { checkout: { state: 'ok' }, payments: { state: 'ok' }, search: { state: 'ok' }, recommendations: { state: 'ok' } },
    });
    expect(Object.keys(body.flags)).toHaveLength(4);
    // Other files may have changed demo's flags before (and cleared them again): version and
    // updated_at tell of that history; test/flags/status.test.ts checks them on fresh projects.
    expect(body.updated_at).toBeLessThanOrEqual(Date.now());
    expect(res.headers.get('ETag')).toBe(`"demo-${body.version}"`);
  });

  it.each([
    { label: 'no key', query: '', status: 401, error: 'missing_key' },
    { label: 'an empty key', query: '?key=', status: 401, error: 'missing_key' },
    { label: 'an unknown key', query: '?key=pk_nope', status: 403, error: 'unknown_key' },
    { label: 'a near-miss key', query: '?key=pk_dem', status: 403, error: 'unknown_key' },
  ])('$label → $status $error, not cacheable', async ({ query, status, error }) => {
    const res = await get(query);
    expect(res.status).toBe(status);
    expect(res.headers.get('Cache-Control')).toBeNull();
    const body = ErrorResponse.parse(await res.json());
    expect(body.error).toBe(error);
  });
});
