import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StatusResponse } from '@lifeline/protocol';
import { collectorStub, ORIGIN } from '../helpers';
import { newProject, settleAll } from './support';

beforeEach(() => void collectorStub([200]));
afterEach(async () => {
  await settleAll();
  vi.restoreAllMocks();
});

describe('GET /v1/status with flags from the Durable Object', () => {
  it('bumps version on every change and serves the flags', async () => {
    const p = newProject();
    const first = StatusResponse.parse(await (await p.status()).json());
    expect(first.version).toBe(0);

    await p.put('checkout', { state: 'degraded', message: 'Payments are slow' });
    const second = StatusResponse.parse(await (await p.status()).json());
    expect(second.version).toBe(1);
    expect(second.flags.checkout).toEqual({ state: 'degraded', message: 'Payments are slow' });
    expect(second.updated_at).toBeGreaterThanOrEqual(first.updated_at);

    await p.put('search', { state: 'down' });
    await p.clear('checkout');
    const fourth = StatusResponse.parse(await (await p.status()).json());
    expect(fourth.version).toBe(3);
    expect(fourth.flags).toMatchObject({ checkout: { state: 'ok' }, search: { state: 'down' } });
  });

  it('sends an ETag of project and version, and 304 for a matching If-None-Match', async () => {
    const p = newProject();
    const res = await p.status();
    const etag = res.headers.get('ETag');
    expect(etag).toBe(`"${p.project}-0"`);
    expect(res.headers.get('Cache-Control')).toBe('public, max-age=2');

    const same = await p.status({ 'If-None-Match': etag! });
    expect(same.status).toBe(304);
    expect(await same.text()).toBe('');
    expect(same.headers.get('ETag')).toBe(etag);
    expect(same.headers.get('Cache-Control')).toBe('public, max-age=2');

    await p.put('checkout', { state: 'down' });
    const changed = await p.status({ 'If-None-Match': etag! });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('ETag')).toBe(`"${p.project}-1"`);
  });

  it.each([
    { header: '*', status: 304 },
    { header: 'W/"{p}-0"', status: 304 },
    { header: '"other", "{p}-0"', status: 304 },
    { header: '"{p}-1"', status: 200 },
    { header: '"{p}-00"', status: 200 },
  ])('If-None-Match: $header → $status', async ({ header, status }) => {
    const p = newProject();
    const res = await p.status({ 'If-None-Match': header.replaceAll('{p}', p.project) });
    expect(res.status).toBe(status);
  });

  it('exposes ETag to pages on other origins and keeps CORS on 304', async () => {
    const p = newProject();
    const res = await p.status({ Origin: ORIGIN });
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*');
    expect(res.headers.get('Access-Control-Expose-Headers')).toContain('ETag');
    const notModified = await p.status({ Origin: ORIGIN, 'If-None-Match': res.headers.get('ETag')! });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get('Access-Control-Allow-Origin')).toBe('*');
  });

  it('keeps each project to its own flags', async () => {
    const a = newProject();
    const b = newProject();
    await a.put('checkout', { state: 'down' });
    const other = StatusResponse.parse(await (await b.status()).json());
    expect(other.project).toBe(b.project);
    expect(other.version).toBe(0);
    expect(other.flags.checkout).toEqual({ state: 'ok' });
  });
});
