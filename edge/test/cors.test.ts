import { env, exports } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { app } from '../src/index';
import { collectorStub, event, ORIGIN, postEvents, sdkBatch } from './helpers';

afterEach(() => vi.restoreAllMocks());

describe('CORS with LIFELINE_ALLOWED_ORIGINS=*', () => {
  it('answers a browser POST to /v1/events with CORS headers', async () => {
    collectorStub([200]);
    const res = await postEvents(sdkBatch([event()]), { headers: { Origin: ORIGIN } });
    expect(res.status).toBe(202);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*');
    expect(res.headers.get('Access-Control-Expose-Headers')).toContain('Retry-After');
    expect(res.headers.get('Access-Control-Allow-Credentials')).toBeNull();
  });

  it('keeps CORS headers on error answers so the SDK can read them', async () => {
    collectorStub([500]);
    const bad = await postEvents('nope', { headers: { Origin: ORIGIN } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('Access-Control-Allow-Origin')).toBe('*');
  });

  it('answers GET /v1/status with CORS headers', async () => {
    const res = await exports.default.fetch('http://edge.test/v1/status?key=pk_demo', { headers: { Origin: ORIGIN } });
    expect(res.status).toBe(200);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*');
  });

  it.each([
    { path: '/v1/events', headers: 'content-type' },
    { path: '/v1/status', headers: 'content-type,if-none-match' },
  ])('answers an OPTIONS preflight on $path', async ({ path, headers }) => {
    const res = await exports.default.fetch(`http://edge.test${path}`, {
      method: 'OPTIONS',
      headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*');
    expect(res.headers.get('Access-Control-Allow-Methods')).toBe('GET,POST,OPTIONS');
    expect(res.headers.get('Access-Control-Allow-Headers')?.toLowerCase()).toBe(headers);
    expect(res.headers.get('Access-Control-Max-Age')).toBe('86400');
  });
});

describe('CORS with a list of origins', () => {
  const listed = { ...env, LIFELINE_ALLOWED_ORIGINS: 'https://shop.example, https://www.shop.example' };

  it.each([
    { origin: 'https://shop.example', allowed: 'https://shop.example' },
    { origin: 'https://www.shop.example', allowed: 'https://www.shop.example' },
    { origin: 'https://evil.example', allowed: null },
  ])('origin $origin → Access-Control-Allow-Origin $allowed', async ({ origin, allowed }) => {
    const res = await app.request('/v1/status?key=pk_demo', { headers: { Origin: origin } }, listed);
    expect(res.status).toBe(200);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(allowed);
    expect(res.headers.get('Vary')).toContain('Origin');
  });

  it('answers a preflight from a listed origin only', async () => {
    const preflight = (origin: string) =>
      app.request('/v1/events', { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' } }, listed);
    expect((await preflight('https://shop.example')).headers.get('Access-Control-Allow-Origin')).toBe('https://shop.example');
    expect((await preflight('https://evil.example')).headers.get('Access-Control-Allow-Origin')).toBeNull();
  });
});
