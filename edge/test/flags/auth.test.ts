import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorResponse } from '@lifeline/protocol';
import { app } from '../../src/index';
import { collectorStub, ORIGIN } from '../helpers';
import { newProject, settleAll } from './support';

beforeEach(() => void collectorStub([200]));
afterEach(async () => {
  await settleAll();
  vi.restoreAllMocks();
});

interface Endpoint {
  label: string;
  method: string;
  path: string;
  body?: string;
}

const endpoints: Endpoint[] = [
  { label: 'list', method: 'GET', path: '/v1/flags' },
  { label: 'set', method: 'PUT', path: '/v1/flags/checkout', body: '{"state":"degraded","message":"slow"}' },
  { label: 'clear', method: 'DELETE', path: '/v1/flags/checkout' },
  { label: 'history', method: 'GET', path: '/v1/flags/history' },
];

type Credential = 'none' | 'malformed' | 'basic' | 'wrong' | 'public key' | "another project's token" | 'right' | 'right, own ?project=';

const cases: Array<{ credential: Credential; status: number; error?: string }> = [
  { credential: 'none', status: 401, error: 'missing_token' },
  { credential: 'malformed', status: 401, error: 'missing_token' },
  { credential: 'basic', status: 401, error: 'missing_token' },
  { credential: 'wrong', status: 403, error: 'unknown_token' },
  { credential: 'public key', status: 403, error: 'unknown_token' },
  { credential: "another project's token", status: 403, error: 'wrong_project' },
  { credential: 'right', status: 200 },
  { credential: 'right, own ?project=', status: 200 },
];

describe.each(endpoints)('the ops API: $method $path ($label)', ({ method, path, body }) => {
  it.each(cases)('$credential → $status', async ({ credential, status, error }) => {
    const mine = newProject();
    const other = newProject();
    // Both projects' tokens are known to the edge the request goes to.
    const vars = { ...mine.vars, LIFELINE_OPS_TOKENS: `${mine.vars.LIFELINE_OPS_TOKENS},${other.project}:${other.actor}:${other.token}` };
    const headers: Record<string, string> = {};
    let query = '';
    switch (credential) {
      case 'none':
        break;
      case 'malformed':
        headers.Authorization = `Bearer${mine.token}`;
        break;
      case 'basic':
        headers.Authorization = `Basic ${btoa(`x:${mine.token}`)}`;
        break;
      case 'wrong':
        headers.Authorization = `Bearer ${mine.token}x`;
        break;
      case 'public key':
        headers.Authorization = `Bearer ${mine.key}`;
        query = `?key=${mine.key}`;
        break;
      case "another project's token":
        headers.Authorization = `Bearer ${other.token}`;
        query = `?project=${mine.project}`;
        break;
      case 'right':
        headers.Authorization = `Bearer ${mine.token}`;
        break;
      case 'right, own ?project=':
        headers.Authorization = `Bearer ${mine.token}`;
        query = `?project=${mine.project}`;
        break;
    }
    const res = await app.request(`${path}${query}`, { method, headers, ...(body ? { body } : {}) }, vars);
    expect(res.status).toBe(status);
    if (error) {
      const answer = ErrorResponse.parse(await res.json());
      expect(answer.error).toBe(error);
      expect(JSON.stringify(answer)).not.toContain(mine.token);
      expect(JSON.stringify(answer)).not.toContain(other.token);
      if (status === 401) expect(res.headers.get('WWW-Authenticate')).toContain('Bearer');
    } else {
      expect(res.headers.get('Cache-Control')).toBe('no-store');
    }
  });
});

describe('the ops API is not CORS-open', () => {
  it('sends no Access-Control-Allow-Origin, even to a right token from a browser origin', async () => {
    const p = newProject();
    const res = await p.request('/v1/flags', { headers: { Authorization: `Bearer ${p.token}`, Origin: ORIGIN } });
    expect(res.status).toBe(200);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });

  it('answers no preflight a browser would accept', async () => {
    const p = newProject();
    const res = await p.request('/v1/flags/checkout', {
      method: 'OPTIONS',
      headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'authorization' },
    });
    expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull();
    expect(res.headers.get('Access-Control-Allow-Methods')).toBeNull();
  });

  it('records the token label as the actor, so a change is traceable to its token', async () => {
    const p = newProject();
    await p.put('checkout', { state: 'down' });
    const res = await p.history();
    const body = (await res.json()) as { history: Array<{ actor: string }> };
    expect(body.history[0]?.actor).toBe(p.actor);
  });
});

describe('with LIFELINE_OPS_TOKENS unset', () => {
  it('keeps the ops API closed', async () => {
    const p = newProject();
    const res = await app.request('/v1/flags', { headers: { Authorization: `Bearer ${p.token}` } }, { ...p.vars, LIFELINE_OPS_TOKENS: '' });
    expect(res.status).toBe(403);
    expect(ErrorResponse.parse(await res.json()).error).toBe('ops_disabled');
  });
});
