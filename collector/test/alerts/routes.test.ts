import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertHistoryResponse, DeadLetterResponse, ErrorResponse } from '@lifeline/protocol';
import { createAlerting, type Alerting } from '../../src/alerts/create-alerting';
import { createAlertRoutes } from '../../src/alerts/routes';
import { ConfigError } from '../../src/config';
import type { Storage } from '../../src/storage/open-storage';
import { removeTree } from '../helpers';
import { MIN, NOW, deadUrl, openTestStorage, store, tracked } from './support';

let storage: Storage;
let close: () => Promise<void>;
let alerting: Alerting;
const dir = mkdtempSync(join(tmpdir(), 'lifeline-alert-rules-'));
const rulesFile = join(dir, 'alerts.json');
const readTokens = new Map([['rt_demo', 'demo'], ['rt_other', 'other']]);
const ADMIN = 'admin-token';
const rule = (id: string) => ({ id, kind: 'threshold', source: 'events', metric: 'count', op: 'above', value: 0, severity: 'critical', filter: { event: 'boom' } });
const writeRules = (rules: unknown[], extra: Record<string, unknown> = {}) => writeFileSync(rulesFile, JSON.stringify({ project: 'demo', ...extra, rules }));

beforeAll(async () => {
  ({ storage, close } = await openTestStorage());
  await store(storage, [tracked(NOW - MIN, 'boom')]);
  writeRules([rule('boom')], { channels: { down: { type: 'webhook', url: await deadUrl(), retries: 0 } }, defaults: { channels: ['down'] } });
  alerting = await createAlerting({ storage, projects: new Set(['demo', 'other']), rulesFile, dashboardUrl: 'http://dash.test/dashboard/' });
  await alerting.evaluate(NOW);
  await alerting.flush();
});
afterAll(async () => {
  await alerting?.stop();
  await close?.();
  removeTree(dir);
});

const app = (options: { adminToken?: string } = { adminToken: ADMIN }) => createAlertRoutes({ alerting, readTokens, adminToken: options.adminToken });
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

describe('alerting API', () => {
  it('shows the token project its firing alerts and history, and dead letters', async () => {
    const history = AlertHistoryResponse.parse(await (await app().request('/v1/alerts/history?limit=5', { headers: bearer('rt_demo') })).json());
    expect(history.firing.map((f) => f.key)).toEqual(['boom']);
    expect(history.history).toMatchObject([{ kind: 'firing', delivery: 'dead_letter' }]);
    const letters = DeadLetterResponse.parse(await (await app().request('/v1/alerts/dead-letter', { headers: bearer('rt_demo') })).json());
    expect(letters.dead_letters).toHaveLength(1);
    expect(letters.dead_letters[0]!.reason).toMatch(/^down: request failed/);

    const other = AlertHistoryResponse.parse(await (await app().request('/v1/alerts/history', { headers: bearer('rt_other') })).json());
    expect(other).toEqual({ project: 'other', firing: [], history: [] });
    const otherLetters = DeadLetterResponse.parse(await (await app().request('/v1/alerts/dead-letter?status=all', { headers: bearer('rt_other') })).json());
    expect(otherLetters.dead_letters).toEqual([]);
  });

  it.each([
    ['GET', '/v1/alerts/history', undefined, 401],
    ['GET', '/v1/alerts/history', 'rt_nope', 403],
    ['GET', '/v1/alerts/history', ADMIN, 403],
    ['GET', '/v1/alerts/history?limit=0', 'rt_demo', 400],
    ['GET', '/v1/alerts/history?limit=abc', 'rt_demo', 400],
    ['GET', '/v1/alerts/history?since=1', 'rt_demo', 400],
    ['GET', '/v1/alerts/dead-letter', undefined, 401],
    ['GET', '/v1/alerts/dead-letter?status=lost', 'rt_demo', 400],
    ['GET', '/v1/alerts/dead-letter?status=replayed', 'rt_demo', 200],
    ['POST', '/v1/alerts/dead-letter/replay', undefined, 401],
    ['POST', '/v1/alerts/dead-letter/replay', 'rt_demo', 403],
    ['POST', '/v1/alerts/reload', 'rt_demo', 403],
    ['POST', '/v1/alerts/reload', 'wrong', 403],
    ['POST', '/v1/alerts/reload', ADMIN, 200],
  ])('%s %s with %s → %i', async (method, path, token, status) => {
    const res = await app().request(path, { method, headers: token ? bearer(token) : {} });
    expect(res.status).toBe(status);
    if (status >= 400) expect(ErrorResponse.parse(await res.json()).reason.length).toBeGreaterThan(5);
  });

  it.each([
    ['not JSON', '{ids:', 400],
    ['an unknown key', '{"all":true}', 400],
    ['IDs that are not UUIDs', '{"ids":["x"]}', 400],
    ['an ID that is not pending', '{"ids":["6f1f7b1e-9f5c-4a6e-8a59-2b8f6c1d0e3a"]}', 200],
  ])('replay with %s → %i', async (_why, body, status) => {
    const res = await app().request('/v1/alerts/dead-letter/replay', { method: 'POST', headers: bearer(ADMIN), body });
    expect(res.status).toBe(status);
  });

  it('refuses admin actions with a reason when no admin token is configured', async () => {
    const res = await app({}).request('/v1/alerts/reload', { method: 'POST', headers: bearer(ADMIN) });
    expect(res.status).toBe(403);
    expect(ErrorResponse.parse(await res.json()).reason).toMatch(/LIFELINE_ADMIN_TOKEN/);
  });
});

describe('reloading rules', () => {
  it('keeps the current rules when the new ones are invalid, and says why', async () => {
    writeRules([rule('boom'), { ...rule('two'), window: 'soon' }]);
    const res = await app().request('/v1/alerts/reload', { method: 'POST', headers: bearer(ADMIN) });
    expect(await res.json()).toEqual({ ok: false, rules: 1, reason: expect.stringMatching(/^rules\.1\.window: a duration/) });
    expect(alerting.config.rules.map((r) => r.id)).toEqual(['boom']);
  });

  it('picks up a changed file by itself once started', async () => {
    alerting.start();
    writeRules([rule('boom'), rule('two'), rule('three')]);
    await expect.poll(() => alerting.config.rules.length, { timeout: 5000 }).toBe(3);
  });

  it('refuses to start on an invalid rules file', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"rules": [{"id": "x"}]}');
    await expect(createAlerting({ storage, projects: new Set(['demo']), rulesFile: bad, dashboardUrl: 'http://d/' })).rejects.toThrow(ConfigError);
    await expect(createAlerting({ storage, projects: new Set(['demo']), rulesFile: join(dir, 'missing.json'), dashboardUrl: 'http://d/' })).rejects.toThrow(/cannot read/);
  });
});
