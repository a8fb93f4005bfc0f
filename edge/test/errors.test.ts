import { env, exports } from 'cloudflare:workers';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { ErrorResponse } from '@lifeline/protocol';
import { onError } from '../src/errors';
import { app } from '../src/index';

describe('answers in the ErrorResponse shape', () => {
  it('GET /health → 200 { ok: true }', async () => {
    const res = await exports.default.fetch('http://edge.test/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it.each([
    { method: 'GET', path: '/nope', status: 404, error: 'not_found' },
    { method: 'POST', path: '/v1/nope', status: 404, error: 'not_found' },
    { method: 'GET', path: '/v1/events', status: 405, error: 'method_not_allowed' },
    { method: 'DELETE', path: '/v1/status', status: 405, error: 'method_not_allowed' },
  ])('$method $path → $status $error', async ({ method, path, status, error }) => {
    const res = await exports.default.fetch(`http://edge.test${path}`, { method });
    expect(res.status).toBe(status);
    expect(res.headers.get('Content-Type')).toContain('application/json');
    expect(ErrorResponse.parse(await res.json()).error).toBe(error);
  });

  it.each([
    { label: 'a key list without projects', vars: { LIFELINE_KEYS: 'pk_only' }, names: 'LIFELINE_KEYS' },
    { label: 'a relative collector URL', vars: { LIFELINE_COLLECTOR_URL: '/collector' }, names: 'LIFELINE_COLLECTOR_URL' },
    { label: 'a bad feature name', vars: { LIFELINE_FEATURES: 'checkout,Not OK' }, names: 'LIFELINE_FEATURES' },
  ])('a broken config ($label) → 500 misconfigured naming the var, not its value', async ({ vars, names }) => {
    const res = await app.request('/v1/status?key=pk_demo', {}, { ...env, ...vars });
    expect(res.status).toBe(500);
    const body = ErrorResponse.parse(await res.json());
    expect(body.error).toBe('misconfigured');
    expect(body.reason).toContain(names);
    expect(body.reason).not.toContain('pk_only');
  });

  it('an unexpected exception → 500 internal without details', async () => {
    const broken = new Hono().get('/boom', () => {
      throw new Error('database password is hunter2');
    });
    broken.onError(onError);
    const res = await broken.request('/boom');
    expect(res.status).toBe(500);
    const body = ErrorResponse.parse(await res.json());
    expect(body.error).toBe('internal');
    expect(body.reason).not.toContain('hunter2');
  });
});
